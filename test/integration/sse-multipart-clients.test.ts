// Real clients' encrypted multipart uploads through the gateway: boto3's
// transfer manager (upload_file above a 5 MiB threshold, download_file with
// parallel ranged GETs) in SSE-S3, SSE-KMS and SSE-C, a 100 MiB object, and
// the aws CLI's `s3 cp --sse AES256` and `--sse-c` above its 8 MiB multipart
// threshold. What Swift keeps is checked to be ciphertext. The parts' own
// rules (ranges, partNumber, errors, tampering): sse-multipart.test.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { writeKeyring } from '../helpers/keyring.js';
import type { Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const MiB = 1024 * 1024;
let gw: TestGateway;
let keys: Keys;
let b: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's3gw-sse-mpu-'));
  writeKeyring(join(dir, 'keys'), ['key-a']);
  gw = await startGateway({ dialect: 'aws', env: { S3GW_ENCRYPTION_KEYRING_DIR: join(dir, 'keys'), S3GW_ENCRYPTION_KEYRING_CURRENT: 'key-a' } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('sse-mpu-clients');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw.stop();
});

/** What Swift keeps of the object's first MiB is not the plaintext's. */
async function storedIsNot(key: string, plain: Buffer): Promise<void> {
  const stored = await swiftDirect(gw.stack, 'demo', 'GET', b, key, { headers: { range: `bytes=0-${plain.length - 1}` } });
  expect(stored.body.length).toBe(plain.length);
  expect(stored.body.equals(plain)).toBe(false);
}

describe('boto3', () => {
  type Step = { ok: boolean; error?: unknown } & Record<string, unknown>;
  let steps: Record<string, Step>;

  beforeAll(async () => {
    const r = await run('python3', [fileURLToPath(new URL('./sse_multipart_clients.py', import.meta.url))], {
      env: { S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: b, KMS_KEY_ID: 'key-a', WORK_DIR: dir },
      timeoutMs: 240_000,
    });
    expect(r.code, r.stderr).toBe(0);
    steps = (JSON.parse(r.stdout) as { steps: Record<string, Step> }).steps;
  }, 260_000);

  it('upload_file and download_file round-trip 10 MiB + 1 byte in three parts in every mode', () => {
    expect(steps['upload_file and download_file with SSE-S3']).toEqual({ ok: true, same: true, size: true, parts: '3', sse: 'AES256', kmsKey: null, customer: null });
    expect(steps['upload_file and download_file with SSE-KMS']).toEqual({ ok: true, same: true, size: true, parts: '3', sse: 'aws:kms', kmsKey: 'key-a', customer: null });
    expect(steps['upload_file and download_file with SSE-C']).toEqual({ ok: true, same: true, size: true, parts: '3', sse: null, kmsKey: null, customer: 'AES256' });
    expect(steps['head of the SSE-C object without its key']).toEqual({ ok: true, refused: true, error: { status: 400, code: '400' } });
  });

  it('round-trips a 100 MiB object (20 parts), stored as ciphertext', async () => {
    expect(steps['a 100 MiB object with SSE-S3']).toEqual({ ok: true, same: true, size: true, parts: '20', sse: 'AES256', kmsKey: null, customer: null });
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'boto/100mib');
    expect(head.headers['x-object-meta-s3gw-sse']).toBe('s1');
    expect(head.headers['x-object-meta-s3gw-sse-mp']).toBe('p1');
  });
});

describe('the aws CLI v1', () => {
  const aws = (...args: string[]) => run('aws', ['--endpoint-url', gw.url, ...args], {
    env: {
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
      AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', PYTHONDONTWRITEBYTECODE: '1',
    },
    timeoutMs: 120_000,
  });

  it('s3 cp --sse AES256 and --sse-c above the multipart threshold, and back', async () => {
    const data = randomBytes(9 * MiB + 3);
    writeFileSync(join(dir, 'cli.bin'), data);
    const sseC = ['--sse-c', 'AES256', '--sse-c-key', 'c'.repeat(32)];
    for (const [key, sse, read] of [['cli/s3', ['--sse', 'AES256'], []], ['cli/c', sseC, sseC]] as const) {
      const up = await aws('s3', 'cp', join(dir, 'cli.bin'), `s3://${b}/${key}`, ...sse);
      expect(up.code, up.stderr).toBe(0);
      const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, key);
      expect(head.headers['x-object-meta-s3gw-sse-mp'], key).toBe('p1');
      await storedIsNot(key, data.subarray(0, MiB));
      const down = await aws('s3', 'cp', `s3://${b}/${key}`, join(dir, 'back.bin'), ...read);
      expect(down.code, down.stderr).toBe(0);
      expect(readFileSync(join(dir, 'back.bin')).equals(data), key).toBe(true);
    }
  });
});
