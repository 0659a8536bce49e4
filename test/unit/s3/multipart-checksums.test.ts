// Multipart checksums: what CreateMultipartUpload may declare, a part's
// checksum as kept in Swift, the object's COMPOSITE and FULL_OBJECT values,
// and CompleteMultipartUpload's x-amz-checksum-* header.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../../src/s3/checksums.js';
import { S3Error } from '../../../src/s3/errors.js';
import { decodePartChecksum, encodePartChecksum, objectChecksum, statedObjectChecksum, uploadChecksum } from '../../../src/s3/multipart-checksums.js';

const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as S3Error).code; } return undefined; };

describe('uploadChecksum (CreateMultipartUpload)', () => {
  it('defaults the type as S3 does and refuses the combinations S3 refuses', () => {
    expect(uploadChecksum({ 'x-amz-checksum-algorithm': 'crc32c' })).toEqual({ algorithm: 'crc32c', type: 'COMPOSITE' });
    expect(uploadChecksum({ 'x-amz-checksum-algorithm': 'CRC64NVME' })).toEqual({ algorithm: 'crc64nvme', type: 'FULL_OBJECT' });
    expect(uploadChecksum({ 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'FULL_OBJECT' })).toEqual({ algorithm: 'crc32', type: 'FULL_OBJECT' });
    expect(uploadChecksum({})).toBeUndefined();
    for (const h of [{ 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-type': 'FULL_OBJECT' } as Record<string, string>, { 'x-amz-checksum-algorithm': 'CRC64NVME', 'x-amz-checksum-type': 'COMPOSITE' },
      { 'x-amz-checksum-type': 'COMPOSITE' }, { 'x-amz-checksum-algorithm': 'MD5' }, { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'PARTIAL' }]) {
      expect(code(() => uploadChecksum(h)), JSON.stringify(h)).toBe('InvalidRequest');
    }
  });
});

describe('part checksums and the object checksum', () => {
  it('keeps a part checksum as <algorithm>.<hex> and reads it back; anything else is none', () => {
    const c = { algorithm: 'sha256' as const, value: checksumOf('sha256', Buffer.from('x')) };
    expect(decodePartChecksum(encodePartChecksum(c))).toEqual(c);
    expect(decodePartChecksum('sha256.00')).toBeUndefined();
    expect(decodePartChecksum('md5.00112233')).toBeUndefined();
  });

  it('COMPOSITE is the checksum of the parts\' checksums, -N; FULL_OBJECT the CRC of the whole', () => {
    const parts = [Buffer.from('first part'), Buffer.from('second')];
    const sums = parts.map((p) => checksumOf('sha1', p));
    const h = createHash('sha1');
    for (const s of sums) h.update(Buffer.from(s, 'base64'));
    expect(objectChecksum({ algorithm: 'sha1', type: 'COMPOSITE' }, sums.map((value, i) => ({ value, size: parts[i]!.length })))).toBe(`${h.digest('base64')}-2`);
    const crcs = parts.map((p) => ({ value: checksumOf('crc64nvme', p), size: p.length }));
    expect(objectChecksum({ algorithm: 'crc64nvme', type: 'FULL_OBJECT' }, crcs)).toBe(checksumOf('crc64nvme', Buffer.concat(parts)));
  });

  it('statedObjectChecksum reads a -N value as COMPOSITE, a bare one as FULL_OBJECT unless told, and refuses a malformed one', () => {
    expect(statedObjectChecksum({ 'x-amz-checksum-crc32c': 'AAAAAA==-3' })).toEqual({ algorithm: 'crc32c', value: 'AAAAAA==-3', type: 'COMPOSITE', typeStated: true });
    // Bare, with no type header: minio-go's composite CRC32C looks like this; the upload's declared type decides.
    expect(statedObjectChecksum({ 'x-amz-checksum-crc32': 'AAAAAA==' })).toEqual({ algorithm: 'crc32', value: 'AAAAAA==', type: 'FULL_OBJECT', typeStated: false });
    expect(statedObjectChecksum({ 'x-amz-checksum-sha1': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })!.type).toBe('COMPOSITE');
    expect(statedObjectChecksum({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-type': 'COMPOSITE' })!.type).toBe('COMPOSITE');
    expect(code(() => statedObjectChecksum({ 'x-amz-checksum-crc32': 'AAAAAA==-2', 'x-amz-checksum-type': 'FULL_OBJECT' }))).toBe('InvalidRequest');
    expect(code(() => statedObjectChecksum({ 'x-amz-checksum-crc32': 'nope-2' }))).toBe('InvalidRequest');
    expect(statedObjectChecksum({})).toBeUndefined();
  });
});
