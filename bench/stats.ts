// Pure statistics for the benchmark: percentiles of latency samples and the
// spread of repeated measurements. No I/O, so test/bench covers it.

/**
 * The p-th percentile (0 < p ≤ 100) of samples by the nearest-rank method: the
 * smallest sample such that at least p % of all samples are ≤ it. It is always
 * a value that was measured, never an interpolation. NaN for no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  const n = sorted.length;
  if (n === 0) return NaN;
  // The epsilon keeps p·n/100 that is an integer in exact arithmetic (99.9 % of 1000)
  // from rounding up to the next rank through binary floating point.
  const rank = Math.ceil((p * n) / 100 - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** Ascending copy of the samples as a Float64Array (numeric sort, not string sort). */
export function sortSamples(samples: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(samples);
  out.sort();
  return out;
}

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Latency summary of samples (any unit; the benchmark uses milliseconds). */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = sortSamples(samples);
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    mean: n === 0 ? NaN : sum / n,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: n === 0 ? NaN : sorted[n - 1]!,
  };
}

export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  readonly stddev: number;
  readonly n: number;
}

/** Mean, min, max and standard deviation of repeated measurements (one per round). */
export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { mean: NaN, min: NaN, max: NaN, stddev: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, min: Math.min(...values), max: Math.max(...values), stddev: Math.sqrt(variance), n };
}

/** a / b, NaN when either is missing or b is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/** Concatenates sample arrays (the rounds of one measurement) into one. */
export function concatSamples(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
