// AES-256-CTR for multipart uploads: one data key per upload, each part
// encrypted on its own as it streams, in any order and on any gateway. CTR
// is secure only while no counter block is ever used twice under one key, so
// every part upload (every UploadPart request, a retry included) gets its own
// stretch of the counter space. Its initial counter block is
//
//   high 64 bits: the upload IV's high 64 bits XOR a random 64-bit nonce drawn by this UploadPart
//   low 64 bits:  n * 2^40, n the part number
//
// and byte o of the part is encrypted with that block + floor(o / 16) (ctr.ts:
// a 128-bit big-endian addition with carry, as OpenSSL increments the whole
// block). Why no two counters meet:
// - within one part: a part holds at most 5 GiB (S3's limit; Swift's
//   max_file_size is lower still), at most 2^28.3 blocks;
// - between parts n != m: their low halves start 2^40 apart, and
//   n * 2^40 + 2^28.3 < 10,001 * 2^40 < 2^54 never carries into the high half,
//   so even under one nonce the stretches [n * 2^40, n * 2^40 + 2^28.3) are disjoint;
// - between two uploads of the same part number (a retry, or another body
//   replacing the first): their nonces differ but with probability 2^-64 per
//   pair, so their counters differ in the high half. A fixed counter per part
//   number would encrypt two different bodies with the same keystream, and
//   the first body's ciphertext may survive in Swift (a replica, a disk)
//   after the second replaced it.
// The nonce is kept with the part (sealed, in its Content-Type, where the
// completed object's SLO manifest records it: encryption/multipart-state.ts).
//
// What detects tampering: each part's plaintext MAC (mac.ts, under the data
// key), kept with the part; the completed object keeps a digest of its
// parts' numbers, sizes, nonces and MACs in order (partsDigest). A full read
// recomputes every part's MAC and the digest.
import { createHash, randomBytes } from 'node:crypto';
import { IV_BYTES } from './ctr.js';

/** log2 of the counter blocks between two parts' first blocks. */
export const PART_COUNTER_SHIFT = 40n;
/** The highest part number S3 allows. */
export const MAX_PART_NUMBER = 10_000;
/** The random nonce of one part upload. */
export const PART_NONCE_BYTES = 8;

/** A fresh nonce for one UploadPart (hex, as stored). */
export const newPartNonce = (): string => randomBytes(PART_NONCE_BYTES).toString('hex');

/** Part n's initial counter block under this upload IV and part nonce (hex). */
export function partCounterBlock(iv: Buffer, partNumber: number, nonceHex: string): Buffer {
  if (iv.length !== IV_BYTES) throw new Error('the IV must be 16 bytes');
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) throw new Error('the part number must be 1..10000');
  if (!/^[0-9a-f]{16}$/.test(nonceHex)) throw new Error('the part nonce must be 8 bytes of hex');
  const block = Buffer.alloc(IV_BYTES);
  const nonce = Buffer.from(nonceHex, 'hex');
  for (let i = 0; i < PART_NONCE_BYTES; i++) block[i] = iv[i]! ^ nonce[i]!;
  block.writeBigUInt64BE(BigInt(partNumber) << PART_COUNTER_SHIFT, 8);
  return block;
}

/** One part of a completed object, as its digest covers it. */
export interface PartSeal {
  readonly partNumber: number;
  readonly size: number;
  /** The part upload's nonce (hex). */
  readonly nonce: string;
  /** The part's plaintext MAC (mac.ts macText form). */
  readonly mac: string;
}

/**
 * The digest of a completed object's parts, in the object's order: SHA-256
 * over `<n>:<size>:<nonce>:<mac>` lines, base64url. It needs no key: the
 * per-part MACs are keyed by the data key (only a holder of it can make one),
 * and the digest is stored among the object's sealed items
 * (swift/sealed-state.ts), which only the gateway can write. So
 * CompleteMultipartUpload computes it without the data key (SSE-C's Complete
 * need not carry the customer key). Reordering, dropping, repeating,
 * resizing or swapping in an older upload of a part changes it.
 */
export function partsDigest(parts: readonly PartSeal[]): string {
  const h = createHash('sha256');
  h.update('s3gw sse parts v1\n');
  for (const p of parts) h.update(`${p.partNumber}:${p.size}:${p.nonce}:${p.mac}\n`);
  return h.digest('base64url');
}
