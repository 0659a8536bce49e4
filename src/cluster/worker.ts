// The worker side of `workers` > 1: the S3 listener without an admin port
// (the primary has it), its metrics answered to the primary's aggregation
// (prom-client's AggregatorRegistry over IPC), its readiness reported every
// second. Signals are the worker's own, as in a single process: the primary
// forwards SIGTERM (graceful stop) and SIGHUP (reload).
import { AggregatorRegistry } from 'prom-client';
import type { Running } from '../server.js';
import { READINESS_REPORT_MS, type WorkerMessage } from './messages.js';

/** Links a started worker to its primary; returns the function that stops the reports. */
export function linkWorker(running: Running): () => void {
  // Constructing one is what makes prom-client answer the primary's requests in a worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([running.metrics.registry]);
  const send = (message: WorkerMessage) => {
    // A primary that is gone (or going) no longer listens: nothing to do.
    if (process.connected) process.send?.(message, undefined, {}, () => undefined);
  };
  const address = running.s3.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  send({ s3gw: 'listening', s3: `http://127.0.0.1:${port}` });
  const report = () => send({ s3gw: 'readiness', report: running.readiness.report() });
  report();
  const timer = setInterval(report, READINESS_REPORT_MS).unref();
  return () => clearInterval(timer);
}
