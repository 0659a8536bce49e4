// deploy/grafana/dashboard.json: every panel's PromQL parses (promtool checks
// them as recording rules) and runs against a real Prometheus scraping a real
// gateway, and every metric it names is one the gateway exports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { eventually, repoRoot } from '../helpers/process.js';
import { requireBinary, startPrometheus, type Prometheus } from '../helpers/prometheus.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { purgeContainer } from '../helpers/swift-direct.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'grafana', 'dashboard.json'), 'utf8')) as { uid: string; panels: Panel[] };
const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

/**
 * Grafana's variables as Prometheus needs them: every job, and a rate window
 * wide enough to hold the whole test traffic even when a busy machine delays
 * the check.
 */
function promql(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.+');
}

let gw: TestGateway;
let prom: Prometheus;
const b = uniqueBucket('dash');

beforeAll(async () => {
  gw = await startGateway({ env: { S3GW_HEALTH_INTERVAL_MS: '1000' } });
  prom = await startPrometheus([new URL(gw.adminUrl).host], 1);
  // Traffic must come after the first scrape: a counter that never changes
  // while Prometheus watches has a rate of 0 (target discovery takes ~5 s).
  await eventually(async () => (await prom.vector('up{job="s3gw"}')).some((s) => s.value[1] === '1'), 60_000, 250);
  const keys = gw.stack.users.demo.ec2;
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
  // A few seconds of traffic across scrapes, so rate() has two samples to work with.
  for (let i = 0; i < 6; i++) {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/k${i}`, keys, body: Buffer.alloc(10_000, i) });
    await rawS3(gw.url, { method: 'GET', path: `/${b}/k${i}`, keys });
    await rawS3(gw.url, { method: 'GET', path: `/${b}/missing`, keys });
    await rawS3(gw.url, { method: 'GET', path: `/${b}`, keys: { access: keys.access, secret: 'wrong' } });
    await new Promise((r) => setTimeout(r, 700));
  }
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await purgeContainer(gw.stack, 'demo', b);
  await gw?.stop();
});

describe('deploy/grafana/dashboard.json', () => {
  it('has the panels the service needs, each with a PromQL target', () => {
    const titles = dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.title);
    for (const t of ['Request rate by operation', 'Errors', 'Request latency percentiles', 'Swift latency', 'Keystone latency', 'Token cache hit ratio', 'Requests in flight', 'Bytes in and out']) {
      expect(titles).toContain(t);
    }
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) expect(p.targets?.length, p.title).toBeGreaterThan(0);
    expect(targets.filter((t) => t.expr.includes('histogram_quantile')).length).toBeGreaterThanOrEqual(4);
  });

  it('names only metrics the gateway exports', async () => {
    const exposition = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    const families = new Set([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap((m) =>
      m[2] === 'histogram' ? [`${m[1]}_bucket`, `${m[1]}_sum`, `${m[1]}_count`] : [m[1]!]));
    for (const t of targets) {
      for (const name of t.expr.match(/\b(s3gw|process|nodejs)_[a-z0-9_]+/g) ?? []) expect(families, `${t.panel}: ${name}`).toContain(name);
    }
  });

  it('has expressions promtool parses (checked as recording rules)', () => {
    requireBinary('promtool');
    const dir = mkdtempSync(join(tmpdir(), 's3gw-dash-'));
    const rules = [
      'groups:',
      '  - name: dashboard',
      '    rules:',
      ...targets.flatMap((t, i) => [`      - record: s3gw:dashboard_panel_${i}`, `        expr: ${JSON.stringify(promql(t.expr))}`]),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'rules.yml'), rules);
    const check = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`SUCCESS: ${targets.length} rules found`);
  });

  it('has expressions a real Prometheus runs successfully over the scraped gateway', { timeout: 120_000 }, async () => {
    // Wait for the traffic above to be scraped twice.
    await eventually(async () => {
      const v = await prom.vector(promql('sum by (operation) (rate(s3gw_requests_total{job=~"$job"}[$__rate_interval]))'));
      return v.some((s) => s.metric.operation === 'PutObject' && Number(s.value[1]) > 0);
    }, 60_000, 500);
    for (const t of targets) {
      const answer = await prom.query(promql(t.expr));
      expect(answer.status, `${t.panel}: ${answer.error}`).toBe('success');
    }
    const nonEmpty = ['Request rate by operation', 'Request latency percentiles', 'Bytes in and out', 'Swift calls by method and status', 'Auth failures by reason', 'Upstreams up', 'Memory'];
    for (const title of nonEmpty) {
      const t = targets.find((x) => x.panel === title)!;
      const v = await prom.vector(promql(t.expr));
      expect(v.length, `${title} has data`).toBeGreaterThan(0);
    }
  });
});
