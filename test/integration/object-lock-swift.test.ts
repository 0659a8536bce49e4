// Object Lock from Swift's side, against the real stack: what the gateway
// cannot prevent (a project's own Swift credentials deleting a locked version
// directly), what it does with lock state written outside it (forged items
// read as locked, never as unlocked), and the configuration the README
// recommends to close the direct path: S3 keys of the gateway's credentials
// file acting as a dedicated Keystone user in a vault project, whose password
// only the gateway holds, and which the S3 user's own Keystone identity has no
// role on. The S3 side is the aws CLI.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { KeystoneAdmin } from '../helpers/keystone-admin.js';
import { keystoneToken, loadStack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const dir = mkdtempSync(join(tmpdir(), 's3gw-olswift-'));
const awsConfig = join(dir, 'aws-config');
writeFileSync(awsConfig, '[default]\ns3 =\n    addressing_style = path\n');
writeFileSync(join(dir, 'body'), 'immutable backup');
const FAR = '2199-01-01T00:00:00Z';
let gw: TestGateway;
const made: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function aws(url: string, key: { access: string; secret: string }, args: readonly string[], expectOk = true): Promise<{ json: any; stderr: string; code: number | null }> {
  const r = await run('aws', ['--endpoint-url', url, '--output', 'json', 's3api', ...args], {
    env: {
      AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: key.access, AWS_SECRET_ACCESS_KEY: key.secret,
      AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
    },
    timeoutMs: 120_000,
  });
  if (expectOk) expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
  return { json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined, stderr: r.stderr, code: r.code };
}

const demoKey = stack.users.demo.ec2;
const demo = (args: readonly string[], expectOk = true) => aws(gw.url, demoKey, args, expectOk);

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});

afterAll(async () => {
  for (const b of made) await purgeBucket(stack, 'demo', b);
  await gw?.stop();
});

describe('what the gateway cannot prevent, and lock state written outside it', () => {
  it("the project's own Swift credentials can delete a COMPLIANCE version directly (the documented limit)", async () => {
    const b = uniqueBucket('oldirect');
    made.push(b);
    await demo(['create-bucket', '--bucket', b, '--object-lock-enabled-for-bucket']);
    const v = (await demo(['put-object', '--bucket', b, '--key', 'k', '--body', join(dir, 'body'), '--object-lock-mode', 'COMPLIANCE', '--object-lock-retain-until-date', FAR])).json.VersionId as string;
    expect((await demo(['delete-object', '--bucket', b, '--key', 'k', '--version-id', v], false)).stderr).toContain('AccessDenied');
    const direct = await swiftDirect(stack, 'demo', 'DELETE', b, 'k', { query: { 'version-id': v } });
    expect(direct.status).toBe(204);
    expect((await demo(['head-object', '--bucket', b, '--key', 'k', '--version-id', v], false)).code).not.toBe(0);
  }, 120_000);

  it('lock items forged through Swift read as locked: the version cannot be deleted through the gateway', async () => {
    const b = uniqueBucket('olforge');
    made.push(b);
    await demo(['create-bucket', '--bucket', b, '--object-lock-enabled-for-bucket']);
    const v = (await demo(['put-object', '--bucket', b, '--key', 'k', '--body', join(dir, 'body')])).json.VersionId as string;
    // Swift's POST reaches the current version; an unsealed lock item lands on it.
    const post = await swiftDirect(stack, 'demo', 'POST', b, 'k', { headers: { 'x-object-meta-s3gw-lock-mode': 'GOVERNANCE', 'x-object-meta-s3gw-lock-until': '2000-01-01T00:00:00.000Z' } });
    expect(post.status).toBe(202);
    const refused = await demo(['delete-object', '--bucket', b, '--key', 'k', '--version-id', v, '--bypass-governance-retention'], false);
    expect(refused.stderr).toContain('AccessDenied');
    expect(refused.stderr).toContain('cannot be verified');
    // ... and no lock is shown that the gateway cannot vouch for.
    expect((await demo(['head-object', '--bucket', b, '--key', 'k', '--version-id', v])).json.ObjectLockMode).toBeUndefined();
  }, 120_000);

  it('a bucket lock configuration forged through Swift reads as enabled with an unknown default: unsuspendable, writes need their own retention until it is set again', async () => {
    const b = uniqueBucket('olforgeb');
    made.push(b);
    await demo(['create-bucket', '--bucket', b]);
    await demo(['put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled']);
    const post = await swiftDirect(stack, 'demo', 'POST', b, undefined, { headers: { 'x-container-meta-s3gw-object-lock': 'Enabled' } });
    expect(post.status).toBe(204);
    expect((await demo(['get-object-lock-configuration', '--bucket', b])).json).toEqual({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } });
    expect((await demo(['put-object', '--bucket', b, '--key', 'k', '--body', join(dir, 'body')], false)).stderr).toContain('InvalidBucketState');
    expect((await demo(['put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Suspended'], false)).stderr).toContain('InvalidBucketState');
    await demo(['put-object', '--bucket', b, '--key', 'own', '--body', join(dir, 'body'), '--object-lock-mode', 'GOVERNANCE', '--object-lock-retain-until-date', '2100-01-01T00:00:00Z']);
    await demo(['put-object-lock-configuration', '--bucket', b, '--object-lock-configuration', '{"ObjectLockEnabled":"Enabled"}']);
    await demo(['put-object', '--bucket', b, '--key', 'k', '--body', join(dir, 'body')]);
  }, 120_000);
});

describe('the recommended configuration: a vault project only the gateway can act in', () => {
  const admin = new KeystoneAdmin(stack);
  const name = `t-vault-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  // An S3 key that exists only in the gateway's credentials file: not a Keystone EC2 credential.
  const vaultKey = { access: `VAULT${randomBytes(8).toString('hex').toUpperCase()}`, secret: randomBytes(20).toString('base64url') };
  let projectId = '';
  let userId = '';
  let vault: TestGateway;
  const bucket = uniqueBucket('olvault');
  let version = '';

  const vaultToken = async (): Promise<{ token: string; storageUrl: string }> => {
    const res = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, scope: { project: { id: projectId } } } }),
    });
    expect(res.status).toBe(201);
    return { token: res.headers.get('x-subject-token')!, storageUrl: `${new URL(stack.users.demo.storageUrl).origin}/v1/AUTH_${projectId}` };
  };

  beforeAll(async () => {
    projectId = await admin.createProject(name);
    userId = await admin.createUser(name, password);
    await admin.grant(userId, projectId, 'member');
    const credentials = join(dir, 'vault-credentials.json');
    writeFileSync(credentials, JSON.stringify({ credentials: [{ accessKey: vaultKey.access, secretKey: vaultKey.secret, keystone: { username: name, password, userDomainId: 'default', projectId } }] }), { mode: 0o600 });
    vault = await startGateway({ dialect: 'aws', env: { S3GW_CREDENTIALS_FILE: credentials } });
    await aws(vault.url, vaultKey, ['create-bucket', '--bucket', bucket, '--object-lock-enabled-for-bucket']);
    version = (await aws(vault.url, vaultKey, ['put-object', '--bucket', bucket, '--key', 'backup', '--body', join(dir, 'body'), '--object-lock-mode', 'COMPLIANCE', '--object-lock-retain-until-date', FAR])).json.VersionId as string;
  }, 120_000);

  afterAll(async () => {
    // The operator, holding the vault identity, removes what the test made.
    if (projectId && userId) {
      const { token, storageUrl } = await vaultToken();
      const call = (method: string, path: string) => fetch(`${storageUrl}/${path}`, { method, headers: { 'x-auth-token': token } });
      const versions = (await (await call('GET', `${bucket}?versions&format=json`)).json().catch(() => [])) as { name: string; version_id: string }[];
      for (const v of versions) await call('DELETE', `${bucket}/${encodeURIComponent(v.name)}?version-id=${v.version_id}`);
      for (const c of [bucket, `${bucket}+locks`, `${bucket}+segments`]) await call('DELETE', c);
    }
    await vault?.stop();
    if (userId) await admin.deleteUser(userId);
    if (projectId) await admin.deleteProject(projectId);
  });

  it('through the gateway the vault key gets Object Lock as anywhere: the COMPLIANCE version cannot be deleted', async () => {
    const refused = await aws(vault.url, vaultKey, ['delete-object', '--bucket', bucket, '--key', 'backup', '--version-id', version, '--bypass-governance-retention'], false);
    expect(refused.stderr).toContain('AccessDenied');
  }, 60_000);

  it("the S3 user's own Swift identity is refused a direct delete in the vault project (403), and cannot get a token for it", async () => {
    const { token } = await keystoneToken(stack, 'demo');
    const storageUrl = `${new URL(stack.users.demo.storageUrl).origin}/v1/AUTH_${projectId}`;
    const del = await fetch(`${storageUrl}/${bucket}/backup?version-id=${version}`, { method: 'DELETE', headers: { 'x-auth-token': token } });
    expect(del.status).toBe(403);
    const scoped = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: stack.users.demo.username, domain: { id: 'default' }, password: stack.users.demo.password } } }, scope: { project: { id: projectId } } } }),
    });
    expect(scoped.status).toBe(401);
    // The version is still there.
    const { token: vt } = await vaultToken();
    const head = await fetch(`${storageUrl}/${bucket}/backup?version-id=${version}`, { method: 'HEAD', headers: { 'x-auth-token': vt } });
    expect(head.status).toBe(200);
  }, 60_000);

  it('the vault S3 key is no Keystone EC2 credential: it cannot be turned into a Swift token', async () => {
    const res = await fetch(`${stack.keystone.authUrl}/ec2tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credentials: { access: vaultKey.access, signature: 'x', host: 'localhost', verb: 'GET', path: '/', params: {} } }),
    });
    expect(res.status).toBe(401);
  }, 60_000);
});
