// A real Prometheus server (Debian's `prometheus` package; scripts/ensure-test-packages.sh
// installs it) scraping given targets every second, with its data in a temp dir,
// and a client for its HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface PromQueryAnswer {
  readonly status: 'success' | 'error';
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: { readonly resultType: string; readonly result: unknown[] };
}

export interface Prometheus {
  readonly url: string;
  /** Instant query through /api/v1/query; the whole answer, errors included. */
  query(expr: string): Promise<PromQueryAnswer>;
  /** Instant query that must succeed: its vector samples. */
  vector(expr: string): Promise<PromSample[]>;
  /** Range query through /api/v1/query_range. */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<PromQueryAnswer>;
  stop(): Promise<void>;
}

export function requireBinary(name: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
  if (!found) throw new Error(`${name} is not installed: run scripts/ensure-test-packages.sh (as root)`);
}

/** Starts Prometheus scraping each target's /metrics every `scrapeSeconds` as job "s3gw", evaluating `ruleFiles` (absolute paths). */
export async function startPrometheus(targets: readonly string[], scrapeSeconds = 1, ruleFiles: readonly string[] = []): Promise<Prometheus> {
  requireBinary('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 's3gw-prom-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${scrapeSeconds}s`,
      `  evaluation_interval: ${scrapeSeconds}s`,
      ...(ruleFiles.length ? ['rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      '  - job_name: s3gw',
      `    scrape_interval: ${scrapeSeconds}s`,
      `    scrape_timeout: ${scrapeSeconds}s`,
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus not ready in 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
    return (await res.json()) as PromQueryAnswer;
  };
  return {
    url,
    query,
    async vector(expr) {
      const answer = await query(expr);
      if (answer.status !== 'success') throw new Error(`query ${expr} failed: ${answer.errorType}: ${answer.error}`);
      return (answer.data?.result ?? []) as PromSample[];
    },
    async queryRange(expr, start, end, step) {
      const body = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
      const res = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body });
      return (await res.json()) as PromQueryAnswer;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
