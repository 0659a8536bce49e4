// A listing's LastModified names the second HEAD's Last-Modified names: Swift
// rounds an object's timestamp up to the whole second for HEAD, and its own
// s3api does the same in listings (S3Timestamp.s3xmlformat).
import { describe, expect, it } from 'vitest';
import { listingTimestamp } from '../../../../src/operations/common/listing-rows.js';

/** What Swift's HEAD would say (math.ceil of the timestamp), as S3 XML. */
function ceilOracle(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d*))?$/.exec(value)!;
  const whole = Date.parse(`${m[1]}Z`);
  const up = m[2] !== undefined && /[1-9]/.test(m[2]) ? 1000 : 0;
  return new Date(whole + up).toISOString();
}

describe('listingTimestamp', () => {
  it('rounds a sub-second timestamp up to the next whole second, as Swift\'s HEAD and s3api do', () => {
    expect(listingTimestamp('2009-10-12T17:50:30.123456')).toBe('2009-10-12T17:50:31.000Z');
    expect(listingTimestamp('2009-10-12T17:50:30.000001')).toBe('2009-10-12T17:50:31.000Z');
    expect(listingTimestamp('2009-10-12T17:50:30.000000')).toBe('2009-10-12T17:50:30.000Z');
    expect(listingTimestamp('2009-10-12T17:50:30')).toBe('2009-10-12T17:50:30.000Z');
  });

  it('carries into the minute, hour, day, month and year', () => {
    expect(listingTimestamp('2009-10-12T17:50:59.5')).toBe('2009-10-12T17:51:00.000Z');
    expect(listingTimestamp('2009-10-12T23:59:59.5')).toBe('2009-10-13T00:00:00.000Z');
    expect(listingTimestamp('2008-02-28T23:59:59.1')).toBe('2008-02-29T00:00:00.000Z');
    expect(listingTimestamp('2009-12-31T23:59:59.999999')).toBe('2010-01-01T00:00:00.000Z');
  });

  it('agrees with a ceil oracle on 5,000 generated timestamps', () => {
    let seed = 99;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 5000; i++) {
      const base = `${2000 + rand(40)}-${pad(1 + rand(12))}-${pad(1 + rand(28))}T${pad(rand(24))}:${pad(rand(60))}:${pad(rand(60))}`;
      const fraction = rand(4) === 0 ? '' : `.${pad(rand(1_000_000), 6)}`;
      expect(listingTimestamp(base + fraction), base + fraction).toBe(ceilOracle(base + fraction));
    }
  });
});
