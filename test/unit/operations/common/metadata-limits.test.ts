// Swift's per-object metadata limits, named in S3 terms before Swift is asked.
import { describe, expect, it } from 'vitest';
import { RESERVED_META_HEADROOM, checkMetadataLimits, swiftMetadataError } from '../../../../src/operations/common/metadata-limits.js';
import { metadataToSwift } from '../../../../src/operations/common/metadata.js';
import { SWIFT_DEFAULT_LIMITS, limitsFromInfo } from '../../../../src/swift/info.js';
import { s3ErrorOf } from '../../../helpers/s3-error.js';

const LIMITS = SWIFT_DEFAULT_LIMITS;
const check = (meta: Record<string, string>) => () => checkMetadataLimits(metadataToSwift(meta), LIMITS);

describe('limitsFromInfo', () => {
  it("reads the metadata limits from /info's swift section, with Swift's defaults otherwise", () => {
    const limits = limitsFromInfo({ swift: { max_meta_count: 10, max_meta_name_length: 64, max_meta_value_length: 100, max_meta_overall_size: 1000 } });
    expect(limits).toMatchObject({ maxMetaCount: 10, maxMetaNameLength: 64, maxMetaValueLength: 100, maxMetaOverallSize: 1000 });
    expect(limitsFromInfo({})).toMatchObject({ maxMetaCount: 90, maxMetaNameLength: 128, maxMetaValueLength: 256, maxMetaOverallSize: 4096 });
  });
});

describe('checkMetadataLimits', () => {
  it('accepts metadata within every limit', () => {
    expect(check({ 'x-amz-meta-a': 'v'.repeat(256), ['x-amz-meta-' + 'n'.repeat(128)]: '1' })).not.toThrow();
  });

  it('names the header and both sizes when a value is over max_meta_value_length', () => {
    const err = s3ErrorOf(check({ 'x-amz-meta-foo': 'v'.repeat(300) }));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details).toEqual({ ArgumentName: 'x-amz-meta-foo' });
    expect(err.message).toBe('The metadata value of x-amz-meta-foo is 300 bytes; this Swift cluster allows 256.');
  });

  it('counts a name as Swift stores it: an escaped _ takes three bytes', () => {
    const name = 'a_'.repeat(43); // 86 characters, 172 bytes once _ is written %5F
    const err = s3ErrorOf(check({ [`x-amz-meta-${name}`]: '1' }));
    expect(err.details).toEqual({ ArgumentName: `x-amz-meta-${name}` });
    expect(err.message).toBe(`The metadata name x-amz-meta-${name} is 172 bytes as Swift stores it; this Swift cluster allows 128.`);
  });

  it('leaves room for the reserved items: max_meta_count minus the headroom is the most a client may send', () => {
    const allowed = LIMITS.maxMetaCount - RESERVED_META_HEADROOM.items;
    const meta = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-amz-meta-m${i}`, '1']));
    expect(check(meta(allowed))).not.toThrow();
    const err = s3ErrorOf(check(meta(allowed + 1)));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details.ArgumentName).toBe(`x-amz-meta-m${allowed}`);
    expect(err.message).toBe(`${LIMITS.maxMetaCount + 1} metadata items; this Swift cluster allows ${LIMITS.maxMetaCount} per object, ${RESERVED_META_HEADROOM.items} of them kept for the gateway's own use.`);
  });

  it("answers MetadataTooLarge naming the cluster's total when it is stricter than S3's 2 KB", () => {
    const small = { ...LIMITS, maxMetaOverallSize: 900 };
    const err = s3ErrorOf(() => checkMetadataLimits(metadataToSwift({ 'x-amz-meta-a': 'v'.repeat(200), 'x-amz-meta-b': 'v'.repeat(200), 'x-amz-meta-c': 'v'.repeat(200), 'x-amz-meta-d': 'v'.repeat(200) }), small));
    expect(err.code).toBe('MetadataTooLarge');
    expect(err.details).toEqual({ MaxSizeAllowed: 900, Size: 804 + RESERVED_META_HEADROOM.bytes });
  });

  it('ignores the reserved items themselves (they are the headroom)', () => {
    expect(() => checkMetadataLimits({ 'x-object-meta-s3gw-acl': 'x'.repeat(300) }, LIMITS)).not.toThrow();
  });
});

describe('swiftMetadataError', () => {
  // The texts of swift/common/constraints.py check_metadata.
  it("maps Swift's value text to the same error", () => {
    const err = swiftMetadataError('Metadata value longer than 256: x-object-meta-Foo%5Fbar')!;
    expect(err.details).toEqual({ ArgumentName: 'x-amz-meta-foo_bar' });
    expect(err.message).toBe('The metadata value of x-amz-meta-foo_bar is more than 256 bytes; this Swift cluster allows 256.');
  });

  it("maps Swift's name, count and total texts", () => {
    expect(swiftMetadataError('Metadata name too long: x-object-meta-Abc')!.details).toEqual({ ArgumentName: 'x-amz-meta-abc' });
    expect(swiftMetadataError('Too many metadata items; max 90')!.message).toBe('Too many metadata items; this Swift cluster allows 90 per object.');
    expect(swiftMetadataError('Total metadata too large; max 4096')!.code).toBe('MetadataTooLarge');
  });

  it('leaves any other 400 alone', () => {
    expect(swiftMetadataError('Invalid Content-Type')).toBeUndefined();
  });
});
