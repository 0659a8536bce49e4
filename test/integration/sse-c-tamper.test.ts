// Tampering with an SSE-C object through the Swift API, against the real
// stack: a changed ciphertext byte cuts a full GET short (a range still reads:
// ranges cannot be verified), a changed encryption item makes the object
// refused, never served as plaintext; and the customer key never reaches a log
// line or an error body.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4, signV4Headers } from '../helpers/sigv4-client.js';
import { purgeBucket, segmentNames, swiftDirect } from '../helpers/swift-direct.js';
import { customerKey } from '../helpers/sse-c.js';

const KiB = 1024;

let gw: TestGateway;
let keys: Keys;
let b: string;
const sse = customerKey();
const other = customerKey();

const put = (key: string, body: Buffer) => rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/${key}`, headers: sse, body });
const get = (key: string, headers: Record<string, string> = sse) => rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/${key}`, headers });
const storedBytes = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'GET', b, key)).body;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws', env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(64 * KiB) } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('ssec-tamper');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
  expect((await put('secret', Buffer.from('the plaintext'))).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw.stop();
});

/**
 * A GET that reports whether its body arrived whole (a cut body errors or ends
 * short; a connection reset before any byte of the answer is status 0).
 */
function getWhole(key: string, headers: Record<string, string>): Promise<{ status: number; declared: number; received: number; complete: boolean }> {
  return signV4Headers(gw.url, keys, { method: 'GET', path: `/${b}/${key}`, headers }).then((signed) => new Promise((resolve, reject) => {
    const url = new URL(gw.url);
    const r = request({ host: url.hostname, port: url.port, method: 'GET', path: `/${b}/${key}`, headers: signed }, (res) => {
      let received = 0;
      const declared = Number(res.headers['content-length']);
      const done = (complete: boolean) => resolve({ status: res.statusCode ?? 0, declared, received, complete: complete && received === declared });
      res.on('data', (c: Buffer) => { received += c.length; });
      res.on('end', () => done(res.complete));
      res.on('error', () => done(false));
      res.on('aborted', () => done(false));
    });
    r.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve({ status: 0, declared: 0, received: 0, complete: false }) : reject(err)));
    r.end();
  }));
}

describe('tampering through the Swift API', () => {
  it('a changed ciphertext byte cuts a full GET short; a range still reads (ranges cannot be verified)', async () => {
    const data = randomBytes(200 * KiB);
    expect((await put('tamper-bytes', data)).status).toBe(200);
    expect((await getWhole('tamper-bytes', sse)).complete).toBe(true);
    // The segment holds the ciphertext: flip one byte of it, keeping its size.
    const segment = (await segmentNames(gw.stack, 'demo', b)).find((n) => n.startsWith('tamper-bytes/'))!;
    const stored = (await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, segment)).body;
    stored.writeUInt8(stored.readUInt8(100_000) ^ 0x01, 100_000);
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', `${b}+segments`, segment, { body: stored })).status).toBe(201);
    // (The manifest names its segment's ETag: Swift itself then refuses the read. Rewrite the manifest to the new ETag as an attacker would.)
    const manifest = JSON.parse((await swiftDirect(gw.stack, 'demo', 'GET', b, 'tamper-bytes', { query: { 'multipart-manifest': 'get' } })).body.toString()) as { name: string; hash: string; bytes: number }[];
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'tamper-bytes');
    const keep = Object.fromEntries(Object.entries(head.headers).filter(([k]) => k.startsWith('x-object-meta-') || k === 'content-type'));
    const newEtag = createHash('md5').update(stored).digest('hex');
    const slo = JSON.stringify(manifest.map((s) => ({ path: s.name, etag: newEtag, size_bytes: s.bytes })));
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', b, 'tamper-bytes', { query: { 'multipart-manifest': 'put' }, headers: keep, body: slo })).status).toBe(201);
    const cut = await getWhole('tamper-bytes', sse);
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    expect(cut.received).toBeLessThan(cut.declared);
    // A range of every byte (bytes=0-) is the whole object: checked and cut too.
    const all = await getWhole('tamper-bytes', { ...sse, range: 'bytes=0-' });
    expect(all.status).toBe(206);
    expect(all.complete).toBe(false);
    const part = await get('tamper-bytes', { ...sse, range: 'bytes=0-999' });
    expect(part.status).toBe(206);
    expect(part.body.equals(data.subarray(0, 1000))).toBe(true);
  });

  it('a changed byte of a small (one-object) SSE-C body: the full GET sends nothing of it and is cut', async () => {
    const data = randomBytes(3000);
    expect((await put('tamper-small', data)).status).toBe(200);
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'tamper-small');
    const keep = Object.fromEntries(Object.entries(head.headers).filter(([k]) => k.startsWith('x-object-meta-') || k === 'content-type'));
    const stored = await storedBytes('tamper-small');
    stored.writeUInt8(stored.readUInt8(2999) ^ 0x80, 2999);
    expect((await swiftDirect(gw.stack, 'demo', 'PUT', b, 'tamper-small', { headers: keep, body: stored })).status).toBe(201);
    // Its one chunk is held back until the MAC is checked: the connection closes before any byte (here before the answer's headers).
    const cut = await getWhole('tamper-small', sse);
    expect(cut.complete).toBe(false);
    expect(cut.received).toBe(0);
    expect(gw.logs.filter((l) => l['msg'] === 'encrypted object failed its integrity check: response cut short').length).toBeGreaterThanOrEqual(2);
  });

  it('a changed encryption item is refused (400 without a key, 403 with one), never served as plaintext', async () => {
    expect((await put('tamper-meta', randomBytes(100))).status).toBe(200);
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'tamper-meta');
    const meta = Object.fromEntries(Object.entries(head.headers).filter(([k]) => k.startsWith('x-object-meta-')));
    const iv = Buffer.from(meta['x-object-meta-s3gw-sse-iv']!, 'base64url');
    iv.writeUInt8(iv.readUInt8(0) ^ 1, 0);
    const changed = { ...meta, 'x-object-meta-s3gw-sse-iv': iv.toString('base64url'), 'content-type': head.headers['content-type']! };
    expect((await swiftDirect(gw.stack, 'demo', 'POST', b, 'tamper-meta', { headers: changed })).status).toBe(202);
    expect((await get('tamper-meta', {})).status).toBe(400);
    const r = await get('tamper-meta', sse);
    expect(r.status).toBe(403);
    expect(xmlValue(r.text(), 'Code')).toBe('AccessDenied');
    // A metadata rewrite through the gateway would re-seal only what verifies, turning it into a "plain" object: refused.
    const tagging = '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/tamper-meta?tagging`, body: tagging })).status).toBe(403);
    expect((await get('tamper-meta', {})).status).toBe(400);
  });
});

describe('the key never leaves the request', () => {
  it('no log line holds the key or its MD5', async () => {
    expect((await get('secret', other)).status).toBe(403);
    const text = JSON.stringify(gw.logs);
    for (const k of [sse, other]) {
      expect(text).not.toContain(k['x-amz-server-side-encryption-customer-key']!);
      expect(text).not.toContain(k['x-amz-server-side-encryption-customer-key-md5']!);
    }
  });

  it('a SignatureDoesNotMatch error shows the signed SSE-C headers without their values (SigV4 and SigV2)', async () => {
    const wrong = { access: keys.access, secret: 'not-the-secret' };
    const v4 = await rawS3v4(gw.url, wrong, { method: 'GET', path: `/${b}/secret`, headers: sse });
    const v2 = await rawS3(gw.url, { method: 'GET', path: `/${b}/secret`, keys: wrong, headers: sse });
    for (const r of [v4, v2]) {
      expect(xmlValue(r.text(), 'Code')).toBe('SignatureDoesNotMatch');
      expect(r.text()).toContain('x-amz-server-side-encryption-customer-key:&lt;redacted&gt;');
      expect(r.text()).not.toContain(sse['x-amz-server-side-encryption-customer-key']!);
      expect(r.text()).not.toContain(sse['x-amz-server-side-encryption-customer-key-md5']!);
    }
  });

  it('a full GET cut by a MAC mismatch is logged, without key material', () => {
    const line = gw.logs.find((l) => JSON.stringify(l).includes('S3GW_SSE_MAC_MISMATCH'));
    expect(line).toBeDefined();
  });
});
