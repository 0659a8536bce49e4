// Bucket lifecycle configuration against the real stack: Put/Get/Delete and
// S3's refusals, X-Delete-At and x-amz-expiration on new objects (checked in
// Swift directly), through raw requests, boto3, the aws CLI, and the runner
// command as a real process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { expiryOf, future, lifecycle, lifecycleBuckets, md5 } from '../helpers/lifecycle.js';
import { runGateway } from '../helpers/process.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { gatewayEnv, loadStack, type Stack } from '../helpers/stack.js';
import { swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let owner: Keys;

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', env: { S3GW_NAMESPACE_CACHE_SECONDS: '1' } });
});

afterAll(async () => {
  await cleanup();
  await gw?.stop();
});

const { newBucket, putLifecycle, put, swiftStatus, cleanup } = lifecycleBuckets(() => stack, () => gw, () => owner);

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
    // A PUT staged through a segment (past s3.stagedPutFromBytes): the X-Delete-At is on its manifest.
    const staged = await put(b, 'tmp/big', Buffer.alloc(9 * 1024 * 1024, 1));
    expect(staged.headers['x-amz-expiration']).toContain('rule-id="tmp-rule"');
    const stagedHead = await swiftDirect(stack, 'demo', 'HEAD', b, 'tmp/big');
    expect(stagedHead.headers['x-static-large-object']).toBe('True');
    expect(stagedHead.headers['x-delete-at']).toBe(String(expiry.getTime() / 1000));
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
