// Browser uploads (POST object, an HTML form) through the gateway, sent by
// curl -F: forms signed with SigV4 and SigV2 (built here, and one by boto3's
// generate_presigned_post), every answer the form can ask for, every policy
// violation refused with S3's code and nothing stored, checksums, and an
// anonymous upload into a public-read-write bucket.
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { openSocket, statusLines } from '../helpers/raw-socket.js';
import { purgeBucket, purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let bucket: string;
let open: string;
const dir = mkdtempSync(join(tmpdir(), 'post-object-'));
const file = join(dir, 'photo.jpg');
const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
writeFileSync(file, content);

beforeAll(async () => {
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
  keys = gw.stack.users.demo.ec2!;
  bucket = uniqueBucket('post');
  open = uniqueBucket('postpub');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(200);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${open}`, keys, headers: { 'x-amz-acl': 'public-read-write' } })).status).toBe(200);
});

afterAll(async () => {
  for (const b of [bucket, open]) await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const amzDate = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** A SigV4-signed form: the policy (conditions, expiring in `expiresIn` s) and its signature fields. */
function signedV4(conditions: unknown[], expiresIn = 300): Record<string, string> {
  const date = amzDate();
  const credential = `${keys.access}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const all = [...conditions, { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }, { 'x-amz-date': date }];
  const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + expiresIn * 1000).toISOString(), conditions: all })).toString('base64');
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secret}`, date.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request');
  return { policy, 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': date, 'x-amz-signature': hmac(key, policy).toString('hex') };
}

function signedV2(conditions: unknown[]): Record<string, string> {
  const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 300_000).toISOString(), conditions })).toString('base64');
  return { policy, AWSAccessKeyId: keys.access, signature: createHmac('sha1', keys.secret).update(policy).digest('base64') };
}

interface Answer { status: number; headers: Record<string, string>; body: string }

/** curl -F: the fields in order, then the file (last, as S3 requires). */
async function curlPost(b: string, fields: Record<string, string>, path = file): Promise<Answer> {
  const args = ['-s', '-o', '-', '-D', join(dir, 'headers'), '-X', 'POST', `${gw.url}/${b}`];
  for (const [name, value] of Object.entries(fields)) args.push('--form-string', `${name}=${value}`);
  args.push('-F', `file=@${path};type=image/jpeg`);
  const r = await run('curl', args, { timeoutMs: 60_000 });
  const raw = (await import('node:fs')).readFileSync(join(dir, 'headers'), 'utf8').split('\r\n\r\n').filter(Boolean).pop();
  if (raw === undefined) throw new Error(`curl got no answer (exit ${r.code}): ${r.stderr}`);
  const [statusLine, ...lines] = raw.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: r.stdout };
}

const stored = async (b: string, key: string) => (await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).status;

describe('POST object into a bucket with object lock', () => {
  it('keeps the form\'s x-amz-object-lock-* fields (with the checksum S3 requires): the version is on legal hold and cannot be deleted', async () => {
    const locked = uniqueBucket('postlock');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${locked}`, keys, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } })).status).toBe(200);
    try {
      const sha = createHash('sha256').update(content).digest('base64');
      const fields = { key: 'held.jpg', 'x-amz-checksum-sha256': sha, 'x-amz-object-lock-legal-hold': 'ON' };
      const res = await curlPost(locked, { ...fields, ...signedV4([{ bucket: locked }, { key: 'held.jpg' }, { 'x-amz-checksum-sha256': sha }, { 'x-amz-object-lock-legal-hold': 'ON' }]) });
      expect(res.status, res.body).toBe(204);
      const version = res.headers['x-amz-version-id']!;
      expect(version).toBeTruthy();
      const hold = await rawS3(gw.url, { method: 'GET', path: `/${locked}/held.jpg?legal-hold`, keys });
      expect(xmlValue(hold.text(), 'Status')).toBe('ON');
      const del = await rawS3(gw.url, { method: 'DELETE', path: `/${locked}/held.jpg?versionId=${version}`, keys });
      expect(del.status).toBe(403);
      await rawS3(gw.url, { method: 'PUT', path: `/${locked}/held.jpg?legal-hold&versionId=${version}`, keys, body: '<LegalHold><Status>OFF</Status></LegalHold>', headers: { 'content-md5': createHash('md5').update('<LegalHold><Status>OFF</Status></LegalHold>').digest('base64') } });
      expect((await rawS3(gw.url, { method: 'DELETE', path: `/${locked}/held.jpg?versionId=${version}`, keys })).status).toBe(204);
    } finally {
      await purgeBucket(gw.stack, 'demo', locked);
      await rawS3(gw.url, { method: 'DELETE', path: `/${locked}`, keys });
    }
  });
});

describe('POST object with curl -F', () => {
  it('stores the file under the key with ${filename}, its Content-Type and x-amz-meta-*, answering 204 by default (SigV4)', async () => {
    const fields = { key: 'uploads/${filename}', 'Content-Type': 'image/jpeg', 'x-amz-meta-owner': 'alice' };
    const res = await curlPost(bucket, { ...fields, ...signedV4([{ bucket }, ['starts-with', '$key', 'uploads/'], { 'Content-Type': 'image/jpeg' }, ['starts-with', '$x-amz-meta-owner', ''], ['content-length-range', 1, 1_000_000]]) });
    expect(res.status, res.body).toBe(204);
    const md5 = createHash('md5').update(content).digest('hex');
    expect(res.headers['etag']).toBe(`"${md5}"`);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/uploads/photo.jpg`, keys });
    expect(get.status).toBe(200);
    expect(get.body.equals(content)).toBe(true);
    expect(get.headers['content-type']).toBe('image/jpeg');
    expect(get.headers['x-amz-meta-owner']).toBe('alice');
  });

  it('signed with SigV2 (AWSAccessKeyId, signature): success_action_status 201 answers a PostResponse document', async () => {
    const res = await curlPost(bucket, { key: 'v2/doc', success_action_status: '201', ...signedV2([{ bucket }, { key: 'v2/doc' }, { success_action_status: '201' }]) });
    expect(res.status, res.body).toBe(201);
    expect(xmlValue(res.body, 'Key')).toBe('v2/doc');
    expect(xmlValue(res.body, 'Bucket')).toBe(bucket);
    expect(xmlValue(res.body, 'ETag')).toBe(`"${createHash('md5').update(content).digest('hex')}"`);
    expect(await stored(bucket, 'v2/doc')).toBe(200);
  });

  it('success_action_redirect: 303 to it with bucket, key and etag; success_action_status 200: an empty 200', async () => {
    const redirect = 'http://example.test/done?x=1';
    const res = await curlPost(bucket, { key: 'r/one', success_action_redirect: redirect, ...signedV4([{ bucket }, { key: 'r/one' }, { success_action_redirect: redirect }]) });
    expect(res.status, res.body).toBe(303);
    const location = new URL(res.headers['location']!);
    expect([location.host, location.searchParams.get('x'), location.searchParams.get('bucket'), location.searchParams.get('key')]).toEqual(['example.test', '1', bucket, 'r/one']);
    expect(location.searchParams.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const ok = await curlPost(bucket, { key: 'r/two', success_action_status: '200', ...signedV4([{ bucket }, { key: 'r/two' }, { success_action_status: '200' }]) });
    expect([ok.status, ok.body]).toEqual([200, '']);
  });

  it('acl: a canned ACL named in the form applies to the object', async () => {
    const res = await curlPost(bucket, { key: 'acl/pub', acl: 'public-read', ...signedV4([{ bucket }, { key: 'acl/pub' }, { acl: 'public-read' }]) });
    expect(res.status, res.body).toBe(204);
    const acl = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/acl/pub?acl`, keys });
    expect(acl.text()).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
  });

  it('checksums: a right x-amz-checksum-crc32 is stored and returned; a wrong one is BadDigest and stores nothing', async () => {
    const o = Buffer.alloc(4);
    o.writeUInt32BE(zlibCrc32(content) >>> 0);
    const good = o.toString('base64');
    const res = await curlPost(bucket, { key: 'ck/good', 'x-amz-checksum-crc32': good, ...signedV4([{ bucket }, { key: 'ck/good' }, { 'x-amz-checksum-crc32': good }]) });
    expect(res.status, res.body).toBe(204);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/ck/good`, keys, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).toBe(good);
    const bad = await curlPost(bucket, { key: 'ck/bad', 'x-amz-checksum-crc32': 'AAAAAA==', ...signedV4([{ bucket }, { key: 'ck/bad' }, { 'x-amz-checksum-crc32': 'AAAAAA==' }]) });
    expect([bad.status, xmlValue(bad.body, 'Code')]).toEqual([400, 'BadDigest']);
    expect(await stored(bucket, 'ck/bad')).toBe(404);
  });

  it('streams a 40 MiB file (curl waits for 100-continue) and stores it byte for byte', async () => {
    const big = join(dir, 'big.bin');
    const bytes = Buffer.alloc(40 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
    writeFileSync(big, bytes);
    const res = await curlPost(bucket, { key: 'big/${filename}', ...signedV4([{ bucket }, ['starts-with', '$key', 'big/']]) }, big);
    expect(res.status, res.body).toBe(204);
    expect(res.headers['etag']).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/big/big.bin`, keys });
    expect(head.headers['content-length']).toBe(String(bytes.length));
  });

  it('a boto3 generate_presigned_post form works as is', async () => {
    const script = `
import boto3, json, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name="us-east-1")
print(json.dumps(s3.generate_presigned_post(sys.argv[4], "boto3/\${filename}", Conditions=[["starts-with", "$key", "boto3/"], ["content-length-range", 0, 10485760]], ExpiresIn=300)))`;
    const r = await run('python3', ['-c', script, gw.url, keys.access, keys.secret, bucket], { env: { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
    expect(r.code, r.stderr).toBe(0);
    const presigned = JSON.parse(r.stdout) as { url: string; fields: Record<string, string> };
    const res = await curlPost(bucket, presigned.fields);
    expect(res.status, res.body).toBe(204);
    expect(await stored(bucket, 'boto3/photo.jpg')).toBe(200);
  });
});

describe('POST object policy violations: S3\'s code, nothing stored', () => {
  const cases: [string, () => Record<string, string>, string, number, string?][] = [
    ['an expired policy', () => ({ key: 'no/expired', ...signedV4([{ bucket }, { key: 'no/expired' }], -60) }), 'AccessDenied', 403, 'Invalid according to Policy: Policy expired.'],
    ['a key outside starts-with', () => ({ key: 'other/x', ...signedV4([{ bucket }, ['starts-with', '$key', 'uploads/']]) }), 'AccessDenied', 403, 'Invalid according to Policy: Policy Condition failed: ["starts-with","$key","uploads/"]'],
    ['another bucket', () => ({ key: 'no/bucket', ...signedV4([{ bucket: 'someone-else' }, { key: 'no/bucket' }]) }), 'AccessDenied', 403],
    ['a field the policy does not name', () => ({ key: 'no/extra', 'x-amz-meta-sneaky': '1', ...signedV4([{ bucket }, { key: 'no/extra' }]) }), 'AccessDenied', 403, 'Invalid according to Policy: Extra input fields: x-amz-meta-sneaky'],
    ['a file above content-length-range', () => ({ key: 'no/large', ...signedV4([{ bucket }, { key: 'no/large' }, ['content-length-range', 0, 1000]]) }), 'EntityTooLarge', 400],
    ['a file below content-length-range', () => ({ key: 'no/small', ...signedV4([{ bucket }, { key: 'no/small' }, ['content-length-range', 1_000_000, 2_000_000]]) }), 'EntityTooSmall', 400],
    ['a wrong signature', () => ({ key: 'no/sig', ...signedV4([{ bucket }, { key: 'no/sig' }]), 'x-amz-signature': '0'.repeat(64) }), 'SignatureDoesNotMatch', 403],
    ['a policy that is not base64 JSON', () => ({ key: 'no/doc', ...signedV2([]), policy: 'bm90IGpzb24=' }), 'SignatureDoesNotMatch', 403],
    ['no key field', () => ({ ...signedV4([{ bucket }]) }), 'InvalidArgument', 400],
  ];
  for (const [what, fields, code, status, message] of cases) {
    it(`refuses ${what}: ${code}`, async () => {
      const f = fields();
      const res = await curlPost(bucket, f);
      expect([res.status, xmlValue(res.body, 'Code')], res.body).toEqual([status, code]);
      if (message) expect(xmlValue(res.body, 'Message')).toBe(message);
      if (f['key']) expect(await stored(bucket, f['key'])).toBe(404);
    });
  }

  it('answers a refusal while the file is still arriving, reads the rest, and keeps the connection for the next request', async () => {
    // Closing with the file's bytes still coming in makes the kernel reset the
    // connection, and a client still sending (curl, a browser) loses the answer.
    const boundary = 'gw-linger-boundary';
    const fields = { key: 'no/linger', ...signedV4([{ bucket: 'someone-else' }, { key: 'no/linger' }]) };
    const head = Object.entries(fields).map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join('')
      + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const length = Buffer.byteLength(head) + content.length + Buffer.byteLength(tail);
    const conn = await openSocket(gw.port);
    conn.write(`POST /${bucket} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n${head}`);
    const answer = await conn.waitFor(/<\/Error>/);
    expect(statusLines(answer)).toEqual([403]);
    expect(xmlValue(answer, 'Code')).toBe('AccessDenied');
    expect(answer.toLowerCase()).not.toContain('connection: close');
    conn.write(Buffer.concat([content, Buffer.from(tail)]));
    conn.write(`GET /${bucket}/no/linger HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const both = await conn.waitFor(/<\/Error>[\s\S]*<\/Error>/);
    // (The first answer's body ends without a line break: statusLines would miss the second.)
    // The second is the GET's own answer (403 or 404, as earlier tests left the bucket's ACL).
    expect([...both.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])).toEqual(['403', expect.stringMatching(/^40[34]$/)]);
    conn.socket.destroy();
    expect(await stored(bucket, 'no/linger')).toBe(404);
  });

  it('refuses an unsigned policy document that is not JSON with InvalidPolicyDocument', async () => {
    const policy = Buffer.from('{"expiration": 5').toString('base64');
    const res = await curlPost(bucket, { key: 'no/json', policy, AWSAccessKeyId: keys.access, signature: createHmac('sha1', keys.secret).update(policy).digest('base64') });
    expect([res.status, xmlValue(res.body, 'Code')]).toEqual([400, 'InvalidPolicyDocument']);
  });
});

describe('anonymous POST object', () => {
  it('stores into a public-read-write bucket, and is AccessDenied for a private one', async () => {
    const res = await curlPost(open, { key: 'anon/${filename}' });
    expect(res.status, res.body).toBe(204);
    expect(await stored(open, 'anon/photo.jpg')).toBe(200);
    const denied = await curlPost(bucket, { key: 'anon/x' });
    expect([denied.status, xmlValue(denied.body, 'Code')]).toEqual([403, 'AccessDenied']);
    expect(await stored(bucket, 'anon/x')).toBe(404);
  });
});
