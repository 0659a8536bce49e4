// Security findings F2 and F12: what a holder of a presigned SigV4 URL can
// change. F2: headers the signer never signed (x-amz-copy-source turns a
// presigned PUT into a copy of anything the signer can read; metadata,
// directives) are refused with S3's AccessDenied "There were headers present in
// the request which were not signed", as S3 and Swift's s3api answer; only the
// payload hash may go unsigned. F12: `%2B` changed to `+` in the query must not
// change what the gateway reads while the signature still holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { presignV4, send } from '../helpers/sigv4-client.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const bucket = uniqueBucket('presign');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(200);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/private`, keys, body: 'private bytes' })).status).toBe(200);
});

afterAll(async () => {
  await purgeContainer(stack, 'demo', bucket);
  await gw?.stop();
});

describe('F2: presigned SigV4 URLs take no unsigned x-amz-* header', () => {
  it('refuses a presigned PUT turned into CopyObject by an unsigned x-amz-copy-source, and copies nothing', async () => {
    const url = await presignV4(gw.url, keys, 'PUT', `/${bucket}/upload`, 300);
    const res = await send(gw.url, 'PUT', url, { 'x-amz-copy-source': `/${bucket}/private`, 'content-length': '0' });
    expect(res.status).toBe(403);
    expect(xmlValue(res.text(), 'Code')).toBe('AccessDenied');
    expect(xmlValue(res.text(), 'Message')).toBe('There were headers present in the request which were not signed');
    expect(xmlValue(res.text(), 'HeadersNotSigned')).toBe('x-amz-copy-source');
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'upload')).status).toBe(404);
  });

  it('refuses unsigned metadata, directives and ranges on presigned requests', async () => {
    const put = await presignV4(gw.url, keys, 'PUT', `/${bucket}/meta`, 300);
    const meta = await send(gw.url, 'PUT', put, { 'x-amz-meta-owner': 'mallory', 'content-length': '1' }, 'x');
    expect(xmlValue(meta.text(), 'HeadersNotSigned')).toBe('x-amz-meta-owner');
    const directive = await send(gw.url, 'PUT', put, { 'x-amz-metadata-directive': 'REPLACE', 'content-length': '1' }, 'x');
    expect(xmlValue(directive.text(), 'HeadersNotSigned')).toBe('x-amz-metadata-directive');
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'meta')).status).toBe(404);
  });

  it('still takes an unsigned x-amz-content-sha256, and presigned GET and PUT without extra headers', async () => {
    const put = await presignV4(gw.url, keys, 'PUT', `/${bucket}/ok`, 300);
    const stored = await send(gw.url, 'PUT', put, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '5' }, 'hello');
    expect(stored.status).toBe(200);
    const get = await presignV4(gw.url, keys, 'GET', `/${bucket}/ok`, 300);
    expect((await send(gw.url, 'GET', get, {})).text()).toBe('hello');
  });

  it('answers as Swift\'s s3api does for the same attack (the reference)', async () => {
    const url = await presignV4(stack.s3api.url, keys, 'PUT', `/${bucket}/upload`, 300, undefined, undefined, stack.s3api.region);
    const res = await send(stack.s3api.url, 'PUT', url, { 'x-amz-copy-source': `/${bucket}/private`, 'content-length': '0' });
    expect(res.status).toBe(403);
    expect(xmlValue(res.text(), 'Code')).toBe('AccessDenied');
  });
});

describe('F12: the query is read as it was signed', () => {
  it('a presigned response-content-type=a%2Bb reads a+b, also when the attacker sends a+b raw', async () => {
    const url = await presignV4(gw.url, keys, 'GET', `/${bucket}/private?response-content-type=text%2Fa%2Bb`, 300);
    expect(url).toContain('text%2Fa%2Bb');
    const signed = await send(gw.url, 'GET', url, {});
    expect(signed.status).toBe(200);
    expect(signed.headers['content-type']).toBe('text/a+b');
    const tampered = await send(gw.url, 'GET', url.replace('text%2Fa%2Bb', 'text%2Fa+b'), {});
    // Either refused, or read exactly as signed: never "text/a b".
    if (tampered.status === 200) expect(tampered.headers['content-type']).toBe('text/a+b');
    else expect(xmlValue(tampered.text(), 'Code')).toBe('SignatureDoesNotMatch');
  });
});
