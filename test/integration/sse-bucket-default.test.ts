// Bucket default encryption (Put/Get/DeleteBucketEncryption) against the real
// stack, and SSE-S3/SSE-KMS through real clients: boto3
// (sse_managed_clients.py) and the aws CLI v1 (s3 cp --sse AES256, --sse
// aws:kms --sse-kms-key-id, s3api put-bucket-encryption). The default
// applies to writes without an SSE header (a request's own header wins); a
// bucket never configured answers ServerSideEncryptionConfigurationNotFoundError;
// writes that cannot encrypt yet are refused where a default would encrypt them;
// a gateway without a key provider claims no encryption.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { writeKeyring } from '../helpers/keyring.js';
import { xmlValue, type Keys } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const KiB = 1024;
let gw: TestGateway;
let keys: Keys;
let b: string;
let dir: string;

const config = (algorithm: string, keyId?: string, bucketKey?: boolean) =>
  '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault>' +
  `<SSEAlgorithm>${algorithm}</SSEAlgorithm>${keyId ? `<KMSMasterKeyID>${keyId}</KMSMasterKeyID>` : ''}</ApplyServerSideEncryptionByDefault>` +
  `${bucketKey === undefined ? '' : `<BucketKeyEnabled>${bucketKey}</BucketKeyEnabled>`}</Rule></ServerSideEncryptionConfiguration>`;
const encryption = (method: string, bucket: string, body?: string, on = gw) => rawS3v4(on.url, keys, { method, path: `/${bucket}?encryption`, ...(body === undefined ? {} : { body }) });
const put = (bucket: string, key: string, body: Buffer, headers: Record<string, string> = {}) => rawS3v4(gw.url, keys, { method: 'PUT', path: `/${bucket}/${key}`, headers, body });
const storedMode = async (bucket: string, key: string) => (await swiftDirect(gw.stack, 'demo', 'HEAD', bucket, key)).headers['x-object-meta-s3gw-sse'];
const newBucket = async (label: string) => {
  const name = uniqueBucket(label);
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${name}` })).status).toBe(200);
  made.push(name);
  return name;
};
const made: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sse-default-'));
  writeKeyring(join(dir, 'keys'), ['key-a', 'key-b']);
  gw = await startGateway({
    dialect: 'aws',
    env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(64 * KiB), S3GW_ENCRYPTION_KEYRING_DIR: join(dir, 'keys'), S3GW_ENCRYPTION_KEYRING_CURRENT: 'key-a' },
  });
  keys = gw.stack.users.demo.ec2;
  b = await newBucket('sse-default');
});

afterAll(async () => {
  for (const name of made) await purgeBucket(gw.stack, 'demo', name);
  await gw.stop();
});

describe('Put/Get/DeleteBucketEncryption', () => {
  it('a bucket never configured answers 404 ServerSideEncryptionConfigurationNotFoundError (the gateway claims no AES256 it does not apply)', async () => {
    const r = await encryption('GET', b);
    expect(r.status).toBe(404);
    expect(xmlValue(r.text(), 'Code')).toBe('ServerSideEncryptionConfigurationNotFoundError');
  });

  it('an SSE-S3 default encrypts writes without an SSE header; a request\'s own header wins', async () => {
    expect((await encryption('PUT', b, config('AES256'))).status).toBe(200);
    const got = await encryption('GET', b);
    expect(got.status).toBe(200);
    expect(xmlValue(got.text(), 'SSEAlgorithm')).toBe('AES256');
    expect(xmlValue(got.text(), 'KMSMasterKeyID')).toBeUndefined();
    const data = randomBytes(100);
    const w = await put(b, 'by-default', data);
    expect(w.status).toBe(200);
    expect(w.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(await storedMode(b, 'by-default')).toBe('s1');
    expect((await swiftDirect(gw.stack, 'demo', 'GET', b, 'by-default')).body.equals(data)).toBe(false);
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/by-default` })).body.equals(data)).toBe(true);
    const own = await put(b, 'own-header', data, { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'key-b' });
    expect(own.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-b');
    expect(await storedMode(b, 'own-header')).toBe('k1');
  });

  it('an SSE-KMS default with a key id and BucketKeyEnabled; GetBucketEncryption gives it back', async () => {
    expect((await encryption('PUT', b, config('aws:kms', 'key-b', true))).status).toBe(200);
    const got = (await encryption('GET', b)).text();
    expect(xmlValue(got, 'SSEAlgorithm')).toBe('aws:kms');
    expect(xmlValue(got, 'KMSMasterKeyID')).toBe('key-b');
    expect(xmlValue(got, 'BucketKeyEnabled')).toBe('true');
    const w = await put(b, 'by-kms-default', randomBytes(70 * KiB));
    expect(w.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(w.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-b');
    expect(w.headers['x-amz-server-side-encryption-bucket-key-enabled']).toBe('true');
  });

  it('writes that cannot encrypt yet are refused where the default would encrypt them (CopyObject); multipart uploads take the default (sse-multipart.test.ts)', async () => {
    const mpu = await rawS3v4(gw.url, keys, { method: 'POST', path: `/${b}/mpu?uploads` });
    expect(mpu.status).toBe(200);
    expect(mpu.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    const copy = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/copy`, headers: { 'x-amz-copy-source': `/${b}/by-default` } });
    expect(copy.status).toBe(501);
  });

  it('DeleteBucketEncryption: 204, then 404 again and plain writes stay plain', async () => {
    expect((await encryption('DELETE', b)).status).toBe(204);
    expect((await encryption('GET', b)).status).toBe(404);
    expect((await put(b, 'after-delete', Buffer.from('plain'))).headers['x-amz-server-side-encryption']).toBeUndefined();
    expect(await storedMode(b, 'after-delete')).toBeUndefined();
    expect((await rawS3v4(gw.url, keys, { method: 'POST', path: `/${b}/mpu?uploads` })).status).toBe(200);
  });

  it('S3\'s errors: MalformedXML, InvalidArgument for a KMS key on AES256, NotImplemented for aws:kms:dsse, KMS.NotFoundException for an unknown key', async () => {
    const code = async (body: string) => {
      const r = await encryption('PUT', b, body);
      return `${r.status} ${xmlValue(r.text(), 'Code')}`;
    };
    expect(await code('<ServerSideEncryptionConfiguration><Rule>')).toBe('400 MalformedXML');
    expect(await code('<ServerSideEncryptionConfiguration></ServerSideEncryptionConfiguration>')).toBe('400 MalformedXML');
    expect(await code(config('AES512'))).toBe('400 MalformedXML');
    expect(await code(config('AES256', 'key-a'))).toBe('400 InvalidArgument');
    expect(await code(config('aws:kms:dsse'))).toBe('501 NotImplemented');
    expect(await code(config('aws:kms', 'no-such-key'))).toBe('400 KMS.NotFoundException');
    expect((await encryption('GET', b)).status).toBe(404);
  });

  it('a default item changed through the Swift API makes writes that would take it refused, never plaintext', async () => {
    const t = await newBucket('sse-default-tamper');
    expect((await encryption('PUT', t, config('AES256'))).status).toBe(200);
    const item = (await swiftDirect(gw.stack, 'demo', 'HEAD', t)).headers['x-container-meta-s3gw-encryption']!;
    expect(item).toMatch(/AES256$/);
    const forged = item.replace(/AES256$/, 'aws:kms;0;');
    expect((await swiftDirect(gw.stack, 'demo', 'POST', t, undefined, { headers: { 'x-container-meta-s3gw-encryption': forged } })).status).toBe(204);
    // (Another replica would see the change within the lock cache's 2 s; this one is asked fresh by GetBucketEncryption.)
    expect((await encryption('GET', t)).status).toBe(409);
    const w = await put(t, 'refused', Buffer.from('x'));
    expect(w.status).toBe(409);
    expect(xmlValue(w.text(), 'Code')).toBe('InvalidBucketState');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', t, 'refused')).status).toBe(404);
    expect((await put(t, 'own', Buffer.from('x'), { 'x-amz-server-side-encryption': 'AES256' })).status).toBe(200);
  });
});

describe('a gateway without key providers', () => {
  it('refuses SSE-S3/SSE-KMS and a bucket default (NotImplemented) rather than store plaintext or claim encryption', async () => {
    const bare = await startGateway({ dialect: 'aws' });
    try {
      const p = await rawS3v4(bare.url, keys, { method: 'PUT', path: `/${b}/bare`, headers: { 'x-amz-server-side-encryption': 'AES256' }, body: Buffer.from('x') });
      expect(p.status).toBe(501);
      expect(xmlValue(p.text(), 'Message')).toContain('not set up on this gateway');
      expect((await encryption('PUT', b, config('AES256'), bare)).status).toBe(501);
      expect((await encryption('GET', b, undefined, bare)).status).toBe(404);
      expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'bare')).status).toBe(404);
    } finally {
      await bare.stop();
    }
  });
});

describe('real clients', () => {
  type Step = { ok: boolean; error?: unknown } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let steps: Record<string, Step>;
  let c: string;

  beforeAll(async () => {
    c = await newBucket('sse-clients');
    const r = await run('python3', [fileURLToPath(new URL('./sse_managed_clients.py', import.meta.url))], {
      env: { S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: c, KMS_KEY_ID: 'key-b' },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    steps = (JSON.parse(r.stdout) as { steps: Record<string, Step> }).steps;
  }, 150_000);

  it('boto3 puts and gets with ServerSideEncryption AES256 (ETag: the MD5, in the listing too) and aws:kms with SSEKMSKeyId', () => {
    expect(steps['put and get with SSE-S3']).toEqual({ ok: true, same: true, putSse: 'AES256', getSse: 'AES256', headSse: 'AES256', etagIsMd5: true, listedSize: true });
    expect(steps['put and get with SSE-KMS']).toEqual({ ok: true, range: true, putSse: 'aws:kms', putKey: 'key-b', headKey: 'key-b', etagIsMd5: false });
  });

  it('boto3 put/get/delete_bucket_encryption; upload_fileobj and a browser POST upload take the default', () => {
    expect(steps['get_bucket_encryption of a bucket without one']).toEqual({ ok: false, error: { status: 404, code: 'ServerSideEncryptionConfigurationNotFoundError' } });
    expect(steps['put_bucket_encryption aws:kms, then objects without SSE arguments']).toEqual({
      ok: true, headSse: 'aws:kms', headKey: 'key-b', bucketKey: true, same: true,
      rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'key-b' }, BucketKeyEnabled: true }],
    });
    expect(steps['a browser POST upload into the bucket with a default']).toEqual({ ok: true, status: 204, headSse: 'aws:kms', same: true });
    expect(steps['delete_bucket_encryption']).toEqual({ ok: true, headSse: null });
  });

  it('the aws CLI v1: s3 cp --sse AES256 and --sse aws:kms --sse-kms-key-id, s3api put-bucket-encryption', async () => {
    const aws = (...args: string[]) => run('aws', ['--endpoint-url', gw.url, ...args], {
      env: {
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', PYTHONDONTWRITEBYTECODE: '1',
      },
      timeoutMs: 120_000,
    });
    const data = randomBytes(200 * KiB + 9);
    writeFileSync(join(dir, 'cli.bin'), data);
    // (Each CLI run costs a couple of seconds: five of them, the rest is checked through the gateway.)
    for (const [key, sse] of [['cli/s3', ['--sse', 'AES256']], ['cli/kms', ['--sse', 'aws:kms', '--sse-kms-key-id', 'key-b']]] as const) {
      const up = await aws('s3', 'cp', join(dir, 'cli.bin'), `s3://${c}/${key}`, ...sse);
      expect(up.code, up.stderr).toBe(0);
      expect((await swiftDirect(gw.stack, 'demo', 'GET', c, key)).body.equals(data)).toBe(false);
    }
    expect((await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${c}/cli/s3` })).headers['x-amz-server-side-encryption']).toBe('AES256');
    const down = await aws('s3', 'cp', `s3://${c}/cli/kms`, join(dir, 'back.bin'));
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(join(dir, 'back.bin')).equals(data)).toBe(true);
    const head = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${c}/cli/kms` });
    expect(head.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('key-b');
    const rules = JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    const set = await aws('s3api', 'put-bucket-encryption', '--bucket', c, '--server-side-encryption-configuration', rules);
    expect(set.code, set.stderr).toBe(0);
    expect(xmlValue((await encryption('GET', c)).text(), 'SSEAlgorithm')).toBe('AES256');
    const plain = await aws('s3', 'cp', join(dir, 'cli.bin'), `s3://${c}/cli/default`);
    expect(plain.code, plain.stderr).toBe(0);
    expect(await storedMode(c, 'cli/default')).toBe('s1');
  });
});
