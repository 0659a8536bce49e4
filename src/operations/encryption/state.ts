// What an encrypted object keeps in Swift beside its ciphertext: sealed
// reserved items (swift/sealed-state.ts: an HMAC under the gateway's secret,
// bound to the object's container, name and size), so a change made through
// the Swift API is detected:
//   s3gw-sse      the mode: `c1` (SSE-C, AES-256-CTR, data key wrapped with AES-256-GCM)
//   s3gw-sse-key  the data key, wrapped under the customer's key (crypto/wrap.ts; AAD bucket/key)
//   s3gw-sse-iv   the CTR initial counter block (base64url)
//   s3gw-sse-kd   a keyed digest of the customer's key (HMAC under a secret derived from the
//                 integrity key): tells a wrong key (403) from a tampered wrapped key
//   s3gw-sse-mac  HMAC-SHA256 of the plaintext under a key derived from the data key (crypto/mac.ts)
// Never stored: the customer's key, its MD5, the data key, any digest of the plaintext.
import type { ObjectInfo } from '../../swift/store.js';
import { reservedHeader } from '../../swift/sealed-state.js';

export const SSE_ITEM = 'sse';
export const SSE_KEY_ITEM = 'sse-key';
export const SSE_IV_ITEM = 'sse-iv';
export const SSE_KEY_DIGEST_ITEM = 'sse-kd';
export const SSE_MAC_ITEM = 'sse-mac';
/** SSE-C, AES-256-CTR, data key wrapped with AES-256-GCM under the customer's key: version 1. */
export const MODE_CUSTOMER_V1 = 'c1';

export type StoredEncryption =
  | { readonly kind: 'none' }
  | { readonly kind: 'customer'; readonly wrappedKey: string; readonly iv: Buffer; readonly keyDigest: string; readonly mac: string }
  /**
   * The object has the gateway's encryption items but they do not verify (or
   * are incomplete or of an unknown mode): changed outside the gateway, or
   * written by a newer one. Never served as plaintext.
   */
  | { readonly kind: 'unverifiable' };

const SSE_HEADER = reservedHeader(SSE_ITEM);

/** What an object's reserved items say of its encryption. */
export function storedEncryption(info: ObjectInfo): StoredEncryption {
  const items = info.reserved;
  const mode = items[SSE_ITEM];
  if (mode === undefined) {
    // Present in Swift but not among the verified items: the seal broke.
    return info.reservedHeaders.some((name) => name === SSE_HEADER || name.startsWith(SSE_HEADER + '-')) ? { kind: 'unverifiable' } : { kind: 'none' };
  }
  const wrappedKey = items[SSE_KEY_ITEM];
  const iv = items[SSE_IV_ITEM] === undefined ? undefined : Buffer.from(items[SSE_IV_ITEM]!, 'base64url');
  const keyDigest = items[SSE_KEY_DIGEST_ITEM];
  const mac = items[SSE_MAC_ITEM];
  if (mode !== MODE_CUSTOMER_V1 || wrappedKey === undefined || iv?.length !== 16 || keyDigest === undefined || mac === undefined) return { kind: 'unverifiable' };
  return { kind: 'customer', wrappedKey, iv, keyDigest, mac };
}

/** Whether an object is (or claims to be) encrypted: anything but a plain object. */
export const isEncrypted = (info: ObjectInfo): boolean => storedEncryption(info).kind !== 'none';
