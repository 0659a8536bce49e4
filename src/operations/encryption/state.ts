// What an encrypted object keeps in Swift beside its ciphertext: sealed
// reserved items (swift/sealed-state.ts: an HMAC under the gateway's secret,
// bound to the object's container, name and size), so a change made through
// the Swift API is detected:
//   s3gw-sse      the mode: `c1` SSE-C, `s1` SSE-S3, `k1` SSE-KMS (each AES-256-CTR,
//                 the data key wrapped with AES-256-GCM)
//   s3gw-sse-key  the data key, wrapped: under the customer's key (c1; crypto/wrap.ts, AAD
//                 bucket/key), or by a key provider (s1, k1; kms/envelope.ts, AAD provider,
//                 key id, bucket, key and encryption context)
//   s3gw-sse-iv   the CTR initial counter block (base64url)
//   s3gw-sse-kd   (c1) a keyed digest of the customer's key (HMAC under a secret derived from
//                 the integrity key): tells a wrong key (403) from a tampered wrapped key
//   s3gw-sse-kp   (s1, k1) the key provider that wrapped the data key: keyring or barbican
//   s3gw-sse-kid  (s1, k1) the id of the key-encryption key (a keyring id, a Barbican uuid)
//   s3gw-sse-ctx  (k1) the client's encryption context, base64 of sorted compact JSON
//   s3gw-sse-bk   (k1) `1` when the client asked for an S3 Bucket Key (echoed, nothing more)
//   s3gw-sse-mac  HMAC-SHA256 of the plaintext under a key derived from the data key (crypto/mac.ts);
//                 on a multipart object, the digest of its parts' MACs (crypto/parts.ts partsDigest)
//   s3gw-sse-mp   `p1` on a multipart object: each part encrypted with its own counter
//                 blocks (crypto/parts.ts), its nonce and MAC kept with the part
//                 (encryption/multipart-state.ts). An upload's marker keeps the same
//                 items but the MAC and this one (the upload's data key, wrapped for the final object)
// Never stored: the customer's key, its MD5, a key-encryption key, the data
// key. An SSE-S3 object's plaintext MD5 IS stored (its S3 ETag, in the
// Content-Type where listings show it: S3 answers it as the ETag to anyone
// who may read the object, and clients check uploads against it).
import type { ObjectInfo } from '../../swift/store.js';
import { reservedHeader } from '../../swift/sealed-state.js';

export const SSE_ITEM = 'sse';
export const SSE_KEY_ITEM = 'sse-key';
export const SSE_IV_ITEM = 'sse-iv';
export const SSE_KEY_DIGEST_ITEM = 'sse-kd';
export const SSE_MAC_ITEM = 'sse-mac';
export const SSE_PROVIDER_ITEM = 'sse-kp';
export const SSE_KEK_ID_ITEM = 'sse-kid';
export const SSE_CONTEXT_ITEM = 'sse-ctx';
export const SSE_BUCKET_KEY_ITEM = 'sse-bk';
export const SSE_LAYOUT_ITEM = 'sse-mp';
/** The layout of a multipart object: per-part counters and MACs, version 1. */
export const LAYOUT_PARTS_V1 = 'p1';
/** SSE-C, AES-256-CTR, data key wrapped with AES-256-GCM under the customer's key: version 1. */
export const MODE_CUSTOMER_V1 = 'c1';
/** SSE-S3 (x-amz-server-side-encryption: AES256): the data key wrapped by the sseS3 provider. */
export const MODE_S3_V1 = 's1';
/** SSE-KMS (aws:kms): the data key wrapped by the sseKms provider under the key the client named. */
export const MODE_KMS_V1 = 'k1';

/** The key-provider part of a managed (SSE-S3/SSE-KMS) object's items. */
export interface ManagedKey {
  readonly mode: typeof MODE_S3_V1 | typeof MODE_KMS_V1;
  /** Which provider wrapped it (KeyProvider.name). */
  readonly provider: string;
  readonly keyId: string;
  /** The decoded encryption context (k1), part of what the wrapped key is bound to. */
  readonly context?: Readonly<Record<string, string>>;
  readonly bucketKeyEnabled: boolean;
}

/** How the ciphertext is laid out: one counter run from the IV (a single object), or one per part (a multipart object). */
export type Layout = 'object' | 'parts';

export type StoredEncryption =
  | { readonly kind: 'none' }
  | { readonly kind: 'customer'; readonly wrappedKey: string; readonly iv: Buffer; readonly keyDigest: string; readonly mac: string; readonly layout: Layout }
  | { readonly kind: 'managed'; readonly wrappedKey: string; readonly iv: Buffer; readonly mac: string; readonly key: ManagedKey; readonly layout: Layout }
  /**
   * The object has the gateway's encryption items but they do not verify (or
   * are incomplete or of an unknown mode): changed outside the gateway, or
   * written by a newer one. Never served as plaintext.
   */
  | { readonly kind: 'unverifiable' };

const SSE_HEADER = reservedHeader(SSE_ITEM);
const UNVERIFIABLE: StoredEncryption = { kind: 'unverifiable' };

/** The context item's pairs, or undefined when it is not the form the gateway writes. */
function decodeContext(text: string): Record<string, string> | undefined {
  try {
    const doc: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    return Object.values(doc).every((v) => typeof v === 'string') ? (doc as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What an object's reserved items say of its encryption. `marker`: the items
 * are an upload marker's (multipart-state.ts), which has no MAC and no layout
 * item yet (mac is then '').
 */
export function storedEncryption(info: Pick<ObjectInfo, 'reserved' | 'reservedHeaders'>, opts: { marker?: boolean } = {}): StoredEncryption {
  const items = info.reserved;
  const mode = items[SSE_ITEM];
  if (mode === undefined) {
    // Present in Swift but not among the verified items: the seal broke.
    return info.reservedHeaders.some((name) => name === SSE_HEADER || name.startsWith(SSE_HEADER + '-')) ? UNVERIFIABLE : { kind: 'none' };
  }
  const wrappedKey = items[SSE_KEY_ITEM];
  const iv = items[SSE_IV_ITEM] === undefined ? undefined : Buffer.from(items[SSE_IV_ITEM]!, 'base64url');
  const mac = opts.marker ? '' : items[SSE_MAC_ITEM];
  const layoutItem = items[SSE_LAYOUT_ITEM];
  const layout: Layout | undefined = layoutItem === undefined ? 'object' : layoutItem === LAYOUT_PARTS_V1 ? 'parts' : undefined;
  if (wrappedKey === undefined || iv?.length !== 16 || mac === undefined || layout === undefined) return UNVERIFIABLE;
  if (opts.marker && (items[SSE_MAC_ITEM] !== undefined || layoutItem !== undefined)) return UNVERIFIABLE;
  if (mode === MODE_CUSTOMER_V1) {
    const keyDigest = items[SSE_KEY_DIGEST_ITEM];
    return keyDigest === undefined ? UNVERIFIABLE : { kind: 'customer', wrappedKey, iv, keyDigest, mac, layout };
  }
  if (mode !== MODE_S3_V1 && mode !== MODE_KMS_V1) return UNVERIFIABLE;
  const provider = items[SSE_PROVIDER_ITEM];
  const keyId = items[SSE_KEK_ID_ITEM];
  const contextText = items[SSE_CONTEXT_ITEM];
  const context = contextText === undefined ? undefined : decodeContext(contextText);
  if (provider === undefined || keyId === undefined || (contextText !== undefined && (mode !== MODE_KMS_V1 || !context))) return UNVERIFIABLE;
  return {
    kind: 'managed', wrappedKey, iv, mac, layout,
    key: { mode, provider, keyId, ...(context ? { context } : {}), bucketKeyEnabled: items[SSE_BUCKET_KEY_ITEM] === '1' },
  };
}

/** Whether an object is (or claims to be) encrypted: anything but a plain object. */
export const isEncrypted = (info: ObjectInfo): boolean => storedEncryption(info).kind !== 'none';
