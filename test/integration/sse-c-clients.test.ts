// SSE-C through real clients against the real stack: boto3 (sse_c_boto3.py:
// put/get/head for sizes around cipher blocks and the staging threshold,
// ranges, S3's key errors, s3transfer, a presigned GET, refused multipart and
// copies) and the aws CLI v1 (s3 cp --sse-c, s3api with --sse-customer-key).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import type { Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const KiB = 1024;
let gw: TestGateway;
let keys: Keys;
let b: string;
const storedBytes = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'GET', b, key)).body;

beforeAll(async () => {
  // Staging from 64 KiB, so boto3's 70 KiB object is staged and its 17 bytes are too (every SSE-C body is).
  gw = await startGateway({ dialect: 'aws', env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(64 * KiB) } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('ssec-cli');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw.stop();
});

describe('real clients', () => {
  type Step = { ok: boolean; error?: unknown } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let steps: Record<string, Step>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sse-c-'));
    const r = await run('python3', [fileURLToPath(new URL('./sse_c_boto3.py', import.meta.url))], {
      env: { S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: b, S3_TMP: dir },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    steps = (JSON.parse(r.stdout) as { steps: Record<string, Step> }).steps;
  }, 150_000);

  it('boto3 puts, gets and heads with SSECustomerKey, for sizes around blocks and the staging threshold', () => {
    for (const size of [0, 1, 15, 16, 17, 1024 * 1024 + 3, 70 * 1024]) {
      const s = steps[`roundtrip ${size}`]!;
      expect(s, JSON.stringify(s)).toMatchObject({ ok: true, same: true, length: size, putAlgorithm: 'AES256', getAlgorithm: 'AES256', headKeyMd5Matches: true });
    }
  });

  it('boto3 ranges, and its errors without or with another key', () => {
    expect(steps['ranges']).toEqual({ ok: true, 'bytes=17-4112': true, 'bytes=-33': true, 'bytes=99990-': true });
    expect(steps['no key']!['get']).toMatchObject({ status: 400, code: 'InvalidRequest' });
    expect(steps['no key']!['head']).toMatchObject({ status: 400 });
    expect(steps['wrong key']!['get']).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('s3transfer upload_file and download_file with SSE-C (a single PUT, ranged GETs)', () => {
    expect(steps['upload_file and download_file']).toEqual({ ok: true, same: true });
  });

  it('a presigned GET works with the key headers, and not without them', () => {
    // boto3 signs the SSE-C headers (SignedHeaders): without them the signature does not match (403).
    expect(steps['presigned GET']).toEqual({ ok: true, same: true, withoutHeaders: 403 });
  });

  it('boto3: CreateMultipartUpload takes the SSE-C key (encrypted multipart: sse-multipart-clients.test.ts); copies of SSE-C objects are NotImplemented', () => {
    expect(steps['multipart created']).toEqual({ ok: true, algorithm: 'AES256', keyMd5: true });
    expect(steps['copy refused']!['copy']).toMatchObject({ status: 501, code: 'NotImplemented' });
  });

  it('a browser POST upload with SSE-C fields (boto3 generate_presigned_post) is NotImplemented and stores nothing', () => {
    expect(steps['browser POST upload with SSE-C fields']).toEqual({ ok: true, status: 501, stored: false, namesHeader: true });
  });

  it('the aws CLI v1: s3 cp --sse-c up and down, s3api head-object and get-object with the key', async () => {
    const keyFile = join(dir, 'key.bin');
    const key = randomBytes(32);
    writeFileSync(keyFile, key);
    const data = randomBytes(200 * KiB + 9);
    writeFileSync(join(dir, 'cli.bin'), data);
    const aws = async (...args: string[]) => {
      const r = await run('aws', ['--endpoint-url', gw.url, ...args], {
        env: {
          AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
          AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', PYTHONDONTWRITEBYTECODE: '1',
        },
        timeoutMs: 120_000,
      });
      return r;
    };
    const up = await aws('s3', 'cp', join(dir, 'cli.bin'), `s3://${b}/cli/obj`, '--sse-c', 'AES256', '--sse-c-key', `fileb://${keyFile}`);
    expect(up.code, up.stderr).toBe(0);
    expect((await storedBytes('cli/obj')).equals(data)).toBe(false);
    const down = await aws('s3', 'cp', `s3://${b}/cli/obj`, join(dir, 'cli-back.bin'), '--sse-c', 'AES256', '--sse-c-key', `fileb://${keyFile}`);
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cli-back.bin')).equals(data)).toBe(true);
    const head = await aws('s3api', 'head-object', '--bucket', b, '--key', 'cli/obj', '--sse-customer-algorithm', 'AES256', '--sse-customer-key', `fileb://${keyFile}`);
    expect(head.code, head.stderr).toBe(0);
    expect(JSON.parse(head.stdout)).toMatchObject({ ContentLength: data.length, SSECustomerAlgorithm: 'AES256' });
    const get = await aws('s3api', 'get-object', '--bucket', b, '--key', 'cli/obj', '--range', 'bytes=1000-2000', '--sse-customer-algorithm', 'AES256', '--sse-customer-key', `fileb://${keyFile}`, join(dir, 'cli-range.bin'));
    expect(get.code, get.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cli-range.bin')).equals(data.subarray(1000, 2001))).toBe(true);
    const without = await aws('s3', 'cp', `s3://${b}/cli/obj`, join(dir, 'cli-none.bin'));
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/400/);
  });
});
