// Where SSE-S3/SSE-KMS keys come from, end to end against the real stack:
// SSE-KMS with Barbican keys made by the `openstack secret store` CLI and
// shared with the gateway's service user (a bare uuid or the href as key id);
// a key manager that cannot be reached (503); keyring rotation (objects
// wrapped with the old key still read, new ones use the new id); and
// tampering with what Swift stores (a changed item, a changed ciphertext
// byte, items copied onto another object): refused or cut short, never
// plaintext and never wrong bytes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barbicanUrl, openstackAs } from '../helpers/barbican.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { writeKeyring } from '../helpers/keyring.js';
import { xmlValue, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys: Keys = stack.users.demo.ec2;
const SSE_S3 = { 'x-amz-server-side-encryption': 'AES256' };
const kms = (keyId: string) => ({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': keyId });
const put = (gw: TestGateway, bucket: string, key: string, body: Buffer, headers: Record<string, string>) => rawS3v4(gw.url, keys, { method: 'PUT', path: `/${bucket}/${key}`, headers, body });
const get = (gw: TestGateway, bucket: string, key: string, headers: Record<string, string> = {}) => rawS3v4(gw.url, keys, { method: 'GET', path: `/${bucket}/${key}`, headers });
const made: string[] = [];
const secrets: string[] = [];

async function newBucket(gw: TestGateway, label: string): Promise<string> {
  const name = uniqueBucket(label);
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${name}` })).status).toBe(200);
  made.push(name);
  return name;
}

afterAll(async () => {
  for (const name of made) await purgeBucket(stack, 'demo', name);
  for (const href of secrets) {
    try {
      openstackAs(stack, 'demo', ['secret', 'delete', href]);
    } catch {
      // best effort: a test stack
    }
  }
});

describe('SSE-KMS with Barbican keys', () => {
  let gw: TestGateway;
  let b: string;
  let href: string;

  beforeAll(async () => {
    barbicanUrl(stack); // a clear error when the stack predates Barbican
    // 32 bytes stored as a binary secret by demo, readable by the gateway's service user through the secret's ACL.
    href = openstackAs(stack, 'demo', ['secret', 'store', '--name', `s3gw-sse-${randomBytes(4).toString('hex')}`, '--secret-type', 'symmetric',
      '--algorithm', 'aes', '--bit-length', '256', '--payload-content-type', 'application/octet-stream', '--payload-content-encoding', 'base64',
      '--payload', randomBytes(32).toString('base64'), '-c', 'Secret href', '-f', 'value']);
    secrets.push(href);
    openstackAs(stack, 'demo', ['acl', 'user', 'add', '--user', stack.users.s3gateway.userId, '--operation-type', 'read', href]);
    gw = await startGateway({ dialect: 'aws', keystoneEc2: true, env: { S3GW_ENCRYPTION_PROVIDERS_SSE_KMS: 'barbican' } });
    b = await newBucket(gw, 'sse-barbican');
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
  });

  it('wraps with the secret the client names (its href or uuid), answers its uuid, and reads back with no header', async () => {
    const uuid = href.slice(href.lastIndexOf('/') + 1);
    for (const [key, keyId, size] of [['by-href', href, 100], ['by-uuid', uuid, 70 * 1024]] as const) {
      const data = randomBytes(size);
      const w = await put(gw, b, key, data, kms(keyId));
      expect(w.status, w.text()).toBe(200);
      expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(uuid);
      const head = (await swiftDirect(stack, 'demo', 'HEAD', b, key)).headers;
      expect(head['x-object-meta-s3gw-sse-kp']).toBe('barbican');
      expect(head['x-object-meta-s3gw-sse-kid']).toBe(uuid);
      expect((await swiftDirect(stack, 'demo', 'GET', b, key)).body.equals(data)).toBe(false);
      const r = await get(gw, b, key);
      expect(r.status).toBe(200);
      expect(r.body.equals(data)).toBe(true);
      expect(r.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(uuid);
    }
  });

  it('a secret Barbican does not have is 400 KMS.NotFoundException; nothing is stored', async () => {
    const r = await put(gw, b, 'missing-key', Buffer.from('x'), kms('00000000-0000-4000-8000-000000000000'));
    expect(r.status).toBe(400);
    expect(xmlValue(r.text(), 'Code')).toBe('KMS.NotFoundException');
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'missing-key')).status).toBe(404);
  });

  it('SSE-S3 on this gateway stays on the keyring: none configured here, so it is NotImplemented', async () => {
    expect((await put(gw, b, 's3-none', Buffer.from('x'), SSE_S3)).status).toBe(501);
  });

  it('a key manager that cannot be reached is 503 ServiceUnavailable', async () => {
    const down = await startGateway({ dialect: 'aws', keystoneEc2: true, env: { S3GW_ENCRYPTION_PROVIDERS_SSE_KMS: 'barbican', S3GW_ENCRYPTION_BARBICAN_URL: 'http://127.0.0.1:9', S3GW_ENCRYPTION_BARBICAN_TIMEOUT_MS: '2000' } });
    try {
      const r = await put(down, b, 'kms-down', Buffer.from('x'), kms(href));
      expect(r.status).toBe(503);
      expect(xmlValue(r.text(), 'Code')).toBe('ServiceUnavailable');
      expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'kms-down')).status).toBe(404);
      // An object already there cannot be read either (its key is not cached on this gateway): 503, not ciphertext.
      expect((await get(down, b, 'by-href')).status).toBe(503);
    } finally {
      await down.stop();
    }
  });
});

describe('keyring rotation', () => {
  it('objects wrapped with the old key still read after the current key changes; new ones use the new id', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 's3gw-rotate-')), 'keys');
    writeKeyring(dir, ['2026-01']);
    const env = (current: string) => ({ S3GW_ENCRYPTION_KEYRING_DIR: dir, S3GW_ENCRYPTION_KEYRING_CURRENT: current });
    const before = await startGateway({ dialect: 'aws', env: env('2026-01') });
    let b: string;
    const old = randomBytes(5000);
    try {
      b = await newBucket(before, 'sse-rotate');
      expect((await put(before, b, 'old', old, SSE_S3)).status).toBe(200);
    } finally {
      await before.stop();
    }
    // Rotation: a new key file, and the setting names it (the old file stays).
    writeKeyring(dir, ['2026-02']);
    const after = await startGateway({ dialect: 'aws', env: env('2026-02') });
    try {
      const r = await get(after, b, 'old');
      expect(r.body.equals(old)).toBe(true);
      expect(r.headers['etag']).toBe(`"${createHash('md5').update(old).digest('hex')}"`);
      expect((await put(after, b, 'new', Buffer.from('new'), SSE_S3)).status).toBe(200);
      expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'old')).headers['x-object-meta-s3gw-sse-kid']).toBe('2026-01');
      expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'new')).headers['x-object-meta-s3gw-sse-kid']).toBe('2026-02');
    } finally {
      await after.stop();
    }
  }, 60_000);
});

describe('tampering through the Swift API', () => {
  let gw: TestGateway;
  let b: string;
  beforeAll(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 's3gw-tamper-')), 'keys');
    writeKeyring(dir, ['key-a', 'key-b']);
    gw = await startGateway({ dialect: 'aws', env: { S3GW_ENCRYPTION_KEYRING_DIR: dir, S3GW_ENCRYPTION_KEYRING_CURRENT: 'key-a' } });
    b = await newBucket(gw, 'sse-tamper');
  });
  afterAll(async () => {
    await gw.stop();
  });
  const metaOf = async (key: string) => {
    const head = (await swiftDirect(stack, 'demo', 'HEAD', b, key)).headers;
    return Object.fromEntries(Object.entries(head).filter(([k]) => k.startsWith('x-object-meta-') || k === 'content-type'));
  };

  it('a changed key id (the seal breaks) is refused (400), never served as plaintext or ciphertext', async () => {
    for (const [key, headers] of [['meta-s3', SSE_S3], ['meta-kms', kms('key-b')]] as const) {
      expect((await put(gw, b, key, randomBytes(100), headers)).status).toBe(200);
      const meta = await metaOf(key);
      const changed = { ...meta, 'x-object-meta-s3gw-sse-kid': meta['x-object-meta-s3gw-sse-kid'] === 'key-a' ? 'key-b' : 'key-a' };
      expect((await swiftDirect(stack, 'demo', 'POST', b, key, { headers: changed })).status).toBe(202);
      const r = await get(gw, b, key);
      expect(r.status).toBe(400);
      expect(xmlValue(r.text(), 'Code')).toBe('InvalidRequest');
    }
  });

  it('items copied onto another object (re-sealed there by no one) are refused too', async () => {
    expect((await put(gw, b, 'source', randomBytes(64), SSE_S3)).status).toBe(200);
    const meta = await metaOf('source');
    const bytes = (await swiftDirect(stack, 'demo', 'GET', b, 'source')).body;
    expect((await swiftDirect(stack, 'demo', 'PUT', b, 'forged', { headers: meta, body: bytes })).status).toBe(201);
    expect((await get(gw, b, 'forged')).status).toBe(400);
  });

  it('a changed ciphertext byte (items kept) makes a full GET fail before any byte, not give wrong plaintext', async () => {
    const data = randomBytes(3000);
    expect((await put(gw, b, 'bytes', data, SSE_S3)).status).toBe(200);
    const meta = await metaOf('bytes');
    const stored = (await swiftDirect(stack, 'demo', 'GET', b, 'bytes')).body;
    stored.writeUInt8(stored.readUInt8(1234) ^ 0x01, 1234);
    expect((await swiftDirect(stack, 'demo', 'PUT', b, 'bytes', { headers: meta, body: stored })).status).toBe(201);
    const r = await get(gw, b, 'bytes').catch((err: unknown) => err);
    // The one chunk is held back until the MAC is checked: the body is cut (or the connection closes) with nothing of it sent.
    if (!(r instanceof Error)) expect((r as { body: Buffer }).body.equals(data)).toBe(false);
    expect(gw.logs.some((l) => l['msg'] === 'encrypted object failed its integrity check: response cut short')).toBe(true);
  });
});
