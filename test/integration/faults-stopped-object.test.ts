// Issue 19, faults: the Swift object server SIGKILLed mid-PUT (plain, staged,
// UploadPart) and mid-GET (plain, SLO, SSE-C).
// A private object server and proxy (test/helpers/private-swift.ts: real
// processes on the shared stack's disks, placement and account/container
// servers) sit under the gateway; the test kills the object server at the
// moment it has the request, never after a sleep:
// - mid-PUT: the client gets a retryable 503 ServiceUnavailable, the old
//   object is still whole, nothing partial, no segment left; once the object
//   server is back, the client's retry stores the new bytes;
// - mid-GET: the response ENDS SHORT — fewer bytes than its Content-Length and
//   an error in the client — never a complete-looking body; the bytes that
//   came are the object's own. S3 clients detect a short body by its
//   Content-Length and retry the GET (e.g. botocore's IncompleteReadError).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { privateSwift, type PrivateSwift } from '../helpers/private-swift.js';
import { rawS3, signV2, stringToSignV2, xmlValue, xmlValues, type RawRequest } from '../helpers/raw-s3.js';
import { customerKey } from '../helpers/sse-c.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, segmentNames } from '../helpers/swift-direct.js';

const STAGED_FROM = 1024 * 1024;
const stack = loadStack();
const keys = stack.users.demo.ec2;
const b = uniqueBucket('faults-obj');
const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
let ps: PrivateSwift;
let gw: TestGateway;
const s3 = (req: RawRequest) => rawS3(gw.url, { keys, ...req });
const segmentsOf = async (key: string) => (await segmentNames(stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`));

beforeAll(async () => {
  ps = await privateSwift();
  gw = await startGateway({ dialect: 'aws', storageUrl: ps.storageUrl, env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(STAGED_FROM) } });
  expect((await s3({ method: 'PUT', path: `/${b}` })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await purgeBucket(stack, 'demo', b).catch(() => undefined);
  await gw?.stop();
  await ps?.close();
});

/** Established TCP connections to a local port (ss), i.e. requests the object server has now. */
function connectionsTo(port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim()).length;
}

/** Resolves true once something is connected to port, false if `gaveUp()` first (the request was answered without it). */
async function untilConnected(port: number, gaveUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (connectionsTo(port) === 0) {
    if (gaveUp()) return false;
    if (Date.now() > deadline) throw new Error(`nothing connected to ${port} within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * Sends req until it is not a 503 (at most 15 s), as an S3 client's retries do:
 * right after the object server's start the proxy may still answer a 503.
 */
async function served(req: RawRequest) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await s3(req);
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function signed(method: string, path: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { date: new Date().toUTCString(), ...extra };
  headers['authorization'] = `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2(method, path, headers))}`;
  return headers;
}

/**
 * PUTs `body`: sends the first `first` bytes, waits until Swift's object server
 * has the request, SIGKILLs it, then sends the rest. Resolves with the status
 * and S3 error code, or 'cut' when the connection ended without an answer.
 */
function putKillingObjectServer(path: string, body: Buffer, first: number): Promise<{ status: number | 'cut'; code?: string; killed: boolean }> {
  const url = new URL(gw.url);
  let answered = false;
  let killed = false;
  return new Promise<{ status: number | 'cut'; code?: string }>((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method: 'PUT', path, headers: signed('PUT', path, { 'content-length': String(body.length) }) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, code: xmlValue(text, 'Code') }));
      res.on('error', () => resolve({ status: 'cut' }));
    });
    req.on('error', () => resolve({ status: 'cut' }));
    req.write(body.subarray(0, first));
    void untilConnected(ps.ports.object, () => answered).then(async (connected) => {
      if (!connected) return;
      await ps.stop('object', 'SIGKILL');
      killed = true;
      req.end(body.subarray(first));
    });
  }).then((seen) => {
    answered = true;
    return { ...seen, killed };
  });
}

/** GETs key with a byte-counting client: reads the first chunk, SIGKILLs the object server, then reads to the end. */
function getKillingObjectServer(key: string, extra: Record<string, string>): Promise<{ status: number; contentLength: number; body: Buffer; ended: 'complete' | 'error' }> {
  const url = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `/${b}/${key}`, headers: signed('GET', `/${b}/${key}`, extra) }, (res) => {
      const chunks: Buffer[] = [];
      const done = (ended: 'complete' | 'error') => resolve({ status: res.statusCode!, contentLength: Number(res.headers['content-length']), body: Buffer.concat(chunks), ended });
      res.once('data', () => {
        // Hold the rest in the pipes until the object server is gone.
        res.pause();
        void ps.stop('object', 'SIGKILL').then(() => res.resume());
      });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(res.complete ? 'complete' : 'error'));
      res.on('error', () => done('error'));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the object server SIGKILLed mid-PUT', () => {
  it.each([
    ['a plain PUT', 'plain', 600 * 1024],
    ['a staged PUT (segment, then manifest)', 'staged', STAGED_FROM + 600 * 1024],
  ])('%s: 503 ServiceUnavailable; the old object whole, no segment left; the retry stores it', async (_label, key, size) => {
    const old = randomBytes(2000);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body: old })).status).toBe(200);
    const body = randomBytes(size);
    const seen = await putKillingObjectServer(`/${b}/${key}`, body, 64 * 1024);
    // The proxy answers the gateway 503 once its only object server is gone; the gateway passes it on.
    expect(seen).toEqual({ status: 503, code: 'ServiceUnavailable', killed: true });
    await ps.start('object');
    const now = await served({ method: 'GET', path: `/${b}/${key}` });
    expect(now.status).toBe(200);
    expect(now.body.equals(old), 'the old object, whole').toBe(true);
    expect(await segmentsOf(key)).toEqual([]);
    const retry = await served({ method: 'PUT', path: `/${b}/${key}`, body });
    expect(retry.status, retry.text()).toBe(200);
    expect(retry.headers['etag']).toBe(`"${md5(body)}"`);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(body)).toBe(true);
  }, 60_000);
});

describe('the object server SIGKILLed mid-UploadPart', () => {
  it('503; the upload still listed without the part, no segment of it; the retried part completes the upload whole', async () => {
    const key = 'multipart';
    const init = await s3({ method: 'POST', path: `/${b}/${key}?uploads` });
    expect(init.status, init.text()).toBe(200);
    const uploadId = xmlValue(init.text(), 'UploadId')!;
    const part = randomBytes(600 * 1024);
    const partPath = `/${b}/${key}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`;
    expect(await putKillingObjectServer(partPath, part, 64 * 1024)).toEqual({ status: 503, code: 'ServiceUnavailable', killed: true });
    await ps.start('object');
    const parts = await served({ method: 'GET', path: `/${b}/${key}?uploadId=${encodeURIComponent(uploadId)}` });
    expect(parts.status, parts.text()).toBe(200);
    expect(xmlValues(parts.text(), 'PartNumber')).toEqual([]);
    // The upload's own record (`<key>/<uploadId>`) and no part segment.
    expect(await segmentsOf(key)).toEqual([`${key}/${uploadId}`]);
    const retry = await served({ method: 'PUT', path: partPath, body: part });
    expect(retry.status, retry.text()).toBe(200);
    const done = await s3({ method: 'POST', path: `/${b}/${key}?uploadId=${encodeURIComponent(uploadId)}`,
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${retry.headers['etag']}</ETag></Part></CompleteMultipartUpload>` });
    expect(done.status, done.text()).toBe(200);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(part)).toBe(true);
    expect(await segmentsOf(key)).toEqual([`${key}/${uploadId}/1`]);
  }, 60_000);
});

describe('the object server SIGKILLed mid-GET', () => {
  // Larger than what the sockets between object server, proxy, gateway and
  // client buffer (a few MiB on loopback), so the kill lands mid-body.
  it.each([
    ['a plain object', 'big-plain', 64 * 1024 * 1024, false],
    ['a staged object (an SLO of one segment)', 'big-staged', STAGED_FROM, false],
    ['an SSE-C object (decrypted as it streams)', 'big-sse-c', STAGED_FROM, true],
  ])('%s: the response ends short of its Content-Length with an error, the bytes sent are the object\'s; a retry reads it whole', async (_label, key, stagedFrom, sse) => {
    const size = 24 * 1024 * 1024;
    const body = randomBytes(size);
    const extra = sse ? customerKey() : {};
    const writer = stagedFrom === STAGED_FROM ? gw : await startGateway({ dialect: 'aws', storageUrl: ps.storageUrl, env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(stagedFrom) } });
    try {
      expect((await rawS3(writer.url, { keys, method: 'PUT', path: `/${b}/${key}`, body, headers: extra })).status).toBe(200);
    } finally {
      if (writer !== gw) await writer.stop();
    }
    const got = await getKillingObjectServer(key, extra);
    expect(got.status).toBe(200);
    expect(got.contentLength).toBe(size);
    expect(got.ended, 'the client saw the response end in an error').toBe('error');
    expect(got.body.length).toBeLessThan(size);
    expect(got.body.equals(body.subarray(0, got.body.length)), 'what came is the object\'s first bytes').toBe(true);
    await ps.start('object');
    const again = await served({ method: 'GET', path: `/${b}/${key}`, headers: extra });
    expect(again.status).toBe(200);
    expect(again.body.equals(body)).toBe(true);
  }, 60_000);
});
