// What a worker tells the primary over the cluster's IPC channel: that it
// listens (and where), and its readiness whenever it is asked or changes.
import type { ReadinessReport } from '../observe/health.js';

export type WorkerMessage =
  | { readonly s3gw: 'listening'; readonly s3: string }
  | { readonly s3gw: 'readiness'; readonly report: ReadinessReport };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const kind = (value as { s3gw?: unknown } | null)?.s3gw;
  return kind === 'listening' || kind === 'readiness';
}

/** How often a worker reports its readiness (the primary's /readyz reads the last reports). */
export const READINESS_REPORT_MS = 1_000;
