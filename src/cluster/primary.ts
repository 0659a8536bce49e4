// The primary of `workers` > 1 (Node's cluster): forks the S3 workers, which
// share the S3 port, and serves the admin port for all of them:
//   /metrics  every worker's metrics, aggregated (counters and histograms
//             summed), and the primary's own (workers, restarts);
//   /healthz  200 while the primary runs;
//   /readyz   200 only when every worker is up, listening and ready (its own
//             Keystone and Swift checks), and the gateway is not stopping.
// A worker that dies is replaced (after 1 s); one that dies before it ever
// listened is a start-up failure (a bad setting): the primary stops with its
// exit code instead of restarting it forever. SIGTERM/SIGINT are forwarded to
// every worker (each finishes its requests in flight, as a single process
// does), SIGHUP too (each reloads).
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createAdminServer } from '../observe/admin.js';
import type { ReadinessReport } from '../observe/health.js';
import type { Logger } from '../observe/log.js';
import { isWorkerMessage } from './messages.js';

const RESTART_DELAY_MS = 1_000;

interface WorkerState {
  listening: boolean;
  report?: ReadinessReport;
}

export interface PrimaryOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly count: number;
}

/** Runs the primary until it is told to stop; resolves with the process's exit code. */
export async function runPrimary(opts: PrimaryOptions): Promise<number> {
  const { config, log, count } = opts;
  const states = new Map<Worker, WorkerState>();
  let stopping = false;
  let started = false;
  let exitCode = 0;
  let allEnded!: () => void;
  const ended = new Promise<void>((resolve) => { allEnded = resolve; });

  const own = new Registry();
  const workersGauge = new Gauge({ name: 's3gw_workers', help: 'S3 worker processes running', registers: [own] });
  const restarts = new Counter({ name: 's3gw_worker_restarts_total', help: 'S3 worker processes replaced after they ended unexpectedly', registers: [own] });
  const aggregator = new AggregatorRegistry();

  const fork = () => {
    const worker = cluster.fork();
    states.set(worker, { listening: false });
    workersGauge.set(states.size);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      const state = states.get(worker);
      if (!state) return;
      if (message.s3gw === 'readiness') state.report = message.report;
      else {
        state.listening = true;
        if (!started && [...states.values()].filter((s) => s.listening).length === count) {
          started = true;
          log.log('info', 'listening', { s3: message.s3.replace('127.0.0.1', config.listen.host), admin: adminUrl(), workers: count, pid: process.pid });
        }
      }
    });
    worker.on('exit', (code, signal) => {
      const state = states.get(worker);
      states.delete(worker);
      workersGauge.set(states.size);
      if (stopping) {
        if (states.size === 0) allEnded();
        return;
      }
      if (!state?.listening) {
        // It never listened: a setting it cannot start with. Restarting would only repeat that.
        log.log('error', 'a worker ended before it listened; stopping', { pid: worker.process.pid, code, signal });
        stopAll('worker start-up failure', code ?? 1);
        return;
      }
      log.log('error', 'a worker ended; starting another', { pid: worker.process.pid, code, signal });
      restarts.inc();
      setTimeout(() => { if (!stopping) fork(); }, RESTART_DELAY_MS).unref();
    });
  };

  const readiness = (): { ready: boolean; body: unknown } => {
    const workers = [...states.entries()].map(([w, s]) => ({
      pid: w.process.pid, listening: s.listening, status: s.report?.body.status ?? 'starting', ...(s.report?.body.failed ? { failed: s.report.body.failed } : {}),
    }));
    const ready = !stopping && workers.length === count && [...states.values()].every((s) => s.listening && s.report?.ready === true);
    const first = [...states.values()].find((s) => s.report)?.report;
    return { ready, body: { status: stopping ? 'stopping' : ready ? 'ready' : 'unavailable', workers, checks: first?.body.checks ?? {} } };
  };

  const admin = createAdminServer({
    metrics: {
      registry: {
        contentType: aggregator.contentType,
        metrics: async () => (await aggregator.clusterMetrics()) + '\n' + (await own.metrics()),
      },
    },
    readiness: { report: readiness },
  });
  const adminUrl = () => `http://${config.admin.host}:${(admin.address() as AddressInfo).port}`;

  const stopAll = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    log.log('info', 'stopping every worker', { why });
    for (const worker of states.keys()) worker.process.kill('SIGTERM');
    // A worker stops within its grace period; past that (and a margin) it is ended.
    const last = setTimeout(() => { for (const worker of states.keys()) worker.process.kill('SIGKILL'); }, config.shutdownGraceSeconds * 1000 + 5_000);
    last.unref();
    void ended.then(() => clearTimeout(last));
    if (states.size === 0) allEnded();
  };

  await new Promise<void>((resolve, reject) => { admin.once('error', reject); admin.listen(config.admin.port, config.admin.host, resolve); });
  process.on('SIGTERM', () => stopAll('SIGTERM', 0));
  process.on('SIGINT', () => stopAll('SIGINT', 0));
  process.on('SIGHUP', () => {
    log.log('info', 'SIGHUP: every worker reloads');
    for (const worker of states.keys()) worker.process.kill('SIGHUP');
  });
  for (let i = 0; i < count; i++) fork();
  await ended;
  admin.closeAllConnections();
  await new Promise<void>((resolve) => admin.close(() => resolve()));
  return exitCode;
}
