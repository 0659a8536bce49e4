// Before a signature is checked, a request gets nothing: no 100 Continue, no
// second reading of a doubly-signed request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { openSocket, signedHead } from '../helpers/raw-socket.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
const b = uniqueBucket('hard-auth');

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/present`, keys, body: 'here' })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

describe('more than one signature in a request', () => {
  it('refuses two Authorization headers with 400 InvalidArgument, even when both are valid', async () => {
    const head = signedHead('GET', `/${b}/present`, keys);
    const auth = head.split('\r\n').find((l) => l.startsWith('Authorization:'))!;
    const conn = await openSocket(gw.port);
    conn.write(head.replace(`${auth}\r\n`, `${auth}\r\n${auth.replace('Authorization', 'authorization')}\r\n`));
    const answer = await conn.waitFor(/<\/Error>/);
    conn.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(xmlValue(answer, 'Code')).toBe('InvalidArgument');
    expect(xmlValue(answer, 'ArgumentName')).toBe('Authorization');
    expect(xmlValue(answer, 'Message')).toMatch(/^Only one auth mechanism allowed/);
  });

  it('refuses an Authorization header beside a query signature with S3\'s "Only one auth mechanism allowed"', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/present?X-Amz-Signature=0000`, keys });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
    expect(xmlValue(res.text(), 'Message')).toBe(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
    const v2 = await rawS3(gw.url, { method: 'GET', path: `/${b}/present?Signature=0000&AWSAccessKeyId=${keys.access}&Expires=9999999999`, keys });
    expect(v2.status).toBe(400);
    expect(xmlValue(v2.text(), 'Code')).toBe('InvalidArgument');
  });

  it('still serves the same request signed once', async () => {
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/present`, keys })).text()).toBe('here');
  });
});

describe('Expect: 100-continue', () => {
  it('is not answered 100 Continue for a bad signature: the error comes at once, with Connection: close, and the body is never read', async () => {
    const key = 'expect-bad';
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}`, keys, ['Expect: 100-continue', 'Content-Length: 5'], 'wrong-secret'));
    const answer = await conn.waitFor(/<\/Error>/);
    await conn.closed;
    expect(answer).not.toContain('100 Continue');
    expect(answer).toMatch(/^HTTP\/1\.1 401/); // the ucloud dialect's status for AWS's 403
    expect(xmlValue(answer, 'Code')).toBe('SignatureDoesNotMatch');
    expect(answer.toLowerCase()).toContain('connection: close');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).status).toBe(404);
  });

  it('is not answered 100 Continue for a target the gateway refuses (an invalid bucket name) either', async () => {
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', '/bad!bucket/key', keys, ['Expect: 100-continue', 'Content-Length: 5']));
    const answer = await conn.waitFor(/<\/Error>/);
    await conn.closed;
    expect(answer).not.toContain('100 Continue');
    expect(xmlValue(answer, 'Code')).toBe('InvalidBucketName');
  });

  it('is answered 100 Continue once the signature is verified, then the upload is stored', async () => {
    const key = 'expect-good';
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/${key}`, keys, ['Expect: 100-continue', 'Content-Length: 5']));
    const interim = await conn.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    expect(interim).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    conn.write('hello');
    const answer = await conn.waitFor(/HTTP\/1\.1 201[\s\S]*\r\n\r\n/);
    conn.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201/);
    expect((await swiftDirect(gw.stack, 'demo', 'GET', b, key)).body.toString()).toBe('hello');
  });
});
