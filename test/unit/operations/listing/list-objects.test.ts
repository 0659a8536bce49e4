// ListObjects / ListObjectsV2 parameters and paging, and Swift listing rows.
import { describe, expect, it } from 'vitest';
import { Sealer } from '../../../../src/swift/sealed-state.js';
import type { ObjectRow } from '../../../../src/swift/listing.js';
import {
  MAX_KEYS_LIMIT,
  decodeContinuationToken,
  encodeContinuationToken,
  parseListParams,
  parseMaxKeys,
  toPage,
} from '../../../../src/operations/listing/list-objects.js';
import { listingEtag, listingTimestamp, parseSwiftTimestamp, swiftIsoTimestamp } from '../../../../src/operations/common/listing-rows.js';
import { parseQuery } from '../../../../src/s3/request.js';
import { s3ErrorOf } from '../../../helpers/s3-error.js';

const obj = (name: string, bytes = 1): ObjectRow => ({
  name,
  hash: 'd41d8cd98f00b204e9800998ecf8427e',
  bytes,
  content_type: 'text/plain',
  last_modified: '2009-10-12T17:50:30.123456',
});
const dir = (subdir: string): ObjectRow => ({ subdir });

describe('parseMaxKeys', () => {
  it('defaults to 1000', () => {
    expect(parseMaxKeys(undefined)).toBe(1000);
    expect(parseMaxKeys('')).toBe(1000);
    expect(MAX_KEYS_LIMIT).toBe(1000);
  });

  it('reads 0 and small numbers as they are', () => {
    expect(parseMaxKeys('0')).toBe(0);
    expect(parseMaxKeys('50')).toBe(50);
    expect(parseMaxKeys(' 7 ')).toBe(7);
  });

  it('serves more than 1000 as 1000, as S3 does', () => {
    expect(parseMaxKeys('1001')).toBe(1000);
    expect(parseMaxKeys('99999999999999999999')).toBe(1000);
  });

  for (const bad of ['-1', 'abc', '1.5', '1e3', '0x10']) {
    it(`refuses max-keys=${bad} with InvalidArgument`, () => {
      const err = s3ErrorOf(() => parseMaxKeys(bad));
      expect(err.code).toBe('InvalidArgument');
      expect(err.details).toMatchObject({ ArgumentName: 'max-keys', ArgumentValue: bad });
    });
  }
});

describe('parseListParams', () => {
  it('reads prefix, delimiter, max-keys and encoding-type', () => {
    expect(parseListParams(parseQuery('prefix=photos%2F&delimiter=%2F&max-keys=50&encoding-type=url'))).toEqual({
      prefix: 'photos/',
      delimiter: '/',
      maxKeys: 50,
      encodingType: 'url',
    });
  });

  it('defaults to no prefix, no delimiter, 1000 keys and no encoding', () => {
    expect(parseListParams(parseQuery(''))).toEqual({ prefix: '', delimiter: undefined, maxKeys: 1000, encodingType: undefined });
  });

  it('treats an empty delimiter as none', () => {
    expect(parseListParams(parseQuery('delimiter=')).delimiter).toBeUndefined();
  });

  it('decodes + in the prefix as a space', () => {
    expect(parseListParams(parseQuery('prefix=my+photos')).prefix).toBe('my photos');
  });

  it('refuses an encoding-type other than url with InvalidArgument', () => {
    const err = s3ErrorOf(() => parseListParams(parseQuery('encoding-type=base64')));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details.ArgumentName).toBe('encoding-type');
  });
});

describe('toPage', () => {
  it('returns every row when they fit, not truncated', () => {
    const page = toPage([obj('a'), obj('b', 10)], 1000, '');
    expect(page.isTruncated).toBe(false);
    expect(page.contents.map((c) => c.key)).toEqual(['a', 'b']);
    expect(page.contents[1]).toEqual({
      key: 'b',
      lastModified: '2009-10-12T17:50:31.000Z',
      etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      size: 10,
      storageClass: 'STANDARD',
    });
    expect(page.last).toBe('b');
  });

  it('is truncated when one more row than max-keys came back', () => {
    const page = toPage([obj('a'), obj('b'), obj('c')], 2, '');
    expect(page.isTruncated).toBe(true);
    expect(page.contents.map((c) => c.key)).toEqual(['a', 'b']);
    expect(page.last).toBe('b');
  });

  it('is not truncated when exactly max-keys rows came back', () => {
    expect(toPage([obj('a'), obj('b')], 2, '').isTruncated).toBe(false);
  });

  it('counts keys and common prefixes together against max-keys', () => {
    const page = toPage([obj('a'), dir('d/'), obj('e'), dir('f/')], 3, '');
    expect(page.contents.map((c) => c.key)).toEqual(['a', 'e']);
    expect(page.commonPrefixes).toEqual(['d/']);
    expect(page.isTruncated).toBe(true);
    expect(page.last).toBe('e');
  });

  it('skips a common prefix equal to the marker (already returned on the previous page)', () => {
    const page = toPage([dir('photos/'), obj('q'), dir('z/')], 2, 'photos/');
    expect(page.commonPrefixes).toEqual(['z/']);
    expect(page.contents.map((c) => c.key)).toEqual(['q']);
    expect(page.isTruncated).toBe(false);
  });

  it('does not skip an object whose name equals the marker text of a prefix', () => {
    expect(toPage([obj('photos/')], 5, 'photos/').contents).toHaveLength(1);
  });

  it('with max-keys=0 returns nothing and is never truncated (S3 answers an empty page)', () => {
    expect(toPage([obj('a')], 0, '')).toMatchObject({ contents: [], commonPrefixes: [], isTruncated: false });
    expect(toPage([], 0, '')).toMatchObject({ contents: [], isTruncated: false, last: undefined });
  });

  it('gives a row without bytes size 0 and a missing hash an empty quoted ETag', () => {
    const page = toPage([{ name: 'x' }], 5, '');
    expect(page.contents[0]).toMatchObject({ size: 0, etag: '""' });
  });
});

describe('continuation tokens', () => {
  for (const marker of ['', 'photos/puppy.jpg', 'a b+c/é/한글', 'x'.repeat(1024)]) {
    it(`round-trips the marker ${JSON.stringify(marker.slice(0, 20))}`, () => {
      const token = encodeContinuationToken(marker);
      expect(token).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeContinuationToken(token)).toBe(marker);
    });
  }

  it('refuses a token with characters outside base64url with InvalidArgument', () => {
    const err = s3ErrorOf(() => decodeContinuationToken('abc+/=='));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details.ArgumentName).toBe('continuation-token');
  });

  // Found by the fuzzer: 5000 `x` decoded to 3750 bytes of invalid UTF-8, sent
  // to Swift as a marker of U+FFFD too long for its request line: a 500.
  for (const [what, token] of [
    ['is not the base64url of UTF-8', 'x'.repeat(5000)],
    ['decodes to invalid UTF-8', Buffer.from([0xff, 0xfe, 0x41]).toString('base64url')],
    ['carries a marker longer than a key (1024 bytes)', encodeContinuationToken('k'.repeat(1025))],
    ['is not in the canonical form this gateway writes', 'QQ=='.replace('==', '') + 'x'],
  ] as const) {
    it(`refuses a token that ${what} with InvalidArgument, as one this gateway never issued`, () => {
      const err = s3ErrorOf(() => decodeContinuationToken(token));
      expect(err.code).toBe('InvalidArgument');
      expect(err.details.ArgumentName).toBe('continuation-token');
    });
  }
});

describe('parseSwiftTimestamp', () => {
  it('reads microseconds as milliseconds in UTC', () => {
    expect(parseSwiftTimestamp('2009-10-12T17:50:30.123456').toISOString()).toBe('2009-10-12T17:50:30.123Z');
  });

  it('reads a timestamp without fraction', () => {
    expect(parseSwiftTimestamp('2009-10-12T17:50:30').toISOString()).toBe('2009-10-12T17:50:30.000Z');
  });

  it('truncates rather than rounds the microseconds', () => {
    expect(parseSwiftTimestamp('2009-10-12T17:50:30.999999').toISOString()).toBe('2009-10-12T17:50:30.999Z');
  });

  it('reads a missing timestamp as the epoch', () => {
    expect(parseSwiftTimestamp(undefined).getTime()).toBe(0);
  });
});

describe('swiftIsoTimestamp (the listing fast path)', () => {
  /** What the listings wrote before: a Date per row. */
  const throughDate = (value: string | undefined): string => {
    try {
      return parseSwiftTimestamp(value).toISOString();
    } catch (err) {
      return `throws ${(err as Error).name}`;
    }
  };
  const viaFastPath = (value: string | undefined): string => {
    try {
      return swiftIsoTimestamp(value);
    } catch (err) {
      return `throws ${(err as Error).name}`;
    }
  };

  it('gives what parseSwiftTimestamp + toISOString give for the forms Swift writes and odd ones', () => {
    const cases = [
      undefined, '', '2009-10-12T17:50:30.123456', '2009-10-12T17:50:30', '2009-10-12T17:50:30.999999', '2009-10-12T17:50:30.1',
      '2009-10-12T17:50:30.12', '2009-10-12T17:50:30.', '2009-10-12T17:50:30.123456+00:00', '2009-10-12T17:50:30Z', '2009-02-29T00:00:00.000000',
      '2008-02-29T00:00:00.5', '2009-04-31T00:00:00', '2009-13-01T00:00:00', '2009-00-10T00:00:00', '2009-10-12T24:00:00', '2009-10-12T23:60:00',
      '0000-01-01T00:00:00.000001', '9999-12-31T23:59:59.999999', '2009-10-12 17:50:30.123', 'garbage', '2009-1a-12T17:50:30', '2009-10-12T17:50:30.12x',
    ];
    for (const value of cases) expect(viaFastPath(value), String(value)).toBe(throughDate(value));
  });

  it('agrees with the Date path on 20,000 generated timestamps', () => {
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const two = (n: number) => String(n).padStart(2, '0');
    for (let i = 0; i < 20_000; i++) {
      const base = `${String(Math.floor(next() * 10000)).padStart(4, '0')}-${two(Math.floor(next() * 14))}-${two(Math.floor(next() * 33))}T${two(Math.floor(next() * 25))}:${two(Math.floor(next() * 61))}:${two(Math.floor(next() * 61))}`;
      const fraction = next() < 0.2 ? '' : '.' + String(Math.floor(next() * 1e6)).padStart(6, '0').slice(0, 1 + Math.floor(next() * 6));
      const value = base + fraction;
      expect(viaFastPath(value), value).toBe(throughDate(value));
    }
  });
});

describe('listingTimestamp (a listing row as HeadObject says it)', () => {
  /** Swift's object server: Last-Modified = ceil(timestamp) seconds. */
  const oracle = (value: string): string => {
    const m = /^(.{19})(?:\.(\d+))?$/.exec(value)!;
    const seconds = Date.parse(`${m[1]}Z`) / 1000 + (m[2] ? Number(`0.${m[2]}`) : 0);
    return new Date(Math.ceil(seconds) * 1000).toISOString();
  };

  it('rounds microseconds up to the next second, as Last-Modified does, and keeps whole seconds', () => {
    expect(listingTimestamp('2009-10-12T17:50:30.123456')).toBe('2009-10-12T17:50:31.000Z');
    expect(listingTimestamp('2009-10-12T17:50:30.000001')).toBe('2009-10-12T17:50:31.000Z');
    expect(listingTimestamp('2009-10-12T17:50:30.000000')).toBe('2009-10-12T17:50:30.000Z');
    expect(listingTimestamp('2009-10-12T17:50:30')).toBe('2009-10-12T17:50:30.000Z');
    expect(listingTimestamp('2009-12-31T23:59:59.5')).toBe('2010-01-01T00:00:00.000Z');
  });

  it('agrees with ceil() on 20,000 generated valid timestamps', () => {
    let seed = 777;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      const base = new Date(Math.floor(next() * 4e12)).toISOString().slice(0, 19);
      const fraction = next() < 0.2 ? '' : '.' + String(Math.floor(next() * 1e6)).padStart(6, '0');
      expect(listingTimestamp(base + fraction), base + fraction).toBe(oracle(base + fraction));
    }
  });
});

describe('listingEtag', () => {
  it('quotes a plain MD5, with or without a plain content type', () => {
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e', 'application/octet-stream')).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e', '')).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });

  it("prefers the gateway's stored multipart ETag over a plain MD5, when its seal verifies", () => {
    const sealer = new Sealer(Buffer.alloc(32, 1));
    const target = { container: 'b', object: 'k', size: 12 };
    const sealed = 'application/octet-stream' + sealer.etagParams(target, '9b2cf535f27731c974343645a3985328-2');
    const row = { name: 'k', bytes: 12, content_type: sealed };
    const verify = (r: typeof row) => sealer.verifiedEtag({ container: 'b', object: r.name, size: r.bytes }, r.content_type);
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e', sealed, verify, row)).toBe('"9b2cf535f27731c974343645a3985328-2"');
    // Forged: no seal, a seal of another object, or another key's seal.
    const unsealed = { ...row, content_type: 'application/octet-stream;s3gw_etag=9b2cf535f27731c974343645a3985328-2' };
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e', unsealed.content_type, verify, unsealed)).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e', sealed, verify, { ...row, name: 'other' })).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    const otherKey = (r: typeof row) => new Sealer(Buffer.alloc(32, 2)).verifiedEtag({ container: 'b', object: r.name, size: r.bytes }, r.content_type);
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e', sealed, otherKey, row)).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });

  it('quotes a plain MD5', () => {
    expect(listingEtag('d41d8cd98f00b204e9800998ecf8427e')).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });

  it('takes a multipart object S3 ETag from the s3_etag parameter', () => {
    expect(listingEtag('0123456789abcdef0123456789abcdef; s3_etag=9b2cf535f27731c974343645a3985328-3')).toBe('"9b2cf535f27731c974343645a3985328-3"');
  });

  it('ignores other parameters', () => {
    expect(listingEtag('abc; other=1')).toBe('"abc"');
  });

  it('does not double-quote an already quoted hash', () => {
    expect(listingEtag('"abc"')).toBe('"abc"');
  });

  it('gives an empty quoted ETag for no hash', () => {
    expect(listingEtag(undefined)).toBe('""');
  });
});
