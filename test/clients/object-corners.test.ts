// Conditional writes and the object/bucket corners with real clients: boto3
// (object_corners_boto3.py, SigV4 for us-east-1 and for eu-west-1), the aws
// CLI v1 and the AWS SDK for JavaScript v3, against a gateway whose region is
// kr-central-1 and which accepts SigV4 scopes for us-east-1 and eu-west-1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command,
  PutObjectCommand, S3Client, S3ServiceException, paginateListBuckets,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3 } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { describeRun, run } from './run.js';

const SCRIPT = fileURLToPath(new URL('./object_corners_boto3.py', import.meta.url));

let gw: TestGateway;
const made: string[] = [];
const prefix = `t-oc-${Date.now().toString(36)}-`;
const pagingBuckets = [0, 1, 2, 3, 4].map((i) => `${prefix}${i}`);

beforeAll(async () => {
  gw = await startGateway({ env: { S3GW_S3_REGION: 'kr-central-1', S3GW_S3_ACCEPTED_REGIONS: 'kr-central-1,us-east-1,eu-west-1' } });
  made.push(...pagingBuckets);
  for (const name of pagingBuckets) expect((await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys: gw.stack.users.demo.ec2 })).status).toBe(201);
});

afterAll(async () => {
  for (const name of made) {
    await purgeContainer(gw.stack, 'demo', `${name}+segments`).catch(() => undefined);
    await purgeContainer(gw.stack, 'demo', name).catch(() => undefined);
  }
  await gw.stop();
});

describe('boto3', () => {
  let report: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    const bucket = uniqueBucket('oc-boto3');
    const eu = uniqueBucket('oc-boto3-eu');
    made.push(bucket, eu);
    const keys = gw.stack.users.demo.ec2;
    const r = await run('python3', [SCRIPT], {
      env: {
        S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: bucket, S3_BUCKET_EU: eu, S3_PREFIX: prefix,
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeoutMs: 120_000,
    });
    expect(r.code, describeRun('object_corners_boto3.py', r)).toBe(0);
    report = JSON.parse(r.stdout) as typeof report;
  }, 130_000);

  const step = (name: string) => {
    const s = report[name]!;
    expect(s['ok'], JSON.stringify(s)).toBe(true);
    return s;
  };

  it('put_object IfNoneMatch="*": the first creates, the second is PreconditionFailed and changes nothing', () => {
    expect(step('if_none_match')).toMatchObject({ first: 'ok', second: 'PreconditionFailed', body: 'one' });
  });

  it('put_object IfMatch: a stale ETag is PreconditionFailed, the current one writes, a missing key is NoSuchKey', () => {
    expect(step('if_match')).toMatchObject({ stale: 'PreconditionFailed', fresh: 'ok', missing: 'NoSuchKey' });
  });

  it('delete_object IfMatch: another ETag is PreconditionFailed, the current one deletes', () => {
    expect(step('delete_if_match')).toMatchObject({ wrong: 'PreconditionFailed', right: 'ok' });
  });

  it('complete_multipart_upload IfNoneMatch over an existing key is PreconditionFailed; an unknown upload id NoSuchUpload', () => {
    expect(step('complete_if_none_match')).toMatchObject({ refused: 'PreconditionFailed', unknown: 'NoSuchUpload' });
  });

  it('StorageClass: STANDARD works, GLACIER is InvalidStorageClass, a self-copy naming STANDARD works, an unchanged one is refused', () => {
    expect(step('storage_class')).toMatchObject({ standard: 'ok', glacier: 'InvalidStorageClass', self_copy: 'ok', unchanged: 'InvalidRequest', listed: ['STANDARD'] });
  });

  it('MaxKeys=0 is empty and not truncated; listing LastModified equals head_object; ContentEncoding comes back as sent', () => {
    expect(step('listing')).toMatchObject({ zero_truncated: false, zero_count: 0, last_modified_equal: true, encoding: 'gzip, br' });
  });

  it('list_buckets MaxBuckets/Prefix/ContinuationToken and its paginator list every bucket once, with BucketRegion', () => {
    expect(step('list_buckets_paging')).toMatchObject({ names: pagingBuckets, pages: 3, regions: ['kr-central-1'], paginated: pagingBuckets });
  });

  it('a client signing for eu-west-1 (accepted) creates a bucket with LocationConstraint eu-west-1 and uses it; ap-south-2 is IllegalLocationConstraintException', () => {
    expect(step('location_other_accepted_region')).toMatchObject({ location: 'kr-central-1', other: 'IllegalLocationConstraintException', body: 'eu' });
  });
});

describe('aws CLI v1', () => {
  let env: Record<string, string>;
  const bucket = uniqueBucket('oc-cli');

  beforeAll(async () => {
    made.push(bucket);
    const dir = mkdtempSync(join(tmpdir(), 'oc-cli-'));
    writeFileSync(join(dir, 'config'), '[default]\ns3 =\n    addressing_style = path\n');
    env = {
      AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: gw.stack.users.demo.ec2.access, AWS_SECRET_ACCESS_KEY: gw.stack.users.demo.ec2.secret,
      AWS_DEFAULT_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
    };
    writeFileSync(join(dir, 'body'), 'from the cli');
    env['BODY'] = join(dir, 'body');
  });

  const aws = (args: readonly string[]) => run('aws', ['--endpoint-url', gw.url, ...args], { env, timeoutMs: 100_000 });

  it('s3 mb signing for eu-west-1 sends that LocationConstraint and succeeds; put-object --if-none-match "*" creates once, then 412', async () => {
    const mb = await aws(['s3', 'mb', `s3://${bucket}`]);
    expect(mb.code, describeRun('aws s3 mb', mb)).toBe(0);
    const first = await aws(['s3api', 'put-object', '--bucket', bucket, '--key', 'k', '--body', env['BODY']!, '--if-none-match', '*']);
    expect(first.code, describeRun('put-object', first)).toBe(0);
    const second = await aws(['s3api', 'put-object', '--bucket', bucket, '--key', 'k', '--body', env['BODY']!, '--if-none-match', '*']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('PreconditionFailed');
    const etag = JSON.parse((await aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'k'])).stdout).ETag as string;
    const del = await aws(['s3api', 'delete-object', '--bucket', bucket, '--key', 'k', '--if-match', '"0123456789abcdef0123456789abcdef"']);
    expect(del.stderr).toContain('PreconditionFailed');
    expect((await aws(['s3api', 'delete-object', '--bucket', bucket, '--key', 'k', '--if-match', etag])).code).toBe(0);
  }, 120_000);

  it('s3api list-buckets --prefix pages through every bucket (--page-size 2)', async () => {
    const r = await aws(['s3api', 'list-buckets', '--prefix', prefix, '--page-size', '2']);
    expect(r.code, describeRun('list-buckets', r)).toBe(0);
    expect((JSON.parse(r.stdout).Buckets as { Name: string }[]).map((b) => b.Name)).toEqual(pagingBuckets);
  }, 60_000);
});

describe('AWS SDK for JavaScript v3', () => {
  let s3: S3Client;
  let eu: S3Client;
  const bucket = uniqueBucket('oc-sdk3');

  beforeAll(() => {
    made.push(bucket);
    const credentials = { accessKeyId: gw.stack.users.demo.ec2.access, secretAccessKey: gw.stack.users.demo.ec2.secret };
    s3 = new S3Client({ endpoint: gw.url, forcePathStyle: true, region: 'us-east-1', credentials, maxAttempts: 1 });
    eu = new S3Client({ endpoint: gw.url, forcePathStyle: true, region: 'eu-west-1', credentials, maxAttempts: 1 });
  });

  const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)));

  it('CreateBucket with LocationConstraint eu-west-1 (signed for eu-west-1); PutObject IfNoneMatch/IfMatch; DeleteObject IfMatch', async () => {
    await eu.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect(await codeOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'one', IfNoneMatch: '*' })))).toBe('ok');
    expect(await codeOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'two', IfNoneMatch: '*' })))).toBe('PreconditionFailed');
    const etag = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v1' }))).ETag!;
    expect(await codeOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v2', IfMatch: etag })))).toBe('ok');
    expect(await codeOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v3', IfMatch: etag })))).toBe('PreconditionFailed');
    expect(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cas' }))).Body!.transformToString()).toBe('v2');
    expect(await codeOf(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'cas', IfMatch: etag })))).toBe('PreconditionFailed');
    expect(await codeOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'g', Body: 'x', StorageClass: 'GLACIER' })))).toBe('InvalidStorageClass');
    const zero = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
    expect([zero.IsTruncated, zero.KeyCount ?? 0]).toEqual([false, 0]);
  }, 60_000);

  it('ListBuckets MaxBuckets / Prefix / ContinuationToken through paginateListBuckets, BucketRegion set', async () => {
    const names: string[] = [];
    for await (const page of paginateListBuckets({ client: s3, pageSize: 2 }, { Prefix: prefix })) {
      for (const bk of page.Buckets ?? []) {
        names.push(bk.Name!);
        expect(bk.BucketRegion).toBe('kr-central-1');
      }
    }
    expect(names).toEqual(pagingBuckets);
    const one = await s3.send(new ListBucketsCommand({ MaxBuckets: 1, Prefix: prefix }));
    expect([one.Buckets?.length, one.Prefix, typeof one.ContinuationToken]).toEqual([1, prefix, 'string']);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'cas' }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  }, 60_000);
});
