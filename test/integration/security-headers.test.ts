// Security finding F3: a response header node cannot send (a response-*
// override with CR, LF, NUL or DEL; metadata whose name decodes to `a=b`) used
// to answer 500 and leave the Swift response unread, pinning one of the shared
// Swift connections until swift.bodyTimeoutMs. With ONE Swift connection and a
// long body timeout, a pinned connection would stall every later request; each
// test ends with requests that must go through at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const bucket = uniqueBucket('headers');

/** A few plain reads: they need the one Swift connection to be free. */
async function stillServing(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/plain`, keys });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('plain');
  }
}

beforeAll(async () => {
  gw = await startGateway({ env: { S3GW_SWIFT_CONNECTIONS: '1', S3GW_SWIFT_BODY_TIMEOUT_MS: '120000' } });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(201);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/plain`, keys, body: 'plain' })).status).toBe(201);
  // Metadata written natively (or by s3api for x-amz-meta-a=b) whose name decodes to `a=b`.
  const odd = await swiftDirect(stack, 'demo', 'PUT', bucket, 'odd-meta', { body: 'odd', headers: { 'x-object-meta-a%3Db': 'v', 'x-object-meta-fine': 'ok' } });
  expect(odd.status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(stack, 'demo', bucket);
  await gw?.stop();
});

describe('F3: headers that cannot be sent', () => {
  it('answers InvalidArgument for response-* overrides with CR, LF, NUL or DEL, and keeps serving', { timeout: 15_000 }, async () => {
    for (const [param, bad] of [['response-expires', '%0A'], ['response-content-type', 'a%0Db'], ['response-cache-control', '%00'], ['response-content-disposition', 'x%7F']]) {
      const res = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/plain?${param}=${bad}`, keys });
      expect(res.status, param).toBe(400);
      expect(xmlValue(res.text(), 'Code'), param).toBe('InvalidArgument');
      expect(xmlValue(res.text(), 'ArgumentName'), param).toBe(param);
    }
    await stillServing();
  });

  it('sends a UTF-8 override as its UTF-8 bytes', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/plain?response-content-disposition=${encodeURIComponent('attachment; filename="ü.txt"')}`, keys });
    expect(res.status).toBe(200);
    // node's client reads header bytes as UTF-8.
    expect(res.headers['content-disposition']).toBe('attachment; filename="ü.txt"');
  });

  it('leaves out metadata that cannot be a header, so the object stays readable by GET and HEAD', { timeout: 15_000 }, async () => {
    const get = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/odd-meta`, keys });
    expect(get.status).toBe(200);
    expect(get.text()).toBe('odd');
    expect(get.headers['x-amz-meta-fine']).toBe('ok');
    expect(Object.keys(get.headers).some((h) => h.includes('='))).toBe(false);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/odd-meta`, keys });
    expect(head.status).toBe(200);
    expect(head.headers['x-amz-meta-fine']).toBe('ok');
    await stillServing();
  });
});
