// Bucket CORS against the real stack: Put/Get/DeleteBucketCors (raw requests,
// boto3 and the aws CLI), browser-style preflights with curl, Access-Control-* headers on
// actual signed and anonymous requests, S3's refusals, and Swift's own CORS
// metadata on the container kept alike where it can hold the rules.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { presignV4 } from '../helpers/sigv4-client.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let owner: Keys;
const buckets: string[] = [];

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
});

afterAll(async () => {
  for (const b of buckets) await purgeBucket(stack, 'demo', b).then(() => rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: owner }));
  await gw?.stop();
});

async function newBucket(label: string, headers: Record<string, string> = {}): Promise<string> {
  const b = uniqueBucket(label);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: owner, headers })).status).toBe(200);
  buckets.push(b);
  return b;
}

const md5 = (s: string) => createHash('md5').update(s).digest('base64');
const rule = (r: { origins: string[]; methods: string[]; headers?: string[]; expose?: string[]; maxAge?: number; id?: string }) =>
  `<CORSRule>${r.id ? `<ID>${r.id}</ID>` : ''}${r.origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('')}${r.methods.map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join('')}`
  + `${(r.headers ?? []).map((h) => `<AllowedHeader>${h}</AllowedHeader>`).join('')}${(r.expose ?? []).map((h) => `<ExposeHeader>${h}</ExposeHeader>`).join('')}`
  + `${r.maxAge !== undefined ? `<MaxAgeSeconds>${r.maxAge}</MaxAgeSeconds>` : ''}</CORSRule>`;
const config = (...rules: string[]) => `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</CORSConfiguration>`;
const putCors = (b: string, body: string, headers: Record<string, string> = { 'content-md5': md5(body) }) =>
  rawS3(gw.url, { method: 'PUT', path: `/${b}?cors`, keys: owner, body, headers });

/** curl as a browser's preflight: OPTIONS with Origin and the Access-Control-Request-* headers. */
async function curlPreflight(url: string, origin: string | undefined, method: string | undefined, headers?: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const args = ['-s', '-i', '-X', 'OPTIONS', url];
  if (origin) args.push('-H', `Origin: ${origin}`);
  if (method) args.push('-H', `Access-Control-Request-Method: ${method}`);
  if (headers) args.push('-H', `Access-Control-Request-Headers: ${headers}`);
  const r = await run('curl', args, { timeoutMs: 20_000 });
  expect(r.code, describeRun('curl', r)).toBe(0);
  const [head, ...rest] = r.stdout.split('\r\n\r\n');
  const lines = head!.split('\r\n');
  const out: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const at = line.indexOf(':');
    out[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  return { status: Number(lines[0]!.split(' ')[1]), headers: out, body: rest.join('\r\n\r\n') };
}

describe('Put/Get/DeleteBucketCors', () => {
  it('stores the rules, answers them back, mirrors what Swift can hold into its CORS metadata, and deletes both', async () => {
    const b = await newBucket('cors');
    const body = config(
      rule({ id: 'app', origins: ['https://app.example.com', 'https://admin.example.com'], methods: ['GET', 'PUT'], headers: ['*'], expose: ['ETag', 'x-amz-request-id'], maxAge: 600 }),
      rule({ origins: ['https://reports.example.com'], methods: ['GET'] }),
    );
    const res = await putCors(b, body);
    expect(res.status, res.text()).toBe(200);
    const back = await rawS3(gw.url, { method: 'GET', path: `/${b}?cors`, keys: owner });
    expect(back.status).toBe(200);
    expect(xmlValues(back.text(), 'AllowedOrigin')).toEqual(['https://app.example.com', 'https://admin.example.com', 'https://reports.example.com']);
    expect(xmlValues(back.text(), 'AllowedMethod')).toEqual(['GET', 'PUT', 'GET']);
    expect(xmlValue(back.text(), 'ID')).toBe('app');
    expect(xmlValue(back.text(), 'MaxAgeSeconds')).toBe('600');
    const swift = (await swiftDirect(stack, 'demo', 'HEAD', b)).headers;
    expect(swift['x-container-meta-access-control-allow-origin']).toBe('https://app.example.com https://admin.example.com https://reports.example.com');
    expect(swift['x-container-meta-access-control-max-age']).toBe('600');
    expect(swift['x-container-meta-access-control-expose-headers']).toBe('ETag, x-amz-request-id');

    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?cors`, keys: owner })).status).toBe(204);
    const gone = await rawS3(gw.url, { method: 'GET', path: `/${b}?cors`, keys: owner });
    expect(gone.status).toBe(404);
    expect(xmlValue(gone.text(), 'Code')).toBe('NoSuchCORSConfiguration');
    expect((await swiftDirect(stack, 'demo', 'HEAD', b)).headers['x-container-meta-access-control-allow-origin']).toBeUndefined();
  });

  it('refuses what S3 refuses, storing nothing', async () => {
    const b = await newBucket('corsbad');
    const cases: [string, Record<string, string> | undefined, string][] = [
      [config(rule({ origins: ['*'], methods: ['PATCH'] })), undefined, 'InvalidRequest'],
      [config(rule({ origins: ['https://*.*.example.com'], methods: ['GET'] })), undefined, 'InvalidRequest'],
      [config(rule({ origins: ['*'], methods: ['GET'], headers: ['x-*-*'] })), undefined, 'InvalidRequest'],
      [config(...Array.from({ length: 101 }, () => rule({ origins: ['*'], methods: ['GET'] }))), undefined, 'MalformedXML'],
      [config(), undefined, 'MalformedXML'],
      ['<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>', undefined, 'MalformedXML'],
      [config(rule({ origins: ['*'], methods: ['GET'] })), {}, 'InvalidRequest'],
    ];
    for (const [body, headers, code] of cases) {
      const res = await putCors(b, body, headers);
      expect(res.status, `${code}: ${body.slice(0, 120)}`).toBe(400);
      expect(xmlValue(res.text(), 'Code'), body.slice(0, 120)).toBe(code);
    }
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}?cors`, keys: owner })).status).toBe(404);
    // Only the owner sets CORS.
    const body = config(rule({ origins: ['*'], methods: ['GET'] }));
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?cors`, keys: stack.users.alt.ec2!, body, headers: { 'content-md5': md5(body) } })).status).toBe(403);
  });

  it('works through boto3', async () => {
    const b = await newBucket('corsb3');
    const script = `
import boto3, json, os
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["E"], aws_access_key_id=os.environ["A"], aws_secret_access_key=os.environ["S"], region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
b = os.environ["B"]
s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "HEAD"], "AllowedHeaders": ["Authorization"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 30}]})
rules = s3.get_bucket_cors(Bucket=b)["CORSRules"]
s3.delete_bucket_cors(Bucket=b)
try:
    s3.get_bucket_cors(Bucket=b)
    after = "present"
except s3.exceptions.ClientError as e:
    after = e.response["Error"]["Code"]
print(json.dumps({"rules": rules, "after": after}))
`;
    const r = await run('python3', ['-c', script], { env: { E: gw.url, A: owner.access, S: owner.secret, B: b, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }, timeoutMs: 60_000 });
    expect(r.code, describeRun('boto3 cors', r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      rules: [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['Authorization'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 30 }],
      after: 'NoSuchCORSConfiguration',
    });
  }, 60_000);
});

describe('the aws CLI', () => {
  it('s3api put/get/delete-bucket-cors, then a preflight the rule answers', async () => {
    const b = await newBucket('corscli');
    const env = { AWS_ACCESS_KEY_ID: owner.access, AWS_SECRET_ACCESS_KEY: owner.secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const aws = async (...args: string[]) => run('aws', ['--endpoint-url', gw.url, '--output', 'json', 's3api', ...args], { env, timeoutMs: 60_000 });
    const config = { CORSRules: [{ ID: 'app', AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }] };
    const put = await aws('put-bucket-cors', '--bucket', b, '--cors-configuration', JSON.stringify(config));
    expect(put.code, describeRun('aws put-bucket-cors', put)).toBe(0);
    const got = await aws('get-bucket-cors', '--bucket', b);
    expect(got.code, describeRun('aws get-bucket-cors', got)).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual(config);
    const preflight = await rawS3(gw.url, { method: 'OPTIONS', path: `/${b}/upload.bin`, headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-max-age']).toBe('600');
    const deleted = await aws('delete-bucket-cors', '--bucket', b);
    expect(deleted.code, describeRun('aws delete-bucket-cors', deleted)).toBe(0);
    const gone = await aws('get-bucket-cors', '--bucket', b);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('NoSuchCORSConfiguration');
  }, 60_000);
});

describe('preflights and actual requests', () => {
  let b: string;
  beforeAll(async () => {
    b = await newBucket('corsweb', { 'x-amz-acl': 'public-read' });
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/page.html`, keys: owner, body: '<p>hi</p>' })).status).toBe(200);
    const body = config(
      rule({ origins: ['https://app.example.com'], methods: ['GET', 'PUT'], headers: ['content-type', 'x-amz-*'], expose: ['ETag'], maxAge: 300 }),
      rule({ origins: ['https://*.example.org'], methods: ['GET'] }),
      rule({ origins: ['*'], methods: ['HEAD'] }),
    );
    expect((await putCors(b, body)).status).toBe(200);
  });

  it('answers a matching preflight (curl, path and virtual-host style) with the first matching rule\'s headers', async () => {
    const pf = await curlPreflight(`${gw.url}/${b}/page.html`, 'https://app.example.com', 'PUT', 'Content-Type, X-Amz-Date');
    expect(pf.status).toBe(200);
    expect(pf.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(pf.headers['access-control-allow-methods']).toBe('GET, PUT');
    expect(pf.headers['access-control-allow-headers']).toBe('content-type, x-amz-date');
    expect(pf.headers['access-control-expose-headers']).toBe('ETag');
    expect(pf.headers['access-control-max-age']).toBe('300');
    expect(pf.headers['access-control-allow-credentials']).toBe('true');
    const wildcard = await curlPreflight(`${gw.url}/${b}`, 'https://eu.example.org', 'GET');
    expect(wildcard.status).toBe(200);
    expect(wildcard.headers['access-control-allow-origin']).toBe('https://eu.example.org');
    const any = await curlPreflight(`${gw.url}/${b}/page.html`, 'https://elsewhere.test', 'HEAD');
    expect(any.headers['access-control-allow-origin']).toBe('*');
    expect(any.headers['access-control-allow-credentials']).toBeUndefined();
    // Virtual-host style, as a page on that origin would send it.
    const vhost = await rawS3(gw.url, { method: 'OPTIONS', path: '/page.html', host: `${b}.s3.test`, headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
    expect(vhost.status).toBe(200);
    expect(vhost.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('refuses a preflight no rule allows (403 AccessForbidden "CORSResponse"), one that is not a preflight (400), and one of a bucket without CORS', async () => {
    const cases: [string | undefined, string | undefined, string | undefined, number, string][] = [
      ['https://evil.test', 'GET', undefined, 403, 'This CORS request is not allowed'],
      ['https://app.example.com', 'DELETE', undefined, 403, 'This CORS request is not allowed'],
      ['https://app.example.com', 'PUT', 'authorization', 403, 'This CORS request is not allowed'],
      [undefined, 'GET', undefined, 400, 'Origin request header needed'],
      ['https://app.example.com', undefined, undefined, 400, 'Access-Control-Request-Method'],
    ];
    for (const [origin, method, headers, status, message] of cases) {
      const pf = await curlPreflight(`${gw.url}/${b}/page.html`, origin, method, headers);
      expect(pf.status, `${origin} ${method} ${headers}`).toBe(status);
      expect(xmlValue(pf.body, 'Message')).toContain(message);
      if (status === 403) expect(xmlValue(pf.body, 'Code')).toBe('AccessForbidden');
      expect(pf.headers['access-control-allow-origin']).toBeUndefined();
    }
    const plain = await newBucket('corsnone');
    const none = await curlPreflight(`${gw.url}/${plain}/x`, 'https://app.example.com', 'GET');
    expect(none.status).toBe(403);
    expect(xmlValue(none.body, 'Message')).toBe('CORSResponse: CORS is not enabled for this bucket.');
  });

  it('adds the Access-Control-* headers to actual requests a rule allows: signed, presigned, anonymous, and error answers', async () => {
    const url = await presignV4(gw.url, owner, 'GET', `/${b}/page.html`, 300);
    const presigned = await fetch(`${gw.url}${url}`, { headers: { origin: 'https://app.example.com' } });
    expect(presigned.status).toBe(200);
    expect(presigned.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const signed = await rawS3(gw.url, { method: 'GET', path: `/${b}/page.html`, keys: owner, headers: { origin: 'https://app.example.com' } });
    expect(signed.status).toBe(200);
    expect(signed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(signed.headers['access-control-expose-headers']).toBe('ETag');
    const anonymous = await rawS3(gw.url, { method: 'GET', path: `/${b}/page.html`, headers: { origin: 'https://www.example.org' } });
    expect(anonymous.text()).toBe('<p>hi</p>');
    expect(anonymous.headers['access-control-allow-origin']).toBe('https://www.example.org');
    const missing = await rawS3(gw.url, { method: 'GET', path: `/${b}/nope`, headers: { origin: 'https://app.example.com' } });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await rawS3(gw.url, { method: 'GET', path: `/${b}/page.html`, headers: { origin: 'https://evil.test' } });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
