// Moving objects between classes server side, against the real stack:
// CopyObject with x-amz-storage-class (onto itself too, as S3 allows), and
// changeStorageClass, the transition the lifecycle runner uses, called as the
// runner does with an OperationContext on the same Swift and seal key.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackend } from '../../src/backend.js';
import { loadConfig } from '../../src/config.js';
import { KnownContainers } from '../../src/operations/common/segments.js';
import { DEFAULT_LIMITS, type OperationContext } from '../../src/operations/context.js';
import { BucketPolicies } from '../../src/operations/storage/bucket-class.js';
import { resolveStorageClasses } from '../../src/operations/storage/policies.js';
import { changeStorageClass } from '../../src/operations/storage/transition.js';
import { DIALECTS } from '../../src/s3/dialect.js';
import type { S3Request } from '../../src/s3/request.js';
import { fetchStoragePolicies } from '../../src/swift/info.js';
import { Sealer } from '../../src/swift/sealed-state.js';
import { SwiftStore } from '../../src/swift/store.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';
import { Agent } from 'undici';
import { crc32 as zlibCrc32 } from 'node:zlib';

const INTEGRITY = 'storage-classes-move-test-key';
const CLASSES = { STANDARD_IA: 'ec21', GLACIER_IR: 'ec21' };

let gw: TestGateway;
let keys: Keys;
let bucket: string;
let runnerCtx: OperationContext;
const made: string[] = [];

const s3 = (method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string> } = {}) => rawS3(gw.url, { method, path, keys, ...opts });
const swift = (method: string, container: string, object?: string, opts: Parameters<typeof swiftDirect>[5] = {}) => swiftDirect(gw.stack, 'demo', method, container, object, opts);
const names = async (container: string, prefix: string): Promise<string[]> => {
  const res = await swift('GET', container, undefined, { query: { format: 'json', prefix } });
  return res.status === 200 ? (JSON.parse(res.body.toString()) as { name: string }[]).map((r) => r.name) : [];
};
const crc32 = (text: string) => { const b = Buffer.alloc(4); b.writeUInt32BE(zlibCrc32(text)); return b.toString('base64'); };
const md5 = (text: string) => `"${createHash('md5').update(text).digest('hex')}"`;

beforeAll(async () => {
  gw = await startGateway({ storageClasses: CLASSES, env: { S3GW_S3_INTEGRITY_KEY: INTEGRITY } });
  keys = gw.stack.users.demo.ec2;
  bucket = uniqueBucket('scm');
  made.push(bucket, `${bucket}+ec21`, `${bucket}+Policy-0`, `${bucket}+segments`);
  expect((await s3('PUT', `/${bucket}`)).status).toBeLessThan(300);
  // The runner's context: the demo user's Swift, the gateway's seal key and class map.
  const demo = gw.stack.users.demo;
  const config = loadConfig({ env: { S3GW_KEYSTONE_AUTH_URL: gw.stack.keystone.authUrl, S3GW_CREDENTIALS_KEYSTONE: 'false', S3GW_CREDENTIALS_FILE: '/dev/null' } });
  const { swift: client } = buildBackend(config);
  const store = new SwiftStore(client.session({ kind: 'password', username: demo.username, password: demo.password, userDomain: demo.domain, userDomainIsId: true, projectId: demo.projectId }, { transId: '' }),
    new Sealer(createHash('sha256').update(`s3gw-integrity\n${INTEGRITY}`).digest()));
  const agent = new Agent();
  const policies = await fetchStoragePolicies(agent, gw.stack.swift.url);
  await agent.close();
  runnerCtx = {
    req: { method: 'POST', headers: {}, query: new Map() } as unknown as S3Request, store, dialect: DIALECTS.aws, limits: DEFAULT_LIMITS,
    region: 'us-east-1', acceptedRegions: ['us-east-1'], segmentsContainers: new KnownContainers(),
    storage: { classes: resolveStorageClasses(CLASSES, policies), bucketPolicies: new BucketPolicies() },
  } as unknown as OperationContext;
});

afterAll(async () => {
  for (const c of made) await purgeContainer(gw.stack, 'demo', c);
  await gw.stop();
});

describe('CopyObject with x-amz-storage-class', () => {
  it('copies into another class: the copy\'s bytes are in ec21, the source stays STANDARD', async () => {
    await s3('PUT', `/${bucket}/src`, { body: 'source bytes', headers: { 'x-amz-meta-a': '1', 'content-type': 'text/x-src' } });
    const copy = await s3('PUT', `/${bucket}/dst`, { headers: { 'x-amz-copy-source': `/${bucket}/src`, 'x-amz-storage-class': 'STANDARD_IA' } });
    expect(copy.status, copy.text()).toBeLessThan(300);
    expect(xmlValue(copy.text(), 'ETag')).toBe(md5('source bytes'));
    const head = await s3('HEAD', `/${bucket}/dst`);
    expect([head.headers['x-amz-storage-class'], head.headers['etag'], head.headers['x-amz-meta-a'], head.headers['content-type']]).toEqual(['STANDARD_IA', md5('source bytes'), '1', 'text/x-src']);
    expect((await s3('GET', `/${bucket}/dst`)).text()).toBe('source bytes');
    expect(await names(`${bucket}+ec21`, 'dst/')).toHaveLength(1);
    expect((await s3('HEAD', `/${bucket}/src`)).headers['x-amz-storage-class']).toBeUndefined();
  });

  it('copies an object onto itself with only a new class (S3 allows it) and removes its old bytes', async () => {
    await s3('PUT', `/${bucket}/self`, { body: 'self bytes', headers: { 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-meta-keep': 'me' } });
    const before = await names(`${bucket}+ec21`, 'self/');
    expect(before).toHaveLength(1);
    // Back to STANDARD: the bytes come into the bucket; ec21 has nothing of it any more.
    const back = await s3('PUT', `/${bucket}/self`, { headers: { 'x-amz-copy-source': `/${bucket}/self`, 'x-amz-storage-class': 'STANDARD' } });
    expect(back.status, back.text()).toBeLessThan(300);
    expect(await names(`${bucket}+ec21`, 'self/')).toEqual([]);
    const head = await s3('HEAD', `/${bucket}/self`);
    expect([head.headers['x-amz-storage-class'], head.headers['x-amz-meta-keep'], head.headers['etag']]).toEqual([undefined, 'me', md5('self bytes')]);
    // And to GLACIER_IR.
    expect((await s3('PUT', `/${bucket}/self`, { headers: { 'x-amz-copy-source': `/${bucket}/self`, 'x-amz-storage-class': 'GLACIER_IR' } })).status).toBeLessThan(300);
    expect((await s3('HEAD', `/${bucket}/self`)).headers['x-amz-storage-class']).toBe('GLACIER_IR');
    expect((await s3('GET', `/${bucket}/self`)).text()).toBe('self bytes');
    expect(await names(`${bucket}+ec21`, 'self/')).toHaveLength(1);
  });

  it('a copy without a class is STANDARD, even from an object of another class', async () => {
    await s3('PUT', `/${bucket}/cold-src`, { body: 'cold', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    await s3('PUT', `/${bucket}/plain-copy`, { headers: { 'x-amz-copy-source': `/${bucket}/cold-src` } });
    const head = await s3('HEAD', `/${bucket}/plain-copy`);
    expect([head.headers['x-amz-storage-class'], head.headers['etag']]).toEqual([undefined, md5('cold')]);
    const list = await s3('GET', `/${bucket}?prefix=plain-copy`);
    expect(xmlValues(list.text(), 'StorageClass')).toEqual(['STANDARD']);
  });

  it('refuses a class not offered with InvalidStorageClass', async () => {
    const res = await s3('PUT', `/${bucket}/nope`, { headers: { 'x-amz-copy-source': `/${bucket}/src`, 'x-amz-storage-class': 'DEEP_ARCHIVE' } });
    expect([res.status, xmlValue(res.text(), 'Code')]).toEqual([400, 'InvalidStorageClass']);
  });
});

describe('changeStorageClass (lifecycle transitions)', () => {
  it('moves a STANDARD object to STANDARD_IA and back, keeping its ETag, metadata and checksum', async () => {
    const body = 'transition me';
    const put = await s3('PUT', `/${bucket}/t/one`, { body, headers: { 'x-amz-meta-owner': 'ops', 'content-type': 'text/plain', 'x-amz-checksum-crc32': crc32(body) } });
    expect(put.status, put.text()).toBeLessThan(300);
    await changeStorageClass(runnerCtx, bucket, 't/one', undefined, 'STANDARD_IA');
    const head = await s3('HEAD', `/${bucket}/t/one`, { headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect([head.headers['x-amz-storage-class'], head.headers['etag'], head.headers['x-amz-meta-owner'], head.headers['content-type'], head.headers['content-length']])
      .toEqual(['STANDARD_IA', md5(body), 'ops', 'text/plain', String(body.length)]);
    expect(head.headers['x-amz-checksum-crc32']).toBe(put.headers['x-amz-checksum-crc32']);
    expect(await names(`${bucket}+ec21`, 't/one/')).toHaveLength(1);
    // Already there: nothing happens.
    await changeStorageClass(runnerCtx, bucket, 't/one', 'null', 'STANDARD_IA');
    expect(await names(`${bucket}+ec21`, 't/one/')).toHaveLength(1);
    await changeStorageClass(runnerCtx, bucket, 't/one', undefined, 'STANDARD');
    expect(await names(`${bucket}+ec21`, 't/one/')).toEqual([]);
    const back = await s3('GET', `/${bucket}/t/one`);
    expect([back.text(), back.headers['x-amz-storage-class'], back.headers['etag']]).toEqual([body, undefined, md5(body)]);
  });

  it('keeps a multipart object\'s ETag and removes its parts once moved', async () => {
    const create = await s3('POST', `/${bucket}/t/mp?uploads`);
    const uploadId = xmlValue(create.text(), 'UploadId')!;
    const part = await s3('PUT', `/${bucket}/t/mp?partNumber=1&uploadId=${uploadId}`, { body: 'only part' });
    const done = await s3('POST', `/${bucket}/t/mp?uploadId=${uploadId}`, { body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>` });
    expect(done.status, done.text()).toBe(200);
    const etag = (await s3('HEAD', `/${bucket}/t/mp`)).headers['etag'];
    expect(etag).toMatch(/-1"$/);
    await changeStorageClass(runnerCtx, bucket, 't/mp', undefined, 'GLACIER_IR');
    const head = await s3('HEAD', `/${bucket}/t/mp`);
    expect([head.headers['x-amz-storage-class'], head.headers['etag']]).toEqual(['GLACIER_IR', etag]);
    expect((await s3('GET', `/${bucket}/t/mp`)).text()).toBe('only part');
    expect(await names(`${bucket}+segments`, 't/mp/')).toEqual([]);
    const list = await s3('GET', `/${bucket}?prefix=t/mp`);
    expect([xmlValues(list.text(), 'StorageClass'), xmlValues(list.text(), 'ETag')]).toEqual([['GLACIER_IR'], [etag]]);
    // Back into the bucket's own class: still its multipart ETag (a manifest in the default policy's companion).
    await changeStorageClass(runnerCtx, bucket, 't/mp', undefined, 'STANDARD');
    const std = await s3('HEAD', `/${bucket}/t/mp`);
    expect([std.headers['x-amz-storage-class'], std.headers['etag']]).toEqual([undefined, etag]);
    expect(await names(`${bucket}+ec21`, 't/mp/')).toEqual([]);
  });

  it('keeps the object\'s tags through a transition and a copy into another class', async () => {
    const put = await s3('PUT', `/${bucket}/t/tagged`, { body: 'tagged', headers: { 'x-amz-tagging': 'team=ops&tier=cold', 'x-amz-storage-class': 'STANDARD_IA' } });
    expect(put.status, put.text()).toBeLessThan(300);
    await changeStorageClass(runnerCtx, bucket, 't/tagged', undefined, 'STANDARD');
    const head = await s3('HEAD', `/${bucket}/t/tagged`);
    expect([head.headers['x-amz-storage-class'], head.headers['x-amz-tagging-count']]).toEqual([undefined, '2']);
    const tags = await s3('GET', `/${bucket}/t/tagged?tagging`);
    expect(xmlValues(tags.text(), 'Key').sort()).toEqual(['team', 'tier']);
    await s3('PUT', `/${bucket}/t/tagged-copy`, { headers: { 'x-amz-copy-source': `/${bucket}/t/tagged`, 'x-amz-storage-class': 'GLACIER_IR' } });
    const copy = await s3('HEAD', `/${bucket}/t/tagged-copy`);
    expect([copy.headers['x-amz-storage-class'], copy.headers['x-amz-tagging-count']]).toEqual(['GLACIER_IR', '2']);
  });

  it('answers NoSuchKey, InvalidStorageClass and (versioned buckets) NotImplemented', async () => {
    await expect(changeStorageClass(runnerCtx, bucket, 't/none', undefined, 'STANDARD_IA')).rejects.toMatchObject({ code: 'NoSuchKey' });
    await expect(changeStorageClass(runnerCtx, bucket, 't/one', undefined, 'GLACIER')).rejects.toMatchObject({ code: 'InvalidStorageClass' });
    const versioned = uniqueBucket('scm-v');
    made.push(versioned);
    await s3('PUT', `/${versioned}`);
    await s3('PUT', `/${versioned}?versioning`, { body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    await s3('PUT', `/${versioned}/k`, { body: 'v' });
    await expect(changeStorageClass(runnerCtx, versioned, 'k', undefined, 'STANDARD_IA')).rejects.toMatchObject({ code: 'NotImplemented' });
  });
});
