// MB/s on one core of a function fed a body piece by piece (checksums, the
// SSE cipher): the best of `rounds` passes after one that warms up the JIT.

/** One pass over a body: update() per piece, end() once. */
export interface Pass {
  update(data: Buffer): void;
  end(): void;
}

export function mbPerSecond(make: () => Pass, body: Buffer, rounds: number, piece = 1024 * 1024): number {
  let best = Infinity;
  for (let r = 0; r < rounds + 1; r++) {
    const start = performance.now();
    const p = make();
    for (let at = 0; at < body.length; at += piece) p.update(body.subarray(at, at + piece));
    p.end();
    const ms = performance.now() - start;
    if (r > 0) best = Math.min(best, ms); // the first round warms up the JIT
  }
  return body.length / 1e6 / (best / 1000);
}
