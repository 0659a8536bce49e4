// Encrypted multipart uploads (SSE-C, SSE-S3, SSE-KMS), the state and its
// S3 errors. What is kept where:
//   the upload marker (<bucket>+segments/<key>/<uploadId>): the upload's data
//     key, wrapped exactly as a single object's (for the FINAL object's bucket
//     and key, so the manifest can carry it unchanged), its IV, mode and key
//     ids: state.ts items, sealed; no MAC yet;
//   each part (<key>/<uploadId>/<n>): ciphertext only; in its Content-Type,
//     sealed (swift/sealed-state.ts ssePartParam) `<nonce>.<mac>.<etag>`:
//     the nonce of its counter blocks (crypto/parts.ts), the HMAC of its
//     plaintext (crypto/mac.ts), and Swift's ETag of the ciphertext it
//     belongs to; an SSE-S3 part also its plaintext MD5 (its S3 ETag);
//   the completed object's SLO manifest: the marker's items plus `sse-mp: p1`
//     and as `sse-mac` the digest of its parts' numbers, sizes, nonces and MACs.
// S3's rules (ServerSideEncryptionCustomerKeys.html, API_UploadPart.html): an
// SSE-C upload's every UploadPart sends the same key as its
// CreateMultipartUpload; CompleteMultipartUpload and ListParts need none.
// SSE-S3/SSE-KMS parts send no encryption header: the upload's settings apply.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DATA_KEY_BYTES, IV_BYTES } from '../../crypto/ctr.js';
import { partsDigest, type PartSeal } from '../../crypto/parts.js';
import { customerKeyDigest, unwrapKey } from '../../crypto/wrap.js';
import { s3Error } from '../../s3/errors.js';
import { customerKeyResponseHeaders, type CustomerKey } from '../../s3/sse.js';
import type { Reserved } from '../../swift/sealed-state.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { encryptionForWrite } from './bucket-default.js';
import { managedHeadersOf, storedProvider } from './read.js';
import {
  LAYOUT_PARTS_V1, MODE_S3_V1, SSE_BUCKET_KEY_ITEM, SSE_CONTEXT_ITEM, SSE_ITEM, SSE_IV_ITEM, SSE_KEK_ID_ITEM, SSE_KEY_DIGEST_ITEM, SSE_KEY_ITEM, SSE_LAYOUT_ITEM,
  SSE_MAC_ITEM, SSE_PROVIDER_ITEM, storedEncryption,
} from './state.js';
import { wrapAad, wrappingItems } from './write.js';

/** The items of an upload that the completed object carries on. */
const UPLOAD_ITEMS = [SSE_ITEM, SSE_KEY_ITEM, SSE_IV_ITEM, SSE_KEY_DIGEST_ITEM, SSE_PROVIDER_ITEM, SSE_KEK_ID_ITEM, SSE_CONTEXT_ITEM, SSE_BUCKET_KEY_ITEM];

/** S3's answer to an UploadPart without the key its SSE-C upload was started with. */
export const PART_KEY_MISSING = 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.';
/** S3's answer to an UploadPart with another key (or SSE-C headers for an upload that has none). */
export const PART_KEY_MISMATCH = 'The provided encryption parameters did not match the ones used originally.';

/** What a CreateMultipartUpload keeps on its marker and answers, or undefined for a plaintext upload. */
export interface UploadEncryptionStart {
  readonly items: Reserved;
  readonly headers: Record<string, string>;
}

/**
 * The encryption of a new upload: the request's SSE-C key or SSE-S3/SSE-KMS
 * headers, else the bucket's default (as PutObject). One random data key
 * and IV for the whole upload, the key wrapped now (a key provider's errors
 * answer here, before anything is written).
 */
export async function encryptionForUpload(ctx: OperationContext, bucket: string, key: string): Promise<UploadEncryptionStart | undefined> {
  const wrapping = await encryptionForWrite(ctx, bucket);
  if (!wrapping) return undefined;
  // (The data key is not kept: every UploadPart unwraps it from the marker.)
  const { items, headers } = await wrappingItems(ctx, bucket, key, wrapping, randomBytes(DATA_KEY_BYTES));
  return { items: { ...items, [SSE_IV_ITEM]: randomBytes(IV_BYTES).toString('base64url') }, headers };
}

/** What one UploadPart encrypts with. */
export interface PartKey {
  readonly dataKey: Buffer;
  readonly iv: Buffer;
  /** SSE-S3: the part's S3 ETag is its plaintext's MD5 (as for a single SSE-S3 object); otherwise Swift's. */
  readonly plaintextEtag: boolean;
  /** The SSE headers of UploadPart's answer. */
  readonly headers: Record<string, string>;
}

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Whether an upload marker says its upload is encrypted (or claims to and does not verify). */
export const isEncryptedUpload = (marker: ObjectInfo): boolean => storedEncryption(marker, { marker: true }).kind !== 'none';

/**
 * The data key a part of this upload is encrypted with, or undefined for a
 * plaintext upload; S3's errors for a key that is missing, another, or not
 * applicable. A marker whose items do not verify is refused, never taken
 * for a plaintext upload.
 */
export async function openUploadForPart(ctx: OperationContext, bucket: string, key: string, marker: ObjectInfo, customer: CustomerKey | undefined): Promise<PartKey | undefined> {
  const stored = storedEncryption(marker, { marker: true });
  if (stored.kind === 'none') {
    if (customer) throw s3Error('InvalidRequest', {}, PART_KEY_MISMATCH);
    return undefined;
  }
  if (stored.kind === 'unverifiable') {
    throw s3Error('InvalidRequest', {}, 'The upload\'s encryption state does not verify (it was changed outside the gateway): no part can be added; abort the upload and start again.');
  }
  if (stored.kind === 'managed') {
    if (customer) throw s3Error('InvalidRequest', {}, PART_KEY_MISMATCH);
    const dataKey = await storedProvider(ctx.sse?.providers, stored.key).unwrap(stored.wrappedKey, { bucket, key, encryptionContext: stored.key.context }, stored.key.keyId);
    return { dataKey, iv: stored.iv, plaintextEtag: stored.key.mode === MODE_S3_V1, headers: managedHeadersOf(stored.key) };
  }
  if (!customer) throw s3Error('InvalidRequest', {}, PART_KEY_MISSING);
  checkUploadCustomerKey(ctx, stored.keyDigest, customer);
  const dataKey = unwrapKey(customer.key, stored.wrappedKey, wrapAad(bucket, key));
  if (!dataKey) throw s3Error('InvalidRequest', {}, PART_KEY_MISMATCH);
  return { dataKey, iv: stored.iv, plaintextEtag: false, headers: customerKeyResponseHeaders(customer) };
}

function checkUploadCustomerKey(ctx: OperationContext, keyDigest: string, customer: CustomerKey): void {
  if (!sameText(customerKeyDigest(ctx.sse!.digestKey, customer.key), keyDigest)) throw s3Error('InvalidRequest', {}, PART_KEY_MISMATCH);
}

/**
 * CompleteMultipartUpload's check of SSE-C headers it was sent (S3 takes
 * them, and boto3's transfer manager sends them): they must be the upload's.
 * None is fine: the key is not needed to complete.
 */
export function checkCompleteCustomerKey(ctx: OperationContext, marker: ObjectInfo, customer: CustomerKey | undefined): void {
  if (!customer) return;
  const stored = storedEncryption(marker, { marker: true });
  if (stored.kind !== 'customer') throw s3Error('InvalidRequest', {}, PART_KEY_MISMATCH);
  checkUploadCustomerKey(ctx, stored.keyDigest, customer);
}

/** An encrypted part's text, as kept (sealed) in its Content-Type. */
export interface PartText {
  readonly nonce: string;
  readonly mac: string;
  /** Swift's ETag of the part's ciphertext when the text was written: a part replaced since does not match it. */
  readonly etag: string;
}

export const partText = (p: PartText): string => `${p.nonce}.${p.mac}.${p.etag}`;

export function parsePartText(text: string | undefined): PartText | undefined {
  const m = text === undefined ? null : /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})\.([0-9a-f]{32})$/.exec(text);
  return m ? { nonce: m[1]!, mac: m[2]!, etag: m[3]! } : undefined;
}

/**
 * The completed object's encryption items, or none for a plaintext upload:
 * the upload's own, the layout, and the digest of its parts. `parts`: the
 * object's parts in order, each with the text its Content-Type keeps and
 * Swift's ETag now; a part without a text, or whose text is of other bytes
 * (a part replaced while its text was being written), is InvalidPart.
 */
export function completedEncryptionItems(
  marker: ObjectInfo, uploadId: string,
  parts: readonly { partNumber: number; size: number; swiftEtag: string; text: PartText | undefined }[],
): Reserved {
  const stored = storedEncryption(marker, { marker: true });
  if (stored.kind === 'none') return {};
  if (stored.kind === 'unverifiable') throw s3Error('InvalidRequest', {}, 'The upload\'s encryption state does not verify (it was changed outside the gateway): it cannot be completed; abort it and start again.');
  const seals: PartSeal[] = parts.map((p) => {
    if (!p.text || p.text.etag !== p.swiftEtag) throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: p.partNumber }, 'One or more of the specified parts could not be found: the part\'s encryption record is missing or is of other bytes; upload the part again.');
    return { partNumber: p.partNumber, size: p.size, nonce: p.text.nonce, mac: p.text.mac };
  });
  const items: Record<string, string> = {};
  for (const name of UPLOAD_ITEMS) if (marker.reserved[name] !== undefined) items[name] = marker.reserved[name]!;
  items[SSE_LAYOUT_ITEM] = LAYOUT_PARTS_V1;
  items[SSE_MAC_ITEM] = partsDigest(seals);
  return items;
}

/** The SSE headers of CompleteMultipartUpload's answer: SSE-S3/SSE-KMS's (S3 sends no SSE-C header there). */
export function completedEncryptionHeaders(marker: ObjectInfo): Record<string, string> {
  const stored = storedEncryption(marker, { marker: true });
  return stored.kind === 'managed' ? managedHeadersOf(stored.key) : {};
}
