// SSE-C on single objects against the real Swift (operations/encryption/):
// what Swift stores is never the plaintext, a GET with the key returns it
// byte for byte (whole, ranges, suffixes, partNumber=1, conditionals), S3's
// errors for a missing, wrong or needless key, and what a change made through
// the Swift API does: a changed ciphertext byte cuts a full GET short, a
// changed encryption item makes the object refused (never served as
// plaintext). Staging starts at 64 KiB here (s3.stagedPutFromBytes), so one
// size is above it. Tampering and what is logged: sse-c-tamper.test.ts; boto3
// and the aws CLI: sse-c-clients.test.ts; storage classes, lifecycle moves and
// plain HTTP: sse-c-settings.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeBucket, segmentNames, swiftDirect } from '../helpers/swift-direct.js';
import { customerKey } from '../helpers/sse-c.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const STAGED_FROM = 64 * KiB;

let gw: TestGateway;
let keys: Keys;
let b: string;
const sse = customerKey();
const other = customerKey();

const put = (key: string, body: Buffer, headers: Record<string, string> = sse) => rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/${key}`, headers, body });
const get = (key: string, headers: Record<string, string> = sse, method = 'GET', query = '') => rawS3v4(gw.url, keys, { method, path: `/${b}/${key}${query}`, headers });

/** The bytes Swift keeps for an object: a staged one's are in its segment (GET of the manifest follows it). */
const storedBytes = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'GET', b, key)).body;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws', env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(STAGED_FROM) } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('ssec');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw.stop();
});

describe('sizes around cipher blocks and the staging threshold', () => {
  for (const size of [0, 1, 15, 16, 17, MiB + 3, STAGED_FROM - 1, STAGED_FROM + 5]) {
    it(`stores ${size} bytes as ciphertext and gives back the plaintext`, async () => {
      const data = randomBytes(size);
      const key = `sizes/${size}`;
      const w = await put(key, data);
      expect(w.status).toBe(200);
      expect(w.headers['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256');
      expect(w.headers['x-amz-server-side-encryption-customer-key-md5']).toBe(sse['x-amz-server-side-encryption-customer-key-md5']);
      const stored = await storedBytes(key);
      expect(stored.length).toBe(size);
      if (size >= 15) expect(stored.equals(data)).toBe(false);
      // No stored header holds the key, its MD5 or a plain digest of the body.
      const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, key);
      const headerText = JSON.stringify(head.headers);
      expect(headerText).not.toContain(sse['x-amz-server-side-encryption-customer-key']!);
      expect(headerText).not.toContain(sse['x-amz-server-side-encryption-customer-key-md5']!);
      if (size > 0) expect(headerText).not.toContain(createHash('md5').update(data).digest('hex'));
      const r = await get(key);
      expect(r.status).toBe(200);
      expect(r.headers['content-length']).toBe(String(size));
      expect(r.body.equals(data)).toBe(true);
      expect(r.headers['etag']).toBe(w.headers['etag']);
      expect(r.headers['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256');
    });
  }

  it('writes a small SSE-C body (up to 64 KiB, encrypted in memory first) as one object, a larger one as a one-segment manifest, each with its MAC', async () => {
    // (The staging threshold here is 64 KiB too; the bodies above 64 KiB would be manifests for that reason as well.)
    for (const small of ['sizes/0', 'sizes/17', `sizes/${STAGED_FROM - 1}`]) {
      const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, small);
      expect(head.headers['x-static-large-object'], small).toBeUndefined();
      expect(head.headers['x-object-meta-s3gw-sse'], small).toBe('c1');
      expect(head.headers['x-object-meta-s3gw-sse-mac'], small).toBeDefined();
    }
    for (const large of [`sizes/${STAGED_FROM + 5}`, `sizes/${MiB + 3}`]) {
      const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, large);
      expect(head.headers['x-static-large-object'], large).toBe('True');
      expect(head.headers['x-object-meta-s3gw-sse-mac'], large).toBeDefined();
      expect((await segmentNames(gw.stack, 'demo', b)).some((n) => n.startsWith(`${large}/`)), large).toBe(true);
    }
  });

  it('lists plaintext sizes', async () => {
    const r = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?list-type=2&prefix=sizes/17` });
    expect(xmlValue(r.text(), 'Size')).toBe('17');
  });
});

describe('reads of part of an object', () => {
  const data = randomBytes(3 * 4096 + 7);
  beforeAll(async () => {
    expect((await put('ranges', data)).status).toBe(200);
  });

  const ranges: [string, number, number][] = [
    ['bytes=0-0', 0, 1], ['bytes=15-16', 15, 17], ['bytes=16-31', 16, 32], ['bytes=1-', 1, data.length],
    ['bytes=4095-8200', 4095, 8201], [`bytes=${data.length - 1}-`, data.length - 1, data.length], ['bytes=-5', data.length - 5, data.length],
    ['bytes=-100000', 0, data.length], ['bytes=12-5000000', 12, data.length],
  ];
  for (const [range, from, to] of ranges) {
    it(`${range} decrypts from its first byte`, async () => {
      const r = await get('ranges', { ...sse, range });
      expect(r.status).toBe(206);
      expect(r.body.equals(data.subarray(from, to))).toBe(true);
      expect(r.headers['content-range']).toBe(`bytes ${from}-${to - 1}/${data.length}`);
    });
  }

  it('random offsets decrypt like slices of the whole', async () => {
    for (let i = 0; i < 8; i++) {
      const from = Math.floor(Math.random() * data.length);
      const to = from + Math.floor(Math.random() * (data.length - from));
      const r = await get('ranges', { ...sse, range: `bytes=${from}-${to}` });
      expect(r.body.equals(data.subarray(from, to + 1))).toBe(true);
    }
  });

  it('partNumber=1 is the whole object; partNumber=2 is InvalidPartNumber', async () => {
    const r = await get('ranges', sse, 'GET', '?partNumber=1');
    expect(r.body.equals(data)).toBe(true);
    expect((await get('ranges', sse, 'GET', '?partNumber=2')).status).toBe(416);
  });

  it('conditionals compare the ETag PutObject gave', async () => {
    const etag = (await get('ranges', sse, 'HEAD')).headers['etag']!;
    expect((await get('ranges', { ...sse, 'if-match': etag })).status).toBe(200);
    expect((await get('ranges', { ...sse, 'if-none-match': etag })).status).toBe(304);
    expect((await get('ranges', { ...sse, 'if-match': '"0123456789abcdef0123456789abcdef"' })).status).toBe(412);
  });

  it('HEAD gives the plaintext length and the key headers', async () => {
    const h = await get('ranges', sse, 'HEAD');
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe(String(data.length));
    expect(h.headers['x-amz-server-side-encryption-customer-key-md5']).toBe(sse['x-amz-server-side-encryption-customer-key-md5']);
  });
});

describe('keys: missing, wrong, needless', () => {
  beforeAll(async () => {
    expect((await put('secret', Buffer.from('the plaintext'))).status).toBe(200);
    expect((await put('plain', Buffer.from('not encrypted'), {})).status).toBe(200);
  });

  it('GET and HEAD without the key are 400 InvalidRequest', async () => {
    const r = await get('secret', {});
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Code')).toBe('InvalidRequest');
    expect(xmlValue(r.text(), 'Message')).toBe('The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.');
    expect((await get('secret', {}, 'HEAD')).status).toBe(400);
  });

  it('GET and HEAD with another key are 403 AccessDenied', async () => {
    const r = await get('secret', other);
    expect(r.status).toBe(403);
    expect(xmlValue(r.text(), 'Code')).toBe('AccessDenied');
    expect((await get('secret', other, 'HEAD')).status).toBe(403);
  });

  it('a key whose MD5 header does not match is 400 InvalidArgument', async () => {
    const r = await get('secret', { ...sse, 'x-amz-server-side-encryption-customer-key-md5': other['x-amz-server-side-encryption-customer-key-md5']! });
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Code')).toBe('InvalidArgument');
    expect(xmlValue(r.text(), 'Message')).toBe('The calculated MD5 hash of the key did not match the hash that was provided.');
    // The key is not echoed in the error.
    expect(r.text()).not.toContain(sse['x-amz-server-side-encryption-customer-key']!);
  });

  it('SSE-C headers on a plaintext object are 400 InvalidRequest', async () => {
    const r = await get('plain', sse);
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Message')).toBe('The encryption parameters are not applicable to this object.');
  });

  it('a chunked SSE-C upload without any length is 411 MissingContentLength (its items are sealed for its size), nothing stored', async () => {
    const r = await rawS3(gw.url, { method: 'PUT', path: `/${b}/chunked`, keys, headers: sse, body: 'no length', chunked: true });
    expect(r.status).toBe(411);
    expect(xmlValue(r.text(), 'Code')).toBe('MissingContentLength');
    expect((await get('chunked', {}, 'HEAD')).status).toBe(404);
  });

  it('GetObjectAttributes wants the key too', async () => {
    const attrs = { 'x-amz-object-attributes': 'ObjectSize' };
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/secret?attributes`, headers: attrs })).status).toBe(400);
    const r = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/secret?attributes`, headers: { ...attrs, ...sse } });
    expect(r.status).toBe(200);
    expect(xmlValue(r.text(), 'ObjectSize')).toBe('13');
  });

  it('a Content-MD5 is checked against the plaintext: right is stored, wrong is BadDigest and stores nothing', async () => {
    const data = Buffer.from('checked body');
    const md5 = createHash('md5').update(data).digest('base64');
    expect((await put('md5-ok', data, { ...sse, 'content-md5': md5 })).status).toBe(200);
    const bad = await put('md5-bad', data, { ...sse, 'content-md5': createHash('md5').update('other').digest('base64') });
    expect(bad.status).toBe(400);
    expect(xmlValue(bad.text(), 'Code')).toBe('BadDigest');
    expect((await get('md5-bad', {}, 'HEAD')).status).toBe(404);
    // The upload of its ciphertext was cut before its end, so Swift kept no segment either.
    expect((await segmentNames(gw.stack, 'demo', b)).filter((n) => n.startsWith('md5-bad/'))).toEqual([]);
  });
});

describe('copies, multipart and other encryption modes are refused, never half done', () => {
  beforeAll(async () => {
    expect((await put('copy-src', Buffer.from('copy me'))).status).toBe(200);
  });

  it('CopyObject from an SSE-C object is NotImplemented', async () => {
    const r = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/copy-dst`, headers: { 'x-amz-copy-source': `/${b}/copy-src` } });
    expect(r.status).toBe(501);
    expect((await get('copy-dst', {}, 'HEAD')).status).toBe(404);
  });

  it('SSE-C on CopyObject and copy-source SSE-C headers are NotImplemented (multipart uploads take SSE-C: sse-multipart.test.ts)', async () => {
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/copy-dst`, headers: { ...sse, 'x-amz-copy-source': `/${b}/plain` } })).status).toBe(501);
    const copySse = Object.fromEntries(Object.entries(sse).map(([k, v]) => [k.replace('x-amz-', 'x-amz-copy-source-'), v]));
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/copy-dst`, headers: { ...copySse, 'x-amz-copy-source': `/${b}/copy-src` } })).status).toBe(501);
  });

  it('UploadPartCopy from an SSE-C object is NotImplemented', async () => {
    const create = await rawS3v4(gw.url, keys, { method: 'POST', path: `/${b}/mp-dst?uploads` });
    const uploadId = xmlValue(create.text(), 'UploadId')!;
    const r = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/mp-dst?partNumber=1&uploadId=${uploadId}`, headers: { 'x-amz-copy-source': `/${b}/copy-src` } });
    expect(r.status).toBe(501);
    await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${b}/mp-dst?uploadId=${uploadId}` });
  });

  it('SSE-S3 (x-amz-server-side-encryption) stays NotImplemented', async () => {
    expect((await put('s3-mode', Buffer.from('x'), { 'x-amz-server-side-encryption': 'AES256' })).status).toBe(501);
  });
});

describe('metadata rewrites keep the encryption items', () => {
  it('PutObjectTagging and PutObjectAcl (a POST that re-sends every item) leave the object readable with its key only', async () => {
    const data = randomBytes(4000);
    expect((await put('rewritten', data)).status).toBe(200);
    const tagging = '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/rewritten?tagging`, body: tagging })).status).toBe(200);
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/rewritten?acl`, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    const r = await get('rewritten');
    expect(r.status).toBe(200);
    expect(r.body.equals(data)).toBe(true);
    expect(r.headers['x-amz-tagging-count']).toBe('1');
    expect((await get('rewritten', {})).status).toBe(400);
  });
});

describe('the key never leaves the request', () => {
  it('no log line of all the requests above holds a key or its MD5', () => {
    const text = JSON.stringify(gw.logs);
    for (const k of [sse, other]) {
      expect(text).not.toContain(k['x-amz-server-side-encryption-customer-key']!);
      expect(text).not.toContain(k['x-amz-server-side-encryption-customer-key-md5']!);
    }
  });
});
