// Security finding F1: a member of project `alt` plants, through the native
// Swift API, objects that resolve into project `demo` (a cross-account symlink,
// an SLO whose segment is such a symlink, a DLO whose segment is one), then
// reads or copies them through the gateway with alt's Keystone EC2 key. The
// gateway must never be a way into data alt's own token cannot reach: every
// such request fails and no byte of demo's object is returned or copied.
// Swift's own s3api (port 8081) refuses the same key; the test checks that too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { KeystoneAdmin, openstackEc2, type Ec2Key } from '../helpers/keystone-admin.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { credentialOf, loadStack, writeCredentialsFile } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const admin = new KeystoneAdmin(stack);
const SECRET = 'demo private bytes: never for alt';

let gw: TestGateway;
let altKey: Ec2Key;
const demoBucket = uniqueBucket('victim');
const altBucket = uniqueBucket('attacker');
const demoAccount = `AUTH_${stack.users.demo.projectId}`;

/** What a request through the gateway must look like: refused, and nothing of demo's object in it. */
function expectRefused(res: { status: number; text(): string }, what: string): void {
  expect(res.text(), what).not.toContain(SECRET);
  expect(res.status, `${what}: ${res.text().slice(0, 300)}`).toBeGreaterThanOrEqual(400);
}

beforeAll(async () => {
  gw = await startGateway({ keystoneEc2: true });
  const a = openstackEc2(stack, 'alt', ['create', '-f', 'json']);
  altKey = { access: String(a['access']), secret: String(a['secret']) };

  // demo's private object, written natively.
  expect((await swiftDirect(stack, 'demo', 'PUT', demoBucket, undefined, { headers: { 'content-length': '0' } })).status).toBe(201);
  expect((await swiftDirect(stack, 'demo', 'PUT', demoBucket, 'secret', { body: SECRET })).status).toBe(201);

  // alt's container with the planted objects, written natively with alt's own token.
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, undefined, { headers: { 'content-length': '0' } })).status).toBe(201);
  const symlink = { 'x-symlink-target': `${demoBucket}/secret`, 'x-symlink-target-account': demoAccount, 'content-length': '0' };
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'link', { headers: symlink, query: { symlink: 'put' } })).status).toBe(201);
  // A plain part of alt's own, for the legitimate comparisons.
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'own', { body: 'alt data' })).status).toBe(201);

  // SLO: made over a plain segment (Swift validates segments at PUT), then the
  // segment is replaced by a cross-account symlink.
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'slo-seg', { body: 'x'.repeat(SECRET.length) })).status).toBe(201);
  const manifest = JSON.stringify([{ path: `/${altBucket}/slo-seg`, etag: null, size_bytes: null }]);
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'slo', { body: manifest, query: { 'multipart-manifest': 'put' } })).status).toBe(201);
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'slo-seg', { headers: symlink, query: { symlink: 'put' } })).status).toBe(201);

  // DLO: every object under dlo-seg/ is a segment; the only one is a symlink.
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'dlo-seg/1', { headers: symlink, query: { symlink: 'put' } })).status).toBe(201);
  const dlo = { 'x-object-manifest': `${altBucket}/dlo-seg/`, 'content-length': '0' };
  expect((await swiftDirect(stack, 'alt', 'PUT', altBucket, 'dlo', { headers: dlo })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await purgeContainer(stack, 'demo', demoBucket);
  await purgeContainer(stack, 'alt', altBucket);
  await purgeContainer(stack, 'alt', `${altBucket}+segments`);
  if (altKey) await admin.deleteEc2(stack.users.alt.userId, altKey.access);
  await gw?.stop();
});

describe('F1: a Keystone EC2 key never reaches another project through Swift objects that point there', () => {
  it('Swift refuses alt\'s own token on the planted symlink, and s3api refuses alt\'s key (the reference)', async () => {
    const direct = await swiftDirect(stack, 'alt', 'GET', altBucket, 'link');
    expect(direct.status).toBeGreaterThanOrEqual(400);
    expect(direct.body.toString()).not.toContain(SECRET);
    const s3api = await rawS3(stack.s3api.url, { method: 'GET', path: `/${altBucket}/link`, keys: altKey });
    expectRefused(s3api, 'GET through s3api');
  });

  it('GetObject and HeadObject of a cross-account symlink are refused', async () => {
    const get = await rawS3(gw.url, { method: 'GET', path: `/${altBucket}/link`, keys: altKey });
    expectRefused(get, 'GetObject');
    expect(xmlValue(get.text(), 'Code')).toBe('AccessDenied');
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${altBucket}/link`, keys: altKey });
    expect(head.status).toBeGreaterThanOrEqual(400);
    expect(head.headers['content-length']).not.toBe(String(SECRET.length));
  });

  it('CopyObject and UploadPartCopy from a cross-account symlink copy nothing', async () => {
    const copy = await rawS3(gw.url, { method: 'PUT', path: `/${altBucket}/stolen`, keys: altKey, headers: { 'x-amz-copy-source': `/${altBucket}/link` } });
    expectRefused(copy, 'CopyObject');
    expect((await swiftDirect(stack, 'alt', 'GET', altBucket, 'stolen')).status).toBe(404);

    const created = await rawS3(gw.url, { method: 'POST', path: `/${altBucket}/mp?uploads`, keys: altKey });
    expect(created.status).toBe(200);
    const id = xmlValue(created.text(), 'UploadId')!;
    const part = await rawS3(gw.url, { method: 'PUT', path: `/${altBucket}/mp?partNumber=1&uploadId=${id}`, keys: altKey, headers: { 'x-amz-copy-source': `/${altBucket}/link` } });
    expectRefused(part, 'UploadPartCopy');
    const parts = await swiftDirect(stack, 'alt', 'GET', `${altBucket}+segments`, undefined, { query: { format: 'json', prefix: `mp/${id}/` } });
    expect(JSON.parse(parts.body.toString() || '[]')).toEqual([]);
    await rawS3(gw.url, { method: 'DELETE', path: `/${altBucket}/mp?uploadId=${id}`, keys: altKey });
  });

  it('an SLO or DLO manifest whose segment is a cross-account symlink returns none of its bytes', async () => {
    for (const key of ['slo', 'dlo']) {
      const get = await rawS3(gw.url, { method: 'GET', path: `/${altBucket}/${key}`, keys: altKey }).catch((err: Error) => ({ status: 599, text: () => String(err) }));
      expect(get.text(), key).not.toContain(SECRET);
      const copy = await rawS3(gw.url, { method: 'PUT', path: `/${altBucket}/${key}-copy`, keys: altKey, headers: { 'x-amz-copy-source': `/${altBucket}/${key}` } });
      expect(copy.text(), key).not.toContain(SECRET);
      const copied = await swiftDirect(stack, 'alt', 'GET', altBucket, `${key}-copy`);
      expect(copied.body.toString(), key).not.toContain(SECRET);
    }
  });

  it('alt\'s own objects and symlinks inside alt\'s account still work', async () => {
    const own = await swiftDirect(stack, 'alt', 'PUT', altBucket, 'own-link', {
      headers: { 'x-symlink-target': `${altBucket}/own`, 'content-length': '0' }, query: { symlink: 'put' },
    });
    expect(own.status).toBe(201);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${altBucket}/own-link`, keys: altKey });
    expect(get.status).toBe(200);
    expect(get.text()).toBe('alt data');
  });
});

describe('acting with a token broader than the requester\'s own', () => {
  it('never follows a symlink into another account, even where the token could (a ResellerAdmin user of the credentials file)', async () => {
    // An operator may map a key to a Keystone user holding ResellerAdmin, whose
    // token reaches every account. The gateway still serves only objects of
    // the account it acts on: Swift's Content-Location names where a followed
    // symlink led, and another account there is refused.
    const name = `broad-${Date.now().toString(36)}`;
    const userId = await admin.createUser(name, `pw-${name}`);
    const dir = mkdtempSync(join(tmpdir(), 's3gw-broad-'));
    const key = { access: `BROAD${Date.now().toString(36).toUpperCase()}`, secret: 'broad-secret' };
    const credentialsFile = writeCredentialsFile(join(dir, 'credentials.json'), [
      credentialOf({ username: name, password: `pw-${name}`, domain: 'default', projectId: stack.users.alt.projectId, ec2: key }),
    ]);
    let broad: TestGateway | undefined;
    try {
      await admin.grant(userId, stack.users.alt.projectId, 'member');
      await admin.grant(userId, stack.users.alt.projectId, 'ResellerAdmin');
      broad = await startGateway({ env: { S3GW_CREDENTIALS_FILE: credentialsFile } });
      expect((await rawS3(broad.url, { method: 'GET', path: `/${altBucket}/own`, keys: key })).text()).toBe('alt data');
      const get = await rawS3(broad.url, { method: 'GET', path: `/${altBucket}/link`, keys: key });
      expectRefused(get, 'GetObject with a reseller token');
      expect(xmlValue(get.text(), 'Code')).toBe('AccessDenied');
      expect((await rawS3(broad.url, { method: 'HEAD', path: `/${altBucket}/link`, keys: key })).status).toBeGreaterThanOrEqual(400);
      const copy = await rawS3(broad.url, { method: 'PUT', path: `/${altBucket}/stolen-by-reseller`, keys: key, headers: { 'x-amz-copy-source': `/${altBucket}/link` } });
      expectRefused(copy, 'CopyObject with a reseller token');
      expect((await swiftDirect(stack, 'alt', 'GET', altBucket, 'stolen-by-reseller')).status).toBe(404);
      expect(broad.logs.some((l) => l['msg'] === 'refused an object that resolves into another account')).toBe(true);
    } finally {
      await broad?.stop();
      await admin.deleteUser(userId);
    }
  });
});
