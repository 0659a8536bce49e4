// The alerting rules (deploy/prometheus/alerts.yml and the PrometheusRule
// manifest holding the same groups): promtool accepts them and their unit
// tests (deploy/prometheus/alerts.test.yml) pass; and in a real Prometheus
// scraping real gateways (one whose Keystone and Swift are unreachable, one
// whose token cache is too small, and an address where nothing answers) they
// fire on the metrics the gateway really exposes, with `for:` shortened to 0s
// so the test need not wait minutes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, repoRoot, startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { freePort, requireBinary, startPrometheus, type Prometheus } from '../helpers/prometheus.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';

const RULES = join(repoRoot, 'deploy', 'prometheus', 'alerts.yml');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

interface Rule { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }

describe('alerting rules', () => {
  it('pass promtool check rules, and the PrometheusRule manifest holds the very same groups', () => {
    requireBinary('promtool');
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 7 rules found');
    const plain = parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] };
    const manifest = parseYaml(read('deploy/kubernetes/monitoring/prometheusrule.yaml')) as { kind: string; spec: { groups: unknown } };
    expect(manifest.kind).toBe('PrometheusRule');
    expect(manifest.spec.groups).toEqual(plain.groups);
    expect(plain.groups[0]!.rules.map((r) => r.alert)).toEqual([
      'S3GatewayDown', 'S3GatewayAllDown', 'S3GatewayHighErrorRatio', 'S3GatewayHighLatency',
      'S3GatewayKeystoneUnavailable', 'S3GatewaySwiftUnavailable', 'S3GatewayTokenCacheThrashing',
    ]);
    for (const rule of plain.groups[0]!.rules) {
      expect(rule.labels.severity, rule.alert).toMatch(/^(critical|warning)$/);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it('pass their promtool unit tests (each alert fires when it should, and a healthy gateway fires none)', () => {
    requireBinary('promtool');
    const test = spawnSync('promtool', ['test', 'rules', 'deploy/prometheus/alerts.test.yml'], { cwd: repoRoot, encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('SUCCESS');
  });

  it('Prometheus loads the rules the compose file mounts beside its config', () => {
    expect(read('deploy/prometheus/prometheus.yml')).toMatch(/rule_files:\n {2}- alerts\.yml/);
    expect(read('docker-compose.yml')).toContain('./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro');
  });
});

describe('the alerts in a real Prometheus, on real gateways', () => {
  const stack = loadStack();
  let broken: GatewayProcess;
  let thrashing: GatewayProcess;
  let prom: Prometheus;
  let deadTarget = '';

  beforeAll(async () => {
    const nothing = await freePort();
    broken = await startGatewayProcess({
      authUrl: `http://127.0.0.1:${nothing}/v3`,
      settings: { 'swift.healthUrl': `http://127.0.0.1:${nothing}/healthcheck`, 'health.intervalMs': 500, 'health.timeoutMs': 300 },
    });
    thrashing = await startGatewayProcess({ settings: { 'keystone.cacheSize': 1 } });
    deadTarget = `127.0.0.1:${await freePort()}`;
    // The rules as shipped, waiting 0 s instead of minutes.
    const dir = mkdtempSync(join(tmpdir(), 's3gw-alerts-'));
    const rules = join(dir, 'alerts.yml');
    writeFileSync(rules, read('deploy/prometheus/alerts.yml').replace(/^(\s+for:) \S+$/gm, '$1 0s'));
    prom = await startPrometheus([`127.0.0.1:${broken.adminPort}`, `127.0.0.1:${thrashing.adminPort}`, deadTarget], 1, [rules]);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await broken?.stop();
    await thrashing?.stop();
  });

  it('fire: gateway down, Keystone and Swift unavailable, error ratio, token cache thrashing, each on the instance that has it', async () => {
    const keys = stack.users.demo.ec2;
    // Counters are born at their first increment: a rate needs Prometheus to
    // have seen them before they grew, so the traffic comes in rounds between scrapes.
    for (let round = 0; round < 6; round++) {
      // Keystone is unreachable for `broken`: every signed request is a 503.
      for (let i = 0; i < 5; i++) expect((await rawS3(broken.url, { method: 'GET', path: '/', keys })).status).toBe(503);
      // Two identities through a one-token cache: each request evicts the other's
      // token. rate() over the rule's 10 minutes divides by 600 s: 0.1/s takes
      // more than 60 evictions in the window.
      for (let i = 0; i < 14; i++) {
        const who = i % 2 === 0 ? stack.users.demo.ec2 : stack.users.alt.ec2;
        expect((await rawS3(thrashing.url, { method: 'GET', path: '/', keys: who })).status).toBe(200);
      }
      await new Promise((r) => setTimeout(r, 1500));
    }
    const wanted = {
      S3GatewayDown: deadTarget,
      S3GatewayKeystoneUnavailable: `127.0.0.1:${broken.adminPort}`,
      S3GatewaySwiftUnavailable: `127.0.0.1:${broken.adminPort}`,
      S3GatewayTokenCacheThrashing: `127.0.0.1:${thrashing.adminPort}`,
    };
    type Alert = { labels: Record<string, string>; state: string };
    let seen: string[] = [];
    const firing = await eventually(async () => {
      const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
      const alerts = body.data.alerts.filter((a) => a.state === 'firing');
      seen = alerts.map((a) => `${a.labels.alertname}@${a.labels.instance ?? a.labels.job}`);
      const has = (name: string, instance?: string) => alerts.some((a) => a.labels.alertname === name && (instance === undefined || a.labels.instance === instance));
      const all = Object.entries(wanted).every(([name, instance]) => has(name, instance)) && has('S3GatewayHighErrorRatio');
      return all ? alerts : undefined;
    }, 45_000, 1000).catch((err: Error) => {
      throw new Error(`${err.message}; firing: ${seen.join(', ') || 'none'}`);
    });
    // ...and only where they belong: the healthy-Keystone gateway is not said to have lost Keystone.
    const on = (name: string) => firing.filter((a) => a.labels.alertname === name).map((a) => a.labels.instance);
    expect(on('S3GatewayKeystoneUnavailable')).toEqual([`127.0.0.1:${broken.adminPort}`]);
    expect(on('S3GatewaySwiftUnavailable')).toEqual([`127.0.0.1:${broken.adminPort}`]);
    expect(on('S3GatewayDown')).toEqual([deadTarget]);
    expect(on('S3GatewayTokenCacheThrashing')).toEqual([`127.0.0.1:${thrashing.adminPort}`]);
    expect(firing.find((a) => a.labels.alertname === 'S3GatewayHighErrorRatio')!.labels).toMatchObject({ job: 's3gw', severity: 'warning' });
    // Every instance is not down, so the all-down alert stays quiet.
    expect(on('S3GatewayAllDown')).toEqual([]);
  }, 90_000);
});
