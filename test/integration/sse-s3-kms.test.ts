// SSE-S3 and SSE-KMS on single objects against the real Swift, with the
// keyring key provider (operations/encryption/, src/kms/): what Swift stores
// is never the plaintext, a GET returns it byte for byte (whole, ranges,
// suffixes, partNumber=1) with no header of the client's, the answers carry
// S3's headers, and the ETag follows S3's rules (SSE-S3: the plaintext's MD5,
// on PUT, HEAD, GET and in listings; SSE-KMS: not it). Staging starts at
// 64 KiB here, so the larger sizes are one-segment manifests. Bucket default
// encryption and the aws CLI / boto3: sse-bucket-default.test.ts; Barbican,
// rotation and tampering: sse-kms-keys.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { writeKeyring } from '../helpers/keyring.js';
import { xmlValue, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';
import { customerKey } from '../helpers/sse-c.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const STAGED_FROM = 64 * KiB;
const SSE_S3 = { 'x-amz-server-side-encryption': 'AES256' };
const kms = (keyId?: string, extra: Record<string, string> = {}) => ({ 'x-amz-server-side-encryption': 'aws:kms', ...(keyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': keyId } : {}), ...extra });
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let gw: TestGateway;
let keys: Keys;
let b: string;

const put = (key: string, body: Buffer, headers: Record<string, string>) => rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/${key}`, headers, body });
const get = (key: string, headers: Record<string, string> = {}, method = 'GET', query = '') => rawS3v4(gw.url, keys, { method, path: `/${b}/${key}${query}`, headers });
const storedBytes = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'GET', b, key)).body;
const storedHead = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).headers;

beforeAll(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 's3gw-keyring-')), 'keys');
  writeKeyring(dir, ['key-a', 'key-b']);
  gw = await startGateway({
    dialect: 'aws',
    env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(STAGED_FROM), S3GW_ENCRYPTION_KEYRING_DIR: dir, S3GW_ENCRYPTION_KEYRING_CURRENT: 'key-a' },
  });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('sse-s3');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw.stop();
});

describe('SSE-S3 (x-amz-server-side-encryption: AES256)', () => {
  for (const size of [0, 1, 15, 16, 17, STAGED_FROM - 1, STAGED_FROM, STAGED_FROM + 1, 3 * MiB + 5]) {
    it(`stores ${size} bytes as ciphertext, gives back the plaintext, and its ETag is the plaintext's MD5`, async () => {
      const data = randomBytes(size);
      const key = `s3/${size}`;
      const w = await put(key, data, SSE_S3);
      expect(w.status).toBe(200);
      expect(w.headers['x-amz-server-side-encryption']).toBe('AES256');
      expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
      expect(w.headers['etag']).toBe(`"${md5(data)}"`);
      const stored = await storedBytes(key);
      expect(stored.length).toBe(size);
      if (size >= 15) expect(stored.equals(data)).toBe(false);
      const head = await storedHead(key);
      expect(head['x-object-meta-s3gw-sse']).toBe('s1');
      expect(head['x-object-meta-s3gw-sse-kp']).toBe('keyring');
      expect(head['x-object-meta-s3gw-sse-kid']).toBe('key-a');
      // Bodies above 64 KiB are manifests (their MAC is known only at the end), and here from 64 KiB (staging), smaller ones one object.
      expect(head['x-static-large-object']).toBe(size >= STAGED_FROM ? 'True' : undefined);
      const r = await get(key);
      expect(r.status).toBe(200);
      expect(r.headers['content-length']).toBe(String(size));
      expect(r.body.equals(data)).toBe(true);
      expect(r.headers['etag']).toBe(`"${md5(data)}"`);
      expect(r.headers['x-amz-server-side-encryption']).toBe('AES256');
      const h = await get(key, {}, 'HEAD');
      expect(h.headers['etag']).toBe(`"${md5(data)}"`);
      expect(h.headers['content-length']).toBe(String(size));
      expect(h.headers['x-amz-server-side-encryption']).toBe('AES256');
      // A listing shows the plaintext's size and MD5 too (Swift's own row has the ciphertext's).
      const list = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?list-type=2&prefix=${encodeURIComponent(key)}` });
      expect(xmlValue(list.text(), 'Size')).toBe(String(size));
      expect(xmlValue(list.text(), 'ETag')).toBe(`"${md5(data)}"`);
      const v1 = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?prefix=${encodeURIComponent(key)}` });
      expect(xmlValue(v1.text(), 'ETag')).toBe(`"${md5(data)}"`);
    });
  }

  it('the Content-Type the client sent is kept (and none sent is the guessed one), without the stored ETag showing', async () => {
    expect((await put('typed.json', Buffer.from('{}'), { ...SSE_S3, 'content-type': 'application/x-mine' })).status).toBe(200);
    expect((await get('typed.json', {}, 'HEAD')).headers['content-type']).toBe('application/x-mine');
    expect((await put('guessed.txt', Buffer.from('hello'), SSE_S3)).status).toBe(200);
    expect((await get('guessed.txt', {}, 'HEAD')).headers['content-type']).toMatch(/^text\/plain/);
  });

  it('conditionals compare the plaintext MD5 ETag', async () => {
    const data = Buffer.from('conditional body');
    expect((await put('cond', data, SSE_S3)).status).toBe(200);
    expect((await get('cond', { 'if-match': `"${md5(data)}"` })).status).toBe(200);
    expect((await get('cond', { 'if-none-match': `"${md5(data)}"` })).status).toBe(304);
    expect((await get('cond', { 'if-match': '"0123456789abcdef0123456789abcdef"' })).status).toBe(412);
  });

  it('a Content-MD5 that does not match the plaintext is BadDigest, and nothing is stored', async () => {
    const r = await put('bad-md5', Buffer.from('abc'), { ...SSE_S3, 'content-md5': createHash('md5').update('abd').digest('base64') });
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Code')).toBe('BadDigest');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'bad-md5')).status).toBe(404);
    expect((await put('good-md5', Buffer.from('abc'), { ...SSE_S3, 'content-md5': createHash('md5').update('abc').digest('base64') })).status).toBe(200);
  });
});

describe('reads of part of an SSE-S3 object', () => {
  const data = randomBytes(3 * 4096 + 7);
  const large = randomBytes(STAGED_FROM * 2 + 3);
  beforeAll(async () => {
    expect((await put('ranges', data, SSE_S3)).status).toBe(200);
    expect((await put('ranges-large', large, SSE_S3)).status).toBe(200);
  });

  const ranges: [string, number, number][] = [
    ['bytes=0-0', 0, 1], ['bytes=15-16', 15, 17], ['bytes=16-31', 16, 32], ['bytes=1-', 1, data.length],
    ['bytes=4095-8200', 4095, 8201], ['bytes=-5', data.length - 5, data.length], ['bytes=-100000', 0, data.length],
  ];
  for (const [range, from, to] of ranges) {
    it(`${range} decrypts from its first byte`, async () => {
      const r = await get('ranges', { range });
      expect(r.status).toBe(206);
      expect(r.body.equals(data.subarray(from, to))).toBe(true);
      expect(r.headers['content-range']).toBe(`bytes ${from}-${to - 1}/${data.length}`);
    });
  }

  it('ranges of a staged (manifest) object decrypt too', async () => {
    for (const [from, to] of [[0, 10], [STAGED_FROM - 3, STAGED_FROM + 20], [large.length - 17, large.length - 1]] as const) {
      const r = await get('ranges-large', { range: `bytes=${from}-${to}` });
      expect(r.status).toBe(206);
      expect(r.body.equals(large.subarray(from, to + 1))).toBe(true);
    }
    const suffix = await get('ranges-large', { range: 'bytes=-33' });
    expect(suffix.body.equals(large.subarray(large.length - 33))).toBe(true);
  });

  it('partNumber=1 is the whole object with its MD5 ETag; partNumber=2 is InvalidPartNumber', async () => {
    for (const [key, body] of [['ranges', data], ['ranges-large', large]] as const) {
      const r = await get(key, {}, 'GET', '?partNumber=1');
      expect(r.body.equals(body)).toBe(true);
      expect(r.headers['etag']).toBe(`"${md5(body)}"`);
      expect((await get(key, {}, 'GET', '?partNumber=2')).status).toBe(416);
    }
  });
});

describe('SSE-KMS (x-amz-server-side-encryption: aws:kms)', () => {
  const context = Buffer.from(JSON.stringify({ project: 'gateway', team: 'storage' })).toString('base64');

  for (const size of [0, 1, 15, 16, 17, STAGED_FROM - 1, STAGED_FROM, STAGED_FROM + 1, 2 * MiB + 3]) {
    it(`stores ${size} bytes wrapped with the named key, with its context; the ETag is not the plaintext's MD5`, async () => {
      const data = randomBytes(size);
      const key = `kms/${size}`;
      const w = await put(key, data, kms('key-b', { 'x-amz-server-side-encryption-context': context, 'x-amz-server-side-encryption-bucket-key-enabled': 'true' }));
      expect(w.status).toBe(200);
      expect(w.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-b');
      expect(w.headers['x-amz-server-side-encryption-bucket-key-enabled']).toBe('true');
      expect(JSON.parse(Buffer.from(w.headers['x-amz-server-side-encryption-context']!, 'base64').toString())).toEqual({ project: 'gateway', team: 'storage' });
      if (size > 0) expect(w.headers['etag']).not.toBe(`"${md5(data)}"`);
      const stored = await storedBytes(key);
      if (size > 0) expect(stored.equals(data)).toBe(false);
      const head = await storedHead(key);
      expect(head['x-object-meta-s3gw-sse']).toBe('k1');
      expect(head['x-object-meta-s3gw-sse-kid']).toBe('key-b');
      expect(head['x-object-meta-s3gw-sse-ctx']).toBeDefined();
      // The reader needs no header: the key id and context are stored.
      const r = await get(key);
      expect(r.status).toBe(200);
      expect(r.body.equals(data)).toBe(true);
      expect(r.headers['etag']).toBe(w.headers['etag']);
      expect(r.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(r.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-b');
      expect(r.headers['x-amz-server-side-encryption-bucket-key-enabled']).toBe('true');
      const list = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?list-type=2&prefix=${encodeURIComponent(key)}` });
      expect(xmlValue(list.text(), 'Size')).toBe(String(size));
    });
  }

  it('ranges, suffixes and partNumber=1 of an SSE-KMS object (one object and a staged one) decrypt', async () => {
    for (const size of [17, 2 * MiB + 3]) {
      const data = (await get(`kms/${size}`)).body;
      expect(data.length).toBe(size);
      for (const [range, from, to] of [['bytes=1-15', 1, 16], ['bytes=-7', size - 7, size], [`bytes=${size - 2}-`, size - 2, size]] as const) {
        const r = await get(`kms/${size}`, { range });
        expect(r.status, range).toBe(206);
        expect(r.body.equals(data.subarray(from, to)), range).toBe(true);
      }
      expect((await get(`kms/${size}`, {}, 'GET', '?partNumber=1')).body.equals(data)).toBe(true);
    }
  });

  it('without a key id, the provider\'s default (the keyring\'s current key) wraps it', async () => {
    const w = await put('kms/default', Buffer.from('x'), kms());
    expect(w.status).toBe(200);
    expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-a');
    expect((await get('kms/default')).body.toString()).toBe('x');
  });

  it('a key id the provider does not hold is 400 KMS.NotFoundException, and nothing is stored', async () => {
    const r = await put('kms/unknown', Buffer.from('x'), kms('no-such-key'));
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Code')).toBe('KMS.NotFoundException');
    expect(xmlValue(r.text(), 'Message')).toContain('no-such-key');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'kms/unknown')).status).toBe(404);
  });
});

describe('S3\'s errors for the headers', () => {
  const code = async (r: Promise<{ status: number; text(): string }>) => {
    const res = await r;
    return `${res.status} ${xmlValue(res.text(), 'Code')}`;
  };

  it('KMS-only headers without aws:kms, an unknown algorithm, a bad context: 400 InvalidArgument; aws:kms:dsse: NotImplemented', async () => {
    expect(await code(put('e1', Buffer.from('x'), { ...SSE_S3, 'x-amz-server-side-encryption-aws-kms-key-id': 'key-a' }))).toBe('400 InvalidArgument');
    expect(await code(put('e2', Buffer.from('x'), { 'x-amz-server-side-encryption-aws-kms-key-id': 'key-a' }))).toBe('400 InvalidArgument');
    expect(await code(put('e3', Buffer.from('x'), { 'x-amz-server-side-encryption': 'AES128' }))).toBe('400 InvalidArgument');
    expect(await code(put('e4', Buffer.from('x'), kms('key-a', { 'x-amz-server-side-encryption-context': 'not base64!' })))).toBe('400 InvalidArgument');
    const notObject = Buffer.from('["a"]').toString('base64');
    expect(await code(put('e5', Buffer.from('x'), kms('key-a', { 'x-amz-server-side-encryption-context': notObject })))).toBe('400 InvalidArgument');
    expect(await code(put('e6', Buffer.from('x'), { 'x-amz-server-side-encryption': 'aws:kms:dsse' }))).toBe('501 NotImplemented');
    expect(await code(put('e7', Buffer.from('x'), kms('key-a', { 'x-amz-server-side-encryption-bucket-key-enabled': 'maybe' })))).toBe('400 InvalidArgument');
  });

  it('SSE-C together with x-amz-server-side-encryption is 400 InvalidArgument', async () => {
    expect(await code(put('e8', Buffer.from('x'), { ...SSE_S3, ...customerKey() }))).toBe('400 InvalidArgument');
  });

  it('the headers on GET or HEAD are 400; SSE-C headers on an SSE-S3 object are 400 InvalidRequest', async () => {
    expect((await put('read-headers', Buffer.from('body'), SSE_S3)).status).toBe(200);
    expect(await code(get('read-headers', SSE_S3))).toBe('400 InvalidArgument');
    expect((await get('read-headers', SSE_S3, 'HEAD')).status).toBe(400);
    expect(await code(get('read-headers', customerKey()))).toBe('400 InvalidRequest');
  });

  it('operations that do not implement them yet refuse them (CopyObject; multipart uploads take them: sse-multipart.test.ts), and a copy from an SSE-S3 object', async () => {
    expect(await code(rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/copy`, headers: { ...SSE_S3, 'x-amz-copy-source': `/${b}/read-headers` } }))).toBe('501 NotImplemented');
    // A copy FROM an SSE-S3 object (no SSE header of its own) would copy ciphertext as if it were plaintext: refused too.
    expect(await code(rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/copy`, headers: { 'x-amz-copy-source': `/${b}/read-headers` } }))).toBe('501 NotImplemented');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'copy')).status).toBe(404);
  });
});
