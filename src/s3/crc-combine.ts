// The CRC of two byte strings one after the other, from their two CRCs and
// the second one's length: what a FULL_OBJECT checksum of a multipart upload
// is, computed from its parts' CRCs without reading a byte of them.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#full-object-checksums
// The method is zlib's crc32_combine (1.2.12 and later): for a reflected CRC
// whose init and final XOR are equal (all ones for CRC32, CRC32C and
// CRC64NVME), crc(A‖B) = crc(A) · x^(8·|B|) mod P  ⊕  crc(B), products in
// GF(2)[x] modulo the polynomial, in the reflected bit order.

interface Width {
  readonly bits: number;
  readonly poly: bigint;
  /** x^(2^k) mod P, k = 0..63 (x^1 first). */
  readonly squares: bigint[];
  /** x^(8·n) mod P by n: parts mostly share a size, so each is computed once. */
  readonly powers: Map<number, bigint>;
}

function width(bits: number, poly: bigint): Width {
  const w: Width = { bits, poly, squares: [], powers: new Map() };
  let p = 1n << BigInt(bits - 2); // x^1 in reflected order
  for (let k = 0; k < 64; k++) {
    w.squares.push(p);
    p = multiply(w, p, p);
  }
  return w;
}

/** a · b mod P, both reflected. */
function multiply(w: Width, a: bigint, b: bigint): bigint {
  const top = 1n << BigInt(w.bits - 1);
  let m = top;
  let p = 0n;
  let bb = b;
  for (;;) {
    if (a & m) {
      p ^= bb;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    if (m === 0n) break;
    bb = bb & 1n ? (bb >> 1n) ^ w.poly : bb >> 1n;
  }
  return p;
}

/** x^(8·n) mod P. */
function shiftFor(w: Width, n: number): bigint {
  const known = w.powers.get(n);
  if (known !== undefined) return known;
  let p = 1n << BigInt(w.bits - 1); // x^0
  let k = 3; // 8 = 2^3
  for (let rest = BigInt(n); rest > 0n; rest >>= 1n, k++) {
    if (rest & 1n) p = multiply(w, w.squares[k]!, p);
  }
  if (w.powers.size < 1024) w.powers.set(n, p);
  return p;
}

export type CombinableCrc = 'crc32' | 'crc32c' | 'crc64nvme';

const WIDTHS: Readonly<Record<CombinableCrc, () => Width>> = (() => {
  const made: Partial<Record<CombinableCrc, Width>> = {};
  const lazy = (name: CombinableCrc, bits: number, poly: bigint) => () => (made[name] ??= width(bits, poly));
  return {
    crc32: lazy('crc32', 32, 0xedb88320n),
    crc32c: lazy('crc32c', 32, 0x82f63b78n),
    crc64nvme: lazy('crc64nvme', 64, 0x9a6c9329ac4bc9b5n),
  };
})();

/**
 * The CRC (big-endian bytes, as S3 encodes them) of the concatenation of
 * pieces, each given by its CRC and length. The CRC of nothing is zero.
 */
export function combineCrcs(algorithm: CombinableCrc, pieces: readonly { crc: Buffer; length: number }[]): Buffer {
  const w = WIDTHS[algorithm]();
  let crc = 0n;
  for (const piece of pieces) {
    const value = BigInt('0x' + (piece.crc.toString('hex') || '0'));
    crc = multiply(w, shiftFor(w, piece.length), crc) ^ value;
  }
  return Buffer.from(crc.toString(16).padStart(w.bits / 4, '0'), 'hex');
}
