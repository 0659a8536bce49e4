// Regression tests for what the request fuzzer (test/fuzz/) found, each the
// smallest request that showed it, against the gateway in front of the real stack.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV4 } from '../fuzz/sign.js';
import { send } from '../fuzz/wire.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { openSocket } from '../helpers/raw-socket.js';

let gw: TestGateway;
const bucket = uniqueBucket('fuzz-found');

beforeAll(async () => {
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys: gw.stack.users.demo.ec2 })).status).toBe(200);
});

afterAll(async () => {
  const keys = gw.stack.users.demo.ec2;
  await rawS3(gw.url, { method: 'DELETE', path: `/${bucket}/obj`, keys });
  await rawS3(gw.url, { method: 'DELETE', path: `/${bucket}`, keys });
  await gw.stop();
});

describe('what the fuzzer found', () => {
  it('answers a chunked PUT whose x-amz-content-sha256 is wrong with XAmzContentSHA256Mismatch at once (it used to get no answer)', async () => {
    for (let i = 0; i < 3; i++) {
      const req = { method: 'PUT', path: `/${bucket}/obj`, query: '', headers: { host: new URL(gw.url).host, 'x-amz-content-sha256': '0'.repeat(64) } as Record<string, string>, body: Buffer.from('1234567') };
      signV4(req, gw.stack.users.demo.ec2, { date: new Date(), region: 'us-east-1' });
      const answer = await send(gw.url, req, true, 10_000);
      expect(typeof answer === 'string' ? answer : answer.status).toBe(400);
      if (typeof answer !== 'string') expect(answer.body.toString()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    }
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/obj`, keys: gw.stack.users.demo.ec2 });
    expect(head.status, 'nothing was stored').toBe(404);
  });

  it('answers an SSE-C PUT whose x-amz-content-sha256 is wrong with XAmzContentSHA256Mismatch, chunked or not (the same stall in the encrypting write)', async () => {
    const key = randomBytes(32);
    const sse = {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key.toString('base64'),
      'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64'),
    };
    for (const chunked of [false, true, false, true]) {
      const req = { method: 'PUT', path: `/${bucket}/sse`, query: '', headers: { host: new URL(gw.url).host, 'x-amz-content-sha256': '0'.repeat(64), ...sse } as Record<string, string>, body: Buffer.from('1234567') };
      signV4(req, gw.stack.users.demo.ec2, { date: new Date(), region: 'us-east-1' });
      const answer = await send(gw.url, req, chunked, 10_000);
      expect(typeof answer === 'string' ? answer : answer.status, `chunked: ${chunked}`).toBeGreaterThanOrEqual(400);
      if (typeof answer !== 'string') expect(answer.status).toBeLessThan(500);
    }
  });

  it('answers listing parameters too long for Swift\'s request line with 400 InvalidArgument, and a token it never issued as S3 does (both were 500)', async () => {
    const keys = gw.stack.users.demo.ec2;
    const euros = '%E2%82%AC'.repeat(1000);
    for (const query of [`marker=${euros}`, `prefix=${euros}`, `delimiter=${euros}`, `list-type=2&start-after=${euros}`, `versions&key-marker=${euros}`, `uploads&prefix=${euros}`]) {
      const res = await rawS3(gw.url, { method: 'GET', path: `/${bucket}?${query}`, keys });
      expect(res.status, query.slice(0, 30)).toBe(400);
      expect(res.text()).toContain('<Code>InvalidArgument</Code>');
    }
    const token = await rawS3(gw.url, { method: 'GET', path: `/${bucket}?list-type=2&continuation-token=${'x'.repeat(5000)}`, keys });
    expect(token.status).toBe(400);
    expect(token.text()).toContain('<ArgumentName>continuation-token</ArgumentName>');
    expect(gw.logs.filter((l) => l['level'] === 'error')).toEqual([]);
  });

  it('answers an HTTP method node cannot parse with an S3 405 MethodNotAllowed document, not a bare 400', async () => {
    const s = await openSocket(gw.port);
    s.write(`FOO /${bucket}/obj HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const text = await s.waitFor(/<\/Error>/);
    expect(text).toMatch(/^HTTP\/1\.1 405 /);
    expect(text).toMatch(/x-amz-request-id: tx/);
    expect(text).toMatch(/<Error><Code>MethodNotAllowed<\/Code><Message>[^<]+<\/Message>.*<RequestId>tx[^<]+<\/RequestId><\/Error>/);
    await s.closed;
  });

  it('answers a Host header that is no host name with an S3 400 InvalidArgument document, not an empty 400', async () => {
    const s = await openSocket(gw.port);
    s.write(`GET /obj HTTP/1.1\r\nHost: ${bucket}%2Bsegments.localhost:${gw.port}\r\n\r\n`);
    const text = await s.waitFor(/<\/Error>/);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/<Code>InvalidArgument<\/Code>/);
    expect(text).toMatch(/<RequestId>tx[^<]+<\/RequestId>/);
    s.socket.destroy();
  });
});
