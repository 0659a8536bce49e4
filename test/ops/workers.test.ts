// `workers: 2` on a real gateway process against the local stack: two S3
// worker processes share the port and both serve; the primary's admin port
// aggregates their metrics and reports their health; a worker killed with -9
// is replaced; SIGHUP reaches every worker; SIGTERM lets a request in flight
// finish and ends everything with exit 0.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, signV2, stringToSignV2, type Keys } from '../helpers/raw-s3.js';
import { loadStack, writeGatewayFiles } from '../helpers/stack.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { uniqueBucket } from '../helpers/gateway.js';

const stack = loadStack();
const TWO = { S3GW_WORKERS: '2' };
const { demo, alt, third } = stack.users;
let gw: GatewayProcess | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** Parsed log lines with this msg. */
const lines = (msg: string) => gw!.stdout().split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
const admin = async (path: string) => {
  const res = await fetch(`${gw!.adminUrl}${path}`);
  return { status: res.status, text: await res.text() };
};
const metric = (text: string, name: string, labels = '') => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}` : ''}`) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};
/** ListBuckets on a connection of its own (a reused one would stay with one worker). */
const list = (keys: Keys) => rawS3(gw!.url, { method: 'GET', path: '/', keys, headers: { connection: 'close' } });
const workerPids = async () => (JSON.parse((await admin('/readyz')).text) as { workers: { pid: number }[] }).workers.map((w) => w.pid);

describe('workers: 2', () => {
  it('starts two workers that both serve the port, one listening line with both ports, the admin port counting every request', async () => {
    gw = await startGatewayProcess({ settings: { 'health.intervalMs': 500 }, env: TWO });
    expect(lines('listening')[0]).toMatchObject({ workers: 2 });
    expect(lines('worker listening')).toHaveLength(2);
    for (let i = 0; i < 40; i++) expect((await list(demo.ec2)).status).toBe(200);
    // The cluster spreads connections over the workers (round-robin): both served.
    const served = new Set(lines('request').map((l) => l['worker']));
    expect(served.size).toBe(2);
    const metrics = await admin('/metrics');
    expect(metrics.status).toBe(200);
    expect(metric(metrics.text, 's3gw_workers')).toBe(2);
    // Every worker's requests, summed into one series.
    const total = metrics.text.split('\n').filter((l) => l.startsWith('s3gw_requests_total{') && l.includes('operation="ListBuckets"')).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(total).toBe(40);
    const ready = await eventually(async () => { const r = await admin('/readyz'); return r.status === 200 && r; });
    const body = JSON.parse(ready.text) as { status: string; workers: { status: string }[] };
    expect(body.status).toBe('ready');
    expect(body.workers.map((w) => w.status)).toEqual(['ready', 'ready']);
    expect((await admin('/healthz')).status).toBe(200);
  }, 60_000);

  it('replaces a worker killed with -9: not ready meanwhile, ready again with two workers, a restart counted, requests served throughout', async () => {
    gw = await startGatewayProcess({ settings: { 'health.intervalMs': 500 }, env: TWO });
    const [victim, other] = await eventually(async () => { const p = await workerPids(); return p.length === 2 && p; });
    process.kill(victim!, 'SIGKILL');
    await eventually(async () => lines('a worker ended; starting another').length === 1);
    // One worker short (its replacement starts a second later): not ready, but the other one serves.
    expect((await admin('/readyz')).status).toBe(503);
    expect((await list(demo.ec2)).status).toBe(200);
    const pids = await eventually(async () => { const r = await admin('/readyz'); return r.status === 200 && workerPids(); }, 20_000);
    expect(pids).toHaveLength(2);
    expect(pids).toContain(other);
    expect(pids).not.toContain(victim);
    expect(metric((await admin('/metrics')).text, 's3gw_worker_restarts_total')).toBe(1);
    for (let i = 0; i < 10; i++) expect((await list(demo.ec2)).status).toBe(200);
  }, 60_000);

  it('forwards SIGHUP: every worker serves the new credentials file', async () => {
    gw = await startGatewayProcess({ settings: { 'reload.watchSeconds': 0 }, env: TWO });
    expect((await list(third.ec2)).text()).toContain('InvalidAccessKeyId');
    writeGatewayFiles(gw.dir, stack, { users: [alt, third], settings: { 'reload.watchSeconds': 0 } });
    gw.child.kill('SIGHUP');
    await eventually(async () => lines('reloaded').length === 2);
    // New connections each time: the cluster hands them to both workers in turn.
    for (let i = 0; i < 10; i++) {
      expect((await list(third.ec2)).status).toBe(200);
      expect((await list(demo.ec2)).text()).toContain('InvalidAccessKeyId');
    }
  }, 60_000);

  it('on SIGTERM lets an upload in flight finish, then every process ends and the primary exits 0', async () => {
    gw = await startGatewayProcess({ env: TWO });
    const bucket = uniqueBucket('workers');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys: demo.ec2 })).status).toBe(201);
    const body = Buffer.alloc(256 * 1024, 7);
    const url = new URL(gw.url);
    const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-length': String(body.length) };
    headers['authorization'] = `AWS ${demo.ec2.access}:${signV2(demo.ec2.secret, stringToSignV2('PUT', `/${bucket}/slow`, headers))}`;
    const status = new Promise<number>((resolve, reject) => {
      const r = request({ host: url.hostname, port: url.port, method: 'PUT', path: `/${bucket}/slow`, headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
      r.on('error', reject);
      r.write(body.subarray(0, 1024));
      // The rest after SIGTERM has reached the workers.
      setTimeout(() => r.end(body.subarray(1024)), 1500);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pids = await workerPids();
    gw.child.kill('SIGTERM');
    expect(await status).toBe(201);
    expect(await gw.exited).toEqual({ code: 0, signal: null });
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await purgeContainer(stack, 'demo', bucket);
  }, 60_000);
});
