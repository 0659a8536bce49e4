// What storage classes cost requests that do not use them: Swift calls of
// STANDARD PutObject, GetObject, HeadObject, DeleteObject and a listing, with
// s3.storageClasses set (classes on another policy) and without it. With it,
// a bucket's policy and the absence of companion containers are read once and
// cached (a container's policy never changes; a missing companion is looked
// for again after 2 s), so a burst of requests costs what it did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let plain: TestGateway;
let tiered: TestGateway;
let keys: Keys;
const buckets: string[] = [];

beforeAll(async () => {
  plain = await startGateway();
  tiered = await startGateway({ storageClasses: { STANDARD_IA: 'ec21', GLACIER_IR: 'ec21' } });
  keys = plain.stack.users.demo.ec2;
});

afterAll(async () => {
  for (const b of buckets) await purgeContainer(plain.stack, 'demo', b);
  await plain.stop();
  await tiered.stop();
});

const calls = async (gw: TestGateway): Promise<number> => (await gw.metrics.swiftRequests.get()).values.reduce((n, v) => n + v.value, 0);

/** Swift calls of N rounds of PUT, HEAD, GET, a listing and DELETE of STANDARD objects, after one warm-up round. */
async function burst(gw: TestGateway, rounds: number): Promise<number> {
  const bucket = uniqueBucket('sc-cost');
  buckets.push(bucket);
  await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys });
  const round = async (i: number) => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/k${i}`, keys, body: 'standard bytes' })).status).toBeLessThan(300);
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/k${i}`, keys })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${bucket}/k${i}`, keys })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${bucket}?list-type=2`, keys })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${bucket}/k${i}`, keys })).status).toBeLessThan(300);
  };
  await round(0);
  const before = await calls(gw);
  for (let i = 1; i <= rounds; i++) await round(i);
  return (await calls(gw)) - before;
}

describe('the cost of storage classes for STANDARD requests', () => {
  it('a burst of PUT, HEAD, GET, ListObjectsV2 and DELETE makes the same Swift calls with classes configured as without (but for the 2-second refreshes of cached absences)', async () => {
    const rounds = 10;
    const without = await burst(plain, rounds);
    const started = Date.now();
    const withClasses = await burst(tiered, rounds);
    // Each round is 5 requests; the only extra calls allowed are the re-checks of the bucket's two
    // missing companions (+ec21, +Policy-0) once every 2 s, and one bucket-policy HEAD a minute.
    const refreshes = Math.ceil((Date.now() - started) / 2000) + 1;
    expect(without).toBeGreaterThanOrEqual(rounds * 5);
    expect(withClasses - without).toBeLessThanOrEqual(2 * refreshes + 1);
  });
});
