// Issue 19, faults: Swift slow. A TCP relay (helpers/tcp-proxy.ts) between the
// gateway and the shared Swift proxy delays every chunk, stalls one answer or
// swallows the rest of one; the gateway runs with short Swift timeouts
// (helpers/slow-swift.ts). Slower than them, each request ends within them
// with S3's retryable 503, a write leaving the old object as it was; a GET
// whose Swift answer stops mid-body is cut short (never a silent, complete-
// looking one); slower but within them, every byte arrives.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftCall } from '../helpers/kill-harness.js';
import { signV2, stringToSignV2, xmlValues, type RawRequest } from '../helpers/raw-s3.js';
import { SLOW, expectRetryable, slowSwiftGateway, timed, type SlowSwiftRig } from '../helpers/slow-swift.js';

let rig: SlowSwiftRig;
let b: string;
const s3 = (req: RawRequest) => rig.s3(req);

beforeAll(async () => {
  rig = await slowSwiftGateway('faults-slow');
  b = rig.bucket;
}, 30_000);

afterAll(async () => {
  await rig?.close();
});

describe('Swift slow, below the timeouts', () => {
  it('PUT, GET, HEAD and a listing succeed with the right bytes', async () => {
    rig.relay.delay(150);
    try {
      const body = randomBytes(32 * 1024);
      expect((await s3({ method: 'PUT', path: `/${b}/slow-ok`, body })).status).toBe(200);
      const got = await s3({ method: 'GET', path: `/${b}/slow-ok` });
      expect(got.status).toBe(200);
      expect(got.body.equals(body)).toBe(true);
      expect((await s3({ method: 'HEAD', path: `/${b}/slow-ok` })).headers['content-length']).toBe(String(body.length));
      expect(xmlValues((await s3({ method: 'GET', path: `/${b}?prefix=slow-ok` })).text(), 'Key')).toEqual(['slow-ok']);
    } finally {
      rig.relay.pass();
    }
  });

  it('a download slower in total than swift.bodyTimeoutMs, its every pause shorter, arrives whole', async () => {
    const body = randomBytes(1024 * 1024);
    expect((await s3({ method: 'PUT', path: `/${b}/slow-long`, body })).status).toBe(200);
    // At least 16 chunks of at most 64 KiB (node's socket reads), each 200 ms after the last.
    rig.relay.delay(200);
    try {
      const got = await timed(() => s3({ method: 'GET', path: `/${b}/slow-long` }));
      expect(got.value.body.equals(body)).toBe(true);
      expect(got.ms).toBeGreaterThan(SLOW.bodyMs);
    } finally {
      rig.relay.pass();
    }
  });

  it('a GET whose Swift connection stalls mid-body for less than swift.bodyTimeoutMs arrives whole', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    expect((await s3({ method: 'PUT', path: `/${b}/stall-get`, body })).status).toBe(200);
    const stalled = rig.relay.freeze({ request: swiftCall('GET', b, 'stall-get'), direction: 'down', afterBytes: 256 * 1024 });
    // The stall is the fault itself: it lasts a third of the body timeout.
    void stalled.then(() => setTimeout(() => rig.relay.pass(), SLOW.bodyMs / 3));
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
    rig.relay.delay(2 * SLOW.headersMs + 1000);
    let ms: number;
    try {
      const put = await timed(() => s3({ method: 'PUT', path: `/${b}/slow-put`, body: randomBytes(2000) }));
      ms = put.ms;
      expectRetryable(put.value);
    } finally {
      rig.relay.pass();
    }
    expect(ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
    const got = await s3({ method: 'GET', path: `/${b}/slow-put` });
    expect(got.body.equals(old)).toBe(true);
  });

  it('answers a GET and a listing 503 within the timeout, then serves again at once', async () => {
    const body = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/slow-get`, body })).status).toBe(200);
    rig.relay.delay(2 * SLOW.headersMs + 1000);
    try {
      const answers = await Promise.all([`/${b}/slow-get`, `/${b}?prefix=slow`].map((path) => timed(() => s3({ method: 'GET', path }))));
      for (const res of answers) {
        expectRetryable(res.value);
        expect(res.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
      }
    } finally {
      rig.relay.pass();
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
  const headers = { date, authorization: `AWS ${rig.stack.users.demo.ec2.access}:${signV2(rig.stack.users.demo.ec2.secret, stringToSignV2('GET', path, { date }))}` };
  return new Promise((resolve, reject) => {
    const r = request(`${rig.gw.url}${path}`, { headers }, (res) => {
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
    const cut = rig.relay.blackhole({ request: swiftCall('GET', b, 'cut-get'), direction: 'down', afterBytes: 512 * 1024, scope: 'connection' });
    const res = await timed(() => getUntilEnd(`/${b}/cut-get`));
    await cut;
    expect(res.value.status).toBe(200);
    expect(res.value.declared).toBe(body.length);
    expect(res.value.end).toBe('cut');
    expect(res.value.received).toBeLessThan(body.length);
    expect(res.ms).toBeLessThan(SLOW.bodyMs + SLOW.slackMs);
    expect((await s3({ method: 'GET', path: `/${b}/cut-get` })).body.equals(body)).toBe(true);
  });
});
