// AES-256-CTR with random access: the cipher of the gateway's server-side
// encryption. CTR keeps the ciphertext exactly as long as the plaintext, so
// Content-Length, listings, Range and Swift's own sizes stay plaintext sizes
// (Swift's own at-rest encryption uses AES-256-CTR the same way:
// https://docs.openstack.org/swift/latest/overview_encryption.html). Byte o of
// an object is encrypted with the counter block IV + floor(o / 16), added as a
// 128-bit big-endian integer with carry (OpenSSL increments the whole block the
// same way), so a read may start decrypting at any offset: seek to the block,
// drop the first o mod 16 bytes of its keystream. CTR does not authenticate:
// see mac.ts for what detects tampering.
import { createCipheriv, type Cipher } from 'node:crypto';

/** AES block size: one counter value covers 16 bytes. */
export const BLOCK_BYTES = 16;
/** AES-256 key length. */
export const DATA_KEY_BYTES = 32;
/** The initial counter block, random per object. */
export const IV_BYTES = 16;

/** The counter block of the AES block holding byte `offset`: IV + floor(offset / 16) mod 2^128. */
export function counterAt(iv: Buffer, offset: number): Buffer {
  if (iv.length !== IV_BYTES) throw new Error('the IV must be 16 bytes');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error('the offset must be a non-negative integer');
  const out = Buffer.from(iv);
  let add = BigInt(Math.floor(offset / BLOCK_BYTES));
  for (let i = IV_BYTES - 1; i >= 0 && add > 0n; i--) {
    const sum = BigInt(out[i]!) + (add & 0xffn);
    out[i] = Number(sum & 0xffn);
    add = (add >> 8n) + (sum >> 8n);
  }
  return out;
}

/**
 * A CTR keystream positioned at byte `offset` of the object: its update()
 * encrypts (or decrypts: in CTR they are the same XOR) the bytes from there on.
 */
export function ctrAt(key: Buffer, iv: Buffer, offset: number): Cipher {
  if (key.length !== DATA_KEY_BYTES) throw new Error('the data key must be 32 bytes');
  const cipher = createCipheriv('aes-256-ctr', key, counterAt(iv, offset));
  const skip = offset % BLOCK_BYTES;
  if (skip > 0) cipher.update(Buffer.alloc(skip));
  return cipher;
}
