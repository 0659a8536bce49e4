// Tagging through real S3 clients against the real stack: boto3 through every
// tagging operation (tagging_boto3.py: tags on PutObject, the largest legal set
// beside 2 KB of metadata, S3's errors, copies, an s3transfer multipart upload,
// versions, bucket tags), and the aws CLI's s3api tagging commands.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, purgeContainer } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./tagging_boto3.py', import.meta.url));
const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const made: string[] = [];

type Step = { ok: boolean; error?: unknown } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});

afterAll(async () => {
  for (const b of made) {
    await purgeBucket(stack, 'demo', b).catch(() => {});
    await purgeContainer(stack, 'demo', `${b}+tags`).catch(() => {});
  }
  await gw?.stop();
});

describe('boto3 through every tagging operation', () => {
  let steps: Record<string, Step>;
  beforeAll(async () => {
    const r = await run('python3', [SCRIPT], {
      env: {
        S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret,
        S3_PREFIX: uniqueBucket('tagb3').slice(0, 40), AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeoutMs: 180_000,
    });
    expect(r.code, describeRun('tagging_boto3.py', r)).toBe(0);
    const report = JSON.parse(r.stdout) as { buckets: string[]; steps: Record<string, Step> };
    made.push(...report.buckets);
    steps = report.steps;
  }, 180_000);

  it('PutObject Tagging, TagCount on HeadObject and GetObject (none without tags), DeleteObjectTagging', () => {
    const s = steps.objects!;
    expect(s.ok, JSON.stringify(s)).toBe(true);
    expect(s).toMatchObject({ headCount: 2, getCount: 2, afterDelete: [], deleteStatus: 204 });
    expect(s.bareCount).toBeNull();
    expect(steps.first).toEqual({ ok: true, tags: [{ Key: 'project', Value: 'alpha' }, { Key: 'owner', Value: 'team a' }] });
  });

  it('the largest legal tag set beside 2 KB of user metadata reads back exactly', () => {
    expect(steps.objects).toMatchObject({ largestEqual: true, largestCount: 10, metadataKept: true });
  });

  it("S3's errors: BadRequest, InvalidTag, InvalidArgument, NoSuchKey", () => {
    const e = steps.errors!;
    expect(e.ok, JSON.stringify(e)).toBe(true);
    expect(e.eleven).toEqual({ status: 400, code: 'BadRequest', message: 'Object tags cannot be greater than 10' });
    expect(e.longKey).toEqual({ status: 400, code: 'InvalidTag', message: 'The TagKey you have provided is too long, max 128' });
    expect(e.awsPrefix).toMatchObject({ status: 400, code: 'InvalidTag' });
    expect(e.duplicate).toEqual({ status: 400, code: 'InvalidTag', message: 'Cannot provide multiple Tags with the same key' });
    expect(e.headerDuplicate).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect(e.missingKey).toMatchObject({ status: 404, code: 'NoSuchKey' });
  });

  it('copies keep or replace tags; an s3transfer multipart upload gets ExtraArgs Tagging', () => {
    expect(steps.copies).toEqual({ ok: true, copied: [{ Key: 'a', Value: '1' }], replaced: [{ Key: 'b', Value: '2' }], bigCopyEqual: true });
    expect(steps.multipart).toEqual({ ok: true, tags: [{ Key: 'kind', Value: 'multipart' }], count: 1, multipart: true });
  });

  it('versions: tags of one version by VersionId; a delete marker is MethodNotAllowed', () => {
    const v = steps.versions!;
    expect(v.ok, JSON.stringify(v)).toBe(true);
    expect(v).toMatchObject({ putVersion: true, v1: [{ Key: 'v', Value: 'one' }], v2: [], v1Count: 1 });
    expect(v.marker).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
  });

  it('bucket tags: NoSuchTagSet, 50 of the longest kind, BadRequest for 51, delete', () => {
    const b = steps.bucketTags!;
    expect(b.ok, JSON.stringify(b)).toBe(true);
    expect(b.before).toMatchObject({ status: 404, code: 'NoSuchTagSet' });
    expect(b).toMatchObject({ putStatus: 204, equal: true });
    expect(b.tooMany).toEqual({ status: 400, code: 'BadRequest', message: 'Bucket tag count cannot be greater than 50' });
    expect(b.after).toMatchObject({ status: 404, code: 'NoSuchTagSet' });
  });

  it('the buckets delete cleanly once empty', () => {
    expect(steps.cleanup).toEqual({ ok: true, listed: [] });
  });
});

describe('the aws CLI tagging commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3gw-tagcli-'));
  const config = join(dir, 'aws-config');
  writeFileSync(config, '[default]\ns3 =\n    addressing_style = path\n');
  writeFileSync(join(dir, 'body'), 'tagged body');

  async function aws(args: readonly string[], expectOk = true): Promise<{ json: any; stderr: string; code: number | null }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await run('aws', ['--endpoint-url', gw.url, '--output', 'json', ...args], {
      env: {
        AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
      },
      timeoutMs: 120_000,
    });
    if (expectOk) expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
    return { json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined, stderr: r.stderr, code: r.code };
  }

  it('s3api put-object --tagging, get/put/delete-object-tagging, head-object TagCount, bucket tagging', async () => {
    const b = uniqueBucket('tagcli');
    made.push(b);
    const s3api = (...args: string[]) => ['s3api', ...args, '--bucket', b];
    await aws(s3api('create-bucket'));
    await aws(s3api('put-object', '--key', 'k', '--body', join(dir, 'body'), '--tagging', 'env=test&team=storage'));
    expect((await aws(s3api('get-object-tagging', '--key', 'k'))).json.TagSet).toEqual([{ Key: 'env', Value: 'test' }, { Key: 'team', Value: 'storage' }]);
    expect((await aws(s3api('head-object', '--key', 'k'))).json.TagCount).toBe(2);
    await aws(s3api('put-object-tagging', '--key', 'k', '--tagging', 'TagSet=[{Key=only,Value=one}]'));
    expect((await aws(s3api('get-object-tagging', '--key', 'k'))).json.TagSet).toEqual([{ Key: 'only', Value: 'one' }]);
    const refused = await aws(s3api('put-object-tagging', '--key', 'k', '--tagging', 'TagSet=[{Key=aws:no,Value=x}]'), false);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('InvalidTag');
    await aws(s3api('delete-object-tagging', '--key', 'k'));
    expect((await aws(s3api('get-object-tagging', '--key', 'k'))).json.TagSet).toEqual([]);
    expect((await aws(s3api('head-object', '--key', 'k'))).json.TagCount).toBeUndefined();

    const missing = await aws(s3api('get-bucket-tagging'), false);
    expect(missing.stderr).toContain('NoSuchTagSet');
    await aws(s3api('put-bucket-tagging', '--tagging', 'TagSet=[{Key=cost-center,Value=42},{Key=owner,Value=ops}]'));
    expect((await aws(s3api('get-bucket-tagging'))).json.TagSet).toEqual([{ Key: 'cost-center', Value: '42' }, { Key: 'owner', Value: 'ops' }]);
    await aws(s3api('delete-bucket-tagging'));
    expect((await aws(s3api('get-bucket-tagging'), false)).stderr).toContain('NoSuchTagSet');

    await aws(s3api('delete-object', '--key', 'k'));
    await aws(s3api('delete-bucket'));
  }, 180_000);
});
