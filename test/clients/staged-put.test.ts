// Staged single PUTs (README, "Concurrent writes of one key") with real
// clients: boto3 (staged_put_boto3.py, its default CRC32 checksum) and the
// aws CLI v1 (s3api put-object of one 9 MiB body), against the gateway's
// default threshold (8 MiB). Each sees a plain object: the body's MD5 as ETag
// everywhere, no parts, its checksum.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3 } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeBucket, segmentNames, swiftDirect } from '../helpers/swift-direct.js';
import { describeRun, run } from './run.js';

const SCRIPT = fileURLToPath(new URL('./staged_put_boto3.py', import.meta.url));
let gw: TestGateway;
const bucket = uniqueBucket('staged-cli');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys: gw.stack.users.demo.ec2 })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', bucket);
  await gw.stop();
});

describe('boto3 put_object of 9 MiB (staged)', () => {
  it('answers the MD5 ETag and its CRC32 everywhere; the object has no parts', async () => {
    const keys = gw.stack.users.demo.ec2;
    const r = await run('python3', [SCRIPT], {
      env: { S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: bucket, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      timeoutMs: 120_000,
    });
    expect(r.code, describeRun('staged_put_boto3.py', r)).toBe(0);
    const o = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(o['get_equal']).toBe(true);
    for (const name of ['put_etag', 'head_etag', 'listed_etag']) expect(o[name], name).toBe(o['md5']);
    expect(o['attrs_etag']).toBe(String(o['md5']).replace(/"/g, ''));
    expect(o['put_crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(o['head_crc32']).toBe(o['put_crc32']);
    expect(o['attrs_crc32']).toBe(o['put_crc32']);
    expect(o['part_parts_count']).toBeNull(); // (None: boto3 saw no x-amz-mp-parts-count)
    expect(o['part_length']).toBe(o['head_length']);
    expect(o['attrs_parts']).toBe(false);
    expect(o['listed_size']).toBe(o['head_length']);
    // And it really was staged: a manifest in Swift, one segment beside it.
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', bucket, 'nine.bin')).headers['x-static-large-object']).toBe('True');
    expect((await segmentNames(gw.stack, 'demo', bucket)).filter((n) => n.startsWith('nine.bin/'))).toHaveLength(1);
  }, 130_000);
});

describe('aws CLI v1 s3api put-object of 9 MiB (staged)', () => {
  it('head-object and list-objects-v2 give the body\'s MD5; get-object returns the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'staged-cli-'));
    const body = Buffer.from(Array.from({ length: 9 * 1024 * 1024 + 5 }, (_, i) => (i * 13) & 0xff));
    writeFileSync(join(dir, 'body'), body);
    writeFileSync(join(dir, 'config'), '[default]\ns3 =\n    addressing_style = path\n');
    const env = {
      AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
      AWS_ACCESS_KEY_ID: gw.stack.users.demo.ec2.access, AWS_SECRET_ACCESS_KEY: gw.stack.users.demo.ec2.secret,
    };
    const aws = (args: readonly string[]) => run('aws', ['--endpoint-url', gw.url, ...args], { env, timeoutMs: 100_000 });
    const md5 = `"${createHash('md5').update(body).digest('hex')}"`;
    const put = await aws(['s3api', 'put-object', '--bucket', bucket, '--key', 'cli.bin', '--body', join(dir, 'body')]);
    expect(put.code, describeRun('put-object', put)).toBe(0);
    expect(JSON.parse(put.stdout).ETag).toBe(md5);
    expect(JSON.parse((await aws(['s3api', 'head-object', '--bucket', bucket, '--key', 'cli.bin'])).stdout).ETag).toBe(md5);
    const listed = JSON.parse((await aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'cli'])).stdout).Contents as { ETag: string; Size: number }[];
    expect(listed).toEqual([expect.objectContaining({ ETag: md5, Size: body.length })]);
    const get = await aws(['s3api', 'get-object', '--bucket', bucket, '--key', 'cli.bin', join(dir, 'out')]);
    expect(get.code, describeRun('get-object', get)).toBe(0);
    expect(readFileSync(join(dir, 'out')).equals(body)).toBe(true);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', bucket, 'cli.bin')).headers['x-static-large-object']).toBe('True');
  }, 130_000);
});
