// What an encrypted multipart upload keeps and decides (operations/
// encryption/multipart-state.ts): the marker's items, S3's answers to a
// part's SSE-C key (missing, another, not applicable), and what Complete
// puts on the object (a part without its record, or with a record of other
// bytes, is InvalidPart).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { customerKeyDigestKey } from '../../../../src/crypto/wrap.js';
import type { OperationContext } from '../../../../src/operations/context.js';
import {
  checkCompleteCustomerKey, completedEncryptionItems, encryptionForUpload, openUploadForPart, parsePartText, partText,
} from '../../../../src/operations/encryption/multipart-state.js';
import { storedEncryption } from '../../../../src/operations/encryption/state.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { parseCustomerKey, type CustomerKey } from '../../../../src/s3/sse.js';
import { objectInfo } from '../../../../src/swift/object-info.js';
import { Sealer } from '../../../../src/swift/sealed-state.js';

const sealer = new Sealer(Buffer.from('integrity key'));
const sse = { digestKey: customerKeyDigestKey(Buffer.from('integrity key')), customerKeysAllowed: true };

function headersOf(raw: Buffer): Record<string, string> {
  return {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': raw.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(raw).digest('base64'),
  };
}
const keyOf = (raw: Buffer): CustomerKey => parseCustomerKey(headersOf(raw))!;
const ctxWith = (headers: Record<string, string>) => ({ sse, req: { headers }, body: Readable.from([]) }) as unknown as OperationContext;

/** A marker (or object) with these sealed items, as Swift would answer a HEAD of it. */
function marker(items: Record<string, string>, change: Record<string, string> = {}) {
  const target = { container: 'b+segments', object: 'k/u', size: 0 };
  return objectInfo('b+segments', 'k/u', { 'content-length': '0', etag: 'x', ...sealer.headers(target, items), ...change }, sealer);
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof S3Error) return `${err.status} ${err.code}`;
    throw err;
  }
  return undefined;
}

describe('an SSE-C upload', () => {
  const raw = randomBytes(32);
  const customer = keyOf(raw);

  it('keeps a wrapped data key, IV and key digest on its marker, no MAC, and answers the key\'s headers', async () => {
    const start = (await encryptionForUpload(ctxWith(headersOf(raw)), 'b', 'k'))!;
    expect(start.items['sse']).toBe('c1');
    expect(start.items['sse-mac']).toBeUndefined();
    expect(JSON.stringify(start.items)).not.toContain(raw.toString('base64'));
    expect(start.headers['x-amz-server-side-encryption-customer-key-md5']).toBe(customer.keyMd5);
    const m = marker(start.items);
    expect(storedEncryption(m, { marker: true }).kind).toBe('customer');
    // As an object's items they are incomplete (no MAC): never read as an object.
    expect(storedEncryption(m).kind).toBe('unverifiable');
  });

  it('gives each part the upload\'s data key with the same key, and S3\'s InvalidRequest otherwise', async () => {
    const m = marker((await encryptionForUpload(ctxWith(headersOf(raw)), 'b', 'k'))!.items);
    const a = (await openUploadForPart(ctxWith({}), 'b', 'k', m, customer))!;
    const again = (await openUploadForPart(ctxWith({}), 'b', 'k', m, customer))!;
    expect(a.dataKey.equals(again.dataKey)).toBe(true);
    expect(a.plaintextEtag).toBe(false);
    expect(await codeOf(() => openUploadForPart(ctxWith({}), 'b', 'k', m, undefined))).toBe('400 InvalidRequest');
    expect(await codeOf(() => openUploadForPart(ctxWith({}), 'b', 'k', m, keyOf(randomBytes(32))))).toBe('400 InvalidRequest');
    // The wrapped key is bound to the final object's name.
    expect(await codeOf(() => openUploadForPart(ctxWith({}), 'b', 'other', m, customer))).toBe('400 InvalidRequest');
    expect(await codeOf(() => checkCompleteCustomerKey(ctxWith({}), m, keyOf(randomBytes(32))))).toBe('400 InvalidRequest');
    expect(await codeOf(() => checkCompleteCustomerKey(ctxWith({}), m, customer))).toBeUndefined();
    expect(await codeOf(() => checkCompleteCustomerKey(ctxWith({}), m, undefined))).toBeUndefined();
  });

  it('a marker whose items were changed is refused, never taken for a plaintext upload', async () => {
    const m = marker((await encryptionForUpload(ctxWith(headersOf(raw)), 'b', 'k'))!.items, { 'x-object-meta-s3gw-sse-iv': 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(await codeOf(() => openUploadForPart(ctxWith({}), 'b', 'k', m, customer))).toBe('400 InvalidRequest');
    expect(await codeOf(() => openUploadForPart(ctxWith({}), 'b', 'k', m, undefined))).toBe('400 InvalidRequest');
    expect(await codeOf(() => completedEncryptionItems(m, 'u', []))).toBe('400 InvalidRequest');
  });
});

describe('a plaintext upload', () => {
  it('takes parts without SSE-C headers and refuses them with', async () => {
    expect(await openUploadForPart(ctxWith({}), 'b', 'k', marker({}), undefined)).toBeUndefined();
    expect(await codeOf(() => openUploadForPart(ctxWith({}), 'b', 'k', marker({}), keyOf(randomBytes(32))))).toBe('400 InvalidRequest');
    expect(completedEncryptionItems(marker({}), 'u', [])).toEqual({});
  });
});

describe('CompleteMultipartUpload of an encrypted upload', () => {
  const raw = randomBytes(32);
  const text = { nonce: '0123456789abcdef', mac: 'A'.repeat(43), etag: 'e'.repeat(32) };

  it('carries the upload\'s items onto the object with the layout and the digest of its parts', async () => {
    const m = marker((await encryptionForUpload(ctxWith(headersOf(raw)), 'b', 'k'))!.items);
    const items = completedEncryptionItems(m, 'u', [{ partNumber: 1, size: 5, swiftEtag: text.etag, text }]);
    expect(items['sse']).toBe('c1');
    expect(items['sse-key']).toBe(m.reserved['sse-key']);
    expect(items['sse-mp']).toBe('p1');
    expect(items['sse-mac']).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a part without its record, or whose record is of other bytes, as InvalidPart', async () => {
    const m = marker((await encryptionForUpload(ctxWith(headersOf(raw)), 'b', 'k'))!.items);
    expect(await codeOf(() => completedEncryptionItems(m, 'u', [{ partNumber: 1, size: 5, swiftEtag: text.etag, text: undefined }]))).toBe('400 InvalidPart');
    expect(await codeOf(() => completedEncryptionItems(m, 'u', [{ partNumber: 1, size: 5, swiftEtag: 'f'.repeat(32), text }]))).toBe('400 InvalidPart');
  });

  it('reads back the part text it wrote, and nothing else', () => {
    expect(parsePartText(partText(text))).toEqual(text);
    expect(parsePartText('0123.x.y')).toBeUndefined();
    expect(parsePartText(undefined)).toBeUndefined();
  });
});
