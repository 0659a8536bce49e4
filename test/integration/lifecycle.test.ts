// Bucket lifecycle against the real stack: Put/Get/DeleteBucketLifecycleConfiguration
// and S3's refusals, X-Delete-At and x-amz-expiration on new objects (checked in
// Swift directly), and `lifecycle run` with --now in the future really removing
// what the rules expire (objects and their segments, noncurrent versions,
// delete markers, old uploads), in dry-run changing nothing, and twice at once
// doing each thing once.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { lifecycleCommand } from '../../src/lifecycle-command.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { KeystoneAdmin } from '../helpers/keystone-admin.js';
import { runGateway } from '../helpers/process.js';
import { describeRun, run } from '../clients/run.js';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { gatewayEnv, loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket, segmentNames, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let owner: Keys;
let runnerConfig: Config;
const buckets: string[] = [];
const DAY = 86_400_000;

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', env: { S3GW_NAMESPACE_CACHE_SECONDS: '1' } });
  runnerConfig = loadConfig({ env: gatewayEnv(stack, { keystoneEc2: true }) });
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  for (const b of buckets) await purgeBucket(stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: owner }));
  await gw?.stop();
});

async function newBucket(label: string, versioned = false): Promise<string> {
  const b = uniqueBucket(label);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: owner })).status).toBe(200);
  buckets.push(b);
  if (versioned) {
    const body = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?versioning`, keys: owner, body })).status).toBe(200);
  }
  return b;
}

const md5 = (s: string) => createHash('md5').update(s).digest('base64');
const lifecycle = (...rules: string[]) => `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</LifecycleConfiguration>`;
const putLifecycle = (b: string, body: string, headers: Record<string, string> = { 'content-md5': md5(body) }) =>
  rawS3(gw.url, { method: 'PUT', path: `/${b}?lifecycle`, keys: owner, body, headers });
const put = (b: string, key: string, body = 'data', headers: Record<string, string> = {}) => rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys: owner, body, headers });

/** `lifecycle run` in this process, its lines and exit code. */
async function runner(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await lifecycleCommand(['run', ...args], runnerConfig, (line) => lines.push(line));
  return { code, lines };
}
const future = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const swiftStatus = async (b: string, key: string) => (await swiftDirect(stack, 'demo', 'HEAD', b, key)).status;

interface Owner {
  readonly keys: Keys;
  readonly buckets: string[];
  versions(bucket: string, prefix: string): Promise<{ name: string; version_id: string; content_type: string }[]>;
}
const cleanups: (() => Promise<void>)[] = [];

/** A project and user made for one test (with EC2 keys), the gateway's user a member there; removed after the file. */
async function isolatedOwner(): Promise<Owner> {
  const admin = new KeystoneAdmin(stack);
  const name = `lc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const password = randomUUID();
  const projectId = await admin.createProject(name);
  const userId = await admin.createUser(name, password);
  await admin.grant(userId, projectId, 'member');
  await admin.grant(stack.users.s3gateway.userId, projectId, 'member');
  const keys = await admin.createEc2(userId, projectId);
  const auth = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, scope: { project: { id: projectId } } } }),
  });
  const token = auth.headers.get('x-subject-token')!;
  const swift = (path: string, method = 'GET') => fetch(`${stack.swift.url}/v1/AUTH_${projectId}${path}`, { method, headers: { 'x-auth-token': token } });
  const owner: Owner = {
    keys,
    buckets: [],
    versions: async (bucket, prefix) => {
      const res = await swift(`/${bucket}?versions&format=json&prefix=${encodeURIComponent(prefix)}`);
      return res.status === 200 ? ((await res.json()) as { name: string; version_id: string; content_type: string }[]) : [];
    },
  };
  cleanups.push(async () => {
    for (const b of owner.buckets) {
      for (const v of await owner.versions(b, '')) await swift(`/${b}/${v.name}?version-id=${v.version_id}`, 'DELETE');
      for (const c of [b, `${b}+segments`]) {
        const list = await swift(`/${c}?format=json`);
        if (list.status === 200) for (const r of (await list.json()) as { name: string }[]) await swift(`/${c}/${r.name}`, 'DELETE');
        await swift(`/${c}`, 'DELETE');
      }
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys });
    }
    await admin.deleteEc2(userId, keys.access);
    await admin.deleteUser(userId);
    await admin.deleteProject(projectId);
  });
  return owner;
}

/** The expiry S3 computes: creation + days, rounded up to midnight UTC. */
const expiryOf = (created: number, days: number) => new Date(Math.ceil((created + days * DAY) / DAY) * DAY);

describe('Put/Get/DeleteBucketLifecycleConfiguration', () => {
  it('stores the rules, answers them back in both forms, and deletes them', async () => {
    const b = await newBucket('lc');
    const body = lifecycle(
      '<Rule><ID>logs</ID><Filter><And><Prefix>logs/</Prefix><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration>'
        + '<Transition><Days>40</Days><StorageClass>GLACIER</StorageClass></Transition>'.replace('40', '10') + '</Rule>',
      '<Rule><ID>legacy</ID><Prefix>tmp/</Prefix><Status>Disabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>',
    );
    const res = await putLifecycle(b, body);
    expect(res.status, res.text()).toBe(200);
    expect(res.headers['x-amz-transition-default-minimum-object-size']).toBe('all_storage_classes_128K');
    const back = await rawS3(gw.url, { method: 'GET', path: `/${b}?lifecycle`, keys: owner });
    expect(back.status).toBe(200);
    expect(xmlValues(back.text(), 'ID')).toEqual(['logs', 'legacy']);
    expect(xmlValue(back.text(), 'ObjectSizeGreaterThan')).toBe('10');
    expect(back.text()).toContain('<Prefix>tmp/</Prefix><Status>Disabled</Status>');
    expect(xmlValue(back.text(), 'DaysAfterInitiation')).toBe('2');
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?lifecycle`, keys: owner })).status).toBe(204);
    const gone = await rawS3(gw.url, { method: 'GET', path: `/${b}?lifecycle`, keys: owner });
    expect(gone.status).toBe(404);
    expect(xmlValue(gone.text(), 'Code')).toBe('NoSuchLifecycleConfiguration');
  });

  it('refuses what S3 refuses, storing nothing', async () => {
    const b = await newBucket('lcbad');
    const rule = (inner: string, filter = '<Filter><Prefix></Prefix></Filter>') => `<Rule><ID>r</ID>${filter}<Status>Enabled</Status>${inner}</Rule>`;
    const cases: [string, string][] = [
      [lifecycle(rule('<Expiration><Days>0</Days></Expiration>')), 'InvalidArgument'],
      [lifecycle(rule('<Expiration><Days>3</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>')), 'MalformedXML'],
      [lifecycle(rule('<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>')), 'InvalidArgument'],
      [lifecycle(rule('<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>', '<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>')), 'InvalidRequest'],
      [lifecycle(rule('')), 'InvalidRequest'],
      [lifecycle(rule('<Expiration><Days>1</Days></Expiration>'), rule('<Expiration><Days>2</Days></Expiration>')), 'InvalidArgument'],
      [lifecycle(rule('<Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition>')), 'InvalidArgument'],
      [lifecycle(rule('<Transition><Days>10</Days><StorageClass>FAST</StorageClass></Transition>')), 'MalformedXML'],
      [lifecycle(rule('<Expiration><Days>1</Days></Expiration>', '<Filter><Prefix>a</Prefix><Tag><Key>a</Key><Value>b</Value></Tag></Filter>')), 'MalformedXML'],
      [lifecycle(...Array.from({ length: 1001 }, (_, i) => rule('<Expiration><Days>1</Days></Expiration>').replace('<ID>r</ID>', `<ID>r${i}</ID>`))), 'MalformedXML'],
      [lifecycle(), 'MalformedXML'],
    ];
    for (const [body, code] of cases) {
      const res = await putLifecycle(b, body);
      expect(res.status, `${code}: ${body.slice(0, 200)}`).toBe(400);
      expect(xmlValue(res.text(), 'Code'), body.slice(0, 200)).toBe(code);
    }
    // Content-MD5 (or a checksum) is required.
    const ok = lifecycle(rule('<Expiration><Days>1</Days></Expiration>'));
    expect(xmlValue((await putLifecycle(b, ok, {})).text(), 'Code')).toBe('InvalidRequest');
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}?lifecycle`, keys: owner })).status).toBe(404);
    // Only the owner sets it.
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?lifecycle`, keys: stack.users.alt.ec2!, body: ok, headers: { 'content-md5': md5(ok) } })).status).toBe(403);
  });
});

describe('expiry of new objects', () => {
  it('gives a matching PutObject X-Delete-At in Swift and x-amz-expiration on Put, Get and Head; others get neither; nothing disappears early', async () => {
    const b = await newBucket('lcput');
    expect((await putLifecycle(b, lifecycle('<Rule><ID>tmp-rule</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const before = Date.now();
    const res = await put(b, 'tmp/a.txt');
    expect(res.status).toBe(200);
    const expiry = expiryOf(before, 1);
    expect(res.headers['x-amz-expiration']).toBe(`expiry-date="${expiry.toUTCString()}", rule-id="tmp-rule"`);
    const swift = await swiftDirect(stack, 'demo', 'HEAD', b, 'tmp/a.txt');
    expect(swift.headers['x-delete-at']).toBe(String(expiry.getTime() / 1000));
    for (const method of ['GET', 'HEAD']) {
      const read = await rawS3(gw.url, { method, path: `/${b}/tmp/a.txt`, keys: owner });
      expect(read.headers['x-amz-expiration'], method).toBe(`expiry-date="${expiry.toUTCString()}", rule-id="tmp-rule"`);
    }
    const other = await put(b, 'keep/b.txt');
    expect(other.headers['x-amz-expiration']).toBeUndefined();
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'keep/b.txt')).headers['x-delete-at']).toBeUndefined();
    // A copy into the rule's prefix gets its own expiry; a copy out of it loses the source's.
    const copied = await rawS3(gw.url, { method: 'PUT', path: `/${b}/tmp/c.txt`, keys: owner, headers: { 'x-amz-copy-source': `/${b}/keep/b.txt` } });
    expect(copied.headers['x-amz-expiration']).toContain('rule-id="tmp-rule"');
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'tmp/c.txt')).headers['x-delete-at']).toBe(String(expiry.getTime() / 1000));
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/keep/d.txt`, keys: owner, headers: { 'x-amz-copy-source': `/${b}/tmp/a.txt` } })).status).toBe(200);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'keep/d.txt')).headers['x-delete-at']).toBeUndefined();
    // Changing the object's ACL (a Swift POST) keeps its expiry.
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/tmp/a.txt?acl`, keys: owner, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'tmp/a.txt')).headers['x-delete-at']).toBe(String(expiry.getTime() / 1000));
    // The expirer runs every 2 s: a 1-day object is still there well after that.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await swiftStatus(b, 'tmp/a.txt')).toBe(200);
  });

  it('gives a completed multipart upload X-Delete-At on its manifest and x-amz-expiration on the Complete', async () => {
    const b = await newBucket('lcmpu');
    expect((await putLifecycle(b, lifecycle('<Rule><ID>all</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>'))).status).toBe(200);
    const before = Date.now();
    const created = await rawS3(gw.url, { method: 'POST', path: `/${b}/big?uploads`, keys: owner });
    const uploadId = xmlValue(created.text(), 'UploadId')!;
    const part = await rawS3(gw.url, { method: 'PUT', path: `/${b}/big?partNumber=1&uploadId=${uploadId}`, keys: owner, body: 'part one' });
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>`;
    const done = await rawS3(gw.url, { method: 'POST', path: `/${b}/big?uploadId=${uploadId}`, keys: owner, body });
    expect(done.status, done.text()).toBe(200);
    expect(done.headers['x-amz-expiration']).toBe(`expiry-date="${expiryOf(before, 3).toUTCString()}", rule-id="all"`);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'big')).headers['x-delete-at']).toBe(String(expiryOf(before, 3).getTime() / 1000));
  });

  it('puts no X-Delete-At on objects of a versioned bucket (expiry there is a delete marker), yet answers x-amz-expiration', async () => {
    const b = await newBucket('lcver', true);
    expect((await putLifecycle(b, lifecycle('<Rule><ID>v</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>'))).status).toBe(200);
    const res = await put(b, 'k');
    expect(res.headers['x-amz-expiration']).toContain('rule-id="v"');
    const swift = await swiftDirect(stack, 'demo', 'HEAD', b, 'k');
    expect(swift.headers['x-delete-at']).toBeUndefined();
  });
});

describe('lifecycle run', () => {
  it('expires objects written before their rule (segments too), aborts old uploads, sweeps segments Swift\'s expirer left; dry-run first changes nothing', async () => {
    const b = await newBucket('lcrun');
    expect((await put(b, 'old/a.txt')).status).toBe(200);
    expect((await put(b, 'keep/b.txt')).status).toBe(200);
    // A multipart object and an upload left open, both before the rules.
    const mpu = async (key: string, complete: boolean) => {
      const id = xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploads`, keys: owner })).text(), 'UploadId')!;
      const part = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, keys: owner, body: 'p' });
      if (complete) {
        const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>`;
        expect((await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploadId=${id}`, keys: owner, body })).status).toBe(200);
      }
      return id;
    };
    await mpu('old/multi', true);
    await mpu('keep/open', false);
    await mpu('keep/swift-expired', true);
    // Swift's expirer removing a manifest (plain DELETE) leaves its segments: simulated here.
    expect((await swiftDirect(stack, 'demo', 'DELETE', b, 'keep/swift-expired')).status).toBe(204);
    const rules = lifecycle(
      '<Rule><ID>old</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
      '<Rule><ID>uploads</ID><Filter></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>',
    );
    expect((await putLifecycle(b, rules)).status).toBe(200);
    const segmentsBefore = await segmentNames(stack, 'demo', b);

    const dry = await runner('--bucket', b, '--now', future(5), '--dry-run');
    expect(dry.code, dry.lines.join('\n')).toBe(0);
    expect(dry.lines.some((l) => l.startsWith(`would-expire\t${b}\told/a.txt`))).toBe(true);
    expect(dry.lines.some((l) => l.startsWith(`would-abort-upload\t${b}\tkeep/open`))).toBe(true);
    expect(dry.lines.some((l) => l.startsWith(`would-remove-orphan-segments\t${b}\tkeep/swift-expired`))).toBe(true);
    expect(await swiftStatus(b, 'old/a.txt')).toBe(200);
    expect(await segmentNames(stack, 'demo', b)).toEqual(segmentsBefore);

    // Now (real time) nothing is due.
    const early = await runner('--bucket', b);
    expect(early.lines.filter((l) => !/^(bucket|done|summary)/.test(l))).toEqual([]);

    const run = await runner('--bucket', b, '--now', future(5));
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.some((l) => l.startsWith(`expired\t${b}\told/a.txt`)), run.lines.join('\n')).toBe(true);
    expect(run.lines.some((l) => l.startsWith(`expired\t${b}\told/multi`))).toBe(true);
    expect(run.lines.some((l) => l.startsWith(`aborted-upload\t${b}\tkeep/open`))).toBe(true);
    expect(await swiftStatus(b, 'old/a.txt')).toBe(404);
    expect(await swiftStatus(b, 'old/multi')).toBe(404);
    expect(await swiftStatus(b, 'keep/b.txt')).toBe(200);
    expect(await segmentNames(stack, 'demo', b)).toEqual([]);
  });

  it('in a versioned bucket (the gateway\'s user has a role in the owner\'s project): the current version gets a delete marker, noncurrent versions go, then the marker left alone', async () => {
    // An owner project of its own, where the gateway's user gets the operator role the runner needs for versions.
    const o = await isolatedOwner();
    const b = uniqueBucket('lcvrun');
    const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => rawS3(gw.url, { method, path, keys: o.keys, body, headers });
    expect((await raw('PUT', `/${b}`)).status).toBe(200);
    o.buckets.push(b);
    expect((await raw('PUT', `/${b}?versioning`, '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>')).status).toBe(200);
    await raw('PUT', `/${b}/a/x`, 'one');
    await raw('PUT', `/${b}/a/x`, 'two');
    await raw('PUT', `/${b}/m/k`, 'm');
    expect((await raw('DELETE', `/${b}/m/k`)).status).toBe(204);
    const mVersion = (await o.versions(b, 'm/k')).find((r) => !r.content_type.startsWith('application/x-deleted'))!;
    expect((await raw('DELETE', `/${b}/m/k?versionId=${mVersion.version_id}`)).status).toBe(204);
    const rules = lifecycle(
      '<Rule><ID>a</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>',
      '<Rule><ID>markers</ID><Filter><Prefix>m/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>',
    );
    expect((await raw('PUT', `/${b}?lifecycle`, rules, { 'content-md5': md5(rules) })).status).toBe(200);

    const first = await runner('--bucket', b, '--now', future(10));
    expect(first.code, first.lines.join('\n')).toBe(0);
    expect(first.lines[0]).toContain('as owner');
    expect(first.lines.filter((l) => l.startsWith('expired') || l.startsWith('removed')).map((l) => l.split('\t').slice(0, 3).join(' '))).toEqual([
      `expired ${b} a/x`, `expired-noncurrent ${b} a/x`, `removed-delete-marker ${b} m/k`,
    ]);
    // S3: expiry in a versioned bucket is a delete marker in front of the version, not its removal.
    const ax = await o.versions(b, 'a/x');
    expect(ax.map((r) => r.content_type.startsWith('application/x-deleted'))).toEqual([true, false]);
    expect(await o.versions(b, 'm/k')).toEqual([]);
    // The version the marker made noncurrent, and then the marker itself, go on a later run.
    const second = await runner('--bucket', b, '--now', future(10));
    expect(second.code, second.lines.join('\n')).toBe(0);
    expect(await o.versions(b, 'a/x')).toEqual([]);
  });

  it('never removes a version under Object Lock: it is reported kept-locked and stays', async () => {
    const o = await isolatedOwner();
    const b = uniqueBucket('lclock');
    const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => rawS3(gw.url, { method, path, keys: o.keys, body, headers });
    expect((await raw('PUT', `/${b}`, undefined, { 'x-amz-bucket-object-lock-enabled': 'true' })).status).toBe(200);
    o.buckets.push(b);
    const locked = await raw('PUT', `/${b}/k`, 'held', { 'content-md5': md5('held'), 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z' });
    expect(locked.status, locked.text()).toBe(200);
    await raw('PUT', `/${b}/k`, 'newer');
    const rules = lifecycle('<Rule><ID>nc</ID><Filter></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>');
    expect((await raw('PUT', `/${b}?lifecycle`, rules, { 'content-md5': md5(rules) })).status).toBe(200);
    const result = await runner('--bucket', b, '--now', future(30));
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(result.lines.some((l) => l.startsWith(`kept-locked\t${b}\tk\t${locked.headers['x-amz-version-id']}`)), result.lines.join('\n')).toBe(true);
    expect((await o.versions(b, 'k')).map((v) => v.version_id)).toContain(locked.headers['x-amz-version-id']);
  });

  it('resumes a walk where the saved state says it stopped, and leaves a bucket whose lease another runner holds', async () => {
    const b = await newBucket('lcresume');
    const keys = ['k1', 'k2', 'k3', 'k4'];
    for (const k of keys) await put(b, k);
    expect((await putLifecycle(b, lifecycle('<Rule><ID>all</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const container = `${runnerConfig.namespace.registryContainer}+lifecycle`;
    await swiftDirect(stack, 's3gateway', 'PUT', container);
    // Another runner's lease: this one leaves the bucket alone.
    const claim = `lease/${b}/elsewhere`;
    expect((await swiftDirect(stack, 's3gateway', 'PUT', container, claim, { body: '', headers: { 'x-delete-after': '60' } })).status).toBe(201);
    const busy = await runner('--bucket', b, '--now', future(3));
    expect(busy.lines).toContain(`busy\t${b}\tanother runner holds its lease; left to it`);
    expect(await swiftStatus(b, 'k1')).toBe(200);
    await swiftDirect(stack, 's3gateway', 'DELETE', container, claim);
    // A run that stopped after k2: the next one goes on from there, then forgets the state.
    const state = JSON.stringify({ phase: 'objects', marker: 'k2', started: '2026-01-01T00:00:00.000Z' });
    expect((await swiftDirect(stack, 's3gateway', 'PUT', container, `state/${b}`, { body: state })).status).toBe(201);
    const resumed = await runner('--bucket', b, '--now', future(3));
    expect(resumed.code, resumed.lines.join('\n')).toBe(0);
    expect(resumed.lines).toContain(`resuming\t${b}\tobjects\tk2\trun started 2026-01-01T00:00:00.000Z`);
    expect(resumed.lines.filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2])).toEqual(['k3', 'k4']);
    expect(await swiftStatus(b, 'k1')).toBe(200);
    expect(await swiftStatus(b, 'k3')).toBe(404);
    expect((await swiftDirect(stack, 's3gateway', 'HEAD', container, `state/${b}`)).status).toBe(404);
    // The next run starts from the beginning.
    const again = await runner('--bucket', b, '--now', future(3));
    expect(again.lines.filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2])).toEqual(['k1', 'k2']);
  });

  it('two runners at once do each thing once', async () => {
    const b = await newBucket('lctwo');
    const keys = Array.from({ length: 6 }, (_, i) => `k${i}`);
    for (const k of keys) await put(b, k);
    expect((await putLifecycle(b, lifecycle('<Rule><ID>all</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const [one, two] = await Promise.all([runner('--bucket', b, '--now', future(3)), runner('--bucket', b, '--now', future(3))]);
    const expired = [...one.lines, ...two.lines].filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2]).sort();
    expect(expired, [...one.lines, ...two.lines].join('\n')).toEqual(keys);
    for (const k of keys) expect(await swiftStatus(b, k)).toBe(404);
  });
});

describe('clients and the command', () => {
  const expiryText = () => `expiry-date="${expiryOf(Date.now(), 1).toUTCString()}", rule-id="tmp"`;

  it('boto3: put/get/delete (current and legacy calls), Expiration on put, head and get, S3\'s error for a bad rule', async () => {
    const b = await newBucket('lcb3');
    const script = fileURLToPath(new URL('./lifecycle_clients.py', import.meta.url));
    const r = await run('python3', [script], { env: { E: gw.url, A: owner.access, S: owner.secret, B: b, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }, timeoutMs: 60_000 });
    expect(r.code, describeRun('boto3 lifecycle', r)).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out['rules']).toEqual([
      { ID: 'tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'uploads', Filter: {}, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 }, NoncurrentVersionExpiration: { NoncurrentDays: 4, NewerNoncurrentVersions: 2 } },
    ]);
    expect(out['minimum']).toBe('all_storage_classes_128K');
    for (const step of ['put', 'head', 'get']) expect(out[step], step).toBe(expiryText());
    expect(out['other']).toBeNull();
    expect(out['bad']).toBe('InvalidArgument');
    expect(out['legacy']).toEqual([{ ID: 'old', Prefix: 'old/', Status: 'Enabled', Expiration: { Days: 2 } }]);
    expect(out['after']).toBe('NoSuchLifecycleConfiguration');
  }, 90_000);

  it('the aws CLI: s3api put/get/delete-bucket-lifecycle-configuration and head-object\'s Expiration', async () => {
    const b = await newBucket('lccli');
    const env = { AWS_ACCESS_KEY_ID: owner.access, AWS_SECRET_ACCESS_KEY: owner.secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const aws = async (args: string[], ok = true) => {
      const r = await run('aws', ['--endpoint-url', gw.url, ...args], { env, timeoutMs: 60_000 });
      if (ok) expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    const config = { Rules: [{ ID: 'tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } }] };
    await aws(['s3api', 'put-bucket-lifecycle-configuration', '--bucket', b, '--lifecycle-configuration', JSON.stringify(config)]);
    expect(JSON.parse((await aws(['s3api', 'get-bucket-lifecycle-configuration', '--bucket', b])).stdout)).toMatchObject(config);
    const file = join(mkdtempSync(join(tmpdir(), 'lc-')), 'x.txt');
    writeFileSync(file, 'x');
    await aws(['s3api', 'put-object', '--bucket', b, '--key', 'tmp/x', '--body', file]);
    expect(JSON.parse((await aws(['s3api', 'head-object', '--bucket', b, '--key', 'tmp/x'])).stdout).Expiration).toBe(expiryText());
    await aws(['s3api', 'delete-bucket-lifecycle', '--bucket', b]);
    const gone = await aws(['s3api', 'get-bucket-lifecycle-configuration', '--bucket', b], false);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('NoSuchLifecycleConfiguration');
  }, 90_000);

  it('`s3-swift-gateway lifecycle run` as a process: --dry-run lists what it would do, a bad --now is refused', async () => {
    const b = await newBucket('lcproc');
    await put(b, 'tmp/a');
    expect((await putLifecycle(b, lifecycle('<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const env = gatewayEnv(stack, { keystoneEc2: true });
    const dry = await runGateway(['lifecycle', 'run', '--bucket', b, '--dry-run', '--now', future(3)], env, 60_000);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would-expire\t${b}\ttmp/a\t-\trule tmp`);
    expect(await swiftStatus(b, 'tmp/a')).toBe(200);
    const bad = await runGateway(['lifecycle', 'run', '--now', 'tomorrow'], env, 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('--now tomorrow');
  }, 120_000);
});
