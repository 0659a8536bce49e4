// Large-object bodies that are generated, never held in memory: a deterministic
// byte pattern (1 MiB of seeded pseudo-random bytes, each 1 MiB block stamped
// with its index so a shifted or repeated block is caught), produced block by
// block on PUT and checked byte for byte on GET at memcmp speed.
import { Readable } from 'node:stream';

export const BLOCK_SIZE = 1 << 20;

let pattern: Buffer | undefined;

/** 1 MiB of pseudo-random bytes from a fixed seed (xorshift32). */
function basePattern(): Buffer {
  if (pattern) return pattern;
  const buf = Buffer.allocUnsafe(BLOCK_SIZE);
  let x = 0x9e3779b9;
  for (let i = 0; i < BLOCK_SIZE; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  pattern = buf;
  return buf;
}

/** Block number `index` of the pattern stream (a fresh buffer). */
export function patternBlock(index: number): Buffer {
  const block = Buffer.from(basePattern());
  block.writeDoubleLE(index, 0);
  return block;
}

/** A readable stream of `size` pattern bytes. */
export function patternStream(size: number): Readable {
  let offset = 0;
  let index = 0;
  return new Readable({
    highWaterMark: 4 * BLOCK_SIZE,
    read() {
      if (offset >= size) {
        this.push(null);
        return;
      }
      const block = patternBlock(index++);
      const take = Math.min(BLOCK_SIZE, size - offset);
      offset += take;
      this.push(take === BLOCK_SIZE ? block : block.subarray(0, take));
    },
  });
}

/** Checks a received byte stream against the pattern, chunk by chunk. */
export class PatternVerifier {
  #offset = 0;
  #blockIndex = -1;
  #block: Buffer = Buffer.alloc(0);
  /** Offset of the first differing byte, if any. */
  mismatchAt: number | undefined;

  get bytes(): number {
    return this.#offset;
  }

  update(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const index = Math.floor(this.#offset / BLOCK_SIZE);
      if (index !== this.#blockIndex) {
        this.#block = patternBlock(index);
        this.#blockIndex = index;
      }
      const inBlock = this.#offset % BLOCK_SIZE;
      const take = Math.min(chunk.length - at, BLOCK_SIZE - inBlock);
      if (this.mismatchAt === undefined && Buffer.compare(chunk.subarray(at, at + take), this.#block.subarray(inBlock, inBlock + take)) !== 0) {
        this.mismatchAt = this.#offset;
      }
      at += take;
      this.#offset += take;
    }
  }

  /** True when exactly `size` bytes arrived and every one matched. */
  matches(size: number): boolean {
    return this.mismatchAt === undefined && this.#offset === size;
  }
}
