// Where a write's tags go: on the object when they fit beside its metadata
// within Swift's limits, else a record; and the x-amz-tagging-directive.
import { describe, expect, it } from 'vitest';
import { isS3Error } from '../../../../src/s3/errors.js';
import { encodeTagQuery } from '../../../../src/s3/tagging.js';
import { parseTaggingDirective, tagItemsOf, tagsFitOnObject, withoutTagItems } from '../../../../src/operations/tagging/write-tags.js';
import { decodeRecordBody, encodeRecordBody } from '../../../../src/operations/tagging/records.js';

const SWIFT = { maxMetaCount: 90, maxMetaValueLength: 256, maxMetaOverallSize: 4096 };
const meta = (n: number, valueBytes: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-object-meta-m${i}`, 'v'.repeat(valueBytes)]));

describe('tagsFitOnObject', () => {
  const small = encodeTagQuery(new Map([['project', 'alpha'], ['tier', 'gold']]));

  it('a small set fits beside ordinary metadata', () => {
    expect(tagsFitOnObject(small, meta(3, 20), { 'acl-owner': 'x' }, SWIFT)).toBe(true);
  });

  it('a set longer than one Swift metadata value never goes on the object', () => {
    const long = encodeTagQuery(new Map([['k', 'v'.repeat(255)]]));
    expect(long.length).toBeGreaterThan(256);
    expect(tagsFitOnObject(long, {}, {}, SWIFT)).toBe(false);
  });

  it('next to 2 KB of user metadata and other items, the total and the count decide', () => {
    // 8 × (2 + 254) = 2048 bytes of user metadata: 2048 + headroom 160 + slack 512 + tags item leave room for a small set.
    expect(tagsFitOnObject(small, meta(8, 254), {}, SWIFT)).toBe(true);
    expect(tagsFitOnObject(small, meta(8, 254), { big: 'x'.repeat(1400) }, SWIFT)).toBe(false);
    expect(tagsFitOnObject(small, meta(86, 1), {}, SWIFT)).toBe(true);
    expect(tagsFitOnObject(small, meta(87, 1), {}, SWIFT)).toBe(false);
  });

  it('ignores the object\'s own tag items and the reserved metadata headers (counted as headroom)', () => {
    expect(tagsFitOnObject(small, { 'x-object-meta-s3gw-checksum-crc32': 'x'.repeat(3000) }, { tags: 'x'.repeat(3000), 'tag-ref': 'r' }, SWIFT)).toBe(true);
  });
});

describe('tag items', () => {
  it('picks and drops only the tag items', () => {
    const items = { tags: 'a=1', 'tag-ref': 'r', 'acl-owner': 'o', 'lock-mode': 'GOVERNANCE' };
    expect(tagItemsOf(items)).toEqual({ tags: 'a=1', 'tag-ref': 'r' });
    expect(withoutTagItems(items)).toEqual({ 'acl-owner': 'o', 'lock-mode': 'GOVERNANCE' });
  });

  it('a record body round-trips in order; anything else is no record', () => {
    const tags = new Map([['키', '값'], ['b', '']]);
    expect(decodeRecordBody(encodeRecordBody(tags))).toEqual(tags);
    for (const bad of ['', '{}', '[["a"]]', '[[1,2]]', 'nope']) expect(decodeRecordBody(Buffer.from(bad))).toBeUndefined();
  });
});

describe('x-amz-tagging-directive', () => {
  it('COPY by default, REPLACE, anything else InvalidArgument', () => {
    expect(parseTaggingDirective(undefined)).toBe('COPY');
    expect(parseTaggingDirective('REPLACE')).toBe('REPLACE');
    try {
      parseTaggingDirective('copy');
      throw new Error('accepted');
    } catch (err) {
      expect(isS3Error(err) && err.code).toBe('InvalidArgument');
    }
  });
});
