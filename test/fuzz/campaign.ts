// One fuzzing campaign: a gateway in front of the real local stack (global
// bucket names, AWS dialect), a bucket of demo's where fuzzed writes may land,
// a bucket of another project (alt) with no grants that demo's requests aim at
// too, then `requests` generated requests from `seed`, a few at a time, each
// judged by the oracle; the gateway's logs are watched for internal errors and
// the process for unhandled rejections; at the end alt's bucket is read
// straight from Swift and must be exactly as it was.
import fc from 'fast-check';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { swiftDirect, versionRows } from '../helpers/swift-direct.js';
import { fuzzCaseArb, type FuzzTargets } from './arbitraries.js';
import { judge } from './oracle.js';
import { describeRequest, send, wireRequest } from './wire.js';

export interface Failure {
  readonly index: number;
  readonly seed: number;
  readonly request: string;
  readonly answer: string;
  readonly problems: readonly string[];
}

export interface CampaignResult {
  readonly seed: number;
  readonly requests: number;
  readonly seconds: number;
  /** `403 AccessDenied` → how many. */
  readonly labels: Record<string, number>;
  /** The first request that got each label (secrets cut), to see what the fuzzer reached. */
  readonly examples: Record<string, string>;
  /** The first failing cases (at most 200 kept; failureCount counts them all). */
  readonly failures: Failure[];
  readonly failureCount: number;
  /** Internal errors and unhandled rejections the gateway logged or raised. */
  readonly gatewayErrors: string[];
  /** How alt's bucket differs from before (empty: unchanged). */
  readonly victimChanges: string[];
}

export interface CampaignOptions {
  readonly seed: number;
  readonly requests: number;
  readonly concurrency?: number;
  /** Only this case index (replay of a reported failure). */
  readonly only?: number;
  readonly progress?: (line: string) => void;
  readonly progressEvery?: number;
}

// In the other project's key names and object bytes: no answer to demo may carry them.
const VICTIM_MARKER = 'vq7f3a9c';
const VICTIM_BYTES = `${VICTIM_MARKER}: never readable or writable by demo`;

/** The seed of case `index`: cases are independent draws, so one can be replayed alone. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

async function snapshot(gw: TestGateway, bucket: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  const head = await swiftDirect(gw.stack, 'alt', 'HEAD', bucket);
  state.set('(container metadata)', Object.entries(head.headers).filter(([k]) => k.startsWith('x-container-meta-') || k === 'x-container-read' || k === 'x-container-write' || k === 'x-versions-enabled').sort().map(([k, v]) => `${k}=${v}`).join(';'));
  const list = await swiftDirect(gw.stack, 'alt', 'GET', bucket, undefined, { query: { format: 'json' } });
  for (const row of JSON.parse(list.body.toString() || '[]') as { name: string; hash: string; bytes: number }[]) {
    const obj = await swiftDirect(gw.stack, 'alt', 'GET', bucket, row.name);
    state.set(row.name, `${obj.status} ${obj.body.toString('base64')} ${Object.entries(obj.headers).filter(([k]) => k.startsWith('x-object-meta-')).sort().join(';')}`);
  }
  state.set('(versions)', (await versionRows(gw.stack, 'alt', bucket)).map((v) => `${v.name}@${v.version_id}`).sort().join(','));
  for (const hidden of ['+segments', '+locks']) {
    const h = await swiftDirect(gw.stack, 'alt', 'GET', bucket + hidden, undefined, { query: { format: 'json' } });
    state.set(hidden, `${h.status} ${h.body.toString()}`);
  }
  return state;
}

async function setUp(gw: TestGateway): Promise<FuzzTargets> {
  const demo = gw.stack.users.demo.ec2;
  const alt = gw.stack.users.alt.ec2;
  const own = uniqueBucket('fuzz');
  const victim = uniqueBucket('fuzz-victim');
  const ok = (what: string, res: { status: number; text(): string }) => {
    if (res.status !== 200) throw new Error(`fuzz setup: ${what} answered ${res.status} ${res.text().slice(0, 300)}`);
  };
  ok('create own bucket', await rawS3(gw.url, { method: 'PUT', path: `/${own}`, keys: demo }));
  ok('create victim bucket', await rawS3(gw.url, { method: 'PUT', path: `/${victim}`, keys: alt }));
  const ownKeys = ['obj', 'dir/obj', 'a b', 'x/y/z', 'mp', 'ümlaut'];
  const victimKeys = [`${VICTIM_MARKER}-secret`, `dir/${VICTIM_MARKER}`];
  for (const key of ownKeys) ok(`put ${key}`, await rawS3(gw.url, { method: 'PUT', path: `/${own}/${key.split('/').map(encodeURIComponent).join('/')}`, keys: demo, body: `own ${key}` }));
  for (const key of victimKeys) ok(`put victim ${key}`, await rawS3(gw.url, { method: 'PUT', path: `/${victim}/${key}`, keys: alt, body: `${VICTIM_BYTES} (${key})` }));
  const upload = await rawS3(gw.url, { method: 'POST', path: `/${own}/mp?uploads`, keys: demo });
  ok('create multipart upload', upload);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(upload.text())![1]!;
  return { own, victim, scratch: uniqueBucket('fuzz-scratch'), ownKeys, victimKeys, uploadId };
}

/** Removes what the campaign made in demo's account (best effort) and alt's bucket. */
async function tearDown(gw: TestGateway, t: FuzzTargets): Promise<void> {
  const { purgeBucket } = await import('../helpers/swift-direct.js');
  for (const b of [t.own, t.scratch]) {
    await purgeBucket(gw.stack, 'demo', b).catch(() => {});
    for (const suffix of ['+STANDARD_IA', '+ec21']) await purgeBucket(gw.stack, 'demo', b + suffix).catch(() => {});
    await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: gw.stack.users.demo.ec2 }).catch(() => {});
  }
  await purgeBucket(gw.stack, 'alt', t.victim).catch(() => {});
  await rawS3(gw.url, { method: 'DELETE', path: `/${t.victim}`, keys: gw.stack.users.alt.ec2 }).catch(() => {});
}

function gatewayProblems(gw: TestGateway, into: string[]): void {
  for (const line of gw.logs) {
    if (line['level'] === 'error') into.push(`${String(line['msg'])} ${JSON.stringify(line).slice(0, 600)}`);
  }
  // The long run writes millions of lines: keep only what was not read yet.
  gw.logs.length = 0;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const gw = await startGateway({ keystoneEc2: true, dialect: 'aws', env: { S3GW_LOG_LEVEL: 'warn' } });
  const gatewayErrors: string[] = [];
  const onRejection = (err: unknown) => gatewayErrors.push(`unhandled rejection: ${String((err as Error)?.stack ?? err)}`);
  const onException = (err: unknown) => gatewayErrors.push(`uncaught exception: ${String((err as Error)?.stack ?? err)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  const started = Date.now();
  const labels: Record<string, number> = {};
  const examples: Record<string, string> = {};
  const failures: Failure[] = [];
  let failureCount = 0;
  let targets: FuzzTargets | undefined;
  try {
    targets = await setUp(gw);
    const before = await snapshot(gw, targets.victim);
    const arb = fuzzCaseArb(targets);
    const signers = { demo: gw.stack.users.demo.ec2, region: 'us-east-1' };
    const indexes = opts.only !== undefined ? [opts.only] : Array.from({ length: opts.requests }, (_, i) => i);
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (;;) {
        const index = indexes[next++];
        if (index === undefined) return;
        const [c] = fc.sample(arb, { seed: caseSeed(opts.seed, index), numRuns: 1 });
        const req = wireRequest(c!, gw.url, signers);
        const described = describeRequest(req, c!.chunked);
        const answer = await send(gw.url, req, c!.chunked, 30_000);
        let label: string;
        let problems: string[];
        if (typeof answer === 'string') {
          label = answer.startsWith('not sent') ? `not sent (node:http refused it: ${answer.replace(/^not sent: /, '').slice(0, 60)})` : 'no answer';
          problems = label === 'no answer' ? [answer] : [];
        } else {
          ({ label, problems } = judge(c!, answer, { bytes: VICTIM_BYTES, names: VICTIM_MARKER }, described + (req.body?.toString('latin1') ?? '')));
          // A 503 is the stack's failure, not the gateway's, only when the gateway logged Swift or Keystone failing for it.
          const transId = answer.headers['x-amz-request-id'];
          if (answer.status === 503 && gw.logs.some((l) => l['transId'] === transId && l['msg'] === 'upstream unavailable')) {
            problems = problems.filter((p) => !p.startsWith('503'));
            label = `${label} (the stack failed)`;
          }
        }
        labels[label] = (labels[label] ?? 0) + 1;
        examples[label] ??= described.slice(0, 400);
        if (problems.length > 0) failureCount++;
        if (problems.length > 0 && failures.length < 200) {
          const answerText = typeof answer === 'string' ? answer : `${answer.status} ${JSON.stringify(answer.headers)}\n${answer.body.subarray(0, 800).toString('utf8')}`;
          const failure = { index, seed: opts.seed, request: described, answer: answerText, problems };
          failures.push(failure);
          // A long run shows its first failures as they happen, not only at its end.
          if (opts.progress && failures.length <= 20) opts.progress(formatFailure(failure));
        }
        done++;
        if (opts.progress && done % (opts.progressEvery ?? 1000) === 0) {
          gatewayProblems(gw, gatewayErrors);
          const rate = done / ((Date.now() - started) / 1000);
          opts.progress(`fuzz seed=${opts.seed}: ${done}/${indexes.length} requests, ${rate.toFixed(0)}/s, ${failureCount} failing, ${gatewayErrors.length} gateway errors`);
        } else if (done % 1000 === 0) gatewayProblems(gw, gatewayErrors);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
    gatewayProblems(gw, gatewayErrors);
    const after = await snapshot(gw, targets.victim);
    const victimChanges: string[] = [];
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(key) !== after.get(key)) victimChanges.push(`${key}: ${before.get(key)?.slice(0, 200)} → ${after.get(key)?.slice(0, 200)}`);
    }
    return { seed: opts.seed, requests: indexes.length, seconds: (Date.now() - started) / 1000, labels, examples, failures, failureCount, gatewayErrors, victimChanges };
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtExceptionMonitor', onException);
    if (targets) await tearDown(gw, targets);
    await gw.stop();
  }
}

function formatFailure(f: Failure): string {
  return `--- case ${f.index} (replay: FUZZ_SEED=${f.seed} FUZZ_ONLY=${f.index} npm run fuzz): ${f.problems.join('; ')}\n${f.request}\n=> ${f.answer}`;
}

/** The report of a campaign: counts by status and code, then each failure with its seed and index. */
export function formatResult(r: CampaignResult, maxFailures = 20, examples = false): string {
  const lines = [`fuzz seed=${r.seed}: ${r.requests} requests in ${r.seconds.toFixed(0)} s (${(r.requests / r.seconds).toFixed(0)}/s)`];
  for (const [label, n] of Object.entries(r.labels).sort(([, a], [, b]) => b - a)) {
    lines.push(`  ${String(n).padStart(7)}  ${label}`);
    if (examples) lines.push(`           e.g. ${r.examples[label]!.replace(/\n/g, '\n                ')}`);
  }
  lines.push(`failures: ${r.failureCount}; gateway errors: ${r.gatewayErrors.length}; other project's bucket changed: ${r.victimChanges.length > 0 ? 'YES' : 'no'}`);
  for (const f of r.failures.slice(0, maxFailures)) lines.push(formatFailure(f));
  for (const e of r.gatewayErrors.slice(0, maxFailures)) lines.push(`--- gateway: ${e}`);
  for (const v of r.victimChanges) lines.push(`--- changed: ${v}`);
  return lines.join('\n');
}
