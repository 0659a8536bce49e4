// `npm run bench`: where the gateway stands against direct Swift (the ceiling)
// and Swift's own s3api, on the local stack. The load comes from a separate
// process (bench/loadgen.ts); the gateway runs as its own process too
// (`node dist/main.js --config <generated>`), so its memory and CPU can be read
// from /proc. Targets are measured in interleaved rounds (gateway, Swift,
// s3api, the starting target rotating each round) so machine noise hits each alike.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTopSelfTime, topSelfTime, type CpuProfile } from './cpuprofile.js';
import { keystoneToken } from './keystone-token.js';
import { counterSum, gatewayNodeArgs, scrapeMetrics, startGateway, swiftCallsOver, type GatewayProcess } from './gateway.js';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './options.js';
import { cpuMicros, machine, readMemory, resetPeak, RssSampler } from './procfs.js';
import { runNamespaceCost } from './namespace-cost.js';
import { runSseCost } from './sse-cost.js';
import { ServiceCpu } from './service-cpu.js';
import type { ClosedLoopJob, FromLoadgen, Job, ObjectOp, ResultOf, TargetSpec } from './protocol.js';
import {
  evaluateTargets,
  GATEWAY,
  markdownReport,
  RELAY,
  S3API,
  SWIFT,
  targetLines,
  type BenchResults,
  type ColdCell,
  type LargeCell,
  type ListCell,
  type SmallCell,
  type NamespaceCell,
  type SseCell,
  type StandInCell,
} from './report.js';
import type { SigningMode } from './signing.js';
import { STAND_IN_BUCKET, STAND_IN_KEY, STAND_IN_LIST_CONTAINER, STAND_IN_LIST_ROWS, startFakeBackend } from './fake-backend.js';
import { concatSamples, spread, summarizeLatencies } from './stats.js';
// The stack module as `#stack` (package.json "imports"): the same specifier from bench/ and dist/bench/.
import { credentialOf, loadStack, type Stack, type StackStorageUser as StackUser } from '#stack';

// Built to dist/bench/bench/ (tsconfig.bench.json compiles bench/ and test/helpers/fake-swift/).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const SMALL_BUCKET = 'bench-small';
const LARGE_BUCKET = 'bench-large';
const LIST_BUCKET = 'bench-list-10k';
const SMALL_SIZE = 4096;
const READ_KEYS = Array.from({ length: 100 }, (_, i) => `read/${String(i).padStart(3, '0')}`);
const LIST_KEYS = Array.from({ length: 10_000 }, (_, i) => `key-${String(i).padStart(5, '0')}`);
const PAGE_SIZE = 1000;
const LIST_CONCURRENCIES = [1, 8];
const COLD_REQUESTS = 200;
const COLD_KEYS = 20;
const STAND_IN_CONCURRENCIES = [16, 64];
const STAND_IN_LIST_CONCURRENCIES = [1, 8];

function log(line: string): void {
  process.stderr.write(line + '\n');
}

/** The load generator child process and its request/answer channel. */
class Loadgen {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;

  constructor() {
    this.#child = fork(join(dirname(fileURLToPath(import.meta.url)), 'loadgen.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (msg: FromLoadgen) => {
      const waiter = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.error !== undefined) waiter?.reject(new Error(`load generator: ${msg.error}`));
      else waiter?.resolve(msg.result);
    });
    this.#child.on('exit', (code) => {
      for (const w of this.#pending.values()) w.reject(new Error(`the load generator exited (${code})`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  run<J extends Job>(job: J): Promise<ResultOf<J>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, job });
    });
  }

  stop(): void {
    if (this.#child.connected) this.#child.send({ id: 0, stop: true });
  }
}

/**
 * Counts token validations (`GET /v3/auth/tokens`) in Keystone's uwsgi log from
 * `fromByte` on: what Swift's authtoken asks Keystone when it sees a token it has
 * not cached. Every client of the shared stack is counted, so it is an indication.
 */
function keystoneValidations(logFile: string | undefined, fromByte: number): number | undefined {
  if (!logFile || !existsSync(logFile)) return undefined;
  const text = readFileSync(logFile).subarray(fromByte).toString('utf8');
  return text.split('\n').filter((l) => l.includes('] GET /v3/auth/tokens')).length;
}

function fileSize(file: string | undefined): number {
  return file && existsSync(file) ? statSync(file).size : 0;
}

/** The targets in round-robin order, starting one further each round. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function s3Target(name: string, origin: string, user: StackUser, signing: SigningMode, region: string): TargetSpec {
  return { name, origin, basePath: '', api: 's3', auth: { kind: 's3', mode: signing, keys: user.ec2, region } };
}

/** Swift calls the benchmark makes for its own setup (not measured). */
async function swiftCall(swift: TargetSpec, method: string, path: string): Promise<Response> {
  const res = await fetch(`${swift.origin}${swift.basePath}${path}`, {
    method,
    headers: { 'x-auth-token': swift.auth.kind === 'swift-token' ? swift.auth.token : '' },
  });
  await res.arrayBuffer();
  return res;
}

async function ensureContainer(swift: TargetSpec, name: string): Promise<void> {
  const res = await swiftCall(swift, 'PUT', `/${name}`);
  if (res.status !== 201 && res.status !== 202) throw new Error(`cannot create container ${name}: Swift answered ${res.status}`);
}

/** Tracks the main gateway's peak RSS over the whole run, across resets of VmHWM. */
class RunPeak {
  bytes = 0;
  readonly #pid: number;
  readonly #sampler: RssSampler;
  constructor(pid: number) {
    this.#pid = pid;
    this.#sampler = new RssSampler(pid, 100);
  }
  fold(): void {
    try {
      this.bytes = Math.max(this.bytes, readMemory(this.#pid).hwmBytes);
    } catch {
      // gone
    }
  }
  stop(): number {
    this.fold();
    this.bytes = Math.max(this.bytes, this.#sampler.stop());
    return this.bytes;
  }
}

interface Ctx {
  readonly opts: BenchOptions;
  readonly loadgen: Loadgen;
  readonly stack: Stack;
  readonly swift: TargetSpec;
  readonly s3api: TargetSpec;
  readonly profileDir?: string;
  /** The Swift proxy behind the gateway and direct Swift, and the one running s3api: their CPU, from /proc. */
  readonly proxies?: { readonly swift: ServiceCpu; readonly s3api: ServiceCpu };
}

/** The proxy that serves a target's requests (s3api runs inside its own proxy). */
const proxyOf = (ctx: Ctx, target: TargetSpec) => (target.name === S3API ? ctx.proxies?.s3api : ctx.proxies?.swift);

/** CPU (µs) of the gateway (when the target is it) and of the serving proxy, over `run`. */
async function withCpu<T>(ctx: Ctx, target: TargetSpec, gwPid: number | undefined, run: () => Promise<T>): Promise<{ result: T; gatewayUs?: number; proxyUs?: number }> {
  const proxy = proxyOf(ctx, target);
  const gw0 = gwPid === undefined ? undefined : cpuMicros(gwPid);
  const p0 = proxy?.micros();
  const result = await run();
  return {
    result,
    ...(gw0 === undefined ? {} : { gatewayUs: cpuMicros(gwPid!) - gw0 }),
    ...(p0 === undefined ? {} : { proxyUs: proxy!.micros() - p0 }),
  };
}

/** A raw TCP relay process in front of the Swift proxy (relay.ts), as a Swift target of its own. */
async function startRelay(ctx: Ctx): Promise<{ target: TargetSpec; pid: number; stop(): void }> {
  const swift = new URL(ctx.swift.origin);
  const child = fork(join(root, 'dist/bench/bench/relay.js'), [swift.hostname, swift.port], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the relay exited (${code}) before listening`)));
  });
  return { target: { ...ctx.swift, name: RELAY, origin: `http://127.0.0.1:${port}` }, pid: child.pid!, stop: () => child.kill() };
}

function closedLoop(ctx: Ctx, target: TargetSpec, op: ObjectOp | 'LIST', concurrency: number, extra: Partial<ClosedLoopJob> = {}): ClosedLoopJob {
  return {
    kind: 'closed-loop',
    target,
    op,
    concurrency,
    warmupMs: ctx.opts.warmupS * 1000,
    durationMs: ctx.opts.durationS * 1000,
    bucket: SMALL_BUCKET,
    objectSize: SMALL_SIZE,
    readKeys: READ_KEYS,
    putPrefix: `put/${target.name}/c${concurrency}/`,
    ...extra,
  };
}

async function runSmall(ctx: Ctx, gateway: TargetSpec, gw: GatewayProcess): Promise<SmallCell[]> {
  const gwPid = gw.pid;
  const ops: ObjectOp[] = ['PUT', 'GET', 'HEAD'];
  const acc = new Map<string, { op: string; concurrency: number; target: string; rounds: number[]; samples: Float64Array[]; errors: number; errorSamples: string[]; gatewayCpu: number[]; proxyCpu: number[]; swiftCalls: number[]; extraCalls: number[] }>();
  for (let round = 0; round < ctx.opts.rounds; round++) {
    for (const concurrency of ctx.opts.concurrencies) {
      for (const op of ops) {
        for (const target of rotate([gateway, ctx.swift, ctx.s3api], round)) {
          const job = () => ctx.loadgen.run(closedLoop(ctx, target, op, concurrency));
          const counted = target.name === GATEWAY ? await swiftCallsOver(gw, () => withCpu(ctx, target, gwPid, job)) : { result: await withCpu(ctx, target, undefined, job), swiftCallsPerRequest: undefined, extraSwiftCallsPerSecond: undefined };
          const measured = counted.result;
          const res = measured.result;
          const opsPerSec = res.ops / (res.elapsedMs / 1000);
          const key = `${op}/${concurrency}/${target.name}`;
          const a = acc.get(key) ?? { op, concurrency, target: target.name, rounds: [], samples: [], errors: 0, errorSamples: [], gatewayCpu: [], proxyCpu: [], swiftCalls: [], extraCalls: [] };
          // Everything done during the job is in the CPU deltas: divided by every request that completed.
          const per = Math.max(1, res.completed);
          if (measured.gatewayUs !== undefined) a.gatewayCpu.push(measured.gatewayUs / per);
          if (measured.proxyUs !== undefined) a.proxyCpu.push(measured.proxyUs / per);
          if (counted.swiftCallsPerRequest !== undefined) a.swiftCalls.push(counted.swiftCallsPerRequest);
          if (counted.extraSwiftCallsPerSecond !== undefined) a.extraCalls.push(counted.extraSwiftCallsPerSecond);
          a.rounds.push(opsPerSec);
          a.samples.push(res.latenciesMs);
          a.errors += res.errors;
          a.errorSamples.push(...res.errorSamples.slice(0, 3 - a.errorSamples.length));
          acc.set(key, a);
          const l = summarizeLatencies(res.latenciesMs);
          const cpu = `${measured.gatewayUs !== undefined ? `, gateway ${(measured.gatewayUs / per).toFixed(0)}` : ''}${measured.proxyUs !== undefined ? `, proxy ${(measured.proxyUs / per).toFixed(0)}` : ''} CPU µs/request`;
          log(`small r${round + 1} c=${concurrency} ${op} ${target.name}: ${opsPerSec.toFixed(0)} ops/s, p50 ${l.p50.toFixed(2)} p99 ${l.p99.toFixed(2)} ms${cpu}${res.errors ? `, ${res.errors} errors: ${res.errorSamples[0]}` : ''}`);
        }
      }
    }
  }
  return [...acc.values()].map((a) => ({
    op: a.op,
    concurrency: a.concurrency,
    target: a.target,
    rounds: a.rounds,
    opsPerSec: spread(a.rounds),
    latencyMs: summarizeLatencies(concatSamples(a.samples)),
    errors: a.errors,
    ...(a.errorSamples.length ? { errorSamples: a.errorSamples } : {}),
    ...(a.gatewayCpu.length ? { gatewayCpuMicrosPerOp: a.gatewayCpu } : {}),
    ...(a.proxyCpu.length ? { proxyCpuMicrosPerOp: a.proxyCpu } : {}),
    ...(a.swiftCalls.length ? { swiftCallsPerOp: a.swiftCalls, extraSwiftCallsPerSecond: a.extraCalls } : {}),
  }));
}

async function runLarge(ctx: Ctx, gateway: TargetSpec, gw: GatewayProcess, peak: RunPeak): Promise<LargeCell[]> {
  await ensureContainer(ctx.swift, LARGE_BUCKET);
  const size = ctx.opts.largeBytes;
  const acc = new Map<string, { op: 'PUT' | 'GET'; target: string; rounds: number[]; verified: boolean; failures: string[]; peaks: number[]; gatewayCpu: number[]; proxyCpu: number[]; relayCpu: number[] }>();
  const etags = new Set<string>();
  const relay = await startRelay(ctx);
  try {
    for (let round = 0; round < ctx.opts.rounds; round++) {
      for (const op of ['PUT', 'GET'] as const) {
        for (const target of rotate([gateway, ctx.swift, ctx.s3api, relay.target], round)) {
          const isGateway = target.name === GATEWAY;
          let sampler: RssSampler | undefined;
          if (isGateway) {
            peak.fold();
            resetPeak(gw.pid);
            sampler = new RssSampler(gw.pid, 20);
          }
          const relay0 = target.name === RELAY ? cpuMicros(relay.pid) : undefined;
          const measured = await withCpu(ctx, target, isGateway ? gw.pid : undefined, () => ctx.loadgen.run({ kind: 'large', target, op, bucket: LARGE_BUCKET, key: `large/${target.name}`, size }));
          const relayUs = relay0 === undefined ? undefined : cpuMicros(relay.pid) - relay0;
          const res = measured.result;
          const key = `${op}/${target.name}`;
          const a = acc.get(key) ?? { op, target: target.name, rounds: [], verified: true, failures: [], peaks: [], gatewayCpu: [], proxyCpu: [], relayCpu: [] };
          const mbPerSec = res.bytes / 1e6 / (res.elapsedMs / 1000);
          // CPU-seconds per GB (10^9 bytes) moved.
          const perGb = (us: number) => us / 1e6 / Math.max(1e-9, res.bytes / 1e9);
          if (measured.gatewayUs !== undefined) a.gatewayCpu.push(perGb(measured.gatewayUs));
          if (measured.proxyUs !== undefined) a.proxyCpu.push(perGb(measured.proxyUs));
          if (relayUs !== undefined) a.relayCpu.push(perGb(relayUs));
          if (res.verified) a.rounds.push(mbPerSec);
          else {
            a.verified = false;
            a.failures.push(`${res.status} ${res.detail ?? ''}`.slice(0, 300));
          }
          if (op === 'PUT' && res.etag) etags.add(res.etag);
          let rss = '';
          if (sampler) {
            const peakBytes = Math.max(sampler.stop(), readMemory(gw.pid).hwmBytes);
            a.peaks.push(peakBytes);
            rss = `, gateway peak RSS ${(peakBytes / 1e6).toFixed(0)} MB`;
          }
          acc.set(key, a);
          const cpu = ([['gateway', measured.gatewayUs], ['proxy', measured.proxyUs], ['relay', relayUs]] as const)
            .flatMap(([name, us]) => (us === undefined ? [] : [`${name} ${perGb(us).toFixed(2)}`])).join(', ');
          log(`large r${round + 1} ${op} ${target.name}: ${mbPerSec.toFixed(0)} MB/s${res.verified ? ' (verified)' : ` FAILED ${res.status} ${res.detail ?? ''}`}${rss}${cpu ? `, CPU s/GB: ${cpu}` : ''}`);
        }
      }
    }
  } finally {
    relay.stop();
    for (const name of [GATEWAY, SWIFT, S3API, RELAY]) await swiftCall(ctx.swift, 'DELETE', `/${LARGE_BUCKET}/large/${name}`).catch(() => undefined);
  }
  if (etags.size > 1) log(`large: the three PUTs of the same bytes returned different ETags: ${[...etags].join(', ')}`);
  return [...acc.values()].map((a) => ({
    op: a.op,
    target: a.target,
    sizeBytes: size,
    rounds: a.rounds,
    mbPerSec: spread(a.rounds),
    verified: a.verified && (a.op !== 'PUT' || etags.size <= 1),
    ...(a.failures.length ? { failures: a.failures } : {}),
    ...(a.target === GATEWAY ? { gatewayPeakRssBytes: a.peaks } : {}),
    ...(a.gatewayCpu.length ? { gatewayCpuSecPerGb: a.gatewayCpu } : {}),
    ...(a.proxyCpu.length ? { proxyCpuSecPerGb: a.proxyCpu } : {}),
    ...(a.relayCpu.length ? { relayCpuSecPerGb: a.relayCpu } : {}),
  }));
}

async function ensureListBucket(ctx: Ctx): Promise<void> {
  await ensureContainer(ctx.swift, LIST_BUCKET);
  const head = await swiftCall(ctx.swift, 'HEAD', `/${LIST_BUCKET}`);
  const count = Number(head.headers.get('x-container-object-count') ?? 0);
  if (count === LIST_KEYS.length) return;
  log(`list: filling ${LIST_BUCKET} (${count} of ${LIST_KEYS.length} keys) directly in Swift...`);
  const res = await ctx.loadgen.run({ kind: 'fill', target: ctx.swift, bucket: LIST_BUCKET, keys: LIST_KEYS, concurrency: 32, objectSize: 0 });
  if (res.created !== LIST_KEYS.length) throw new Error(`list: created ${res.created} of ${LIST_KEYS.length} keys: ${res.errorSamples.join('; ')}`);
}

async function runList(ctx: Ctx, gateway: TargetSpec): Promise<ListCell[]> {
  await ensureListBucket(ctx);
  const pages = Array.from({ length: LIST_KEYS.length / PAGE_SIZE }, (_, i) => ({
    marker: i === 0 ? '' : LIST_KEYS[i * PAGE_SIZE - 1]!,
    mustContain: LIST_KEYS[i * PAGE_SIZE + PAGE_SIZE - 1]!,
  }));
  const acc = new Map<string, { concurrency: number; target: string; rounds: number[]; samples: Float64Array[]; errors: number; errorSamples: string[] }>();
  for (let round = 0; round < ctx.opts.rounds; round++) {
    for (const concurrency of LIST_CONCURRENCIES) {
      for (const target of rotate([gateway, ctx.swift, ctx.s3api], round)) {
        const res = await ctx.loadgen.run(closedLoop(ctx, target, 'LIST', concurrency, { bucket: LIST_BUCKET, pages, pageSize: PAGE_SIZE }));
        const pagesPerSec = res.ops / (res.elapsedMs / 1000);
        const key = `${concurrency}/${target.name}`;
        const a = acc.get(key) ?? { concurrency, target: target.name, rounds: [], samples: [], errors: 0, errorSamples: [] };
        a.rounds.push(pagesPerSec);
        a.samples.push(res.latenciesMs);
        a.errors += res.errors;
        a.errorSamples.push(...res.errorSamples.slice(0, 3 - a.errorSamples.length));
        acc.set(key, a);
        const l = summarizeLatencies(res.latenciesMs);
        log(`list r${round + 1} c=${concurrency} ${target.name}: ${pagesPerSec.toFixed(0)} pages/s, mean ${l.mean.toFixed(2)} p99 ${l.p99.toFixed(2)} ms${res.errors ? `, ${res.errors} errors: ${res.errorSamples[0]}` : ''}`);
      }
    }
  }
  return [...acc.values()].map((a) => ({
    concurrency: a.concurrency,
    target: a.target,
    rounds: a.rounds,
    pagesPerSec: spread(a.rounds),
    latencyMs: summarizeLatencies(concatSamples(a.samples)),
    errors: a.errors,
    ...(a.errorSamples.length ? { errorSamples: a.errorSamples } : {}),
  }));
}

async function runCold(ctx: Ctx, startMain: (label: string) => Promise<GatewayProcess>): Promise<ColdCell[]> {
  const keys = READ_KEYS.slice(0, COLD_KEYS);
  const keystoneLog = ctx.stack.logDir ? join(ctx.stack.logDir, 'keystone-uwsgi.log') : undefined;
  const acc = new Map<string, { samples: Float64Array[]; statuses: Record<string, number>; calls: number[]; keystoneMs: number[]; swiftMs: number[]; validations: number[] }>();
  const add = (name: string, latencies: Float64Array, statuses: Record<string, number>, gw?: { calls: number; keystoneMs: number; swiftMs: number; validations?: number }) => {
    const a = acc.get(name) ?? { samples: [], statuses: {}, calls: [], keystoneMs: [], swiftMs: [], validations: [] };
    if (gw?.validations !== undefined) a.validations.push(gw.validations);
    a.samples.push(latencies);
    for (const [s, n] of Object.entries(statuses)) a.statuses[s] = (a.statuses[s] ?? 0) + n;
    if (gw) {
      a.calls.push(gw.calls);
      a.keystoneMs.push(gw.keystoneMs);
      a.swiftMs.push(gw.swiftMs);
    }
    acc.set(name, a);
  };
  for (let round = 0; round < ctx.opts.rounds; round++) {
    for (const which of rotate([GATEWAY, SWIFT, S3API], round)) {
      if (which === GATEWAY) {
        const gw = await startMain(`cold-${round + 1}`);
        try {
          const target = s3Target(GATEWAY, gw.url, ctx.stack.users.demo, ctx.opts.signing, 'us-east-1');
          const logFrom = fileSize(keystoneLog);
          const res = await ctx.loadgen.run({ kind: 'burst', target, bucket: SMALL_BUCKET, keys, requests: COLD_REQUESTS });
          const validations = keystoneValidations(keystoneLog, logFrom);
          const metrics = await scrapeMetrics(gw);
          const calls = counterSum(metrics, 's3gw_keystone_requests_total', { kind: 'token' });
          // Where the time went: the token call itself, and the Swift calls made with the new token.
          const keystoneMs = (1000 * counterSum(metrics, 's3gw_keystone_request_duration_seconds_sum', { kind: 'token' })) / Math.max(1, calls);
          const swiftMs = (1000 * counterSum(metrics, 's3gw_swift_request_duration_seconds_sum')) / Math.max(1, counterSum(metrics, 's3gw_swift_request_duration_seconds_count'));
          add(GATEWAY, res.latenciesMs, res.statuses, { calls, keystoneMs, swiftMs, validations });
          log(`cold r${round + 1} gateway: ${calls} Keystone token call(s) of ${keystoneMs.toFixed(0)} ms, Swift calls ${swiftMs.toFixed(0)} ms on average, ${validations ?? '?'} token validations in Keystone's log, statuses ${JSON.stringify(res.statuses)}, p99 ${summarizeLatencies(res.latenciesMs).p99.toFixed(1)} ms`);
        } finally {
          await gw.stop();
        }
      } else {
        const target = which === SWIFT ? ctx.swift : ctx.s3api;
        const res = await ctx.loadgen.run({ kind: 'burst', target, bucket: SMALL_BUCKET, keys, requests: COLD_REQUESTS });
        add(which, res.latenciesMs, res.statuses);
        log(`cold r${round + 1} ${which} (warm): statuses ${JSON.stringify(res.statuses)}, p99 ${summarizeLatencies(res.latenciesMs).p99.toFixed(1)} ms`);
      }
    }
  }
  return [GATEWAY, SWIFT, S3API].flatMap((name) => {
    const a = acc.get(name);
    if (!a) return [];
    return [{
      target: name,
      requests: COLD_REQUESTS,
      keys: COLD_KEYS,
      ...(name === GATEWAY ? { keystoneCalls: a.calls, keystoneCallMs: a.keystoneMs, swiftCallMeanMs: a.swiftMs } : {}),
      ...(name === GATEWAY && a.validations.length ? { keystoneValidations: a.validations } : {}),
      statuses: a.statuses,
      latencyMs: summarizeLatencies(concatSamples(a.samples)),
    }];
  });
}

async function runStandIn(ctx: Ctx): Promise<StandInCell[]> {
  const user = ctx.stack.users.demo;
  const backend = await startFakeBackend(user, READ_KEYS);
  const gw = await startGateway({
    root,
    label: 'standin-gateway',
    authUrl: backend.authUrl,
    credentials: [credentialOf(user)],
    cpuProfileDir: ctx.profileDir,
  });
  const cells: StandInCell[] = [];
  let peakRssBytes: number | undefined;
  try {
    const targets: Partial<Record<SigningMode, TargetSpec>> = {};
    const unavailable: Partial<Record<SigningMode, string>> = {};
    for (const mode of ['v2', 'v4'] as const) {
      const target = s3Target(GATEWAY, gw.url, user, mode, 'us-east-1');
      // Capability probe: does the gateway verify this signing mode?
      const probe = await ctx.loadgen.run({ kind: 'probe', target, bucket: STAND_IN_BUCKET, key: STAND_IN_KEY });
      if (probe.status === 200) targets[mode] = target;
      else unavailable[mode] = `n/a: the gateway answered ${probe.status} ${/<Code>([^<]*)<\/Code>/.exec(probe.body)?.[1] ?? ''}`.trim();
      log(`standin: Signature ${mode.toUpperCase()} probe → ${probe.status}${targets[mode] ? '' : ` (${unavailable[mode]})`}`);
    }
    const acc = new Map<string, { rps: number[]; cpu: number[]; perCore: number[]; samples: Float64Array[]; errors: number }>();
    for (const target of Object.values(targets)) {
      // Long enough for V8 to optimise the hot paths: the first seconds cost twice as much CPU per request.
      await ctx.loadgen.run(closedLoop(ctx, target, 'GET', 16, { bucket: STAND_IN_BUCKET, readKeys: [STAND_IN_KEY], warmupMs: 0, durationMs: ctx.opts.quick ? 1000 : 4000 }));
    }
    // Listing pages: the first 1000 keys of the seeded container (truncated: more follow).
    const listPages = [{ marker: '', mustContain: `<Key>key-${String(STAND_IN_LIST_ROWS - 1).padStart(5, '0')}</Key>` }];
    const listJob = (target: TargetSpec, concurrency: number, durationMs?: number) =>
      closedLoop(ctx, target, 'LIST', concurrency, { bucket: STAND_IN_LIST_CONTAINER, pages: listPages, pageSize: STAND_IN_LIST_ROWS, warmupMs: 0, ...(durationMs ? { durationMs } : {}) });
    if (targets.v2) await ctx.loadgen.run(listJob(targets.v2, 1, ctx.opts.quick ? 1000 : 3000));
    const measure = async (key: string, label: string, job: ClosedLoopJob) => {
      // Everything the gateway did during the job is in the CPU delta, so nothing is left out as warm-up.
      const before = cpuMicros(gw.pid);
      const res = await ctx.loadgen.run(job);
      const cpu = cpuMicros(gw.pid) - before;
      const requests = res.completed;
      const a = acc.get(key) ?? { rps: [], cpu: [], perCore: [], samples: [], errors: 0 };
      a.rps.push(res.ops / (res.elapsedMs / 1000));
      a.cpu.push(cpu / requests);
      a.perCore.push(requests / (cpu / 1e6));
      a.samples.push(res.latenciesMs);
      a.errors += res.errors;
      acc.set(key, a);
      log(`standin r${label}: ${(res.ops / (res.elapsedMs / 1000)).toFixed(0)} req/s, ${(cpu / requests).toFixed(0)} CPU µs/request${res.errors ? `, ${res.errors} errors: ${res.errorSamples[0]}` : ''}`);
    };
    for (let round = 0; round < ctx.opts.rounds; round++) {
      for (const concurrency of STAND_IN_CONCURRENCIES) {
        for (const [mode, target] of Object.entries(targets)) {
          await measure(`GET/${mode}/${concurrency}`, `${round + 1} GET ${mode} c=${concurrency}`, closedLoop(ctx, target, 'GET', concurrency, { bucket: STAND_IN_BUCKET, readKeys: [STAND_IN_KEY], warmupMs: 0 }));
        }
      }
      for (const concurrency of STAND_IN_LIST_CONCURRENCIES) {
        if (targets.v2) await measure(`LIST/v2/${concurrency}`, `${round + 1} LIST v2 c=${concurrency}`, listJob(targets.v2, concurrency));
      }
    }
    peakRssBytes = readMemory(gw.pid).hwmBytes;
    log(`standin: gateway peak RSS ${(peakRssBytes / 1e6).toFixed(0)} MB`);
    const cellOf = (op: 'GET' | 'LIST', mode: SigningMode, concurrency: number): StandInCell => {
      const a = acc.get(`${op}/${mode}/${concurrency}`);
      if (!a) return { op, signing: mode, concurrency, unavailable: unavailable[mode] ?? 'n/a' };
      return {
        op,
        signing: mode,
        concurrency,
        requestsPerSec: spread(a.rps),
        cpuMicrosPerRequest: spread(a.cpu),
        requestsPerCoreSec: spread(a.perCore),
        latencyMs: summarizeLatencies(concatSamples(a.samples)),
        errors: a.errors,
        peakRssBytes,
      };
    };
    for (const mode of ['v2', 'v4'] as const) {
      for (const concurrency of STAND_IN_CONCURRENCIES) cells.push(cellOf('GET', mode, concurrency));
    }
    for (const concurrency of STAND_IN_LIST_CONCURRENCIES) cells.push(cellOf('LIST', 'v2', concurrency));
  } finally {
    await gw.stop();
    await backend.close();
  }
  return cells;
}

function resultsFile(opts: BenchOptions, started: Date): string {
  if (opts.out) return resolve(opts.out);
  const day = started.toISOString().slice(0, 10);
  return join(root, 'bench', 'results', `${day}${opts.quick ? '-quick' : ''}.json`);
}

function summariseProfiles(dir: string): { label: string; summary: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => ({ label: f, summary: formatTopSelfTime(topSelfTime(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile, 25)) }));
}

async function main(argv: readonly string[]): Promise<void> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const opts = parsed;
  const started = new Date();
  const loadStart = loadavg();
  const stack = loadStack();
  const demo = stack.users.demo;
  const storage = new URL(demo.storageUrl);
  const only = new Set(opts.only);
  // The stand-in workload alone needs no running stack (only stack.json's demo credentials).
  const needsStack = opts.only.some((w) => w !== 'standin');
  const token = needsStack ? await keystoneToken(stack, demo) : 'unused';
  const swift: TargetSpec = { name: SWIFT, origin: storage.origin, basePath: storage.pathname.replace(/\/+$/, ''), api: 'swift', auth: { kind: 'swift-token', token } };
  const s3api = s3Target(S3API, stack.s3api.url, demo, opts.signing, stack.s3api.region);
  const profileDir = opts.profile ? mkdtempSync(join(tmpdir(), 's3gw-bench-profile-')) : undefined;
  if (profileDir) log(`profiling the gateways (CPU profiles in ${profileDir}); profiled numbers run slower than unprofiled ones`);
  const loadgen = new Loadgen();
  const runDir = join(stack.dataDir, 'run');
  const proxies = needsStack ? { swift: new ServiceCpu(runDir, 'proxy'), s3api: new ServiceCpu(runDir, 's3proxy') } : undefined;
  const ctx: Ctx = { opts, loadgen, stack, swift, s3api, profileDir, proxies };
  // BENCH_STORAGE_CLASSES (CLASS=policy,...): the main gateway with s3.storageClasses, to show what classes cost STANDARD requests.
  const classes = process.env['BENCH_STORAGE_CLASSES'];
  const startMain = (label: string) =>
    startGateway({ root, label, authUrl: stack.keystone.authUrl, keystoneRegion: stack.keystone.region, credentials: [credentialOf(demo)], cpuProfileDir: profileDir, settings: classes ? { 's3.storageClasses': classes } : undefined });
  log(`bench: ${opts.only.join(', ')}; ${opts.rounds} round(s) of ${opts.durationS} s (+${opts.warmupS} s warm-up); signing ${opts.signing}`);

  let small: SmallCell[] = [];
  let large: LargeCell[] = [];
  let list: ListCell[] = [];
  let cold: ColdCell[] = [];
  let standIn: StandInCell[] = [];
  let namespace: NamespaceCell[] = [];
  let sse: SseCell[] = [];
  let runPeakBytes: number | undefined;
  try {
    if (needsStack) await ensureContainer(swift, SMALL_BUCKET);
    if (only.has('small') || only.has('cold') || only.has('namespace')) {
      const fill = await loadgen.run({ kind: 'fill', target: swift, bucket: SMALL_BUCKET, keys: READ_KEYS, concurrency: 8, objectSize: SMALL_SIZE });
      if (fill.created !== READ_KEYS.length) throw new Error(`cannot write the objects to read: ${fill.errorSamples.join('; ')}`);
    }
    if (only.has('small') || only.has('large') || only.has('list')) {
      const gw = await startMain(GATEWAY);
      const gateway = s3Target(GATEWAY, gw.url, demo, opts.signing, 'us-east-1');
      const peak = new RunPeak(gw.pid);
      try {
        if (only.has('small')) small = await runSmall(ctx, gateway, gw);
        if (only.has('large')) large = await runLarge(ctx, gateway, gw, peak);
        if (only.has('list')) list = await runList(ctx, gateway);
      } finally {
        runPeakBytes = peak.stop();
        await gw.stop();
      }
      log(`gateway peak RSS over the run: ${(runPeakBytes / 1e6).toFixed(0)} MB`);
    }
    if (only.has('cold')) cold = await runCold(ctx, startMain);
    if (only.has('standin')) standIn = await runStandIn(ctx);
    if (only.has('namespace')) {
      const rounds = Math.max(2, opts.rounds);
      const backend = await startFakeBackend(demo, READ_KEYS, stack.users.s3gateway);
      try {
        namespace = await runNamespaceCost({
          backend: 'standin', stack, loadgen, rounds, log,
          startGateway: (label, settings) => startGateway({ root, label: `standin-${label}`, authUrl: backend.authUrl, credentials: [credentialOf(demo)], settings, cpuProfileDir: profileDir }),
          getJob: (url, label, concurrency, durationMs) => closedLoop(ctx, s3Target(label, url, demo, opts.signing, 'us-east-1'), 'GET', concurrency, { bucket: STAND_IN_BUCKET, readKeys: [STAND_IN_KEY], ...(durationMs ? { durationMs, warmupMs: 0 } : {}) }),
        });
      } finally {
        await backend.close();
      }
      namespace = [...namespace, ...(await runNamespaceCost({
        backend: 'stack', stack, loadgen, rounds, log,
        startGateway: (label, settings) => startGateway({ root, label, authUrl: stack.keystone.authUrl, keystoneRegion: stack.keystone.region, credentials: [credentialOf(demo)], settings: classes ? { ...settings, 's3.storageClasses': classes } : settings, cpuProfileDir: profileDir }),
        getJob: (url, label, concurrency, durationMs) => closedLoop(ctx, s3Target(label, url, demo, opts.signing, 'us-east-1'), 'GET', concurrency, durationMs ? { durationMs, warmupMs: 0 } : {}),
      }))];
    }
    if (only.has('sse')) {
      await ensureContainer(swift, LARGE_BUCKET);
      sse = await runSseCost({
        loadgen, rounds: opts.rounds, sizeBytes: opts.largeBytes, bucket: LARGE_BUCKET, log,
        startGateway: (label, settings) => startGateway({ root, label, authUrl: stack.keystone.authUrl, keystoneRegion: stack.keystone.region, credentials: [credentialOf(demo)], settings, cpuProfileDir: profileDir }),
        target: (url, label) => s3Target(label, url, demo, opts.signing, 'us-east-1'),
        remove: async (key) => { await swiftCall(swift, 'DELETE', `/${LARGE_BUCKET}/${key}`); },
      });
    }
  } finally {
    loadgen.stop();
  }

  const partial = { small, large, list, cold, gatewayRunPeakRssBytes: runPeakBytes };
  const results: BenchResults = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    loadAverage: { start: loadStart, end: loadavg() },
    options: { ...opts, ...(gatewayNodeArgs().length ? { gatewayNodeArgs: gatewayNodeArgs() } : {}) },
    ...partial,
    standIn,
    namespace,
    sse,
    checks: evaluateTargets({ ...partial, standIn, namespace, sse }),
    ...(profileDir ? { profiles: summariseProfiles(profileDir) } : {}),
  };
  const file = resultsFile(opts, started);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  const report = markdownReport(results);
  writeFileSync(file.replace(/\.json$/, '') + '.md', report + '\n');
  process.stdout.write(`\n${report}\n\n${targetLines(results.checks)}\n\nResults: ${file}\n`);
  for (const p of results.profiles ?? []) process.stdout.write(`\nCPU profile ${p.label}:\n${p.summary}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
