// Writing an encrypted object, for every mode: a random data key and IV per
// object; the body is encrypted as it streams (AES-256-CTR, crypto/ctr.ts),
// the data key wrapped (under the customer's key for SSE-C, by a key provider
// for SSE-S3/SSE-KMS: requested.ts KeyWrapping), and the plaintext's MAC
// computed on the way. Everything but the MAC (and SSE-S3's plaintext MD5,
// its ETag) is known before the first byte; those only at the end. So a small
// body (up to SMALL_BODY_BYTES, the size of the small XML bodies the gateway
// reads) is encrypted in memory first and PUT as one plain object with all
// its items; a larger one is written the staged way (segment, then a
// one-segment manifest carrying the items: staged-put.ts) — never as a plain
// object that a later POST completes: a POST would leave a window with no MAC
// and could be undone by replaying the first metadata. Memory per request
// stays bounded either way.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DATA_KEY_BYTES, IV_BYTES } from '../../crypto/ctr.js';
import { macText, plaintextMac } from '../../crypto/mac.js';
import { EncryptingStream, PlaintextDigestMismatch } from '../../crypto/streams.js';
import { customerKeyDigest, wrapKey } from '../../crypto/wrap.js';
import { s3Error } from '../../s3/errors.js';
import { customerKeyResponseHeaders } from '../../s3/sse.js';
import { SSE_S3_ALGORITHM, encryptionContextText, managedResponseHeaders } from '../../s3/sse-managed.js';
import type { Reserved } from '../../swift/sealed-state.js';
import { readSmallBody } from '../common/body.js';
import { pipeWithFailure } from '../common/pipe-failure.js';
import { requestMd5 } from '../common/write-body.js';
import type { OperationContext } from '../context.js';
import type { KeyWrapping } from './requested.js';
import {
  MODE_CUSTOMER_V1, MODE_KMS_V1, MODE_S3_V1, SSE_BUCKET_KEY_ITEM, SSE_CONTEXT_ITEM, SSE_ITEM, SSE_IV_ITEM, SSE_KEK_ID_ITEM, SSE_KEY_DIGEST_ITEM, SSE_KEY_ITEM,
  SSE_MAC_ITEM, SSE_PROVIDER_ITEM,
} from './state.js';

/** Encrypted bodies up to this size are encrypted in memory and written as one object; larger ones staged. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** The MD5 of no bytes: an empty SSE-S3 object's ETag. */
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

export interface EncryptedWrite {
  /** The request's context with its body encrypted; Content-MD5 is checked on the plaintext here, not by Swift. */
  readonly ctx: OperationContext;
  /** Reserved items known before the body (all of them for a small body). */
  readonly items: Reserved;
  /** The items known once the body has ended (the MAC), for the manifest written then. */
  readonly bodyItems: () => Reserved;
  /**
   * SSE-S3 only: the plaintext's MD5 (hex), the object's S3 ETag (known at
   * once for a small body, once the body has ended for a staged one). Other
   * modes: undefined, the ETag is Swift's (of the ciphertext: "not an MD5
   * digest of the object data", as S3 says of SSE-C and SSE-KMS).
   */
  readonly etag: (() => string) | undefined;
  /** Whether the object must be a manifest (a body too large to encrypt in memory first). */
  readonly needsManifest: boolean;
  /** The SSE headers of the answer (SSE-C's algorithm and key MD5; SSE-S3/KMS's algorithm, key id, context). */
  readonly responseHeaders: Record<string, string>;
  /** A write's failure in S3 terms: a plaintext that did not match Content-MD5 is BadDigest. */
  readonly failure: (err: unknown) => unknown;
}

/** The AAD binding an SSE-C wrapped data key to its object: bucket/key. */
export const wrapAad = (bucket: string, key: string): string => `${bucket}/${key}`;

/** The wrapped data key and the items and answer headers that say how (before any body byte). */
export async function wrappingItems(ctx: OperationContext, bucket: string, key: string, wrapping: KeyWrapping, dataKey: Buffer): Promise<{ items: Record<string, string>; headers: Record<string, string> }> {
  if (wrapping.kind === 'customer') {
    const { customer } = wrapping;
    return {
      items: {
        [SSE_ITEM]: MODE_CUSTOMER_V1,
        [SSE_KEY_ITEM]: wrapKey(customer.key, dataKey, wrapAad(bucket, key)),
        [SSE_KEY_DIGEST_ITEM]: customerKeyDigest(ctx.sse!.digestKey, customer.key),
      },
      headers: customerKeyResponseHeaders(customer),
    };
  }
  const { encryption, provider } = wrapping;
  const kms = encryption.algorithm !== SSE_S3_ALGORITHM ? encryption : undefined;
  // The provider's errors are S3's: KMS.NotFoundException (400), ServiceUnavailable (503), AccessDenied (403).
  const wrapped = await provider.wrap(dataKey, { bucket, key, encryptionContext: kms?.context }, kms?.keyId);
  const items: Record<string, string> = {
    [SSE_ITEM]: kms ? MODE_KMS_V1 : MODE_S3_V1,
    [SSE_KEY_ITEM]: wrapped.wrapped,
    [SSE_PROVIDER_ITEM]: provider.name,
    [SSE_KEK_ID_ITEM]: wrapped.keyId,
  };
  if (kms?.context && Object.keys(kms.context).length > 0) items[SSE_CONTEXT_ITEM] = encryptionContextText(kms.context);
  if (kms?.bucketKeyEnabled) items[SSE_BUCKET_KEY_ITEM] = '1';
  const stored = { algorithm: encryption.algorithm, keyId: wrapped.keyId, context: kms?.context, bucketKeyEnabled: kms?.bucketKeyEnabled };
  return { items, headers: managedResponseHeaders(stored, true) };
}

export async function encryptForWrite(ctx: OperationContext, bucket: string, key: string, wrapping: KeyWrapping, length: number): Promise<EncryptedWrite> {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const md5 = requestMd5(ctx.req.headers);
  const withEtag = wrapping.kind === 'managed' && wrapping.encryption.algorithm === SSE_S3_ALGORITHM;
  const { items, headers: responseHeaders } = await wrappingItems(ctx, bucket, key, wrapping, dataKey);
  items[SSE_IV_ITEM] = iv.toString('base64url');
  const { 'content-md5': _md5, ...headers } = ctx.req.headers;
  let stream: EncryptingStream | undefined;
  // Piped only once a write reads it: a request refused first leaves its body unread, as without encryption.
  const encrypted = (): Readable => {
    if (!stream) {
      stream = new EncryptingStream(dataKey, iv, { expectedMd5Hex: md5, computeMd5: withEtag });
      // A body that failed before this (its hash checked as it arrived) fails the stream at once.
      pipeWithFailure(ctx.body, stream);
    }
    return stream;
  };
  const failure = (err: unknown) => (stream?.digestFailed || err instanceof PlaintextDigestMismatch ? s3Error('BadDigest', { 'Content-MD5': ctx.req.headers['content-md5'] }) : err);
  let body: () => Readable = encrypted;
  const small = length <= SMALL_BODY_BYTES;
  if (length === 0) {
    // An empty body's MAC is known now (and an empty PUT is a plain object: SLO takes no empty segment).
    items[SSE_MAC_ITEM] = macText(plaintextMac(dataKey).digest());
  } else if (small) {
    // Read (and so verify) the whole small body before Swift sees anything: its MAC is then known.
    const ciphertext = await readSmallBody(encrypted(), length).catch((err: unknown) => { throw failure(err); });
    items[SSE_MAC_ITEM] = stream!.mac();
    body = () => Readable.from([ciphertext]);
  }
  const encCtx: OperationContext = { ...ctx, req: { ...ctx.req, headers }, get body() { return body(); } };
  return {
    ctx: encCtx,
    items,
    needsManifest: !small,
    bodyItems: (): Reserved => (small ? {} : { [SSE_MAC_ITEM]: stream!.mac() }),
    etag: !withEtag ? undefined : () => (length === 0 ? EMPTY_MD5 : stream!.md5Hex()),
    responseHeaders,
    failure,
  };
}
