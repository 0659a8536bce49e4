// The pure pieces of conditional writes and the bucket corners: what each
// request header or parameter means, and what is refused before any Swift call.
import { describe, expect, it } from 'vitest';
import { isS3Error } from '../../../../src/s3/errors.js';
import { parseWriteCondition } from '../../../../src/operations/common/write-conditions.js';
import { checkStorageClass } from '../../../../src/operations/common/unsupported-headers.js';
import { checkLocationConstraint } from '../../../../src/operations/bucket/bucket.js';
import { parseListBucketsParams } from '../../../../src/operations/service.js';
import { claimName, claimPrefix } from '../../../../src/operations/common/key-claim.js';
import { isPartName } from '../../../../src/operations/multipart/layout.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return isS3Error(err) ? err.code : String(err);
  }
};

describe('parseWriteCondition', () => {
  it('reads If-None-Match: * and If-Match; no header is no condition', () => {
    expect(parseWriteCondition({})).toBeUndefined();
    expect(parseWriteCondition({ 'if-none-match': '*' })).toEqual({ absent: true });
    expect(parseWriteCondition({ 'if-match': '"abc"' })).toEqual({ ifMatch: '"abc"' });
    expect(parseWriteCondition({ 'if-match': '"abc"', 'if-none-match': '*' })).toEqual({ absent: true, ifMatch: '"abc"' });
  });

  it('refuses an ETag in If-None-Match on a write (NotImplemented) and an empty If-Match; a delete ignores If-None-Match', () => {
    expect(codeOf(() => parseWriteCondition({ 'if-none-match': '"abc"' }))).toBe('NotImplemented');
    expect(codeOf(() => parseWriteCondition({ 'if-match': '' }))).toBe('InvalidArgument');
    expect(parseWriteCondition({ 'if-none-match': '"abc"' }, 'delete')).toBeUndefined();
  });
});

describe('claim names', () => {
  it('end in /0, which upload listings hide, and start with the key prefix the election lists', () => {
    const name = claimName('a/b', '123e4567-e89b-12d3-a456-426614174000');
    expect(name.startsWith(claimPrefix('a/b'))).toBe(true);
    expect(isPartName(name)).toBe(true);
  });
});

describe('checkStorageClass', () => {
  it('takes STANDARD (or none) and refuses every other class as InvalidStorageClass', () => {
    expect(codeOf(() => checkStorageClass(undefined))).toBe('ok');
    expect(codeOf(() => checkStorageClass('STANDARD'))).toBe('ok');
    for (const c of ['GLACIER', 'REDUCED_REDUNDANCY', 'EXPRESS_ONEZONE', 'standard', 'FANCY']) expect(codeOf(() => checkStorageClass(c)), c).toBe('InvalidStorageClass');
  });
});

describe('checkLocationConstraint', () => {
  const accepted = ['kr-central-1', 'us-east-1', 'eu-west-1'];
  it('accepts none, the region and any accepted region; another region name is IllegalLocationConstraintException, junk InvalidLocationConstraint', () => {
    for (const l of [undefined, '', 'kr-central-1', 'us-east-1', 'eu-west-1']) expect(codeOf(() => checkLocationConstraint(l, 'kr-central-1', accepted)), String(l)).toBe('ok');
    expect(codeOf(() => checkLocationConstraint('ap-south-2', 'kr-central-1', accepted))).toBe('IllegalLocationConstraintException');
    expect(codeOf(() => checkLocationConstraint('EU', 'kr-central-1', accepted))).toBe('IllegalLocationConstraintException');
    expect(codeOf(() => checkLocationConstraint('not a region', 'kr-central-1', accepted))).toBe('InvalidLocationConstraint');
  });
});

describe('parseListBucketsParams', () => {
  const q = (s: string) => new Map(new URLSearchParams(s));
  it('lists everything without paging parameters, pages by 10,000 with one but no max-buckets', () => {
    expect(parseListBucketsParams(q(''))).toEqual({ maxBuckets: undefined, prefix: undefined, after: undefined, region: undefined });
    expect(parseListBucketsParams(q('prefix=a')).maxBuckets).toBe(10_000);
    expect(parseListBucketsParams(q('bucket-region=x')).maxBuckets).toBe(10_000);
    expect(parseListBucketsParams(q('max-buckets=7&prefix=p')).maxBuckets).toBe(7);
  });

  it('reads back its own continuation token and refuses bad max-buckets or tokens', () => {
    const token = Buffer.from('bucket-9', 'utf8').toString('base64url');
    expect(parseListBucketsParams(q(`continuation-token=${token}`)).after).toBe('bucket-9');
    for (const bad of ['max-buckets=0', 'max-buckets=10001', 'max-buckets=-1', 'max-buckets=1.5', 'continuation-token=%2A%2A', 'continuation-token=A']) {
      expect(codeOf(() => parseListBucketsParams(q(bad))), bad).toBe('InvalidArgument');
    }
  });
});
