// Seals on the gateway's own metadata: what verifies, and what a writer
// without the key (the Swift API, s3api's x-amz-meta-s3gw-*) cannot make verify.
import { describe, expect, it } from 'vitest';
import { SEAL_META, Sealer, clientContentType, etagParamsOf, reservedItems, withoutEtagParams } from '../../../src/operations/seal.js';

const sealer = new Sealer(Buffer.alloc(32, 9));
const target = { container: 'bucket', object: 'key', size: 5 };
const CRC = 'x-object-meta-s3gw-checksum-crc32';

describe('Sealer', () => {
  it('verifies what it sealed, and only for the same object and size', () => {
    const headers: Record<string, string> = { 'content-type': 'text/plain', [CRC]: 'NhCmhg==', 'x-object-meta-user': 'u' };
    sealer.seal(target, headers);
    expect(headers[SEAL_META]).toMatch(/^v1\.[A-Za-z0-9_-]{22}$/);
    expect(sealer.verified(target, headers)).toEqual({ [CRC]: 'NhCmhg==' });
    expect(sealer.verified({ ...target, object: 'copy' }, headers)).toEqual({});
    expect(sealer.verified({ ...target, size: 6 }, headers)).toEqual({});
    expect(new Sealer(Buffer.alloc(32, 8)).verified(target, headers)).toEqual({});
  });

  it('treats forged, added or changed items as absent', () => {
    const headers: Record<string, string> = { [CRC]: 'NhCmhg==' };
    sealer.seal(target, headers);
    expect(sealer.verified(target, { ...headers, [CRC]: 'AAAAAA==' })).toEqual({});
    expect(sealer.verified(target, { ...headers, 'x-object-meta-s3gw-upload-id': 'u' })).toEqual({});
    expect(sealer.verified(target, { [CRC]: 'NhCmhg==' })).toEqual({});
  });

  it('ignores empty items (blanked by a copy) and removes the seal when nothing is left to seal', () => {
    const headers: Record<string, string> = { [CRC]: '', [SEAL_META]: 'v1.old' };
    sealer.seal(target, headers);
    expect(headers[SEAL_META]).toBeUndefined();
    expect(reservedItems({ [CRC]: '', [SEAL_META]: 'x', 'x-object-meta-other': 'y' })).toEqual({});
  });

  it('seals a multipart ETag in the Content-Type, and verifies it from a listing row', () => {
    const contentType = 'text/plain' + sealer.etagParams(target, 'abc-2');
    expect(etagParamsOf(contentType).etag).toBe('abc-2');
    expect(sealer.verifiedEtag(target, contentType)).toBe('abc-2');
    expect(sealer.verifiedEtag(target, 'text/plain;s3gw_etag=abc-2')).toBeUndefined();
    expect(sealer.verifiedEtag({ ...target, size: 9 }, contentType)).toBeUndefined();
    expect(withoutEtagParams(contentType + ';charset=utf-8')).toBe('text/plain;charset=utf-8');
  });
});

describe('clientContentType', () => {
  it('drops the gateway\'s and Swift\'s parameters, keeps the rest', () => {
    expect(clientContentType('text/plain; s3gw_etag=x;S3GW_SEAL=y;swift_bytes=9; charset=utf-8')).toBe('text/plain; charset=utf-8');
    expect(clientContentType('application/json')).toBe('application/json');
  });
});
