// What the global namespace (the bucket registry, ACL and policy checks)
// costs on the hot path: small GETs of a bucket without a policy or ACL
// grants, through one gateway in namespace.mode account and one in global,
// interleaved round by round, on the real stack and against the stand-in (the
// fake Keystone and Swift in the benchmark's process, where the gateway's CPU
// is all there is to see). The gateway's CPU comes from /proc.
import type { Stack } from '#stack';
import type { ClosedLoopJob, ClosedLoopResult } from './protocol.js';
import { swiftCallsOver, type GatewayProcess } from './gateway.js';
import { cpuMicros } from './procfs.js';
import type { NamespaceCell } from './report.js';
import { spread } from './stats.js';

const CONCURRENCY = 16;

export interface NamespaceCostDeps {
  /** Which backend the gateways talk to, for the cells' label. */
  readonly backend: 'stack' | 'standin';
  readonly stack: Stack;
  /** The benchmark's load generator (a separate process). */
  readonly loadgen: { run(job: ClosedLoopJob): Promise<ClosedLoopResult> };
  readonly rounds: number;
  /** A gateway process with these extra settings. */
  startGateway(label: string, settings: Readonly<Record<string, string | number | boolean>>): Promise<GatewayProcess>;
  /** The closed-loop GET job against a gateway at this URL. */
  getJob(url: string, label: string, concurrency: number, durationMs?: number): ClosedLoopJob;
  log(line: string): void;
}

export async function runNamespaceCost(d: NamespaceCostDeps): Promise<NamespaceCell[]> {
  const service = d.stack.users.s3gateway;
  const modes = {
    account: { 'namespace.mode': 'account' },
    global: {
      'namespace.mode': 'global',
      'keystone.service.username': service.username,
      'keystone.service.password': service.password,
      'keystone.service.projectName': service.projectName,
    },
  } as const;
  const gateways = {
    account: await d.startGateway('namespace-account', modes.account),
    global: await d.startGateway('namespace-global', modes.global),
  };
  // Long enough for V8 to optimise both gateways' hot paths before anything is measured.
  for (const mode of ['account', 'global'] as const) await d.loadgen.run(d.getJob(gateways[mode].url, `namespace-${mode}`, CONCURRENCY, 4000));
  const fresh = () => ({ rps: [] as number[], cpu: [] as number[], swiftCalls: [] as number[], extraCalls: [] as number[], errors: 0 });
  const acc = { account: fresh(), global: fresh() };
  try {
    for (let round = 0; round < d.rounds; round++) {
      const order = round % 2 === 0 ? (['account', 'global'] as const) : (['global', 'account'] as const);
      for (const mode of order) {
        const gw = gateways[mode];
        const before = cpuMicros(gw.pid);
        const counted = await swiftCallsOver(gw, () => d.loadgen.run(d.getJob(gw.url, `namespace-${mode}`, CONCURRENCY)));
        const res = counted.result;
        const cpu = cpuMicros(gw.pid) - before;
        acc[mode].swiftCalls.push(counted.swiftCallsPerRequest);
        acc[mode].extraCalls.push(counted.extraSwiftCallsPerSecond);
        // Everything the gateway did during the job is in the CPU delta: divide by every request it completed.
        const served = res.completed;
        acc[mode].rps.push(res.ops / (res.elapsedMs / 1000));
        acc[mode].cpu.push(cpu / Math.max(1, served));
        acc[mode].errors += res.errors;
        d.log(`namespace r${round + 1} ${mode}: ${(res.ops / (res.elapsedMs / 1000)).toFixed(0)} GET/s, ${(cpu / Math.max(1, served)).toFixed(0)} CPU µs/request${res.errors ? `, ${res.errors} errors: ${res.errorSamples[0]}` : ''}`);
      }
    }
  } finally {
    await Promise.all([gateways.account.stop(), gateways.global.stop()]);
  }
  // Each round's two measurements share the machine's state of that moment: their ratio is the figure.
  const ratios = acc.global.cpu.map((cpu, i) => cpu / acc.account.cpu[i]!);
  return (['account', 'global'] as const).map((mode) => ({
    mode, backend: d.backend, concurrency: CONCURRENCY, requestsPerSec: spread(acc[mode].rps), cpuMicrosPerRequest: spread(acc[mode].cpu), errors: acc[mode].errors, swiftCallsPerRequest: acc[mode].swiftCalls, extraSwiftCallsPerSecond: acc[mode].extraCalls,
    ...(mode === 'global' ? { cpuRatioPerRound: ratios } : {}),
  }));
}
