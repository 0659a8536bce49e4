// SSE-S3/SSE-KMS beside the gateway's other features, against the real stack
// in the global bucket namespace (keystone.service set): an SSE-S3 object
// written into a storage class (companion container) or moved to one by a
// lifecycle transition stays ciphertext and keeps its plaintext-MD5 ETag; the
// bucket default works in this namespace mode too; each version keeps its own
// data key; GetObjectAttributes gives the S3 ETag; the website endpoint serves
// SSE-S3 pages decrypted (as S3 does) and never an encrypted object's ciphertext.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { writeKeyring } from '../helpers/keyring.js';
import { future, lifecycle, md5 as contentMd5, runLifecycleCommand } from '../helpers/lifecycle.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { gatewayEnv } from '../helpers/stack.js';
import { purgeBucket, purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const CLASSES = { STANDARD_IA: 'ec21' };
const SITE = 's3-website.test';
const SSE_S3 = { 'x-amz-server-side-encryption': 'AES256' };
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
let gw: TestGateway;
let keys: Keys;
const buckets: string[] = [];

async function bucket(label: string, headers: Record<string, string> = {}): Promise<string> {
  const b = uniqueBucket(label);
  buckets.push(b);
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}`, headers })).status).toBe(200);
  return b;
}
const companionRows = async (b: string) =>
  JSON.parse((await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, undefined, { query: { format: 'json' } })).body.toString()) as { name: string }[];

beforeAll(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 's3gw-sse-settings-')), 'keys');
  writeKeyring(dir, ['key-a']);
  gw = await startGateway({
    keystoneEc2: true, dialect: 'aws', storageClasses: CLASSES,
    env: { S3GW_NAMESPACE_CACHE_SECONDS: '1', S3GW_S3_WEBSITE_DOMAINS: SITE, S3GW_ENCRYPTION_KEYRING_DIR: dir, S3GW_ENCRYPTION_KEYRING_CURRENT: 'key-a' },
  });
  keys = gw.stack.users.demo.ec2;
});

afterAll(async () => {
  for (const b of buckets) {
    await purgeBucket(gw.stack, 'demo', b).catch(() => undefined);
    await purgeContainer(gw.stack, 'demo', `${b}+ec21`).catch(() => undefined);
    await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${b}` }).catch(() => undefined);
  }
  await gw?.stop();
});

describe('storage classes and lifecycle moves', () => {
  it('an SSE-S3 PUT with x-amz-storage-class is ciphertext in the companion container; its ETag stays the plaintext MD5', async () => {
    const b = await bucket('sse-s3-class');
    for (const [key, size] of [['small', 100], ['large', 150 * 1024]] as const) {
      const data = randomBytes(size);
      const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/${key}`, headers: { ...SSE_S3, 'x-amz-storage-class': 'STANDARD_IA' }, body: data });
      expect(put.status).toBe(200);
      expect(put.headers['etag']).toBe(`"${md5(data)}"`);
      const get = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/${key}` });
      expect(get.headers['x-amz-storage-class']).toBe('STANDARD_IA');
      expect(get.headers['etag']).toBe(`"${md5(data)}"`);
      expect(get.body.equals(data)).toBe(true);
    }
    const rows = await companionRows(b);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect((await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, row.name)).body.length).toBeGreaterThan(0);
    const list = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?list-type=2&prefix=small` });
    expect(xmlValue(list.text(), 'ETag')).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('a lifecycle transition moves an SSE-S3 object\'s ciphertext with its items and keeps its plaintext-MD5 ETag', async () => {
    const b = await bucket('sse-s3-lc');
    // (S3's default transitions no object under 128 KiB.)
    const data = randomBytes(200 * 1024);
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/old/a`, headers: SSE_S3, body: data })).status).toBe(200);
    const rules = lifecycle('<Rule><ID>ia</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>');
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?lifecycle`, body: rules, headers: { 'content-md5': contentMd5(rules) } })).status).toBe(200);
    const runner = loadConfig({ env: gatewayEnv(gw.stack, { keystoneEc2: true, storageClasses: CLASSES }) });
    const run = await runLifecycleCommand(runner, '--bucket', b, '--now', future(40));
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.filter((l) => l.startsWith('transitioned\t')).map((l) => l.split('\t')[2]), run.lines.join('\n')).toEqual(['old/a']);
    const get = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/old/a` });
    expect(get.status).toBe(200);
    expect(get.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    expect(get.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(get.headers['etag']).toBe(`"${md5(data)}"`);
    expect(get.body.equals(data)).toBe(true);
    const rows = await companionRows(b);
    expect(rows).toHaveLength(1);
    expect((await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, rows[0]!.name)).body.equals(data)).toBe(false);
  });
});

describe('the global namespace, versions, attributes', () => {
  it('PutBucketEncryption in the global namespace: the default applies to plain writes', async () => {
    const b = await bucket('sse-global-default');
    const config = '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?encryption`, body: config })).status).toBe(200);
    const w = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/k`, body: Buffer.from('by default') });
    expect(w.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-a');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'k')).headers['x-object-meta-s3gw-sse']).toBe('k1');
    // Another project's user may not change it.
    const alt = gw.stack.users.alt.ec2;
    expect((await rawS3v4(gw.url, alt, { method: 'DELETE', path: `/${b}?encryption` })).status).toBe(403);
  });

  it('each version keeps its own data key; GetObjectAttributes gives the plaintext-MD5 ETag', async () => {
    const b = await bucket('sse-s3-ver');
    const on = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?versioning`, body: on })).status).toBe(200);
    const one = randomBytes(500);
    const two = randomBytes(600);
    const v1 = (await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/k`, headers: SSE_S3, body: one })).headers['x-amz-version-id']!;
    const v2 = (await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/k`, headers: SSE_S3, body: two })).headers['x-amz-version-id']!;
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/k?versionId=${v1}` })).body.equals(one)).toBe(true);
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/k?versionId=${v2}` })).body.equals(two)).toBe(true);
    const attrs = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/k?attributes`, headers: { 'x-amz-object-attributes': 'ETag,ObjectSize' } });
    expect(attrs.status).toBe(200);
    expect(xmlValue(attrs.text(), 'ETag')).toBe(md5(two));
    expect(xmlValue(attrs.text(), 'ObjectSize')).toBe('600');
  });
});

describe('the website endpoint', () => {
  it('serves an SSE-S3 page decrypted (ranges too), and answers 400 for an SSE-KMS one, never its ciphertext', async () => {
    const b = await bucket('sse-s3-site', { 'x-amz-acl': 'public-read' });
    const page = Buffer.from('<html><body>an encrypted page, served as S3 serves SSE-S3 pages</body></html>');
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/index.html`, headers: { ...SSE_S3, 'content-type': 'text/html' }, body: page })).status).toBe(200);
    const secret = randomBytes(64);
    const kms = { 'x-amz-server-side-encryption': 'aws:kms' };
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/kms.html`, headers: { ...kms, 'content-type': 'text/html' }, body: secret })).status).toBe(200);
    const site = '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?website`, body: site })).status).toBe(200);
    const visit = (path: string, headers: Record<string, string> = {}) => rawS3(gw.url, { method: 'GET', path, host: `${b}.${SITE}`, headers });
    const home = await visit('/');
    expect(home.status).toBe(200);
    expect(home.body.equals(page)).toBe(true);
    expect(home.headers['etag']).toBe(`"${md5(page)}"`);
    expect(home.headers['x-amz-server-side-encryption']).toBe('AES256');
    const part = await visit('/index.html', { range: 'bytes=6-11' });
    expect(part.status).toBe(206);
    expect(part.body.equals(page.subarray(6, 12))).toBe(true);
    const refused = await visit('/kms.html');
    expect(refused.status).toBe(400);
    expect(refused.body.includes(secret.subarray(0, 16))).toBe(false);
  });
});
