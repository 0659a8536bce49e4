// The Prometheus metrics move when they should: requests by operation and
// status class, durations, body bytes in and out, requests in flight, Swift and
// Keystone calls, the token cache, auth failures, Node's process metrics. A real
// Prometheus scrapes the admin port and answers a query about them, and
// promtool's linter accepts the exposition.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/process.js';
import { requireBinary, startPrometheus } from '../helpers/prometheus.js';
import { rawS3, signV2, stringToSignV2, type Keys } from '../helpers/raw-s3.js';
import { purgeContainer } from '../helpers/swift-direct.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the text exposition format (enough of it for prom-client's output). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

let gw: TestGateway;
let keys: Keys;
let b: string;

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`${gw.adminUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  return { text, samples: parseExposition(text) };
}

/** Sum of the samples of a metric whose labels include `labels`. */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const { samples } = await scrape();
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

beforeAll(async () => {
  // A token cache of one entry: two identities make it evict.
  gw = await startGateway({ env: { S3GW_KEYSTONE_CACHE_SIZE: '1', S3GW_HEALTH_INTERVAL_MS: '500' } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('metrics');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

describe('request metrics', () => {
  it('counts requests by operation and status class and times them by operation', async () => {
    const ok = await value('s3gw_requests_total', { operation: 'HeadBucket', status_class: '2xx' });
    const missing = await value('s3gw_requests_total', { operation: 'GetObject', status_class: '4xx' });
    const timed = await value('s3gw_request_duration_seconds_count', { operation: 'HeadBucket' });
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}`, keys })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/no-such-key`, keys })).status).toBe(404);
    expect(await value('s3gw_requests_total', { operation: 'HeadBucket', status_class: '2xx' })).toBe(ok + 1);
    expect(await value('s3gw_requests_total', { operation: 'GetObject', status_class: '4xx' })).toBe(missing + 1);
    expect(await value('s3gw_request_duration_seconds_count', { operation: 'HeadBucket' })).toBe(timed + 1);
    const { samples } = await scrape();
    const buckets = samples.filter((s) => s.name === 's3gw_request_duration_seconds_bucket' && s.labels.operation === 'HeadBucket');
    expect(buckets.map((s) => s.labels.le)).toContain('+Inf');
  });

  it('counts request and response body bytes by operation, not headers', async () => {
    const body = Buffer.alloc(100_000, 7);
    const inBefore = await value('s3gw_bytes_received_total', { operation: 'PutObject' });
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/sized`, keys, body })).status).toBe(201);
    expect(await value('s3gw_bytes_received_total', { operation: 'PutObject' })).toBe(inBefore + 100_000);

    const outBefore = await value('s3gw_bytes_sent_total', { operation: 'GetObject' });
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/sized`, keys });
    expect(get.body.length).toBe(100_000);
    expect(await value('s3gw_bytes_sent_total', { operation: 'GetObject' })).toBe(outBefore + 100_000);

    // HEAD announces a length but sends no body.
    const headBefore = await value('s3gw_bytes_sent_total', { operation: 'HeadObject' });
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/sized`, keys });
    expect(head.headers['content-length']).toBe('100000');
    expect(await value('s3gw_bytes_sent_total', { operation: 'HeadObject' })).toBe(headBefore);

    // An XML answer counts its document.
    const listBefore = await value('s3gw_bytes_sent_total', { operation: 'ListObjects' });
    const list = await rawS3(gw.url, { method: 'GET', path: `/${b}`, keys });
    expect(await value('s3gw_bytes_sent_total', { operation: 'ListObjects' })).toBe(listBefore + list.body.length);
  });

  it('shows a request in flight while a client reads a download slowly, and none after', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 1);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/big`, keys, body: big })).status).toBe(201);
    expect(await value('s3gw_requests_in_flight')).toBe(0);
    const url = new URL(gw.url);
    const headers: Record<string, string> = { date: new Date().toUTCString() };
    headers.authorization = `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2('GET', `/${b}/big`, headers))}`;
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: `/${b}/big`, headers }, (res) => {
        res.pause(); // backpressure: the gateway cannot finish until we read
        void eventually(async () => (await value('s3gw_requests_in_flight')) === 1)
          .then(() => {
            res.on('data', (c: Buffer) => (received += c.length));
            res.on('end', resolve);
            res.resume();
          }, reject);
      });
      req.on('error', reject);
      req.end();
    });
    await done;
    expect(received).toBe(big.length);
    await eventually(async () => (await value('s3gw_requests_in_flight')) === 0);
  });
});

describe('upstream metrics', () => {
  it('counts Swift calls by method and status with their durations', async () => {
    const puts = await value('s3gw_swift_requests_total', { method: 'PUT', status: '201' });
    const timed = await value('s3gw_swift_request_duration_seconds_count', { method: 'PUT' });
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/one`, keys, body: 'x' })).status).toBe(201);
    expect(await value('s3gw_swift_requests_total', { method: 'PUT', status: '201' })).toBe(puts + 1);
    expect(await value('s3gw_swift_request_duration_seconds_count', { method: 'PUT' })).toBe(timed + 1);
    expect(await value('s3gw_swift_requests_total', { method: 'GET', status: '404' })).toBeGreaterThan(0);
  });

  it('counts Keystone token calls and token cache hits, misses and evictions', async () => {
    const calls = await value('s3gw_keystone_requests_total', { kind: 'token', outcome: 'ok' });
    const evictions = await value('s3gw_cache_events_total', { cache: 'token', event: 'eviction' });
    const misses = await value('s3gw_cache_events_total', { cache: 'token', event: 'miss' });
    const hits = await value('s3gw_cache_events_total', { cache: 'token', event: 'hit' });
    // alt's token pushes demo's out of the one-entry cache, and back.
    expect((await rawS3(gw.url, { method: 'GET', path: '/', keys: gw.stack.users.alt.ec2 })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: '/', keys })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: '/', keys })).status).toBe(200);
    expect(await value('s3gw_keystone_requests_total', { kind: 'token', outcome: 'ok' })).toBe(calls + 2);
    expect(await value('s3gw_keystone_request_duration_seconds_count', { kind: 'token' })).toBeGreaterThanOrEqual(calls + 2);
    expect(await value('s3gw_cache_events_total', { cache: 'token', event: 'eviction' })).toBe(evictions + 2);
    expect(await value('s3gw_cache_events_total', { cache: 'token', event: 'miss' })).toBe(misses + 2);
    expect(await value('s3gw_cache_events_total', { cache: 'token', event: 'hit' })).toBeGreaterThanOrEqual(hits + 1);
  });

  it('reports each upstream up from the background readiness checks', async () => {
    await eventually(async () => (await value('s3gw_upstream_up', { service: 'keystone' })) === 1);
    await eventually(async () => (await value('s3gw_upstream_up', { service: 'swift' })) === 1);
  });
});

describe('auth failure metrics', () => {
  it('counts refused authentications by reason', async () => {
    const wrong = await value('s3gw_auth_failures_total', { code: 'SignatureDoesNotMatch' });
    const unknown = await value('s3gw_auth_failures_total', { code: 'InvalidAccessKeyId' });
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}`, keys: { access: keys.access, secret: 'not-the-secret' } })).status).toBe(401);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}`, keys: { access: 'NOSUCHKEY', secret: 'x' } })).status).toBe(401);
    expect(await value('s3gw_auth_failures_total', { code: 'SignatureDoesNotMatch' })).toBe(wrong + 1);
    expect(await value('s3gw_auth_failures_total', { code: 'InvalidAccessKeyId' })).toBe(unknown + 1);
  });
});

describe('the exposition', () => {
  it("includes Node's default process metrics", async () => {
    const names = new Set((await scrape()).samples.map((s) => s.name));
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(names, name).toContain(name);
    }
  });

  it('keeps label sets small: no bucket or key ever becomes a label', async () => {
    const allowed = new Set(['operation', 'status_class', 'method', 'status', 'kind', 'outcome', 'cache', 'event', 'code', 'service', 'le']);
    const { samples } = await scrape();
    for (const s of samples.filter((x) => x.name.startsWith('s3gw_'))) {
      for (const [label, v] of Object.entries(s.labels)) {
        expect(allowed, `${s.name} label ${label}`).toContain(label);
        expect(v).not.toContain(b);
      }
    }
    const series = samples.filter((x) => x.name === 's3gw_requests_total');
    expect(series.length).toBeLessThan(50);
  });

  it('passes promtool check metrics', async () => {
    requireBinary('promtool');
    const { text } = await scrape();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });

  it('is scraped by a real Prometheus every second and answers queries through its HTTP API', async () => {
    const prom = await startPrometheus([new URL(gw.adminUrl).host], 1);
    try {
      expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}`, keys })).status).toBe(200);
      const expected = await value('s3gw_requests_total', { operation: 'HeadBucket', status_class: '2xx' });
      const up = await eventually(async () => {
        const v = await prom.vector('up{job="s3gw"}');
        return v.length === 1 && v[0]!.value[1] === '1' ? v : undefined;
      }, 20_000, 500);
      expect(up[0]!.metric.instance).toBe(new URL(gw.adminUrl).host);
      const samples = await eventually(async () => {
        const v = await prom.vector('s3gw_requests_total{operation="HeadBucket",status_class="2xx"}');
        return v.length === 1 && Number(v[0]!.value[1]) === expected ? v : undefined;
      }, 20_000, 500);
      expect(samples[0]!.metric.job).toBe('s3gw');
      // A dashboard-style expression over the scraped series works too.
      const quantile = await prom.query('histogram_quantile(0.99, sum by (le, operation) (rate(s3gw_request_duration_seconds_bucket[1m])))');
      expect(quantile.status).toBe('success');
    } finally {
      await prom.stop();
    }
  });
});
