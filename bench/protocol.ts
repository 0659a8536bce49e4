// Messages between the benchmark (bench/run.ts) and its load generator
// (bench/loadgen.ts, a child process of its own so its CPU is not the
// measured processes' CPU). Sent over the IPC channel with the 'advanced'
// serialization, so latency arrays travel as Float64Arrays.
import type { Auth } from './signing.js';

/** Where requests go and how they authenticate. */
export interface TargetSpec {
  /** 'gateway', 'swift' or 's3api' (labels in results). */
  readonly name: string;
  /** http://127.0.0.1:port */
  readonly origin: string;
  /** S3 targets: '' (path style); Swift: the account path `/v1/AUTH_<project>`. */
  readonly basePath: string;
  /** Which API the target speaks (request and listing forms). */
  readonly api: 's3' | 'swift';
  readonly auth: Auth;
}

export type ObjectOp = 'PUT' | 'GET' | 'HEAD';

export interface ClosedLoopJob {
  readonly kind: 'closed-loop';
  readonly target: TargetSpec;
  readonly op: ObjectOp | 'LIST';
  readonly concurrency: number;
  /** Requests finishing in the warm-up are not counted. */
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly bucket: string;
  /** PUT: size of each object; GET: expected size of each body. */
  readonly objectSize: number;
  /** GET/HEAD read these keys round-robin. */
  readonly readKeys: readonly string[];
  /** PUT writes `<putPrefix><worker>/<n mod 16>`. */
  readonly putPrefix: string;
  /** LIST: the marker of each page ('' for the first) and a key each page must contain. */
  readonly pages?: readonly { readonly marker: string; readonly mustContain: string }[];
  readonly pageSize?: number;
}

export interface ClosedLoopResult {
  readonly ops: number;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  /** The measured window (after the warm-up); ops and errors are the requests that completed in it. */
  readonly elapsedMs: number;
  /** Every request that completed, warm-up and overrun included. */
  readonly completed: number;
  readonly latenciesMs: Float64Array;
}

/** All requests at once, each on its own connection: GETs of keys[i % keys.length]. */
export interface BurstJob {
  readonly kind: 'burst';
  readonly target: TargetSpec;
  readonly bucket: string;
  readonly keys: readonly string[];
  readonly requests: number;
}

export interface BurstResult {
  readonly statuses: Record<string, number>;
  readonly latenciesMs: Float64Array;
  readonly elapsedMs: number;
}

/** One large object, streamed from the generated pattern (PUT) or checked against it (GET). */
export interface LargeJob {
  readonly kind: 'large';
  readonly target: TargetSpec;
  readonly op: 'PUT' | 'GET';
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Extra request headers (signed), e.g. server-side encryption's. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LargeResult {
  readonly status: number;
  readonly bytes: number;
  readonly elapsedMs: number;
  /** GET: every byte matched the pattern and the length was right; PUT: the upload was accepted. */
  readonly verified: boolean;
  readonly etag?: string;
  readonly detail?: string;
}

/** Creates objects (listing fixtures) with some concurrency. */
export interface FillJob {
  readonly kind: 'fill';
  readonly target: TargetSpec;
  readonly bucket: string;
  readonly keys: readonly string[];
  readonly concurrency: number;
  readonly objectSize: number;
}

export interface FillResult {
  readonly created: number;
  readonly errorSamples: readonly string[];
}

/** One request, to learn whether a target supports something (e.g. SigV4). */
export interface ProbeJob {
  readonly kind: 'probe';
  readonly target: TargetSpec;
  readonly bucket: string;
  readonly key: string;
}

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

export type Job = ClosedLoopJob | BurstJob | LargeJob | FillJob | ProbeJob;

export type ResultOf<J extends Job> = J extends ClosedLoopJob
  ? ClosedLoopResult
  : J extends BurstJob
    ? BurstResult
    : J extends LargeJob
      ? LargeResult
      : J extends FillJob
        ? FillResult
        : ProbeResult;

export type ToLoadgen = { readonly id: number; readonly job: Job } | { readonly id: number; readonly stop: true };
export type FromLoadgen = { readonly id: number; readonly result?: unknown; readonly error?: string };
