// The slicing-by-8 CRCs against a plain bit-at-a-time reference on random
// inputs of every alignment, and combining CRCs against the CRC of the
// concatenation (what FULL_OBJECT multipart checksums rely on).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combineCrcs, type CombinableCrc } from '../../../src/s3/crc-combine.js';
import { crc32, crc32c, crc64nvme, type Crc } from '../../../src/s3/crc.js';

/** Reference: reflected CRC, one bit at a time, init and final XOR all ones. */
function reference(bits: number, poly: bigint, data: Buffer): string {
  const mask = (1n << BigInt(bits)) - 1n;
  let c = mask;
  for (const byte of data) {
    c ^= BigInt(byte);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
  }
  return (c ^ mask).toString(16).padStart(bits / 4, '0');
}

const MAKERS: Record<CombinableCrc, () => Crc> = { crc32, crc32c, crc64nvme };
const REFERENCE: Record<CombinableCrc, (d: Buffer) => string> = {
  crc32: (d) => reference(32, 0xedb88320n, d),
  crc32c: (d) => reference(32, 0x82f63b78n, d),
  crc64nvme: (d) => reference(64, 0x9a6c9329ac4bc9b5n, d),
};

function digest(name: CombinableCrc, ...parts: Buffer[]): Buffer {
  const c = MAKERS[name]();
  for (const p of parts) c.update(p);
  return c.digest();
}

describe('slicing-by-8 CRCs', () => {
  for (const name of ['crc32c', 'crc64nvme'] as const) {
    it(`${name} matches the bit-at-a-time reference at every length 0..40 and split`, () => {
      const data = randomBytes(40);
      for (let n = 0; n <= 40; n++) {
        const slice = data.subarray(0, n);
        expect(digest(name, slice).toString('hex')).toBe(REFERENCE[name](slice));
        const cut = n >> 1;
        expect(digest(name, slice.subarray(0, cut), slice.subarray(cut)).toString('hex')).toBe(REFERENCE[name](slice));
      }
    });

    it(`${name} matches the reference on a 64 KiB random body fed in odd pieces`, () => {
      const data = randomBytes(65_536);
      expect(digest(name, data.subarray(0, 13), data.subarray(13, 30_001), data.subarray(30_001)).toString('hex')).toBe(REFERENCE[name](data));
    });
  }
});

describe('combineCrcs', () => {
  for (const name of ['crc32', 'crc32c', 'crc64nvme'] as const) {
    it(`${name}: the combination of the pieces' CRCs is the CRC of the whole`, () => {
      const pieces = [randomBytes(1000), randomBytes(1), randomBytes(1000), randomBytes(4097), Buffer.alloc(0), randomBytes(77)];
      const combined = combineCrcs(name, pieces.map((p) => ({ crc: digest(name, p), length: p.length })));
      expect(combined.toString('hex')).toBe(digest(name, ...pieces).toString('hex'));
    });
  }

  it('of no pieces is the CRC of nothing (zero)', () => {
    expect(combineCrcs('crc64nvme', []).toString('hex')).toBe('0000000000000000');
  });
});
