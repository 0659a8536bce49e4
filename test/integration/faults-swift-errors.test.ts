// Issue 19, faults: Swift answering 507 (a full disk) or 503 (an overloaded
// proxy) to one request of an operation. The client gets S3's retryable
// 503 ServiceUnavailable (common/swift-errors.ts: S3 has no "disk full"
// error, and SDKs retry a 503 with backoff, where InternalError would blame
// the gateway: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorBestPractices.html),
// nothing partial is visible, nothing is left in `<bucket>+segments`, and the
// client's retry succeeds (an AWS SDK with its default retries never notices).
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { swiftCall } from '../helpers/kill-harness.js';
import { rawS3, xmlValue, xmlValues, type RawRequest } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, segmentNames } from '../helpers/swift-direct.js';
import { swiftTap, type SwiftTap } from '../helpers/swift-tap.js';

const STAGED_FROM = 256 * 1024;
const stack = loadStack();
const keys = stack.users.demo.ec2;
const b = uniqueBucket('faults-5xx');
const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
let tap: SwiftTap;
let gw: TestGateway;
const s3 = (req: RawRequest) => rawS3(gw.url, { keys, ...req });

beforeAll(async () => {
  const swift = new URL(stack.swift.url);
  tap = await swiftTap(swift.hostname, Number(swift.port));
  gw = await startGateway({
    dialect: 'aws',
    storageUrl: `http://127.0.0.1:${tap.port}/v1/AUTH_{project_id}`,
    env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(STAGED_FROM) },
  });
  expect((await s3({ method: 'PUT', path: `/${b}` })).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await purgeBucket(stack, 'demo', b).catch(() => undefined);
  await gw.stop();
  await tap.close();
});

/** Sends req while the tap answers the Swift call matching `match` with `status`; expects S3's 503. */
async function failedOnce(req: RawRequest, match: RegExp, status: number, reason: string) {
  const answered = tap.fail(match, status, reason);
  const res = await s3(req);
  await answered;
  expect(res.status, res.text()).toBe(503);
  expect(xmlValue(res.text(), 'Code')).toBe('ServiceUnavailable');
  expect(xmlValue(res.text(), 'RequestId')).toBe(res.headers['x-trans-id']);
  return res;
}

const segmentsOf = async (key: string) => (await segmentNames(stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`));

describe.each([[507, 'Insufficient Storage'], [503, 'Service Unavailable']] as const)('Swift answering %i', (status, reason) => {
  it('to a PutObject: 503 ServiceUnavailable, the old object still there; the retry stores the new one', async () => {
    const key = `put-${status}`;
    const old = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body: old })).status).toBe(200);
    const body = randomBytes(5000);
    await failedOnce({ method: 'PUT', path: `/${b}/${key}`, body }, swiftCall('PUT', b, key), status, reason);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(old)).toBe(true);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body })).headers['etag']).toBe(`"${md5(body)}"`);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(body)).toBe(true);
  });

  it('to a staged PUT\'s segment, then to its manifest: 503 each time, no segment left; the retry stores it whole', async () => {
    const key = `staged-${status}`;
    const body = randomBytes(STAGED_FROM + 10);
    await failedOnce({ method: 'PUT', path: `/${b}/${key}`, body }, swiftCall('PUT', `${b}+segments`, `${key}/`), status, reason);
    expect(await segmentsOf(key)).toEqual([]);
    await failedOnce({ method: 'PUT', path: `/${b}/${key}`, body }, swiftCall('PUT', b, `${key}?multipart-manifest=put`), status, reason);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).status).toBe(404);
    expect(await segmentsOf(key)).toEqual([]);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body })).status).toBe(200);
    const got = await s3({ method: 'GET', path: `/${b}/${key}` });
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers['etag']).toBe(`"${md5(body)}"`);
    expect(await segmentsOf(key)).toHaveLength(1);
  });

  it('to a GetObject: 503 ServiceUnavailable, and the retry reads it', async () => {
    const key = `get-${status}`;
    const body = randomBytes(3000);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body })).status).toBe(200);
    await failedOnce({ method: 'GET', path: `/${b}/${key}` }, swiftCall('GET', b, key), status, reason);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(body)).toBe(true);
  });

  it('to CompleteMultipartUpload\'s manifest PUT: 503, the upload still open; the retry completes it', async () => {
    const key = `mpu-${status}`;
    const id = xmlValue((await s3({ method: 'POST', path: `/${b}/${key}?uploads` })).text(), 'UploadId')!;
    const part = randomBytes(2000);
    const etag = (await s3({ method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, body: part })).headers['etag']!;
    const complete = { method: 'POST', path: `/${b}/${key}?uploadId=${id}`, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` };
    await failedOnce(complete, swiftCall('PUT', b, `${key}?multipart-manifest=put`), status, reason);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).status).toBe(404);
    expect(xmlValues((await s3({ method: 'GET', path: `/${b}?uploads&prefix=${key}` })).text(), 'UploadId')).toEqual([id]);
    expect((await s3(complete)).status).toBe(200);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(part)).toBe(true);
    expect(await segmentsOf(key)).toEqual([`${key}/${id}/1`]);
  });
});

describe('an AWS SDK with its default retries', () => {
  it('never sees one 507 on PutObject or one 503 on GetObject', async () => {
    const client = new S3Client({ endpoint: gw.url, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: keys.access, secretAccessKey: keys.secret } });
    const body = randomBytes(4000);
    const full = tap.fail(swiftCall('PUT', b, 'sdk'), 507, 'Insufficient Storage');
    const put = await client.send(new PutObjectCommand({ Bucket: b, Key: 'sdk', Body: body }));
    await full;
    expect(put.ETag).toBe(`"${md5(body)}"`);
    expect(put.$metadata.attempts).toBe(2);
    const busy = tap.fail(swiftCall('GET', b, 'sdk'), 503, 'Service Unavailable');
    const got = await client.send(new GetObjectCommand({ Bucket: b, Key: 'sdk' }));
    await busy;
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.$metadata.attempts).toBe(2);
    client.destroy();
  }, 30_000);
});
