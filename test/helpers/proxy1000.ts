// A Swift proxy of the local cluster with Swift's default
// max_manifest_segments (1000): stack.json's swift1000 (deploy/local/stack.sh
// starts it), or, on a stack set up before stack.sh had it, a temporary proxy
// process this test starts itself from a copy of the running proxy's config
// (another port, one process, the same rings, Keystone and memcached) and
// stops again by its pid. Nothing of the running stack is restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from './stack.js';

/**
 * Swift quirk: SLO GETs slow down to one segment a second after the tenth
 * segment under 1 MiB (rate_limit_under_size, rate_limit_segments_per_sec).
 * S3 parts are at least 5 MiB, so that never applies to real uploads; the
 * tests' parts of 1 KiB (so 1205 of them upload in seconds) would take 20
 * minutes to read. deploy/local/stack.sh sets the same for its proxy.
 */
export const NO_SMALL_SEGMENT_RATE_LIMIT = 'rate_limit_under_size = 0';

export interface Proxy1000 {
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/healthcheck`)).status === 200) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`the max_manifest_segments=1000 proxy at ${url} never answered /healthcheck`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function proxy1000(stack: Stack): Promise<Proxy1000> {
  if (stack.swift1000) return { url: stack.swift1000.url, stop: async () => {} };
  const conf = readFileSync(join(stack.dataDir, 'swift', 'proxy-server.conf'), 'utf8');
  const port = await freePort();
  const changed = conf
    .replace(/^bind_port = \d+$/m, `bind_port = ${port}`)
    .replace(/^workers = \d+$/m, 'workers = 0')
    .replace(/^log_name = .*$/m, 'log_name = proxy-server-1000-test')
    .replace(/^max_manifest_segments = \d+$/m, `max_manifest_segments = 1000\n${NO_SMALL_SEGMENT_RATE_LIMIT}`);
  if (!/max_manifest_segments = 1000/.test(changed)) throw new Error('the running proxy config has no [filter:slo] max_manifest_segments to change');
  const dir = mkdtempSync(join(tmpdir(), 'proxy1000-'));
  const file = join(dir, 'proxy-server.conf');
  writeFileSync(file, changed);
  const child: ChildProcess = spawn('swift-proxy-server', [file], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await healthy(url, Date.now() + 30_000);
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
