// Access control through real clients against the real stack: boto3 as owner,
// grantee and anonymous (access_boto3.py), the aws CLI's `--acl` and
// `s3api put-bucket-policy`, s3cmd's `setacl --acl-public` and
// `put --acl-public`, and curl for anonymous GETs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./access_boto3.py', import.meta.url));
let stack: Stack;
let gw: TestGateway;
let dir: string;
const made: string[] = [];

beforeAll(async () => {
  stack = loadStack();
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
  dir = mkdtempSync(join(tmpdir(), 'access-clients-'));
});

afterAll(async () => {
  for (const b of made) await purgeBucket(stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: stack.users.demo.ec2 }));
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const curl = async (url: string) => {
  const r = await run('curl', ['-s', '-o', '-', '-w', '\n%{http_code}', url], { timeoutMs: 20_000 });
  const lines = r.stdout.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
};

describe('boto3 as owner, grantee and anonymous', () => {
  type Step = { ok: boolean; code?: string; status?: number } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let steps: Record<string, Step>;
  const denied = { ok: false, code: 'AccessDenied', status: 403 };

  beforeAll(async () => {
    const bucket = uniqueBucket('b3acl');
    made.push(bucket);
    const { demo, alt } = stack.users;
    const r = await run('python3', [SCRIPT], {
      env: {
        S3_ENDPOINT: gw.url, S3_BUCKET: bucket, OWNER_ACCESS: demo.ec2.access, OWNER_SECRET: demo.ec2.secret, OWNER_PROJECT: demo.projectId,
        GRANTEE_ACCESS: alt.ec2.access, GRANTEE_SECRET: alt.ec2.secret, GRANTEE_PROJECT: alt.projectId,
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeoutMs: 120_000,
    });
    expect(r.code, describeRun('access_boto3.py', r)).toBe(0);
    steps = (JSON.parse(r.stdout) as { steps: Record<string, Step> }).steps;
  }, 120_000);

  it('object ACLs: public-read set on upload reads back and serves anonymous clients in both addressing styles; private objects stay private', () => {
    expect(steps['put-public-object']).toEqual({ ok: true });
    expect(steps['object-acl']!.grants).toEqual([`${stack.users.demo.projectId}:FULL_CONTROL`, 'http://acs.amazonaws.com/groups/global/AllUsers:READ']);
    expect(steps['anonymous-public']).toEqual({ ok: true, body: 'for everyone' });
    expect(steps['anonymous-public-vhost']).toEqual({ ok: true, body: 'for everyone' });
    expect(steps['anonymous-private']).toEqual(denied);
    expect(steps['grantee-private-before']).toEqual(denied);
  });

  it('a READ grant to another project lets it read and list, not write', () => {
    expect(steps['grant-read']).toEqual({ ok: true });
    expect(steps['bucket-acl']!.grants).toEqual([`${stack.users.alt.projectId}:READ`, `${stack.users.demo.projectId}:FULL_CONTROL`].sort());
    expect(steps['grantee-private-after']).toEqual({ ok: true, body: 'for the owner' });
    expect(steps['grantee-list']!.keys).toEqual(['private.txt', 'public.txt']);
    expect(steps['grantee-write-refused']).toEqual(denied);
  });

  it('a bucket policy lets the grantee upload under one prefix only; the policy and its status read back', () => {
    expect(steps['put-policy']).toEqual({ ok: true });
    expect(steps['get-policy']!.policy.Statement[0].Resource).toMatch(/\/uploads\/\*$/);
    expect(steps['policy-status']).toEqual({ ok: true, public: false });
    expect(steps['grantee-upload']).toEqual({ ok: true });
    expect(steps['grantee-upload-elsewhere']).toEqual(denied);
    expect(steps['owner-reads-upload']).toEqual({ ok: true, body: 'a,b\n' });
  });

  it('the public access block hides public ACLs and refuses new ones until it is removed', () => {
    expect(steps['get-block']).toEqual({ ok: true, BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect(steps['anonymous-public-blocked']).toEqual(denied);
    expect(steps['public-acl-refused']).toEqual(denied);
    expect(steps['anonymous-public-again']).toEqual({ ok: true, body: 'for everyone' });
  });

  it('ownership controls and a deleted policy read back as S3 says', () => {
    expect(steps['get-ownership']).toEqual({ ok: true, rule: 'ObjectWriter' });
    expect(steps['no-policy']).toEqual({ ok: false, code: 'NoSuchBucketPolicy', status: 404 });
  });
});

describe('the aws CLI, s3cmd and curl', () => {
  it('aws s3 cp --acl public-read and s3api put-bucket-policy take effect; curl reads what they made public', async () => {
    const b = uniqueBucket('cliacl');
    made.push(b);
    const { ec2 } = stack.users.demo;
    const file = join(dir, 'page.html');
    writeFileSync(file, '<h1>hello</h1>\n');
    const env = { AWS_ACCESS_KEY_ID: ec2.access, AWS_SECRET_ACCESS_KEY: ec2.secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const aws = async (args: string[]) => {
      const r = await run('aws', ['--endpoint-url', gw.url, ...args], { env, timeoutMs: 60_000 });
      expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    await aws(['s3', 'mb', `s3://${b}`]);
    await aws(['s3', 'cp', file, `s3://${b}/site/index.html`, '--acl', 'public-read']);
    await aws(['s3', 'cp', file, `s3://${b}/private.html`]);
    expect(await curl(`${gw.url}/${b}/site/index.html`)).toEqual({ status: 200, body: '<h1>hello</h1>\n' });
    expect((await curl(`${gw.url}/${b}/private.html`)).status).toBe(403);

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }] });
    await aws(['s3api', 'put-bucket-policy', '--bucket', b, '--policy', policy]);
    const status = await aws(['s3api', 'get-bucket-policy-status', '--bucket', b]);
    expect(JSON.parse(status.stdout)).toEqual({ PolicyStatus: { IsPublic: true } });
    expect(await curl(`${gw.url}/${b}/private.html`)).toEqual({ status: 200, body: '<h1>hello</h1>\n' });
    await aws(['s3api', 'delete-bucket-policy', '--bucket', b]);
    expect((await curl(`${gw.url}/${b}/private.html`)).status).toBe(403);
  }, 120_000);

  it('s3cmd setacl --acl-public and put --acl-public make objects public, --acl-private takes it back', async () => {
    const b = uniqueBucket('s3cmdacl');
    made.push(b);
    const { ec2 } = stack.users.demo;
    const cfg = join(dir, 's3cfg');
    writeFileSync(cfg, ['[default]', `access_key = ${ec2.access}`, `secret_key = ${ec2.secret}`, `host_base = 127.0.0.1:${gw.port}`,
      `host_bucket = 127.0.0.1:${gw.port}`, 'use_https = False', 'signature_v2 = True', 'bucket_location = US', ''].join('\n'));
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'note\n');
    const s3cmd = async (args: string[]) => {
      const r = await run('s3cmd', ['-c', cfg, '--no-progress', ...args], { timeoutMs: 60_000 });
      expect(r.code, describeRun(`s3cmd ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    await s3cmd(['mb', `s3://${b}`]);
    await s3cmd(['put', '--acl-public', file, `s3://${b}/put-public.txt`]);
    await s3cmd(['put', file, `s3://${b}/later.txt`]);
    expect(await curl(`${gw.url}/${b}/put-public.txt`)).toEqual({ status: 200, body: 'note\n' });
    expect((await curl(`${gw.url}/${b}/later.txt`)).status).toBe(403);
    await s3cmd(['setacl', '--acl-public', `s3://${b}/later.txt`]);
    expect(await curl(`${gw.url}/${b}/later.txt`)).toEqual({ status: 200, body: 'note\n' });
    const info = await s3cmd(['info', `s3://${b}/later.txt`]);
    expect(info.stdout).toMatch(/ACL:\s+\*anon\*: READ/);
    await s3cmd(['setacl', '--acl-private', `s3://${b}/later.txt`]);
    expect((await curl(`${gw.url}/${b}/later.txt`)).status).toBe(403);
  }, 120_000);
});
