// Writing an SSE-C object: a random data key and IV per object; the body is
// encrypted as it streams (AES-256-CTR, crypto/ctr.ts), the data key wrapped
// under the customer's key, and the plaintext's MAC computed on the way.
// Everything but the MAC is known before the first byte; the MAC only at the
// end. So a small body (up to SMALL_BODY_BYTES, the size of the small XML
// bodies the gateway reads) is encrypted in memory first and PUT as one plain
// object with all its items; a larger one is written the staged way (segment,
// then a one-segment manifest carrying the items: staged-put.ts) — never as a
// plain object that a later POST completes: a POST would leave a window with
// no MAC and could be undone by replaying the first metadata. Memory per
// request stays bounded either way.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DATA_KEY_BYTES, IV_BYTES } from '../../crypto/ctr.js';
import { macText, plaintextMac } from '../../crypto/mac.js';
import { EncryptingStream, PlaintextDigestMismatch } from '../../crypto/streams.js';
import { customerKeyDigest, wrapKey } from '../../crypto/wrap.js';
import { s3Error } from '../../s3/errors.js';
import { customerKeyResponseHeaders, type CustomerKey } from '../../s3/sse.js';
import type { Reserved } from '../../swift/sealed-state.js';
import { readSmallBody } from '../common/body.js';
import { pipeWithFailure } from '../common/pipe-failure.js';
import { requestMd5 } from '../common/write-body.js';
import type { OperationContext } from '../context.js';
import { MODE_CUSTOMER_V1, SSE_ITEM, SSE_IV_ITEM, SSE_KEY_DIGEST_ITEM, SSE_KEY_ITEM, SSE_MAC_ITEM } from './state.js';

/** SSE-C bodies up to this size are encrypted in memory and written as one object; larger ones staged. */
export const SMALL_BODY_BYTES = 64 * 1024;

export interface EncryptedWrite {
  /** The request's context with its body encrypted; Content-MD5 is checked on the plaintext here, not by Swift. */
  readonly ctx: OperationContext;
  /** Reserved items known before the body (all of them for an empty body). */
  readonly items: Reserved;
  /** The items known once the body has ended (the MAC), for the manifest written then. */
  readonly bodyItems: () => Reserved;
  /** Whether the object must be a manifest (a body too large to encrypt in memory first). */
  readonly needsManifest: boolean;
  /** x-amz-server-side-encryption-customer-algorithm and -key-MD5 for the answer. */
  readonly responseHeaders: Record<string, string>;
  /** A write's failure in S3 terms: a plaintext that did not match Content-MD5 is BadDigest. */
  readonly failure: (err: unknown) => unknown;
}

/** The AAD binding a wrapped data key to its object: bucket/key. */
export const wrapAad = (bucket: string, key: string): string => `${bucket}/${key}`;

export async function encryptForWrite(ctx: OperationContext, bucket: string, key: string, customer: CustomerKey, length: number): Promise<EncryptedWrite> {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const md5 = requestMd5(ctx.req.headers);
  const { 'content-md5': _md5, ...headers } = ctx.req.headers;
  let stream: EncryptingStream | undefined;
  // Piped only once a write reads it: a request refused first leaves its body unread, as without encryption.
  const encrypted = (): Readable => {
    if (!stream) {
      stream = new EncryptingStream(dataKey, iv, { expectedMd5Hex: md5 });
      // A body that failed before this (its hash checked as it arrived) fails the stream at once.
      pipeWithFailure(ctx.body, stream);
    }
    return stream;
  };
  const items: Record<string, string> = {
    [SSE_ITEM]: MODE_CUSTOMER_V1,
    [SSE_KEY_ITEM]: wrapKey(customer.key, dataKey, wrapAad(bucket, key)),
    [SSE_IV_ITEM]: iv.toString('base64url'),
    [SSE_KEY_DIGEST_ITEM]: customerKeyDigest(ctx.sse!.digestKey, customer.key),
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
    responseHeaders: customerKeyResponseHeaders(customer),
    failure,
  };
}
