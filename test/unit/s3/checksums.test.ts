// CRCs against their published check values, and how a request's checksum
// declaration is read.
import { describe, expect, it } from 'vitest';
import { crc32, crc32c, crc64nvme, type Crc } from '../../../src/s3/crc.js';
import { checksumOf, isWellFormedChecksum, requestChecksum } from '../../../src/s3/checksums.js';
import { S3Error } from '../../../src/s3/errors.js';

const CHECK = Buffer.from('123456789');

function hex(make: () => Crc, ...parts: Buffer[]): string {
  const c = make();
  for (const p of parts) c.update(p);
  return c.digest().toString('hex');
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof S3Error) return err.code;
    throw err;
  }
  return undefined;
}

describe('CRC check values ("123456789", from the CRC catalogue)', () => {
  it('CRC32 is cbf43926', () => expect(hex(crc32, CHECK)).toBe('cbf43926'));
  it('CRC32C is e3069283', () => expect(hex(crc32c, CHECK)).toBe('e3069283'));
  it('CRC64NVME is ae8b14860a799888', () => expect(hex(crc64nvme, CHECK)).toBe('ae8b14860a799888'));

  it('gives the same digest however the bytes are split', () => {
    for (const make of [crc32, crc32c, crc64nvme]) {
      expect(hex(make, CHECK.subarray(0, 4), CHECK.subarray(4))).toBe(hex(make, CHECK));
    }
  });

  it('has the empty-input values S3 reports for empty objects', () => {
    expect(checksumOf('crc32', Buffer.alloc(0))).toBe('AAAAAA==');
    expect(checksumOf('crc64nvme', Buffer.alloc(0))).toBe('AAAAAAAAAAA=');
    expect(checksumOf('sha256', Buffer.alloc(0))).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});

describe('requestChecksum', () => {
  it('reads a header checksum and its algorithm', () => {
    expect(requestChecksum({ 'x-amz-checksum-crc32': 'yZRlqg==', 'x-amz-sdk-checksum-algorithm': 'CRC32' }))
      .toEqual({ algorithm: 'crc32', location: 'header', expected: 'yZRlqg==' });
  });

  it('reads a trailer checksum from x-amz-trailer', () => {
    expect(requestChecksum({ 'x-amz-trailer': 'x-amz-checksum-crc64nvme' })).toEqual({ algorithm: 'crc64nvme', location: 'trailer' });
  });

  it('has nothing to say about a request without one', () => {
    expect(requestChecksum({ 'content-type': 'text/plain', 'x-amz-checksum-mode': 'ENABLED' })).toBeUndefined();
  });

  it('refuses two checksums, a malformed value, or an algorithm without a checksum with InvalidRequest', () => {
    expect(code(() => requestChecksum({ 'x-amz-checksum-crc32': 'yZRlqg==', 'x-amz-checksum-sha1': 'x' }))).toBe('InvalidRequest');
    expect(code(() => requestChecksum({ 'x-amz-checksum-crc32': 'yZRlqg' }))).toBe('InvalidRequest');
    expect(code(() => requestChecksum({ 'x-amz-checksum-crc32': 'AAAAAAAAAAA=' }))).toBe('InvalidRequest');
    expect(code(() => requestChecksum({ 'x-amz-sdk-checksum-algorithm': 'CRC32' }))).toBe('InvalidRequest');
    expect(code(() => requestChecksum({ 'x-amz-sdk-checksum-algorithm': 'MD5', 'x-amz-checksum-crc32': 'yZRlqg==' }))).toBe('InvalidRequest');
  });

  it('knows each algorithm\'s encoded length', () => {
    expect(isWellFormedChecksum('sha1', checksumOf('sha1', CHECK))).toBe(true);
    expect(isWellFormedChecksum('sha256', checksumOf('sha1', CHECK))).toBe(false);
  });
});
