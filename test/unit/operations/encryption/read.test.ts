// What a read of an object decides from its sealed encryption items and the
// request's key (operations/encryption/): S3's answer for each mismatch, and
// items that do not verify never read as a plain object.
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerKeyDigestKey } from '../../../../src/crypto/wrap.js';
import { coversWholeObject, openForRead, readOffset } from '../../../../src/operations/encryption/read.js';
import { storedEncryption } from '../../../../src/operations/encryption/state.js';
import { encryptForWrite, type EncryptedWrite } from '../../../../src/operations/encryption/write.js';
import type { OperationContext } from '../../../../src/operations/context.js';
import { parseCustomerKey, type CustomerKey } from '../../../../src/s3/sse.js';
import { objectInfo } from '../../../../src/swift/object-info.js';
import { Sealer } from '../../../../src/swift/sealed-state.js';
import { Readable } from 'node:stream';
import { s3ErrorCode } from '../../../helpers/s3-error.js';

const sealer = new Sealer(Buffer.from('integrity key'));
const ctx = { sse: { digestKey: customerKeyDigestKey(Buffer.from('integrity key')), customerKeysAllowed: true }, req: { headers: {} }, body: Readable.from([]) } as unknown as OperationContext;

function keyOf(raw = randomBytes(32)): CustomerKey {
  return parseCustomerKey({
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': raw.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(raw).digest('base64'),
  })!;
}

/** The ObjectInfo of an object with these sealed items (as Swift would answer a HEAD), optionally changed after sealing. */
function info(items: Record<string, string>, change: Record<string, string> = {}) {
  const target = { container: 'b', object: 'k', size: 0 };
  const headers = { 'content-length': '0', etag: 'x', ...sealer.headers(target, items), ...change };
  return objectInfo('b', 'k', headers, sealer);
}


describe('openForRead', () => {
  const customer = keyOf();
  let written: EncryptedWrite;
  let encrypted: ReturnType<typeof info>;
  beforeAll(async () => {
    written = await encryptForWrite(ctx, 'b', 'k', { kind: 'customer', customer }, 0);
    encrypted = info(written.items);
  });

  it('reads the stored state of an encrypted object', () => {
    expect(storedEncryption(encrypted).kind).toBe('customer');
    expect(storedEncryption(info({})).kind).toBe('none');
  });

  it('gives the data key for the right key, with the answer headers', async () => {
    const d = (await openForRead(ctx, 'b', 'k', encrypted, customer))!;
    expect(d.dataKey).toHaveLength(32);
    expect(d.headers['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256');
  });

  it('answers as S3 does for every mismatch', async () => {
    expect(await s3ErrorCode(() => openForRead(ctx, 'b', 'k', encrypted, undefined))).toBe('400 InvalidRequest');
    expect(await s3ErrorCode(() => openForRead(ctx, 'b', 'k', encrypted, keyOf()))).toBe('403 AccessDenied');
    expect(await s3ErrorCode(() => openForRead(ctx, 'b', 'k', info({}), customer))).toBe('400 InvalidRequest');
    expect(await openForRead(ctx, 'b', 'k', info({}), undefined)).toBeUndefined();
  });

  it('a wrapped key copied onto another object name does not unwrap there (403)', async () => {
    const elsewhere = objectInfo('b', 'other', { 'content-length': '0', etag: 'x', ...sealer.headers({ container: 'b', object: 'other', size: 0 }, written.items) }, sealer);
    expect(await s3ErrorCode(() => openForRead(ctx, 'b', 'other', elsewhere, customer))).toBe('403 AccessDenied');
  });

  it('changed items (the seal breaks) are refused, never a plain object', async () => {
    const changed = info(written.items, { 'x-object-meta-s3gw-sse-iv': 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(storedEncryption(changed).kind).toBe('unverifiable');
    expect(await s3ErrorCode(() => openForRead(ctx, 'b', 'k', changed, undefined))).toBe('400 InvalidRequest');
    expect(await s3ErrorCode(() => openForRead(ctx, 'b', 'k', changed, customer))).toBe('403 AccessDenied');
    // An unknown mode sealed by a (newer) gateway: not readable as plaintext either.
    expect(storedEncryption(info({ ...written.items, sse: 'z9' })).kind).toBe('unverifiable');
  });
});

describe('readOffset', () => {
  it('is 0 for a whole read, a 206 answer\'s first byte, and never a guess', () => {
    expect(readOffset('whole', undefined)).toBe(0);
    expect(readOffset('range', 'bytes 17-99/100')).toBe(17);
    expect(() => readOffset('range', undefined)).toThrow();
    expect(() => readOffset('range', 'garbage')).toThrow();
  });
});

describe('coversWholeObject', () => {
  it('is true for a whole read and a range of every byte, false for any other range', () => {
    expect(coversWholeObject('whole', undefined)).toBe(true);
    expect(coversWholeObject('range', 'bytes 0-99/100')).toBe(true);
    expect(coversWholeObject('range', 'bytes 0-98/100')).toBe(false);
    expect(coversWholeObject('range', 'bytes 1-99/100')).toBe(false);
    expect(coversWholeObject('range', undefined)).toBe(false);
  });
});
