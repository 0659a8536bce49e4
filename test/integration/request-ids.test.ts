// X-Trans-Id: every response carries Swift's transaction id, the error body's
// RequestId is the same, and a client's X-Trans-Id-Extra reaches Swift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;
const SWIFT_TX = /^tx[0-9a-f]{21}-[0-9a-f]{10}/;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('txid');
  await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

describe('X-Trans-Id', () => {
  it('answers with the Swift transaction id in X-Trans-Id and x-amz-request-id', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/k`, keys, body: 'x' });
    expect(res.headers['x-trans-id']).toMatch(SWIFT_TX);
    expect(res.headers['x-amz-request-id']).toBe(res.headers['x-trans-id']);
  });

  it('puts the same id in the error body\'s RequestId', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/missing`, keys });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'RequestId')).toBe(res.headers['x-trans-id']);
  });

  it('gives errors raised before any Swift call an id in Swift\'s format', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/k`, keys: { access: 'nobody', secret: 'x' } });
    expect(res.headers['x-trans-id']).toMatch(new RegExp(SWIFT_TX.source + '$'));
    expect(xmlValue(res.text(), 'RequestId')).toBe(res.headers['x-trans-id']);
  });

  it('passes the client\'s X-Trans-Id-Extra to Swift, which appends it to the transaction id', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${b}/k`, keys, headers: { 'x-trans-id-extra': 'my-job-42' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-trans-id']).toMatch(/-my-job-42$/);
  });
});
