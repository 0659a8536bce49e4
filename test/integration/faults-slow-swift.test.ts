// Issue 19, faults: Swift slow or black-holed. A TCP relay (helpers/tcp-proxy.ts)
// sits between the gateway and the shared Swift proxy and delays or swallows
// bytes. The gateway runs with short Swift timeouts so that each request must
// end within them: with S3's retryable 503 when Swift did not answer in time,
// with a short body (never a silent, complete-looking one) when Swift stalls
// mid-GET, and with nothing partial stored when Swift stalls mid-PUT. The pool
// of Swift connections never stays full, and the gateway serves again as soon
// as the network does.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/process.js';
import { swiftCall } from '../helpers/kill-harness.js';
import { rawS3, signV2, stringToSignV2, xmlValue, xmlValues, type RawRequest, type RawResponse } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, segmentNames, swiftDirect } from '../helpers/swift-direct.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const HEADERS_MS = 1500;
const BODY_MS = 1500;
const QUEUE_MS = 1000;
const CONNECTIONS = 4;
const STAGED_FROM = 256 * 1024;
// undici checks its timeouts on a coarse clock (about half a second) and a
// request may make a second Swift call: generous, but far below a hang.
const SLACK_MS = 2500;

const stack = loadStack();
const keys = stack.users.demo.ec2;
const b = uniqueBucket('faults-slow');
const swiftUrl = new URL(stack.swift.url);
let relay: TcpProxy;
let gw: TestGateway;
const s3 = (req: RawRequest) => rawS3(gw.url, { keys, ...req });

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

function expectRetryable(res: RawResponse) {
  expect(res.status, res.text()).toBe(503);
  expect(['ServiceUnavailable', 'SlowDown']).toContain(xmlValue(res.text(), 'Code'));
}

beforeAll(async () => {
  relay = await tcpProxy(swiftUrl.hostname, Number(swiftUrl.port));
  gw = await startGateway({
    dialect: 'aws',
    storageUrl: `http://127.0.0.1:${relay.port}/v1/AUTH_{project_id}`,
    env: {
      S3GW_SWIFT_CONNECTIONS: String(CONNECTIONS),
      S3GW_SWIFT_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      S3GW_SWIFT_BODY_TIMEOUT_MS: String(BODY_MS),
      S3GW_SWIFT_QUEUE_TIMEOUT_MS: String(QUEUE_MS),
      S3GW_S3_STAGED_PUT_FROM_BYTES: String(STAGED_FROM),
      // Readiness checks go straight to Swift here: the relay carries only S3 traffic (health has its own gateway below).
      S3GW_SWIFT_HEALTH_URL: `${swiftUrl.origin}/healthcheck`,
    },
  });
  expect((await s3({ method: 'PUT', path: `/${b}` })).status).toBe(200);
}, 30_000);

afterAll(async () => {
  relay?.pass();
  await purgeBucket(stack, 'demo', b).catch(() => undefined);
  await gw?.stop();
  await relay?.close();
});

describe('Swift slow, below the timeouts', () => {
  it('PUT, GET, HEAD and a listing succeed with the right bytes', async () => {
    relay.delay(150);
    try {
      const body = randomBytes(32 * 1024);
      expect((await s3({ method: 'PUT', path: `/${b}/slow-ok`, body })).status).toBe(200);
      const got = await s3({ method: 'GET', path: `/${b}/slow-ok` });
      expect(got.status).toBe(200);
      expect(got.body.equals(body)).toBe(true);
      expect((await s3({ method: 'HEAD', path: `/${b}/slow-ok` })).headers['content-length']).toBe(String(body.length));
      expect(xmlValues((await s3({ method: 'GET', path: `/${b}?prefix=slow-ok` })).text(), 'Key')).toEqual(['slow-ok']);
    } finally {
      relay.pass();
    }
  });

  it('a download slower in total than swift.bodyTimeoutMs, its every pause shorter, arrives whole', async () => {
    const body = randomBytes(1024 * 1024);
    expect((await s3({ method: 'PUT', path: `/${b}/slow-long`, body })).status).toBe(200);
    relay.delay(150);
    try {
      const got = await timed(() => s3({ method: 'GET', path: `/${b}/slow-long` }));
      expect(got.value.body.equals(body)).toBe(true);
      expect(got.ms).toBeGreaterThan(BODY_MS);
    } finally {
      relay.pass();
    }
  });

  it('a GET whose Swift connection stalls mid-body for less than swift.bodyTimeoutMs arrives whole', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    expect((await s3({ method: 'PUT', path: `/${b}/stall-get`, body })).status).toBe(200);
    const stalled = relay.freeze({ request: swiftCall('GET', b, 'stall-get'), direction: 'down', afterBytes: 256 * 1024 });
    // The stall is the fault itself: it lasts a third of the body timeout.
    void stalled.then(() => setTimeout(() => relay.pass(), BODY_MS / 3));
    const got = await s3({ method: 'GET', path: `/${b}/stall-get` });
    await stalled;
    expect(got.status).toBe(200);
    expect(got.body.equals(body)).toBe(true);
  });
});

describe('Swift slower than swift.headersTimeoutMs', () => {
  it('answers a PUT 503 within the timeout and leaves the old object as it was', async () => {
    const old = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/slow-put`, body: old })).status).toBe(200);
    relay.delay(2 * HEADERS_MS + 1000);
    let ms: number;
    try {
      const put = await timed(() => s3({ method: 'PUT', path: `/${b}/slow-put`, body: randomBytes(2000) }));
      ms = put.ms;
      expectRetryable(put.value);
    } finally {
      relay.pass();
    }
    expect(ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    const got = await s3({ method: 'GET', path: `/${b}/slow-put` });
    expect(got.body.equals(old)).toBe(true);
  });

  it('answers a GET and a listing 503 within the timeout, then serves again at once', async () => {
    const body = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/slow-get`, body })).status).toBe(200);
    relay.delay(2 * HEADERS_MS + 1000);
    try {
      const answers = await Promise.all([`/${b}/slow-get`, `/${b}?prefix=slow`].map((path) => timed(() => s3({ method: 'GET', path }))));
      for (const res of answers) {
        expectRetryable(res.value);
        expect(res.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
      }
    } finally {
      relay.pass();
    }
    expect((await s3({ method: 'GET', path: `/${b}/slow-get` })).body.equals(body)).toBe(true);
  });
});

interface CutGet {
  readonly status: number;
  readonly declared: number;
  readonly received: number;
  /** 'complete': the response ended normally; 'cut': the connection was closed before its end. */
  readonly end: 'complete' | 'cut';
}

/** A signed GET that reports how its body ended instead of failing on a cut. */
function getUntilEnd(path: string): Promise<CutGet> {
  const date = new Date().toUTCString();
  const headers = { date, authorization: `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2('GET', path, { date }))}` };
  return new Promise((resolve, reject) => {
    const r = request(`${gw.url}${path}`, { headers }, (res) => {
      let received = 0;
      let ended = false;
      res.on('data', (c: Buffer) => (received += c.length));
      res.on('end', () => (ended = true));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ status: res.statusCode ?? 0, declared: Number(res.headers['content-length']), received, end: ended && res.complete ? 'complete' : 'cut' }));
    });
    r.on('error', reject);
    r.end();
  });
}

describe('Swift black-holed in the middle of a GET body', () => {
  it('cuts the response short within swift.bodyTimeoutMs, and the next GET reads it whole', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    expect((await s3({ method: 'PUT', path: `/${b}/cut-get`, body })).status).toBe(200);
    const cut = relay.blackhole({ request: swiftCall('GET', b, 'cut-get'), direction: 'down', afterBytes: 512 * 1024, scope: 'connection' });
    const res = await timed(() => getUntilEnd(`/${b}/cut-get`));
    await cut;
    expect(res.value.status).toBe(200);
    expect(res.value.declared).toBe(body.length);
    expect(res.value.end).toBe('cut');
    expect(res.value.received).toBeLessThan(body.length);
    expect(res.ms).toBeLessThan(BODY_MS + SLACK_MS);
    expect((await s3({ method: 'GET', path: `/${b}/cut-get` })).body.equals(body)).toBe(true);
  });
});

describe('Swift black-holed under more concurrent requests than swift.connections', () => {
  it('ends every request with a 503 within the timeouts, never opens more connections, and serves again at once', async () => {
    const body = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/crowd`, body })).status).toBe(200);
    await relay.blackhole();
    let most = 0;
    const sample = setInterval(() => (most = Math.max(most, relay.open)), 20);
    let answers: { value: RawResponse; ms: number }[];
    try {
      // Half reads of an object, half writes of new ones.
      answers = await Promise.all(Array.from({ length: 3 * CONNECTIONS }, (_, i) =>
        timed(() => s3(i % 2 ? { method: 'GET', path: `/${b}/crowd` } : { method: 'PUT', path: `/${b}/crowd-${i}`, body: randomBytes(1000) }))));
    } finally {
      clearInterval(sample);
      relay.pass();
    }
    for (const a of answers) {
      expectRetryable(a.value);
      expect(a.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    }
    // The calls on the pool's connections waited out swift.headersTimeoutMs;
    // those queued behind them gave up after swift.queueTimeoutMs.
    const codes = answers.map((a) => xmlValue(a.value.text(), 'Code')).sort();
    expect(codes).toEqual([...Array(CONNECTIONS).fill('ServiceUnavailable'), ...Array(2 * CONNECTIONS).fill('SlowDown')]);
    expect(most).toBeLessThanOrEqual(CONNECTIONS);
    const back = await timed(() => s3({ method: 'GET', path: `/${b}/crowd` }));
    expect(back.value.body.equals(body)).toBe(true);
    expect(back.ms).toBeLessThan(1000);
    const stored = await Promise.all(answers.map((_, i) => (i % 2 ? 404 : swiftDirect(stack, 'demo', 'HEAD', b, `crowd-${i}`).then((r) => r.status))));
    expect(stored).toEqual(Array(3 * CONNECTIONS).fill(404));
  });
});

describe('Swift black-holed in the middle of an upload', () => {
  const segmentsOf = async (key: string) => (await segmentNames(stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`));

  it('answers a PutObject 503 within the timeouts and stores nothing of it; the retry stores it whole', async () => {
    const key = 'cut-put';
    const old = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body: old })).status).toBe(200);
    const body = randomBytes(STAGED_FROM - 1);
    const cut = relay.blackhole({ request: swiftCall('PUT', b, key), afterBytes: 64 * 1024, scope: 'connection' });
    const put = await timed(() => s3({ method: 'PUT', path: `/${b}/${key}`, body }));
    await cut;
    expectRetryable(put.value);
    expect(put.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(old)).toBe(true);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body })).status).toBe(200);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(body)).toBe(true);
  });

  it('answers a staged PUT cut in its segment, or in its manifest, 503: no object, no segment left', async () => {
    const key = 'cut-staged';
    const body = randomBytes(STAGED_FROM + 1000);
    for (const [request, afterBytes] of [[swiftCall('PUT', `${b}+segments`, `${key}/`), 64 * 1024], [swiftCall('PUT', b, `${key}?multipart-manifest=put`), 0]] as const) {
      const cut = relay.blackhole({ request, afterBytes, scope: 'connection' });
      const put = await timed(() => s3({ method: 'PUT', path: `/${b}/${key}`, body }));
      await cut;
      expectRetryable(put.value);
      expect(put.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
      expect((await s3({ method: 'HEAD', path: `/${b}/${key}` })).status).toBe(404);
      expect(await segmentsOf(key)).toEqual([]);
    }
  });

  it('answers a PUT whose Swift connection stops reading mid-body (writes block) 503 within the timeouts: nothing stored, no segment', async () => {
    const key = 'frozen-put';
    // Larger than loopback's socket buffers, so the gateway's writes to Swift really block.
    const body = randomBytes(24 * 1024 * 1024);
    const frozen = relay.freeze({ request: swiftCall('PUT', `${b}+segments`, `${key}/`), afterBytes: 64 * 1024, scope: 'connection' });
    const put = await timed(() => s3({ method: 'PUT', path: `/${b}/${key}`, body }));
    await frozen;
    expectRetryable(put.value);
    expect(put.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    expect((await s3({ method: 'HEAD', path: `/${b}/${key}` })).status).toBe(404);
    expect(await segmentsOf(key)).toEqual([]);
  });

  it('answers an UploadPart 503: no part, no segment; the upload goes on and completes whole', async () => {
    const key = 'cut-part';
    const id = xmlValue((await s3({ method: 'POST', path: `/${b}/${key}?uploads` })).text(), 'UploadId')!;
    const part = randomBytes(300 * 1024);
    const partPath = `/${b}/${key}?partNumber=1&uploadId=${id}`;
    const cut = relay.blackhole({ request: swiftCall('PUT', `${b}+segments`, `${key}/`), afterBytes: 64 * 1024, scope: 'connection' });
    const failed = await timed(() => s3({ method: 'PUT', path: partPath, body: part }));
    await cut;
    expectRetryable(failed.value);
    expect(failed.ms).toBeLessThan(HEADERS_MS + SLACK_MS);
    expect(xmlValues((await s3({ method: 'GET', path: `/${b}/${key}?uploadId=${id}` })).text(), 'PartNumber')).toEqual([]);
    // `<key>/<upload id>` is the upload's own record; its parts are under it.
    expect(await segmentsOf(`${key}/${id}`)).toEqual([]);
    const etag = (await s3({ method: 'PUT', path: partPath, body: part })).headers['etag']!;
    const complete = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    expect((await s3({ method: 'POST', path: `/${b}/${key}?uploadId=${id}`, body: complete })).status).toBe(200);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(part)).toBe(true);
    expect(await segmentsOf(key)).toEqual([`${key}/${id}/1`]);
  });
});

describe('readiness while Swift is black-holed', () => {
  it('turns not-ready within the probe timeout, each check bounded by it, and ready again after pass()', async () => {
    const HEALTH_TIMEOUT_MS = 800;
    const healthRelay = await tcpProxy(swiftUrl.hostname, Number(swiftUrl.port));
    const watched = await startGateway({
      storageUrl: `http://127.0.0.1:${healthRelay.port}/v1/AUTH_{project_id}`,
      env: { S3GW_HEALTH_INTERVAL_MS: '100', S3GW_HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS) },
    });
    const readyz = async () => {
      const res = await fetch(`${watched.adminUrl}/readyz`);
      return { status: res.status, body: (await res.json()) as { failed?: string[]; checks: Record<string, { ok: boolean; durationMs: number; error?: string }> } };
    };
    try {
      await eventually(async () => (await readyz()).status === 200);
      await healthRelay.blackhole();
      const blackholed = performance.now();
      const down = await eventually(async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      }, 10_000, 50);
      expect(performance.now() - blackholed).toBeLessThan(HEALTH_TIMEOUT_MS + 100 + SLACK_MS);
      expect(down.body.failed).toEqual(['swift']);
      expect(down.body.checks.swift!.durationMs).toBeLessThan(HEALTH_TIMEOUT_MS + 500);
      expect(down.body.checks.swift!.error).toMatch(/timeout|aborted/i);
      healthRelay.pass();
      const passed = performance.now();
      await eventually(async () => (await readyz()).status === 200, 10_000, 50);
      expect(performance.now() - passed).toBeLessThan(HEALTH_TIMEOUT_MS + 100 + SLACK_MS);
    } finally {
      healthRelay.pass();
      await watched.stop();
      await healthRelay.close();
    }
  });
});
