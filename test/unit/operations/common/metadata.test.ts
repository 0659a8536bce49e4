// User metadata: x-amz-meta-* ⇄ X-Object-Meta-*.
import { describe, expect, it } from 'vitest';
import {
  MAX_METADATA_BYTES,
  decodeMetaName,
  encodeMetaName,
  metadataFromSwift,
  metadataToSwift,
} from '../../../../src/operations/common/metadata.js';
import { S3Error } from '../../../../src/s3/errors.js';

describe('metadata names', () => {
  it('writes _ as %5F so Swift (WSGI) does not turn it into -', () => {
    expect(encodeMetaName('file_checksum')).toBe('file%5Fchecksum');
  });

  it('writes % as %25 so the escape is reversible', () => {
    expect(encodeMetaName('50%_off')).toBe('50%25%5Foff');
  });

  it('reads %5F, %5f and Swift s3api =5F back as _', () => {
    expect(decodeMetaName('a%5Fb')).toBe('a_b');
    expect(decodeMetaName('a%5fb')).toBe('a_b');
    expect(decodeMetaName('a=5Fb')).toBe('a_b');
  });

  for (const name of ['plain', 'snake_case', '100%', '%5F literal', 'mixed_%_%25_%5f', '_', '%']) {
    it(`round-trips the name ${JSON.stringify(name)}`, () => {
      expect(decodeMetaName(encodeMetaName(name))).toBe(name);
    });
  }
});

describe('metadataToSwift', () => {
  it('translates only x-amz-meta-* headers', () => {
    const out = metadataToSwift({
      'x-amz-meta-reviewedby': 'joe,jane',
      'x-amz-meta-file_checksum': '0x02661779',
      'x-amz-acl': 'public-read',
      'content-type': 'text/plain',
      'x-object-meta-sneaky': 'no',
    });
    expect(out).toEqual({ 'x-object-meta-reviewedby': 'joe,jane', 'x-object-meta-file%5Fchecksum': '0x02661779' });
  });

  it('uses the given prefix (e.g. for containers)', () => {
    expect(metadataToSwift({ 'x-amz-meta-a': '1' }, 'x-container-meta-')).toEqual({ 'x-container-meta-a': '1' });
  });

  it('accepts exactly 2 KB of names and values', () => {
    const value = 'v'.repeat(MAX_METADATA_BYTES - 4);
    expect(() => metadataToSwift({ 'x-amz-meta-name': value })).not.toThrow();
  });

  it('refuses more than 2 KB of names and values with MetadataTooLarge', () => {
    const value = 'v'.repeat(MAX_METADATA_BYTES - 3);
    let caught: unknown;
    try {
      metadataToSwift({ 'x-amz-meta-name': value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(S3Error);
    expect((caught as S3Error).code).toBe('MetadataTooLarge');
    expect((caught as S3Error).details).toMatchObject({ Size: MAX_METADATA_BYTES + 1, MaxSizeAllowed: 2048 });
  });

  it('adds up all the metadata headers against the limit', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 30; i++) headers[`x-amz-meta-k${String(i).padStart(2, '0')}`] = 'x'.repeat(66);
    expect(() => metadataToSwift(headers)).toThrow(S3Error);
  });
});

describe('metadataFromSwift', () => {
  it('answers x-amz-meta-* for X-Object-Meta-* and decodes the names', () => {
    expect(
      metadataFromSwift({
        'x-object-meta-reviewedby': 'joe',
        'x-object-meta-file%5fchecksum': '1',
        'x-object-meta-s3api=5fname': '2',
        'x-object-meta-pct%25': '3',
        'content-type': 'text/plain',
        'x-timestamp': '1',
      }),
    ).toEqual({
      'x-amz-meta-reviewedby': 'joe',
      'x-amz-meta-file_checksum': '1',
      'x-amz-meta-s3api_name': '2',
      'x-amz-meta-pct%': '3',
    });
  });

  it('round-trips through Swift', () => {
    const s3 = { 'x-amz-meta-a_b': '1', 'x-amz-meta-c%d': '2', 'x-amz-meta-plain': '3' };
    expect(metadataFromSwift(metadataToSwift(s3))).toEqual(s3);
  });
});

describe('reserved s3gw- metadata', () => {
  it('hides the gateway\'s own names (stored checksums) from x-amz-meta-*', () => {
    expect(metadataFromSwift({ 'x-object-meta-s3gw-checksum-crc32': 'yZRlqg==', 'x-object-meta-color': 'blue' }))
      .toEqual({ 'x-amz-meta-color': 'blue' });
  });

  it('refuses a client\'s x-amz-meta-s3gw-* with InvalidArgument, so a checksum cannot be forged', () => {
    expect(() => metadataToSwift({ 'x-amz-meta-s3gw-checksum-crc32': 'AAAAAA==' })).toThrow(S3Error);
  });
});

describe('stored content headers of an upload', () => {
  it('drops aws-chunked from Content-Encoding and keeps the rest', async () => {
    const { storedContentEncoding } = await import('../../../../src/operations/common/write-body.js');
    expect(storedContentEncoding('aws-chunked')).toBeUndefined();
    expect(storedContentEncoding('aws-chunked,gzip')).toBe('gzip');
    expect(storedContentEncoding('gzip, aws-chunked')).toBe('gzip');
    expect(storedContentEncoding(undefined)).toBeUndefined();
  });

  it('keeps every other value exactly as sent, lists and their spacing included', async () => {
    const { storedContentEncoding } = await import('../../../../src/operations/common/write-body.js');
    expect(storedContentEncoding('gzip, br')).toBe('gzip, br');
    expect(storedContentEncoding('gzip,br')).toBe('gzip,br');
    expect(storedContentEncoding('aws-chunked, gzip, br')).toBe('gzip, br');
    expect(storedContentEncoding('gzip, AWS-CHUNKED, br')).toBe('gzip, br');
    expect(storedContentEncoding('x-custom;q=1')).toBe('x-custom;q=1');
    expect(storedContentEncoding('identity')).toBe('identity');
  });
});
