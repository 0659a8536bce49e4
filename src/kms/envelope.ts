// Wrapping a data key under a KEK, with AES-256-GCM (NIST SP 800-38D): a fresh
// 96-bit IV per wrap, a 128-bit tag, and as additional authenticated data the
// provider, the key id and the WrapContext. GCM's tag makes any change to the
// wrapped text, or unwrapping it for another object or key id, fail instead of
// yielding a wrong key. (AES key wrap, RFC 3394, would need no IV but binds no
// context; GCM with random IVs is safe far beyond the number of wraps one KEK
// sees here: 2^32 per key, SP 800-38D §8.3.)
import { openDataKey, sealDataKey } from '../crypto/wrap.js';
import { s3Error } from '../s3/errors.js';
import type { WrapContext } from './provider.js';

export const DATA_KEY_BYTES = 32;
export const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Format marker of the wrapped text, so a later format can be told apart. */
const VERSION = 'g1';

/**
 * The additional data: one JSON array, so no two different contexts encode
 * the same (a bucket "a:b" with key "c" differs from bucket "a" with key "b:c").
 * The encryption context's pairs are sorted: S3 treats it as an unordered map.
 */
export function additionalData(provider: string, keyId: string, context: WrapContext): Buffer {
  const pairs = Object.entries(context.encryptionContext ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify([VERSION, provider, keyId, context.bucket, context.key, pairs]), 'utf8');
}

/** `g1.` + base64url(iv | ciphertext | tag): 70 characters for a 32-byte data key (crypto/wrap.ts's one envelope). */
export function wrapDataKey(kek: Buffer, dataKey: Buffer, aad: Buffer): string {
  if (kek.length !== KEK_BYTES) throw new Error(`a KEK is ${KEK_BYTES} bytes, got ${kek.length}`);
  if (dataKey.length !== DATA_KEY_BYTES) throw new Error(`a data key is ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
  return `${VERSION}.${sealDataKey(kek, dataKey, aad).toString('base64url')}`;
}

/** The data key; AccessDenied when the text is malformed or does not authenticate under this KEK and context. */
export function unwrapDataKey(kek: Buffer, wrapped: string, aad: Buffer): Buffer {
  const refuse = () =>
    s3Error('AccessDenied', {}, 'The object\'s encryption key does not unwrap: its stored key was altered or belongs to another object.');
  const dot = wrapped.indexOf('.');
  const version = wrapped.slice(0, dot);
  const payload = wrapped.slice(dot + 1);
  // One dot, then base64url only: no other spelling of the same bytes is accepted.
  if (dot < 0 || version !== VERSION || !/^[A-Za-z0-9_-]+$/.test(payload)) throw refuse();
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES || raw.toString('base64url') !== payload) throw refuse();
  const dataKey = openDataKey(kek, raw, aad);
  if (!dataKey) throw refuse();
  return dataKey;
}
