// SSE-C beside the gateway's other features, against the real stack: refused
// over plain HTTP unless encryption.customerKeysOverHttp; an SSE-C object written
// into a storage class (companion container) and moved to one by a lifecycle
// transition stays ciphertext in Swift and readable with its key; versions
// and object lock keep working with it; the website endpoint never serves
// an SSE-C object's ciphertext.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { future, lifecycle, md5, runLifecycleCommand } from '../helpers/lifecycle.js';
import { rawS3, signV2, stringToSignV2, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { openSocket } from '../helpers/raw-socket.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { gatewayEnv } from '../helpers/stack.js';
import { purgeBucket, purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const CLASSES = { STANDARD_IA: 'ec21' };
const SITE = 's3-website.test';
const key = randomBytes(32);
const sse = {
  'x-amz-server-side-encryption-customer-algorithm': 'AES256',
  'x-amz-server-side-encryption-customer-key': key.toString('base64'),
  'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64'),
};
let strict: TestGateway;
let gw: TestGateway;
let keys: Keys;
const buckets: string[] = [];

async function bucket(label: string, headers: Record<string, string> = {}): Promise<string> {
  const b = uniqueBucket(label);
  buckets.push(b);
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}`, headers })).status).toBe(200);
  return b;
}

beforeAll(async () => {
  strict = await startGateway({ dialect: 'aws', env: { S3GW_ENCRYPTION_CUSTOMER_KEYS_OVER_HTTP: 'false' } });
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', storageClasses: CLASSES, env: { S3GW_NAMESPACE_CACHE_SECONDS: '1', S3GW_S3_WEBSITE_DOMAINS: SITE } });
  keys = gw.stack.users.demo.ec2;
});

afterAll(async () => {
  for (const b of buckets) {
    await purgeBucket(gw.stack, 'demo', b).catch(() => undefined);
    await purgeContainer(gw.stack, 'demo', `${b}+ec21`).catch(() => undefined);
    await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${b}` }).catch(() => undefined);
  }
  await strict?.stop();
  await gw?.stop();
});

describe('plain HTTP', () => {
  it('refuses SSE-C as S3 does when encryption.customerKeysOverHttp is off (the default), before storing anything', async () => {
    const b = uniqueBucket('ssec-http');
    buckets.push(b);
    expect((await rawS3v4(strict.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
    const put = await rawS3v4(strict.url, keys, { method: 'PUT', path: `/${b}/k`, headers: sse, body: 'secret' });
    expect(put.status).toBe(400);
    expect(xmlValue(put.text(), 'Code')).toBe('InvalidRequest');
    expect(xmlValue(put.text(), 'Message')).toBe('Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.');
    expect((await swiftDirect(strict.stack, 'demo', 'HEAD', b, 'k')).status).toBe(404);
    // Even a malformed set is refused for the insecure transport first: the key has been exposed already.
    const get = await rawS3v4(strict.url, keys, { method: 'GET', path: `/${b}/k`, headers: { ...sse, 'x-amz-server-side-encryption-customer-key-md5': 'bad' } });
    expect(xmlValue(get.text(), 'Message')).toBe('Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.');
  });
});

describe('plain HTTP with Expect: 100-continue', () => {
  it('answers the refusal at once: the body is never invited', async () => {
    const b = uniqueBucket('ssec-expect');
    buckets.push(b);
    expect((await rawS3v4(strict.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
    const date = new Date().toUTCString();
    const path = `/${b}/k`;
    const auth = `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2('PUT', path, { date, ...sse }))}`;
    const head = [`PUT ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Date: ${date}`, `Authorization: ${auth}`, ...Object.entries(sse).map(([k, v]) => `${k}: ${v}`),
      'Expect: 100-continue', 'Content-Length: 6', '', ''].join('\r\n');
    const conn = await openSocket(strict.port);
    conn.write(head);
    const answer = await conn.waitFor(/<\/Error>/);
    conn.socket.destroy();
    expect(answer).not.toContain('100 Continue');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('must be made over a secure connection.');
  });
});

describe('storage classes', () => {
  it('an SSE-C PUT with x-amz-storage-class is ciphertext in the class\'s companion container and reads back', async () => {
    const b = await bucket('ssec-class');
    const data = randomBytes(150 * 1024);
    const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/ia`, headers: { ...sse, 'x-amz-storage-class': 'STANDARD_IA' }, body: data });
    expect(put.status).toBe(200);
    const companion = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, undefined, { query: { format: 'json' } });
    const rows = JSON.parse(companion.body.toString()) as { name: string; bytes: number }[];
    expect(rows).toHaveLength(1);
    const stored = (await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, rows[0]!.name)).body;
    expect(stored.length).toBe(data.length);
    expect(stored.equals(data)).toBe(false);
    const get = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/ia`, headers: sse });
    expect(get.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    expect(get.body.equals(data)).toBe(true);
  });

  it('a lifecycle transition moves an SSE-C object\'s ciphertext with its items: still readable with its key, only with it', async () => {
    const b = await bucket('ssec-lc');
    const data = randomBytes(200 * 1024);
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/old/a`, headers: sse, body: data })).status).toBe(200);
    const rules = lifecycle('<Rule><ID>ia</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>');
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?lifecycle`, body: rules, headers: { 'content-md5': md5(rules) } })).status).toBe(200);
    const runner = loadConfig({ env: gatewayEnv(gw.stack, { keystoneEc2: true, storageClasses: CLASSES }) });
    const run = await runLifecycleCommand(runner, '--bucket', b, '--now', future(40));
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.filter((l) => l.startsWith('transitioned\t')).map((l) => l.split('\t')[2])).toEqual(['old/a']);
    const get = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/old/a`, headers: sse });
    expect(get.status).toBe(200);
    expect(get.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    expect(get.body.equals(data)).toBe(true);
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/old/a` })).status).toBe(400);
    const companion = JSON.parse((await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, undefined, { query: { format: 'json' } })).body.toString()) as { name: string }[];
    expect(companion).toHaveLength(1);
    expect((await swiftDirect(gw.stack, 'demo', 'GET', `${b}+ec21`, companion[0]!.name)).body.equals(data)).toBe(false);
  });
});

describe('versions and object lock', () => {
  it('each version of a versioned bucket keeps its own data key: both read back by version id', async () => {
    const b = await bucket('ssec-ver');
    const on = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?versioning`, body: on })).status).toBe(200);
    const one = randomBytes(1000);
    const two = randomBytes(2000);
    const v1 = (await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/k`, headers: sse, body: one })).headers['x-amz-version-id'];
    const v2 = (await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/k`, headers: sse, body: two })).headers['x-amz-version-id'];
    expect(v1).toBeDefined();
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/k?versionId=${v1}`, headers: sse })).body.equals(one)).toBe(true);
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/k?versionId=${v2}`, headers: sse })).body.equals(two)).toBe(true);
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/k`, headers: sse })).body.equals(two)).toBe(true);
  });

  it('an SSE-C PUT with a legal hold in a lock-enabled bucket keeps both (no metadata POST is needed)', async () => {
    const b = await bucket('ssec-lock', { 'x-amz-bucket-object-lock-enabled': 'true' });
    const data = randomBytes(5000);
    const body = createHash('md5').update(data).digest('base64');
    const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/held`, headers: { ...sse, 'x-amz-object-lock-legal-hold': 'ON', 'content-md5': body }, body: data });
    expect(put.status, put.text()).toBe(200);
    const head = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${b}/held`, headers: sse });
    expect(head.headers['x-amz-object-lock-legal-hold']).toBe('ON');
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/held`, headers: sse })).body.equals(data)).toBe(true);
    // Lift the hold so cleanup can delete it.
    const off = '<LegalHold><Status>OFF</Status></LegalHold>';
    await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/held?legal-hold&versionId=${put.headers['x-amz-version-id']}`, body: off, headers: { 'content-md5': md5(off) } });
  });
});

describe('the website endpoint', () => {
  it('answers 400 for an SSE-C page, its error document included, and serves plain pages beside them', async () => {
    const b = await bucket('ssec-site', { 'x-amz-acl': 'public-read' });
    const secret = randomBytes(64);
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/index.html`, headers: { ...sse, 'content-type': 'text/html' }, body: secret })).status).toBe(200);
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/errors/404.html`, headers: { ...sse, 'content-type': 'text/html' }, body: secret })).status).toBe(200);
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/plain.html`, headers: { 'content-type': 'text/html' }, body: '<p>plain</p>' })).status).toBe(200);
    const site = '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>errors/404.html</Key></ErrorDocument></WebsiteConfiguration>';
    expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?website`, body: site })).status).toBe(200);
    const visit = (path: string) => rawS3(gw.url, { method: 'GET', path, host: `${b}.${SITE}` });
    const home = await visit('/');
    expect(home.status).toBe(400);
    expect(home.body.includes(secret.subarray(0, 16))).toBe(false);
    expect(home.text()).toContain('Server Side Encryption');
    expect((await visit('/plain.html')).text()).toBe('<p>plain</p>');
    // A missing page: the (encrypted) error document is not served either.
    const missing = await visit('/nothing.html');
    expect(missing.status).toBe(404);
    expect(missing.body.includes(secret.subarray(0, 16))).toBe(false);
  });
});
