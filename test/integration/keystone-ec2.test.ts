// Keystone EC2 credentials (`openstack ec2 credentials create`) through the
// gateway, against the real Keystone and Swift: SigV2 and SigV4, the secret
// cache (no Keystone call after the first), deletion and role changes taking
// effect within the cache time, project isolation, Keystone outages, and at
// most one Keystone call for an access key Keystone does not hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The clients run asynchronously: a synchronous spawn would block the in-process gateway they talk to.
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { KeystoneAdmin, openstackEc2, type Ec2Key } from '../helpers/keystone-admin.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { signV4Headers, send } from '../helpers/sigv4-client.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

const stack = loadStack();
const CACHE_SECONDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A gateway that also takes Keystone EC2 keys, with a short secret cache; `env` over its settings. */
function keystoneGateway(env: Record<string, string> = {}, authUrl?: string): Promise<TestGateway> {
  return startGateway({ keystoneEc2: true, authUrl, env: { S3GW_CREDENTIALS_SECRET_CACHE_SECONDS: String(CACHE_SECONDS), ...env } });
}

let gw: TestGateway;
let demoKey: Ec2Key;
let altKey: Ec2Key;
let b: string;
const admin = new KeystoneAdmin(stack);

beforeAll(async () => {
  gw = await keystoneGateway();
  // Made the way an OpenStack user makes them; not in the gateway's credentials file.
  const d = openstackEc2(stack, 'demo', ['create', '-f', 'json']);
  demoKey = { access: String(d['access']), secret: String(d['secret']) };
  const a = openstackEc2(stack, 'alt', ['create', '-f', 'json']);
  altKey = { access: String(a['access']), secret: String(a['secret']) };
  b = uniqueBucket('ec2');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demoKey })).status).toBe(201);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/doc`, keys: demoKey, body: 'demo data' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await purgeContainer(stack, 'demo', b);
  await purgeContainer(stack, 'demo', `${b}+segments`);
  for (const [user, key] of [['demo', demoKey], ['alt', altKey]] as const) {
    if (key) await admin.deleteEc2(stack.users[user].userId, key.access);
  }
  await gw.stop();
});

const metric = async (kind: string) =>
  (await gw.metrics.keystoneCalls.get()).values.filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);

describe('keys created with the openstack CLI', () => {
  it('work with SigV2 and SigV4, acting on the key owner\'s project', async () => {
    const v2 = await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey });
    expect(v2.text()).toBe('demo data');
    const headers = await signV4Headers(gw.url, demoKey, { method: 'GET', path: `/${b}/doc` });
    const v4 = await send(gw.url, 'GET', `/${b}/doc`, headers);
    expect(v4.status).toBe(200);
    expect(v4.text()).toBe('demo data');
    const list = await rawS3(gw.url, { method: 'GET', path: '/', keys: demoKey });
    expect(xmlValue(list.text(), 'ID')).toBe(stack.users.demo.projectId);
  });

  it('work with boto3 (SigV4 and SigV2), the aws CLI and s3cmd (V4 and V2)', async () => {
    const env = { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: demoKey.access, AWS_SECRET_ACCESS_KEY: demoKey.secret, AWS_DEFAULT_REGION: 'us-east-1' };
    const py = `
import boto3, sys
from botocore.config import Config
for sig in ['s3v4', 's3']:
    c = boto3.client('s3', endpoint_url=sys.argv[1], config=Config(signature_version=sig, s3={'addressing_style': 'path'}))
    c.put_object(Bucket=sys.argv[2], Key='from-' + sig, Body=b'x')
    assert c.get_object(Bucket=sys.argv[2], Key='doc')['Body'].read() == b'demo data'
print('ok')`;
    const boto = await run('python3', ['-c', py, gw.url, b], { env });
    expect(boto.stdout.trim(), boto.stderr).toBe('ok');
    const aws = await run('aws', ['--endpoint-url', gw.url, 's3', 'ls', `s3://${b}/`], { env });
    expect(aws.code, aws.stderr).toBe(0);
    expect(aws.stdout).toContain('doc');
    for (const sig of [['--signature-v2'], []]) { // s3cmd signs V4 by default
      const host = new URL(gw.url).host;
      const s3cmd = await run('s3cmd', [...sig, '--no-ssl', `--host=${host}`, `--host-bucket=${host}`, `--access_key=${demoKey.access}`, `--secret_key=${demoKey.secret}`, '--region=us-east-1', '-c', '/dev/null', 'ls', `s3://${b}`]);
      expect(s3cmd.code, `${sig.join(' ') || 'V4'}: ${s3cmd.stderr}`).toBe(0);
      expect(s3cmd.stdout).toContain(`s3://${b}/doc`);
    }
  });

  it('make no Keystone call after the first within the cache time, under a steady load', async () => {
    // No readiness checks: their Swift-URL discovery would take a token of its own.
    // A cache time the 40 requests cannot outlast on a loaded machine (the file's 3 s is for the expiry tests).
    const fresh = await keystoneGateway({ S3GW_HEALTH_INTERVAL_MS: '0', S3GW_CREDENTIALS_SECRET_CACHE_SECONDS: '300' });
    try {
      for (let i = 0; i < 40; i++) {
        const res = await rawS3(fresh.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey });
        expect(res.status).toBe(200);
      }
      const calls = (await fresh.metrics.keystoneCalls.get()).values;
      const count = (kind: string) => calls.filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);
      expect(count('ec2_credential')).toBe(1); // the key's user, project and secret
      expect(count('ec2_token')).toBe(1); // a token of the key's own user
      expect(count('token')).toBe(1); // the gateway's own service token
      const cache = (await fresh.metrics.cacheEvents.get()).values.filter((v) => v.labels.cache === 'secret');
      expect(cache.find((v) => v.labels.event === 'hit')?.value).toBe(39);
    } finally {
      await fresh.stop();
    }
  });

  it('refuse a wrong signature (SignatureDoesNotMatch) and an unknown key (InvalidAccessKeyId)', async () => {
    const bad = await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: { access: demoKey.access, secret: 'not-the-secret' } });
    expect(xmlValue(bad.text(), 'Code')).toBe('SignatureDoesNotMatch');
    const unknown = await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: { access: 'f'.repeat(32), secret: 'x' } });
    expect(xmlValue(unknown.text(), 'Code')).toBe('InvalidAccessKeyId');
  });
});

describe('access keys Keystone does not hold (F5)', () => {
  it('cost one Keystone call each, none when repeated, and past keystoneLookupsPerSecond answer 503 SlowDown', async () => {
    const g = await keystoneGateway({ S3GW_HEALTH_INTERVAL_MS: '0', S3GW_CREDENTIALS_KEYSTONE_LOOKUPS_PER_SECOND: '3' });
    const keystoneCalls = async () => (await g.metrics.keystoneCalls.get()).values
      .filter((v) => v.labels.kind !== 'token' && v.labels.outcome !== 'throttled').reduce((n, v) => n + v.value, 0);
    try {
      // A key it knows, seen once before the flood.
      expect((await rawS3(g.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey })).status).toBe(200);
      const known = await keystoneCalls();
      const base = `${'0'.repeat(24)}${Date.now().toString(16).slice(-6)}`;
      const made = (i: number) => ({ access: `${base}${i.toString(16).padStart(2, '0')}`, secret: 'x' });
      // One unknown key, ten times: one credential read, then the negative cache answers.
      for (let i = 0; i < 10; i++) {
        const res = await rawS3(g.url, { method: 'GET', path: `/${b}/doc`, keys: made(0) });
        expect(xmlValue(res.text(), 'Code')).toBe('InvalidAccessKeyId');
      }
      expect(await keystoneCalls()).toBe(known + 1);
      // A burst of new unknown keys: at most the configured rate reaches Keystone.
      const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => rawS3(g.url, { method: 'GET', path: `/${b}/doc`, keys: made(i + 1) })));
      const codes = burst.map((r) => xmlValue(r.text(), 'Code'));
      expect(codes.filter((c) => c === 'SlowDown').length).toBeGreaterThanOrEqual(8);
      expect(burst.filter((r) => xmlValue(r.text(), 'Code') === 'SlowDown').every((r) => r.status === 503)).toBe(true);
      expect(codes.every((c) => c === 'SlowDown' || c === 'InvalidAccessKeyId')).toBe(true);
      expect(await keystoneCalls()).toBeLessThanOrEqual(known + 1 + 4);
      // Keys it knows are served all the while.
      expect((await rawS3(g.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey })).status).toBe(200);
    } finally {
      await g.stop();
    }
  });
});

describe('changes in Keystone', () => {
  it('a deleted credential stops working within the cache time', async () => {
    const made = openstackEc2(stack, 'demo', ['create', '-f', 'json']);
    const key = { access: String(made['access']), secret: String(made['secret']) };
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: key })).status).toBe(200);
    openstackEc2(stack, 'demo', ['delete', key.access]);
    await sleep(CACHE_SECONDS * 1000 + 500);
    const after = await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: key });
    expect(after.status).toBe(401);
    expect(xmlValue(after.text(), 'Code')).toBe('InvalidAccessKeyId');
  }, 30_000);

  it('a role taken away counts within the cache time: member → reader (read only) → none (denied)', async () => {
    const demo = stack.users.demo;
    const name = `ec2-roles-${Date.now().toString(36)}`;
    const userId = await admin.createUser(name, 'pw-' + name);
    try {
      await admin.grant(userId, demo.projectId, 'member');
      const key = await admin.createEc2(userId, demo.projectId);
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/by-member`, keys: key, body: 'm' })).status).toBe(201);

      await admin.revoke(userId, demo.projectId, 'member');
      await admin.grant(userId, demo.projectId, 'reader');
      await sleep(CACHE_SECONDS * 1000 + 500);
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: key })).status).toBe(200);
      const write = await rawS3(gw.url, { method: 'PUT', path: `/${b}/by-reader`, keys: key, body: 'r' });
      expect(write.status).toBe(401);
      expect(xmlValue(write.text(), 'Code')).toBe('AccessDenied');
      expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/doc`, keys: key })).status).toBe(401);

      await admin.revoke(userId, demo.projectId, 'reader');
      await sleep(CACHE_SECONDS * 1000 + 500);
      const none = await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: key });
      expect(none.status).toBe(401);
      expect(xmlValue(none.text(), 'Code')).toBe('AccessDenied');
    } finally {
      await admin.deleteUser(userId);
    }
  }, 40_000);
});

describe('project isolation', () => {
  it('a key of project B never reads, lists, writes or deletes in project A, by any addressing form, copy source or multipart step', async () => {
    const cases = [
      { method: 'GET', path: `/${b}/doc` },
      { method: 'HEAD', path: `/${b}/doc` },
      { method: 'GET', path: `/${b}` },
      { method: 'GET', path: `/${b}?list-type=2` },
      { method: 'PUT', path: `/${b}/intruder`, body: 'x' },
      { method: 'DELETE', path: `/${b}/doc` },
      { method: 'GET', path: '/doc', host: `${b}.s3.test`, resource: `/${b}/doc` },
      { method: 'POST', path: `/${b}/mp?uploads` },
      { method: 'GET', path: `/${b}?uploads` },
    ];
    // Bucket names are global (namespace.mode global with a service identity):
    // B's key finds A's bucket and is refused, by Swift, with A's ACLs (none).
    for (const c of cases) {
      const res = await rawS3(gw.url, { ...c, keys: altKey });
      expect(res.status, JSON.stringify(c)).toBe(401);
      if (c.method !== 'HEAD') expect(xmlValue(res.text(), 'Code'), JSON.stringify(c)).toBe('AccessDenied');
    }
    // A copy whose source is in project A, into a bucket of project B.
    const altBucket = uniqueBucket('ec2alt');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${altBucket}`, keys: altKey })).status).toBe(201);
    try {
      // The source is read in A's account with B's own token: Swift refuses it, nothing is written.
      const copy = await rawS3(gw.url, { method: 'PUT', path: `/${altBucket}/stolen`, keys: altKey, headers: { 'x-amz-copy-source': `/${b}/doc` } });
      expect(xmlValue(copy.text(), 'Code')).toBe('AccessDenied');
      expect((await swiftDirect(stack, 'alt', 'HEAD', altBucket, 'stolen')).status).toBe(404);
      // A multipart upload of project A, continued or aborted with B's key.
      const created = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp?uploads`, keys: demoKey });
      const id = xmlValue(created.text(), 'UploadId')!;
      const part = await rawS3(gw.url, { method: 'PUT', path: `/${b}/mp?partNumber=1&uploadId=${id}`, keys: altKey, body: 'x' });
      expect(part.status).toBe(401);
      const abort = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/mp?uploadId=${id}`, keys: altKey });
      expect(abort.status).toBe(401);
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/mp?uploadId=${id}`, keys: demoKey })).status).toBe(200);
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}/mp?uploadId=${id}`, keys: demoKey });
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey })).text()).toBe('demo data');
    } finally {
      await purgeContainer(stack, 'alt', altBucket);
    }
  });
});

describe('Keystone slow or down', () => {
  it('keeps serving cached keys, answers 503 for new keys, and recovers by itself', async () => {
    const keystone = new URL(stack.keystone.url);
    const proxy = await tcpProxy(keystone.hostname, Number(keystone.port));
    const g = await keystoneGateway({}, `http://127.0.0.1:${proxy.port}/v3`);
    try {
      expect((await rawS3(g.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey })).status).toBe(200);
      await proxy.stop();
      expect((await rawS3(g.url, { method: 'GET', path: `/${b}/doc`, keys: demoKey })).status).toBe(200);
      const fresh = await rawS3(g.url, { method: 'GET', path: '/', keys: altKey });
      expect(fresh.status).toBe(503);
      expect(xmlValue(fresh.text(), 'Code')).toBe('ServiceUnavailable');
      await proxy.start();
      expect((await rawS3(g.url, { method: 'GET', path: '/', keys: altKey })).status).toBe(200);
    } finally {
      await g.stop();
      await proxy.close();
    }
  });
});

describe('the credentials file comes first', () => {
  it('still serves the file\'s keys beside Keystone\'s', async () => {
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: stack.users.demo.ec2 })).status).toBe(200);
    expect(await metric('ec2_credential')).toBeGreaterThan(0);
  });
});
