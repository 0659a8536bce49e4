// Signature Version 4 through the gateway against the real Swift: header auth
// with each payload mode, aws-chunked uploads, presigned URLs, and uploads that
// fail verification leaving nothing in Swift.
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPath, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { presignV4, rawS3v4, send, signedChunkedUpload, signV4Headers } from '../helpers/sigv4-client.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('v4');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const swiftHead = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).status;

describe('SigV4 header authentication', () => {
  it('PUT and GET with a SHA-256 payload, keys with odd characters', async () => {
    for (const key of ['plain.txt', 'a b+c/ü/(1)!*', 'dots/../x//y', "it's~tilde"]) {
      const path = `/${b}/${keyPath(key)}`;
      const put = await rawS3v4(gw.url, keys, { method: 'PUT', path, body: `body of ${key}`, headers: { 'x-amz-meta-color': 'blue' } });
      expect(put.status, put.text()).toBe(201);
      const get = await rawS3v4(gw.url, keys, { method: 'GET', path });
      expect(get.status, get.text()).toBe(200);
      expect(get.text()).toBe(`body of ${key}`);
      expect(get.headers['x-amz-meta-color']).toBe('blue');
    }
  });

  it('PUT with UNSIGNED-PAYLOAD', async () => {
    const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/unsigned`, body: 'not hashed', payload: 'UNSIGNED-PAYLOAD' });
    expect(put.status).toBe(201);
    expect((await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/unsigned` })).text()).toBe('not hashed');
  });

  it('lists with a signed query (list-type=2, prefix with a space)', async () => {
    const res = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?list-type=2&prefix=a%20b` });
    expect(res.status, res.text()).toBe(200);
    expect(xmlValue(res.text(), 'Key')).toBe('a b+c/ü/(1)!*');
  });

  it('refuses a body that does not match x-amz-content-sha256 with XAmzContentSHA256Mismatch, storing nothing', async () => {
    const key = 'sha-mismatch';
    const big = Buffer.alloc(3 * 1024 * 1024, 'z');
    const headers = await signV4Headers(gw.url, keys, { method: 'PUT', path: `/${b}/${key}`, body: big });
    const tampered = Buffer.from(big);
    tampered[tampered.length - 1] = 'y'.charCodeAt(0);
    const res = await send(gw.url, 'PUT', `/${b}/${key}`, headers, tampered);
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('XAmzContentSHA256Mismatch');
    expect(xmlValue(res.text(), 'S3ComputedContentSHA256')).toBe(createHash('sha256').update(tampered).digest('hex'));
    expect(await swiftHead(key)).toBe(404);
  });

  it('refuses an empty body whose declared hash is not the empty hash', async () => {
    const headers = await signV4Headers(gw.url, keys, { method: 'PUT', path: `/${b}/empty-bad`, body: '', payload: 'a'.repeat(64) });
    const res = await send(gw.url, 'PUT', `/${b}/empty-bad`, headers, '');
    expect(xmlValue(res.text(), 'Code')).toBe('XAmzContentSHA256Mismatch');
    expect(await swiftHead('empty-bad')).toBe(404);
  });

  it('answers a wrong region with AuthorizationHeaderMalformed naming ours', async () => {
    const res = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/plain.txt`, region: 'eu-west-3' });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('AuthorizationHeaderMalformed');
    expect(xmlValue(res.text(), 'Region')).toBe('us-east-1');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch, showing the canonical request and never the secret', async () => {
    const res = await rawS3v4(gw.url, { access: keys.access, secret: 'wrong' }, { method: 'GET', path: `/${b}/plain.txt` });
    expect(res.status).toBe(401);
    expect(xmlValue(res.text(), 'Code')).toBe('SignatureDoesNotMatch');
    expect(xmlValue(res.text(), 'CanonicalRequest')).toContain(`/${b}/plain.txt`);
    expect(res.text()).not.toContain(keys.secret);
  });
});

describe('aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));

  it('stores the decoded body, with its decoded length and without Content-Encoding: aws-chunked', async () => {
    const { headers, body } = await signedChunkedUpload(gw.url, keys, `/${b}/chunked`, data, 64 * 1024, { headers: { 'content-type': 'application/x-test' } });
    const res = await send(gw.url, 'PUT', `/${b}/chunked`, headers, body);
    expect(res.status, res.text()).toBe(201);
    const direct = await swiftDirect(gw.stack, 'demo', 'GET', b, 'chunked');
    expect(direct.body.equals(data)).toBe(true);
    expect(direct.headers['content-encoding']).toBeUndefined();
    expect(direct.headers['content-type']).toBe('application/x-test');
  });

  it('keeps a real Content-Encoding beside aws-chunked', async () => {
    const { headers, body } = await signedChunkedUpload(gw.url, keys, `/${b}/chunked-gz`, data.subarray(0, 1000), 512, { headers: { 'content-encoding': 'aws-chunked,gzip' } });
    expect((await send(gw.url, 'PUT', `/${b}/chunked-gz`, headers, body)).status).toBe(201);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'chunked-gz')).headers['content-encoding']).toBe('gzip');
  });

  it('refuses a body with one changed byte with SignatureDoesNotMatch, storing nothing', async () => {
    const { headers, body } = await signedChunkedUpload(gw.url, keys, `/${b}/chunked-bad`, data, 64 * 1024);
    const at = body.indexOf('\r\n') + 2 + 70_000; // inside the second chunk's data
    body[at] = body[at]! ^ 0xff;
    const res = await send(gw.url, 'PUT', `/${b}/chunked-bad`, headers, body);
    expect(xmlValue(res.text(), 'Code')).toBe('SignatureDoesNotMatch');
    expect(await swiftHead('chunked-bad')).toBe(404);
  });

  it('verifies a signed trailer checksum and keeps it with the object', async () => {
    const crc = checksum(data);
    const { headers, body } = await signedChunkedUpload(gw.url, keys, `/${b}/chunked-trailer`, data, 64 * 1024, { trailer: { 'x-amz-checksum-crc32': crc } });
    const res = await send(gw.url, 'PUT', `/${b}/chunked-trailer`, headers, body);
    expect(res.status, res.text()).toBe(201);
    expect(res.headers['x-amz-checksum-crc32']).toBe(crc);
    const head = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${b}/chunked-trailer`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).toBe(crc);
    // The POST that adds a trailer checksum keeps what the PUT stored.
    expect(head.headers['content-type']).toBe('application/octet-stream');
    expect(head.headers['content-length']).toBe(String(data.length));
  });

  it('refuses a signed trailer whose checksum does not match the data with BadDigest, storing nothing', async () => {
    const { headers, body } = await signedChunkedUpload(gw.url, keys, `/${b}/chunked-trailer-bad`, data, 64 * 1024, { trailer: { 'x-amz-checksum-crc32': 'AAAAAA==' } });
    const res = await send(gw.url, 'PUT', `/${b}/chunked-trailer-bad`, headers, body);
    expect(xmlValue(res.text(), 'Code')).toBe('BadDigest');
    expect(await swiftHead('chunked-trailer-bad')).toBe(404);
  });
});

function checksum(data: Buffer): string {
  // An independent CRC32 (node:zlib), so the test does not lean on src/s3/crc.ts.
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlibCrc32(data) >>> 0);
  return out.toString('base64');
}
describe('presigned URLs (SigV4 query authentication)', () => {
  it('GET, HEAD, PUT and DELETE work within their validity', async () => {
    const put = await presignV4(gw.url, keys, 'PUT', `/${b}/presigned`, 300);
    expect((await send(gw.url, 'PUT', put, { 'content-length': '5' }, 'hello')).status).toBe(201);
    const get = await presignV4(gw.url, keys, 'GET', `/${b}/presigned`, 300);
    const got = await send(gw.url, 'GET', get, {});
    expect(got.status).toBe(200);
    expect(got.text()).toBe('hello');
    const head = await presignV4(gw.url, keys, 'HEAD', `/${b}/presigned`, 300);
    expect((await send(gw.url, 'HEAD', head, {})).headers['content-length']).toBe('5');
    const del = await presignV4(gw.url, keys, 'DELETE', `/${b}/presigned`, 300);
    expect((await send(gw.url, 'DELETE', del, {})).status).toBe(204);
    expect(await swiftHead('presigned')).toBe(404);
  });

  it('refuses an expired URL with AccessDenied "Request has expired"', async () => {
    const url = await presignV4(gw.url, keys, 'GET', `/${b}/plain.txt`, 60, new Date(Date.now() - 120_000));
    const res = await send(gw.url, 'GET', url, {});
    expect(res.status).toBe(401);
    expect(xmlValue(res.text(), 'Code')).toBe('AccessDenied');
    expect(xmlValue(res.text(), 'Message')).toBe('Request has expired');
  });

  it('refuses a URL valid for more than seven days with AuthorizationQueryParametersError', async () => {
    const url = (await presignV4(gw.url, keys, 'GET', `/${b}/plain.txt`, 300)).replace('X-Amz-Expires=300', 'X-Amz-Expires=604801');
    const res = await send(gw.url, 'GET', url, {});
    expect(xmlValue(res.text(), 'Code')).toBe('AuthorizationQueryParametersError');
  });

  it('refuses a URL whose path was changed', async () => {
    const url = (await presignV4(gw.url, keys, 'GET', `/${b}/plain.txt`, 300)).replace('plain.txt', 'unsigned');
    expect(xmlValue((await send(gw.url, 'GET', url, {})).text(), 'Code')).toBe('SignatureDoesNotMatch');
  });
});
