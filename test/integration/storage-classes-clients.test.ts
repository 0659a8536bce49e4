// Storage classes through real S3 clients against the real stack: boto3
// (storage_classes_boto3.py: puts, heads, listings, copies, attributes,
// multipart and s3transfer's managed upload with a class) and the aws CLI
// (s3api put-object/head-object/list-objects-v2 and `aws s3 cp
// --storage-class`). After each, Swift itself holds nothing of the bucket.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./storage_classes_boto3.py', import.meta.url));
const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const made: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws', storageClasses: { STANDARD_IA: 'ec21', GLACIER_IR: 'ec21' } });
});

afterAll(async () => {
  for (const b of made) {
    await purgeBucket(stack, 'demo', b);
    for (const c of [`${b}+ec21`, `${b}+Policy-0`]) await purgeContainer(stack, 'demo', c);
  }
  await gw?.stop();
});

/** Nothing of the bucket is left in Swift: not it, nor its segments or companion containers. */
async function goneFromSwift(bucket: string): Promise<number[]> {
  return Promise.all([bucket, `${bucket}+segments`, `${bucket}+ec21`].map(async (c) => (await swiftDirect(stack, 'demo', 'HEAD', c)).status));
}

describe('boto3 with storage classes', () => {
  type Step = { ok: boolean } & Record<string, unknown>;
  let steps: Record<string, Step>;
  let bucket: string;
  beforeAll(async () => {
    bucket = uniqueBucket('scb3');
    made.push(bucket);
    const tmp = mkdtempSync(join(tmpdir(), 's3gw-scb3-'));
    const r = await run('python3', [SCRIPT], {
      env: { S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: bucket, S3_TMP: tmp, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      timeoutMs: 240_000,
    });
    expect(r.code, describeRun('storage_classes_boto3.py', r)).toBe(0);
    steps = (JSON.parse(r.stdout) as { steps: Record<string, Step> }).steps;
  }, 240_000);

  it('puts with StorageClass and sees it on head_object and get_object (none for STANDARD)', () => {
    expect(steps.put).toEqual({ ok: true, head: 'STANDARD_IA', plain: null, get: 'STANDARD_IA', body: 'cold bytes' });
  });

  it('gets InvalidStorageClass for a class not mapped', () => {
    expect(steps.unmapped).toEqual({ ok: false, code: 'InvalidStorageClass', status: 400 });
  });

  it('sees each object\'s class in list_objects, list_objects_v2 and list_object_versions', () => {
    const want = { ia: 'STANDARD_IA', std: 'STANDARD' };
    expect(steps.listings).toEqual({ ok: true, v2: want, v1: want, versions: want });
  });

  it('changes a class with copy_object onto itself', () => {
    expect(steps.copy).toEqual({ ok: true, after: 'GLACIER_IR', body: 'hot bytes' });
  });

  it('reads StorageClass with get_object_attributes', () => {
    expect(steps.attributes).toEqual({ ok: true, class: 'STANDARD_IA', size: 10 });
  });

  it('reports the class of a multipart upload in list_multipart_uploads, list_parts and on the object', () => {
    expect(steps.multipart).toMatchObject({ ok: true, uploads: ['STANDARD_IA'], parts: 'STANDARD_IA', head: 'STANDARD_IA', size: 5 * 1024 * 1024 + 10 });
    expect(steps.multipart!.etag).toMatch(/-2"$/);
  });

  it('uploads and downloads with s3transfer\'s managed transfer and ExtraArgs StorageClass', () => {
    expect(steps.upload_file).toEqual({ ok: true, class: 'GLACIER_IR', same: true });
  });

  it('leaves nothing in Swift once boto3 deleted the objects and the bucket', async () => {
    expect(steps.cleanup).toEqual({ ok: true });
    expect(await goneFromSwift(bucket)).toEqual([404, 404, 404]);
  });
});

describe('the aws CLI with storage classes', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3gw-sccli-'));
  const config = join(dir, 'aws-config');
  writeFileSync(config, '[default]\ns3 =\n    addressing_style = path\n');
  writeFileSync(join(dir, 'file.txt'), 'from the aws CLI');

  async function aws(args: readonly string[], expectOk = true): Promise<{ json: any; stderr: string; code: number | null; stdout: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await run('aws', ['--endpoint-url', gw.url, '--output', 'json', ...args], {
      env: {
        AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
      },
      timeoutMs: 120_000,
    });
    if (expectOk) expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
    let json: unknown;
    try {
      json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { json, stderr: r.stderr, code: r.code, stdout: r.stdout };
  }

  it('s3api put-object --storage-class, head-object and list-objects-v2 report it; aws s3 cp --storage-class too', async () => {
    const b = uniqueBucket('sccli');
    made.push(b);
    await aws(['s3api', 'create-bucket', '--bucket', b]);
    await aws(['s3api', 'put-object', '--bucket', b, '--key', 'doc', '--body', join(dir, 'file.txt'), '--storage-class', 'STANDARD_IA']);
    expect((await aws(['s3api', 'head-object', '--bucket', b, '--key', 'doc'])).json.StorageClass).toBe('STANDARD_IA');
    await aws(['s3', 'cp', join(dir, 'file.txt'), `s3://${b}/cp.txt`, '--storage-class', 'GLACIER_IR']);
    const listed = (await aws(['s3api', 'list-objects-v2', '--bucket', b])).json.Contents as { Key: string; StorageClass: string }[];
    expect(Object.fromEntries(listed.map((o) => [o.Key, o.StorageClass]))).toEqual({ doc: 'STANDARD_IA', 'cp.txt': 'GLACIER_IR' });
    await aws(['s3', 'cp', `s3://${b}/cp.txt`, join(dir, 'back.txt')]);
    expect(readFileSync(join(dir, 'back.txt'), 'utf8')).toBe('from the aws CLI');
    const refused = await aws(['s3api', 'put-object', '--bucket', b, '--key', 'no', '--body', join(dir, 'file.txt'), '--storage-class', 'DEEP_ARCHIVE'], false);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('InvalidStorageClass');
    await aws(['s3', 'rm', `s3://${b}`, '--recursive']);
    await aws(['s3api', 'delete-bucket', '--bucket', b]);
    expect(await goneFromSwift(b)).toEqual([404, 404, 404]);
  });
});
