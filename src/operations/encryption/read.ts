// Reading an encrypted object (GetObject, HeadObject, GetObjectAttributes):
// which key the request must give and what S3 answers otherwise, and the
// decrypted body. S3's answers for SSE-C (ServerSideEncryptionCustomerKeys.html):
//   encrypted, no key headers         → 400 InvalidRequest
//   encrypted, another key            → 403 AccessDenied
//   not encrypted, key headers given  → 400 InvalidRequest
// SSE-S3 and SSE-KMS objects need no header: the stored key id names the key,
// its provider unwraps the data key (its errors are S3's: KMS.NotFoundException
// for a key gone, 503 while the key manager is down and the key not cached,
// AccessDenied for a wrapped key that does not authenticate). SSE-C headers
// on such an object are InvalidRequest, as on a plain one.
// An object whose encryption items do not verify (changed through the Swift
// API) is refused the same way, never served as if it were plaintext.
import { pipeline, type Readable } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { DecryptingStream } from '../../crypto/streams.js';
import { customerKeyDigest, unwrapKey } from '../../crypto/wrap.js';
import { s3Error } from '../../s3/errors.js';
import { ENCRYPTED_OBJECT_MESSAGE, NOT_APPLICABLE_MESSAGE, customerKeyResponseHeaders, type CustomerKey } from '../../s3/sse.js';
import { SSE_KMS_ALGORITHM, SSE_S3_ALGORITHM, managedResponseHeaders } from '../../s3/sse-managed.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { MODE_S3_V1, storedEncryption, type Layout, type ManagedKey, type StoredEncryption } from './state.js';
import { wrapAad } from './write.js';

export interface Decryption {
  readonly dataKey: Buffer;
  readonly iv: Buffer;
  /** The plaintext's MAC (stored form), checked by a read of the whole object. */
  readonly mac: string;
  /** The SSE headers the answer carries. */
  readonly headers: Record<string, string>;
  /** One counter run for the object, or one per part (a multipart object: multipart-read.ts). */
  readonly layout: Layout;
}

const WRONG_KEY = 'The SSE-C key does not match the key this object was stored with.';

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export type Providers = NonNullable<OperationContext['sse']>['providers'];

/** The configured provider named on an object (the one that wrapped its data key). */
export function storedProvider(providers: Providers, key: ManagedKey) {
  const provider = [providers?.sseS3, providers?.kms].find((p) => p?.name === key.provider);
  if (!provider) {
    // The operator removed the provider this object needs: say so, never serve the ciphertext.
    throw s3Error('ServiceUnavailable', {}, `The object is encrypted with a key of the ${key.provider.slice(0, 32)} key provider, which this gateway is not configured with.`);
  }
  return provider;
}

/** The answer headers of a managed (SSE-S3/SSE-KMS) object. */
export const managedHeadersOf = (key: ManagedKey): Record<string, string> =>
  managedResponseHeaders({ algorithm: key.mode === MODE_S3_V1 ? SSE_S3_ALGORITHM : SSE_KMS_ALGORITHM, keyId: key.keyId, bucketKeyEnabled: key.bucketKeyEnabled });

/** An SSE-S3/SSE-KMS object's data key, unwrapped by the provider that wrapped it. */
async function managedDecryption(providers: Providers, bucket: string, key: string, stored: Extract<StoredEncryption, { kind: 'managed' }>): Promise<Decryption> {
  const context = { bucket, key, encryptionContext: stored.key.context };
  const dataKey = await storedProvider(providers, stored.key).unwrap(stored.wrappedKey, context, stored.key.keyId);
  return { dataKey, iv: stored.iv, mac: stored.mac, headers: managedHeadersOf(stored.key), layout: stored.layout };
}

/**
 * The website endpoint's reading of an object (an anonymous reader, no key
 * headers): an SSE-S3 object is decrypted, as S3's website endpoints serve
 * them; undefined for any other encrypted object (SSE-C needs a key the
 * reader does not have; S3 does not serve SSE-KMS objects there either).
 */
export async function websiteDecryption(providers: Providers, bucket: string, key: string, info: ObjectInfo): Promise<Decryption | undefined> {
  const stored = storedEncryption(info);
  // (A multipart SSE-S3 page is not decrypted there yet: it needs its parts' records, multipart-read.ts; it is refused like the others.)
  if (stored.kind !== 'managed' || stored.key.mode !== MODE_S3_V1 || stored.layout === 'parts') return undefined;
  return managedDecryption(providers, bucket, key, stored);
}

/**
 * How to read this object with the request's key: undefined for a plain
 * object read without SSE-C headers; S3's error for any other mismatch.
 */
export async function openForRead(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, customer: CustomerKey | undefined): Promise<Decryption | undefined> {
  const stored = storedEncryption(info);
  if (stored.kind === 'none' || stored.kind === 'managed') {
    if (customer) throw s3Error('InvalidRequest', {}, NOT_APPLICABLE_MESSAGE);
    if (stored.kind === 'none') return undefined;
    return managedDecryption(ctx.sse?.providers, bucket, key, stored);
  }
  if (!customer) {
    // (Unverifiable: whatever its mode was, it is refused; still 400, as an SSE-C object read without its key.)
    throw s3Error('InvalidRequest', {}, stored.kind === 'unverifiable' ? `${ENCRYPTED_OBJECT_MESSAGE} Its encryption metadata does not verify (changed outside the gateway), so it cannot be read at all.` : ENCRYPTED_OBJECT_MESSAGE);
  }
  if (stored.kind === 'unverifiable') {
    throw s3Error('AccessDenied', {}, 'The object\'s encryption metadata does not verify (it was changed outside the gateway): it cannot be decrypted.');
  }
  if (!sameText(customerKeyDigest(ctx.sse!.digestKey, customer.key), stored.keyDigest)) throw s3Error('AccessDenied', {}, WRONG_KEY);
  const dataKey = unwrapKey(customer.key, stored.wrappedKey, wrapAad(bucket, key));
  if (!dataKey) throw s3Error('AccessDenied', {}, WRONG_KEY);
  return { dataKey, iv: stored.iv, mac: stored.mac, headers: customerKeyResponseHeaders(customer), layout: stored.layout };
}

/** The first byte of a 206 answer (Content-Range `bytes <first>-<last>/<size>`); undefined when it says none. */
export function firstByteOf(contentRange: string | undefined): number | undefined {
  const m = contentRange === undefined ? null : /^bytes (\d+)-/.exec(contentRange.trim());
  return m ? Number(m[1]) : undefined;
}

/** Where the bytes of a read start: 0 for a whole object; a range's first byte, which must be known to decrypt. */
export function readOffset(answer: 'whole' | 'range', contentRange: string | undefined): number {
  if (answer === 'whole') return 0;
  const first = firstByteOf(contentRange);
  // Decrypting from a guessed offset would give wrong bytes: never guess.
  if (first === undefined) throw new Error('Swift answered a range without a Content-Range to decrypt it from');
  return first;
}

/**
 * Whether a read covers the whole object, so its MAC can be checked: a whole
 * answer, or a range from byte 0 to the last (`bytes=0-`, what some clients
 * send for every download).
 */
export function coversWholeObject(answer: 'whole' | 'range', contentRange: string | undefined): boolean {
  if (answer === 'whole') return true;
  const m = contentRange === undefined ? null : /^bytes 0-(\d+)\/(\d+)$/.exec(contentRange.trim());
  return m !== null && Number(m[1]) + 1 === Number(m[2]);
}

/**
 * Swift's ciphertext from byte `offset` on, decrypted. `whole`: the read is of
 * the whole object, so its MAC is checked (a mismatch cuts the body short).
 * A range cannot be checked: the MAC covers the whole plaintext.
 */
export function decryptedBody(body: Readable, d: Decryption, offset: number, whole: boolean): Readable {
  const plain = new DecryptingStream(d.dataKey, d.iv, offset, whole ? { expectedMac: d.mac } : {});
  // Either side failing takes the other down (a client gone releases Swift's body).
  return pipeline(body, plain, () => {});
}
