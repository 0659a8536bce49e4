// What server-side encryption costs on the data path: large PUTs and GETs
// through one gateway, plain and in each mode (SSE-S3 and SSE-KMS with the
// keyring provider, SSE-C), interleaved round by round on the real stack.
// Reported: MB/s (issue 17: each encrypted mode at least 0.8× plain, the
// median of the per-round ratios) and the gateway's CPU seconds per GB moved,
// from /proc. The keyring is a fresh directory with one random key.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayProcess } from './gateway.js';
import { cpuMicros } from './procfs.js';
import type { LargeJob, LargeResult, TargetSpec } from './protocol.js';
import type { SseCell, SseMode } from './report.js';
import { spread } from './stats.js';

const KEY_ID = 'bench1';

export interface SseCostDeps {
  readonly loadgen: { run(job: LargeJob): Promise<LargeResult> };
  readonly rounds: number;
  readonly sizeBytes: number;
  /** A bucket of the gateway's user that exists. */
  readonly bucket: string;
  startGateway(label: string, settings: Readonly<Record<string, string | number | boolean>>): Promise<GatewayProcess>;
  /** The S3 target of a gateway at this URL. */
  target(url: string, label: string): TargetSpec;
  /** Removes an object of the bucket (directly in Swift) after the run. */
  remove(key: string): Promise<void>;
  log(line: string): void;
}

/** The request headers of each mode: for the PUT, and for the GET (SSE-C sends its key on both). */
function modeHeaders(): Record<SseMode, { put: Record<string, string>; get: Record<string, string> }> {
  const customerKey = randomBytes(32);
  const customer = {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': customerKey.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(customerKey).digest('base64'),
  };
  return {
    plain: { put: {}, get: {} },
    'sse-s3': { put: { 'x-amz-server-side-encryption': 'AES256' }, get: {} },
    'sse-kms': { put: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': KEY_ID }, get: {} },
    'sse-c': { put: customer, get: customer },
  };
}

export async function runSseCost(d: SseCostDeps): Promise<SseCell[]> {
  const keyring = mkdtempSync(join(tmpdir(), 's3gw-bench-keyring-'));
  writeFileSync(join(keyring, KEY_ID), randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const gw = await d.startGateway('sse', {
    'encryption.keyring.dir': keyring,
    'encryption.keyring.current': KEY_ID,
    // The benchmark talks plain HTTP to the gateway, as the tests do.
    'encryption.customerKeysOverHttp': true,
  });
  const headers = modeHeaders();
  const modes = Object.keys(headers) as SseMode[];
  const acc = new Map<string, { mode: SseMode; op: 'PUT' | 'GET'; mbPerSec: number[]; cpu: number[]; verified: boolean; failures: string[] }>();
  const target = d.target(gw.url, 'gateway-sse');
  try {
    for (let round = 0; round < d.rounds; round++) {
      // A different mode goes first each round: none always meets a warmer or colder machine.
      const order = modes.map((_, i) => modes[(i + round) % modes.length]!);
      for (const op of ['PUT', 'GET'] as const) {
        for (const mode of order) {
          const before = cpuMicros(gw.pid);
          const res = await d.loadgen.run({ kind: 'large', target, op, bucket: d.bucket, key: `sse/${mode}`, size: d.sizeBytes, headers: op === 'PUT' ? headers[mode].put : headers[mode].get });
          const us = cpuMicros(gw.pid) - before;
          const a = acc.get(`${op}/${mode}`) ?? { mode, op, mbPerSec: [], cpu: [], verified: true, failures: [] };
          const mbPerSec = res.bytes / 1e6 / (res.elapsedMs / 1000);
          const perGb = us / 1e6 / Math.max(1e-9, res.bytes / 1e9);
          if (res.verified) {
            a.mbPerSec.push(mbPerSec);
            a.cpu.push(perGb);
          } else {
            a.verified = false;
            a.failures.push(`${res.status} ${res.detail ?? ''}`.slice(0, 300));
          }
          acc.set(`${op}/${mode}`, a);
          d.log(`sse r${round + 1} ${op} ${mode}: ${res.verified ? `${mbPerSec.toFixed(0)} MB/s, gateway CPU ${perGb.toFixed(2)} s/GB` : `FAILED ${res.status} ${res.detail ?? ''}`}`);
        }
      }
    }
  } finally {
    await gw.stop();
    for (const mode of modes) await d.remove(`sse/${mode}`).catch(() => undefined);
    rmSync(keyring, { recursive: true, force: true });
  }
  return [...acc.values()].map((a) => ({
    mode: a.mode,
    op: a.op,
    sizeBytes: d.sizeBytes,
    rounds: a.mbPerSec,
    mbPerSec: spread(a.mbPerSec),
    gatewayCpuSecondsPerGb: spread(a.cpu),
    verified: a.verified,
    ...(a.failures.length ? { failures: a.failures } : {}),
  }));
}
