// Command line of `npm run bench`. Pure, so test/bench covers it.
import { SIGNING_MODES, type SigningMode } from './signing.js';

export const WORKLOADS = ['small', 'large', 'list', 'cold', 'standin', 'namespace', 'sse'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly only: readonly Workload[];
  /** Measured seconds per target per round. */
  readonly durationS: number;
  /** Unmeasured seconds before each measurement (connections, caches, JIT). */
  readonly warmupS: number;
  readonly rounds: number;
  readonly concurrencies: readonly number[];
  readonly largeBytes: number;
  /** How the gateway and s3api requests are signed. */
  readonly signing: SigningMode;
  /** Run the gateways under `node --cpu-prof` and summarise where their CPU went. */
  readonly profile: boolean;
  /** Results file; default bench/results/<date>[-quick].json. */
  readonly out?: string;
}

export const USAGE = `Usage: npm run bench -- [options]

Benchmarks the gateway against direct Swift (the ceiling) and Swift's own s3api
on the local stack (STACK_DIR, default .stack), in interleaved rounds.

  --quick               short smoke run (1 round, 1 s per measurement, 64 MiB large objects)
  --only LIST           workloads to run, comma-separated: ${WORKLOADS.join(',')} (default all)
  --duration S          measured seconds per target per round (default 3)
  --warmup S            unmeasured seconds before each measurement (default 0.5)
  --rounds N            interleaved rounds (default 3)
  --concurrency LIST    small-object concurrencies (default 1,16,64)
  --large-mib N         large object size in MiB (default 1024)
  --sign v2|v4          signing of gateway and s3api requests (default v2)
  --profile             run the gateways under node --cpu-prof and summarise the top self time
  --out FILE            results JSON (default bench/results/<date>.json)
  --help                this text
`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, integer: boolean): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${name} needs a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const quick = argv.includes('--quick');
  const o: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = {
    quick,
    only: [...WORKLOADS],
    durationS: quick ? 1 : 3,
    warmupS: quick ? 0.3 : 0.5,
    rounds: quick ? 1 : 3,
    concurrencies: [1, 16, 64],
    largeBytes: (quick ? 64 : 1024) * 2 ** 20,
    signing: 'v2',
    profile: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--only': {
        const names = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const bad = names.filter((n) => !(WORKLOADS as readonly string[]).includes(n));
        if (names.length === 0 || bad.length) throw new UsageError(`--only takes ${WORKLOADS.join(',')}; got ${JSON.stringify(names.join(','))}`);
        o.only = WORKLOADS.filter((w) => names.includes(w));
        break;
      }
      case '--duration':
        o.durationS = positive('--duration', value(), false);
        break;
      case '--warmup': {
        const raw = value();
        o.warmupS = raw === '0' ? 0 : positive('--warmup', raw, false);
        break;
      }
      case '--rounds':
        o.rounds = positive('--rounds', value(), true);
        break;
      case '--concurrency':
        o.concurrencies = (value() ?? '').split(',').map((s) => positive('--concurrency', s.trim(), true));
        break;
      case '--large-mib':
        o.largeBytes = positive('--large-mib', value(), true) * 2 ** 20;
        break;
      case '--sign': {
        const mode = value();
        if (!SIGNING_MODES.includes(mode as SigningMode)) throw new UsageError(`--sign takes ${SIGNING_MODES.join(' or ')}, got ${JSON.stringify(mode)}`);
        o.signing = mode as SigningMode;
        break;
      }
      case '--out': {
        const out = value();
        if (!out) throw new UsageError('--out needs a file name');
        o.out = out;
        break;
      }
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return o;
}
