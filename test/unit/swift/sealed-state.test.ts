// Seals on the gateway's own state kept on Swift objects: what verifies, and
// what a writer without the key (the Swift API, s3api's x-amz-meta-s3gw-*)
// cannot make verify.
import { describe, expect, it } from 'vitest';
import { Sealer, etagParamsOf, isReservedHeader, plainContentType, reservedHeader } from '../../../src/swift/sealed-state.js';

const sealer = new Sealer(Buffer.alloc(32, 9));
const target = { container: 'bucket', object: 'key', size: 5 };
const CRC = reservedHeader('checksum-crc32');

describe('Sealer', () => {
  it('stores reserved items under X-Object-Meta-S3gw-* with a seal, and verifies them only for the same object and size', () => {
    const headers: Record<string, string> = { 'content-type': 'text/plain', 'x-object-meta-user': 'u', ...sealer.headers(target, { 'checksum-crc32': 'NhCmhg==' }) };
    expect(CRC).toBe('x-object-meta-s3gw-checksum-crc32');
    expect(headers['x-object-meta-s3gw-seal']).toMatch(/^v1\.[A-Za-z0-9_-]{22}$/);
    expect(sealer.verified(target, headers)).toEqual({ 'checksum-crc32': 'NhCmhg==' });
    expect(sealer.verified({ ...target, object: 'copy' }, headers)).toEqual({});
    expect(sealer.verified({ ...target, size: 6 }, headers)).toEqual({});
    expect(new Sealer(Buffer.alloc(32, 8)).verified(target, headers)).toEqual({});
  });

  it('treats forged, added or changed items as absent', () => {
    const headers = sealer.headers(target, { 'checksum-crc32': 'NhCmhg==' });
    expect(sealer.verified(target, { ...headers, [CRC]: 'AAAAAA==' })).toEqual({});
    expect(sealer.verified(target, { ...headers, [reservedHeader('upload-id')]: 'u' })).toEqual({});
    expect(sealer.verified(target, { [CRC]: 'NhCmhg==' })).toEqual({});
  });

  it('ignores empty items (blanked by a copy), and writes an empty seal for no items', () => {
    expect(sealer.verified(target, { [CRC]: '', 'x-object-meta-s3gw-seal': 'v1.x' })).toEqual({});
    expect(sealer.headers(target, {})).toEqual({ 'x-object-meta-s3gw-seal': '' });
    expect(isReservedHeader('x-object-meta-s3gw-seal')).toBe(true);
    expect(isReservedHeader('x-object-meta-other')).toBe(false);
  });

  it('seals a multipart ETag in the Content-Type, verifiable from a listing row', () => {
    const contentType = 'text/plain' + sealer.etagParams(target, 'abc-2');
    expect(etagParamsOf(contentType).etag).toBe('abc-2');
    expect(sealer.verifiedEtag(target, contentType)).toBe('abc-2');
    expect(sealer.verifiedEtag(target, 'text/plain;s3gw_etag=abc-2')).toBeUndefined();
    expect(sealer.verifiedEtag({ ...target, size: 9 }, contentType)).toBeUndefined();
    expect(plainContentType(contentType + ';charset=utf-8')).toBe('text/plain;charset=utf-8');
  });
});

describe('Sealer: a first-written time kept across a move', () => {
  it('verifies beside a class for the same object and size only, and not once forged or moved', () => {
    const type = `text/plain${sealer.classParam(target, 'STANDARD_IA')}${sealer.sinceParam(target, 1764622800123)}`;
    expect(sealer.verifiedSince(target, type)).toBe(1764622800123);
    expect(sealer.verifiedClass(target, type)).toBe('STANDARD_IA');
    expect(sealer.verifiedSince({ ...target, object: 'copy' }, type)).toBeUndefined();
    expect(sealer.verifiedSince({ ...target, size: 6 }, type)).toBeUndefined();
    expect(sealer.verifiedSince(target, type.replace('1764622800123', '1000000000000'))).toBeUndefined();
    expect(sealer.verifiedSince(target, 'text/plain;s3gw_since=1764622800123')).toBeUndefined();
    expect(sealer.verifiedSince(target, 'text/plain')).toBeUndefined();
    expect(plainContentType(type)).toBe('text/plain');
  });
});

describe('Sealer: container items, each sealed on its own', () => {
  it('opens a value only for the same container and item name, and null for anything forged or moved', () => {
    const stored = sealer.sealValue('bkt', 'object-lock', 'Enabled;GOVERNANCE;30d');
    expect(sealer.openValue('bkt', 'object-lock', stored)).toBe('Enabled;GOVERNANCE;30d');
    expect(sealer.openValue('other', 'object-lock', stored)).toBeNull();
    expect(sealer.openValue('bkt', 'acl', stored)).toBeNull();
    expect(sealer.openValue('bkt', 'object-lock', stored.replace('30d', '1d'))).toBeNull();
    expect(sealer.openValue('bkt', 'object-lock', 'Enabled')).toBeNull();
    expect(new Sealer(Buffer.alloc(32, 1)).openValue('bkt', 'object-lock', stored)).toBeNull();
  });
});

describe('plainContentType', () => {
  it("drops the gateway's and Swift's parameters, keeps the rest", () => {
    expect(plainContentType('text/plain; s3gw_etag=x;S3GW_SEAL=y;swift_bytes=9; charset=utf-8')).toBe('text/plain; charset=utf-8');
    expect(plainContentType('application/json')).toBe('application/json');
  });
});
