// Issue 19, faults: Swift black-holed. A TCP relay (helpers/tcp-proxy.ts)
// between the gateway and the shared Swift proxy swallows every byte (or, in
// the middle of one upload, stops reading); the gateway runs with short Swift
// timeouts and a pool of 4 connections (helpers/slow-swift.ts). Each request
// ends within the timeouts with S3's retryable 503, the pool never stays full,
// nothing partial is stored and no segment is left, readiness turns 503 and
// back, and the gateway serves again as soon as the network does.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swiftCall } from '../helpers/kill-harness.js';
import { eventually } from '../helpers/process.js';
import { xmlValue, xmlValues, type RawRequest, type RawResponse } from '../helpers/raw-s3.js';
import { SLOW, expectRetryable, slowSwiftGateway, timed, type SlowSwiftRig } from '../helpers/slow-swift.js';
import { segmentNames, swiftDirect } from '../helpers/swift-direct.js';

let rig: SlowSwiftRig;
let b: string;
const s3 = (req: RawRequest) => rig.s3(req);

beforeAll(async () => {
  rig = await slowSwiftGateway('faults-blackhole');
  b = rig.bucket;
}, 30_000);

afterAll(async () => {
  await rig?.close();
});

describe('Swift black-holed under more concurrent requests than swift.connections', () => {
  it('ends every request with a 503 within the timeouts, never opens more connections, and serves again at once', async () => {
    const body = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/crowd`, body })).status).toBe(200);
    await rig.relay.blackhole();
    let most = 0;
    const sample = setInterval(() => (most = Math.max(most, rig.relay.open)), 20);
    let answers: { value: RawResponse; ms: number }[];
    try {
      // Half reads of an object, half writes of new ones.
      answers = await Promise.all(Array.from({ length: 3 * SLOW.connections }, (_, i) =>
        timed(() => s3(i % 2 ? { method: 'GET', path: `/${b}/crowd` } : { method: 'PUT', path: `/${b}/crowd-${i}`, body: randomBytes(1000) }))));
    } finally {
      clearInterval(sample);
      rig.relay.pass();
    }
    for (const a of answers) {
      expectRetryable(a.value);
      expect(a.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
    }
    // The calls on the pool's connections waited out swift.headersTimeoutMs;
    // those queued behind them gave up after swift.queueTimeoutMs.
    const codes = answers.map((a) => xmlValue(a.value.text(), 'Code')).sort();
    expect(codes).toEqual([...Array(SLOW.connections).fill('ServiceUnavailable'), ...Array(2 * SLOW.connections).fill('SlowDown')]);
    const busy = (await rig.gw.metrics.swiftRequests.get()).values.filter((v) => v.labels.status === 'busy').reduce((n, v) => n + v.value, 0);
    expect(busy).toBe(2 * SLOW.connections);
    expect(most).toBeLessThanOrEqual(SLOW.connections);
    const back = await timed(() => s3({ method: 'GET', path: `/${b}/crowd` }));
    expect(back.value.body.equals(body)).toBe(true);
    // Not one timeout waited out: no dead connection or queue in its way.
    expect(back.ms).toBeLessThan(SLOW.queueMs);
    const stored = await Promise.all(answers.map((_, i) => (i % 2 ? 404 : swiftDirect(rig.stack, 'demo', 'HEAD', b, `crowd-${i}`).then((r) => r.status))));
    expect(stored).toEqual(Array(3 * SLOW.connections).fill(404));
  });
});

describe('Swift black-holed in the middle of an upload', () => {
  const segmentsOf = async (key: string) => (await segmentNames(rig.stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`));

  it('answers a PutObject 503 within the timeouts and stores nothing of it; the retry stores it whole', async () => {
    const key = 'cut-put';
    const old = randomBytes(1000);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body: old })).status).toBe(200);
    const body = randomBytes(SLOW.stagedFrom - 1);
    const cut = rig.relay.blackhole({ request: swiftCall('PUT', b, key), afterBytes: 64 * 1024, scope: 'connection' });
    const put = await timed(() => s3({ method: 'PUT', path: `/${b}/${key}`, body }));
    await cut;
    expectRetryable(put.value);
    expect(put.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(old)).toBe(true);
    expect((await s3({ method: 'PUT', path: `/${b}/${key}`, body })).status).toBe(200);
    expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(body)).toBe(true);
  });

  it('answers a staged PUT cut in its segment, or in its manifest, 503: no object, no segment left', async () => {
    const key = 'cut-staged';
    const body = randomBytes(SLOW.stagedFrom + 1000);
    for (const [request, afterBytes] of [[swiftCall('PUT', `${b}+segments`, `${key}/`), 64 * 1024], [swiftCall('PUT', b, `${key}?multipart-manifest=put`), 0]] as const) {
      const cut = rig.relay.blackhole({ request, afterBytes, scope: 'connection' });
      const put = await timed(() => s3({ method: 'PUT', path: `/${b}/${key}`, body }));
      await cut;
      expectRetryable(put.value);
      expect(put.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
      expect((await s3({ method: 'HEAD', path: `/${b}/${key}` })).status).toBe(404);
      expect(await segmentsOf(key)).toEqual([]);
    }
  });

  it('answers a PUT whose Swift connection stops reading mid-body (writes block) 503 within the timeouts: nothing stored, no segment', async () => {
    const key = 'frozen-put';
    // Larger than loopback's socket buffers, so the gateway's writes to Swift really block.
    const body = randomBytes(24 * 1024 * 1024);
    const frozen = rig.relay.freeze({ request: swiftCall('PUT', `${b}+segments`, `${key}/`), afterBytes: 64 * 1024, scope: 'connection' });
    const put = await timed(() => s3({ method: 'PUT', path: `/${b}/${key}`, body }));
    await frozen;
    expectRetryable(put.value);
    expect(put.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
    expect((await s3({ method: 'HEAD', path: `/${b}/${key}` })).status).toBe(404);
    expect(await segmentsOf(key)).toEqual([]);
  });

  it('answers an UploadPart 503: no part, no segment; the upload goes on and completes whole', async () => {
    const key = 'cut-part';
    const id = xmlValue((await s3({ method: 'POST', path: `/${b}/${key}?uploads` })).text(), 'UploadId')!;
    const part = randomBytes(300 * 1024);
    const partPath = `/${b}/${key}?partNumber=1&uploadId=${id}`;
    const cut = rig.relay.blackhole({ request: swiftCall('PUT', `${b}+segments`, `${key}/`), afterBytes: 64 * 1024, scope: 'connection' });
    const failed = await timed(() => s3({ method: 'PUT', path: partPath, body: part }));
    await cut;
    expectRetryable(failed.value);
    expect(failed.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
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

describe('Swift black-holed around CompleteMultipartUpload\'s manifest PUT', () => {
  async function openUpload(key: string) {
    const id = xmlValue((await s3({ method: 'POST', path: `/${b}/${key}?uploads` })).text(), 'UploadId')!;
    const part = randomBytes(2000);
    const etag = (await s3({ method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, body: part })).headers['etag']!;
    const complete = { method: 'POST', path: `/${b}/${key}?uploadId=${id}`, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` };
    return { id, part, complete };
  }
  const uploadsOf = async (key: string) => xmlValues((await s3({ method: 'GET', path: `/${b}?uploads&prefix=${key}` })).text(), 'UploadId');

  // 'up': the manifest never reaches Swift; 'down': Swift wrote it, its answer is lost.
  for (const [direction, stored] of [['up', false], ['down', true]] as const) {
    it(`black-holed ${direction === 'up' ? 'before Swift got the manifest' : 'after Swift wrote it'}: a retryable error, the upload still open, the object ${stored ? 'whole' : 'absent'}; the retry completes`, async () => {
      const key = `cut-complete-${direction}`;
      const { id, part, complete } = await openUpload(key);
      const cut = rig.relay.blackhole({ request: swiftCall('PUT', b, `${key}?multipart-manifest=put`), direction, scope: 'connection' });
      const failed = await timed(() => s3(complete));
      await cut;
      // S3 quirk: Complete may answer 200 at once and keep the connection
      // alive with whitespace, an error then arriving in that 200's body;
      // SDKs read it and retry. Either way: a retryable error.
      if (failed.value.status === 200) expect(['ServiceUnavailable', 'SlowDown']).toContain(xmlValue(failed.value.text(), 'Code'));
      else expectRetryable(failed.value);
      expect(failed.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
      const got = await s3({ method: 'GET', path: `/${b}/${key}` });
      if (stored) expect(got.body.equals(part)).toBe(true);
      else expect(got.status).toBe(404);
      expect(await uploadsOf(key)).toEqual([id]);
      expect((await s3(complete)).status).toBe(200);
      expect((await s3({ method: 'GET', path: `/${b}/${key}` })).body.equals(part)).toBe(true);
      expect(await uploadsOf(key)).toEqual([]);
      expect((await segmentNames(rig.stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`))).toEqual([`${key}/${id}/1`]);
    });
  }
});

describe('readiness while Swift is black-holed', () => {
  it('turns not-ready within the probe timeout, each check bounded by it, and ready again after pass()', async () => {
    const HEALTH_TIMEOUT_MS = 800;
    const watched = await slowSwiftGateway('faults-ready', {
      healthThroughRelay: true,
      bucket: false,
      env: { S3GW_HEALTH_INTERVAL_MS: '100', S3GW_HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS) },
    });
    const readyz = async () => {
      const res = await fetch(`${watched.gw.adminUrl}/readyz`);
      return { status: res.status, body: (await res.json()) as { failed?: string[]; checks: Record<string, { ok: boolean; durationMs: number; error?: string }> } };
    };
    try {
      await eventually(async () => (await readyz()).status === 200);
      await watched.relay.blackhole();
      const blackholed = performance.now();
      const down = await eventually(async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      }, 10_000, 50);
      expect(performance.now() - blackholed).toBeLessThan(HEALTH_TIMEOUT_MS + 100 + SLOW.slackMs);
      expect(down.body.failed).toEqual(['swift']);
      expect(down.body.checks.swift!.durationMs).toBeLessThan(HEALTH_TIMEOUT_MS + 500);
      expect(down.body.checks.swift!.error).toMatch(/timeout|aborted/i);
      watched.relay.pass();
      const passed = performance.now();
      await eventually(async () => (await readyz()).status === 200, 10_000, 50);
      expect(performance.now() - passed).toBeLessThan(HEALTH_TIMEOUT_MS + 100 + SLOW.slackMs);
    } finally {
      await watched.close();
    }
  });
});

describe('a gateway that never reached Swift, Swift black-holed from the start', () => {
  it('answers its first requests 503 within the timeouts of the calls they make, and serves once Swift is back', async () => {
    const fresh = await slowSwiftGateway('faults-fresh', { bucket: false });
    try {
      expect((await swiftDirect(fresh.stack, 'demo', 'PUT', fresh.bucket)).status).toBe(201);
      await fresh.relay.blackhole();
      // The first: a new token is shown to Swift once (its wait bounded), /info, then the call.
      const first = await timed(() => fresh.s3({ method: 'PUT', path: `/${fresh.bucket}/k`, body: randomBytes(100) }));
      expectRetryable(first.value);
      expect(first.ms).toBeLessThan(3 * SLOW.headersMs + SLOW.slackMs);
      // The next waits for its own call only: /info's failure is remembered for a while
      // (before, each PUT waited for /info twice, 5 s each, then for its call: 13 s).
      const next = await timed(() => fresh.s3({ method: 'PUT', path: `/${fresh.bucket}/k`, body: randomBytes(100) }));
      expectRetryable(next.value);
      expect(next.ms).toBeLessThan(SLOW.headersMs + SLOW.slackMs);
      fresh.relay.pass();
      expect((await fresh.s3({ method: 'PUT', path: `/${fresh.bucket}/k`, body: 'back' })).status).toBe(200);
      expect((await fresh.s3({ method: 'GET', path: `/${fresh.bucket}/k` })).text()).toBe('back');
    } finally {
      await fresh.s3({ method: 'DELETE', path: `/${fresh.bucket}/k` }).catch(() => undefined);
      await swiftDirect(fresh.stack, 'demo', 'DELETE', fresh.bucket).catch(() => undefined);
      await fresh.close();
    }
  });
});
