// The load generator: a child process of the benchmark (forked with an IPC
// channel), so its CPU is neither the gateway's nor the orchestrator's. It runs
// one job at a time and answers with raw measurements; the benchmark does the
// statistics. HTTP goes through undici pools, one per job and target.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { PatternVerifier, patternStream } from './datastream.js';
import type {
  BurstJob,
  BurstResult,
  ClosedLoopJob,
  ClosedLoopResult,
  FillJob,
  FillResult,
  FromLoadgen,
  Job,
  LargeJob,
  LargeResult,
  ProbeJob,
  ProbeResult,
  TargetSpec,
  ToLoadgen,
} from './protocol.js';
import { authenticate, encodeKey, type PlainRequest } from './signing.js';

const SMALL_BODY_BYTE = 0x61;

function objectPath(target: TargetSpec, bucket: string, key: string): string {
  return `${target.basePath}/${bucket}/${encodeKey(key)}`;
}

function listRequest(target: TargetSpec, bucket: string, marker: string, pageSize: number): PlainRequest {
  const m = marker === '' ? '' : `&marker=${encodeURIComponent(marker)}`;
  return target.api === 's3'
    ? { method: 'GET', path: `/${bucket}`, query: `max-keys=${pageSize}${m}`, headers: {} }
    : { method: 'GET', path: `${target.basePath}/${bucket}`, query: `format=json&limit=${pageSize}${m}`, headers: {} };
}

function signed(target: TargetSpec, req: PlainRequest): PlainRequest {
  authenticate(req, target.auth, new URL(target.origin).host, new Date());
  return req;
}

interface Outcome {
  status: number;
  bytes: number;
  text?: string;
}

async function send(pool: Pool, req: PlainRequest, body?: Buffer | NodeJS.ReadableStream, keepText = false): Promise<Outcome> {
  const res = await pool.request({
    method: req.method as 'GET',
    path: req.query === '' ? req.path : `${req.path}?${req.query}`,
    headers: req.headers,
    body: (body as Buffer | undefined) ?? null,
  });
  let bytes = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) {
    bytes += (chunk as Buffer).length;
    if (keepText || res.statusCode >= 300) chunks.push(chunk as Buffer);
  }
  const text = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
  return { status: res.statusCode, bytes, text };
}

async function closedLoop(job: ClosedLoopJob): Promise<ClosedLoopResult> {
  const { target, op, bucket } = job;
  const pool = new Pool(target.origin, { connections: job.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const body = Buffer.alloc(job.objectSize, SMALL_BODY_BYTE);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let readAt = 0;
  let pageAt = 0;
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  let completed = 0;

  const one = async (worker: number, n: number): Promise<void> => {
    let req: PlainRequest;
    let expectBytes = -1;
    let mustContain: string | undefined;
    if (op === 'LIST') {
      const pages = job.pages ?? [];
      const page = pages[pageAt++ % pages.length]!;
      req = listRequest(target, bucket, page.marker, job.pageSize ?? 1000);
      mustContain = page.mustContain;
    } else if (op === 'PUT') {
      req = {
        method: 'PUT',
        path: objectPath(target, bucket, `${job.putPrefix}${worker}/${n % 16}`),
        query: '',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
      };
    } else {
      const key = job.readKeys[readAt++ % job.readKeys.length]!;
      req = { method: op, path: objectPath(target, bucket, key), query: '', headers: {} };
      if (op === 'GET') expectBytes = job.objectSize;
    }
    signed(target, req);
    const t0 = performance.now();
    let ok = false;
    let why = '';
    try {
      const out = await send(pool, req, op === 'PUT' ? body : undefined, mustContain !== undefined);
      ok = out.status >= 200 && out.status < 300 && (expectBytes < 0 || out.bytes === expectBytes);
      if (ok && mustContain !== undefined && !out.text?.includes(mustContain)) {
        ok = false;
        why = `page without ${mustContain}`;
      }
      if (!ok && !why) why = `${op} ${out.status} ${out.bytes}B ${(out.text ?? '').slice(0, 200)}`;
    } catch (err) {
      why = `${op} ${(err as Error).message}`;
    }
    const t1 = performance.now();
    completed++;
    // Counted by completion inside the window, so a target that stalls for the
    // whole window scores 0 instead of vanishing (a request may start in the warm-up).
    if (t1 >= measureFrom && t1 <= end) {
      if (ok) latencies.push(t1 - t0);
      else {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(why);
      }
    }
  };

  const worker = async (w: number): Promise<void> => {
    for (let n = 0; performance.now() < end; n++) await one(w, n);
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, w) => worker(w)));
  await pool.close();
  return { ops: latencies.length, errors, errorSamples, elapsedMs: job.durationMs, completed, latenciesMs: Float64Array.from(latencies) };
}

async function burst(job: BurstJob): Promise<BurstResult> {
  const pool = new Pool(job.target.origin, { connections: job.requests, pipelining: 1 });
  const statuses: Record<string, number> = {};
  const latencies = new Float64Array(job.requests);
  const reqs = Array.from({ length: job.requests }, (_, i) =>
    signed(job.target, { method: 'GET', path: objectPath(job.target, job.bucket, job.keys[i % job.keys.length]!), query: '', headers: {} }),
  );
  const start = performance.now();
  await Promise.all(
    reqs.map(async (req, i) => {
      const t0 = performance.now();
      let label: string;
      try {
        label = String((await send(pool, req)).status);
      } catch (err) {
        label = (err as { code?: string }).code ?? 'error';
      }
      latencies[i] = performance.now() - t0;
      statuses[label] = (statuses[label] ?? 0) + 1;
    }),
  );
  const elapsedMs = performance.now() - start;
  await pool.close();
  return { statuses, latenciesMs: latencies, elapsedMs };
}

async function large(job: LargeJob): Promise<LargeResult> {
  const pool = new Pool(job.target.origin, { connections: 1, bodyTimeout: 600_000, headersTimeout: 600_000 });
  const path = objectPath(job.target, job.bucket, job.key);
  try {
    if (job.op === 'PUT') {
      const req = signed(job.target, {
        method: 'PUT',
        path,
        query: '',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(job.size), ...job.headers },
      });
      const t0 = performance.now();
      const res = await pool.request({ method: 'PUT', path, headers: req.headers, body: patternStream(job.size) });
      const text = await res.body.text();
      const elapsedMs = performance.now() - t0;
      const etag = res.headers['etag'];
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        status: res.statusCode,
        bytes: job.size,
        elapsedMs,
        verified: ok,
        etag: typeof etag === 'string' ? etag.replace(/"/g, '') : undefined,
        detail: ok ? undefined : text.slice(0, 300),
      };
    }
    const req = signed(job.target, { method: 'GET', path, query: '', headers: { ...job.headers } });
    const t0 = performance.now();
    const res = await pool.request({ method: 'GET', path, headers: req.headers });
    const verifier = new PatternVerifier();
    for await (const chunk of res.body) verifier.update(chunk as Buffer);
    const elapsedMs = performance.now() - t0;
    const verified = res.statusCode === 200 && verifier.matches(job.size);
    const etag = res.headers['etag'];
    return {
      status: res.statusCode,
      bytes: verifier.bytes,
      elapsedMs,
      verified,
      etag: typeof etag === 'string' ? etag.replace(/"/g, '') : undefined,
      detail: verified ? undefined : `got ${verifier.bytes} of ${job.size} bytes, first difference at ${verifier.mismatchAt ?? 'none'}`,
    };
  } finally {
    await pool.close();
  }
}

async function fill(job: FillJob): Promise<FillResult> {
  const pool = new Pool(job.target.origin, { connections: job.concurrency });
  const body = Buffer.alloc(job.objectSize, SMALL_BODY_BYTE);
  let at = 0;
  let created = 0;
  const errorSamples: string[] = [];
  const worker = async () => {
    while (at < job.keys.length) {
      const key = job.keys[at++]!;
      const req = signed(job.target, {
        method: 'PUT',
        path: objectPath(job.target, job.bucket, key),
        query: '',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
      });
      const out = await send(pool, req, body).catch((err: Error) => ({ status: 0, bytes: 0, text: err.message }));
      if (out.status >= 200 && out.status < 300) created++;
      else if (errorSamples.length < 5) errorSamples.push(`${key}: ${out.status} ${out.text ?? ''}`.slice(0, 200));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  await pool.close();
  return { created, errorSamples };
}

async function probe(job: ProbeJob): Promise<ProbeResult> {
  const pool = new Pool(job.target.origin, { connections: 1 });
  try {
    const req = signed(job.target, { method: 'GET', path: objectPath(job.target, job.bucket, job.key), query: '', headers: {} });
    const out = await send(pool, req, undefined, true);
    return { status: out.status, body: (out.text ?? '').slice(0, 500) };
  } finally {
    await pool.close();
  }
}

function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'closed-loop':
      return closedLoop(job);
    case 'burst':
      return burst(job);
    case 'large':
      return large(job);
    case 'fill':
      return fill(job);
    case 'probe':
      return probe(job);
  }
}

process.on('message', (msg: ToLoadgen) => {
  if ('stop' in msg) {
    process.disconnect();
    return;
  }
  run(msg.job).then(
    (result) => process.send!({ id: msg.id, result } satisfies FromLoadgen),
    (err: unknown) => process.send!({ id: msg.id, error: (err as Error).stack ?? String(err) } satisfies FromLoadgen),
  );
});
