// Streaming a request's body into a Swift object (PutObject, UploadPart), and
// the headers such a write stores: the one place S3's upload headers become
// what Swift keeps.
import { Transform, type Readable } from 'node:stream';
import { checksumHeader } from '../../s3/checksums.js';
import { encodePartChecksum } from '../../s3/multipart-checksums.js';
import { s3Error } from '../../s3/errors.js';
import { plainContentType } from '../../swift/sealed-state.js';
import type { Written } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import type { Reserved } from '../../swift/sealed-state.js';
import { readSmallBody } from './body.js';
import { pipeWithFailure, throwIfFailed } from './pipe-failure.js';
import { checksumItem } from './checksums.js';
import { metadataToSwift } from './metadata.js';
import { STORED_CONTENT_HEADERS, contentMd5ToHex, pick, quoteEtag } from './object-headers.js';

/** Content-Length as S3 requires it for a plain PUT; too large is EntityTooLarge. */
export function requireContentLength(headers: Readonly<Record<string, string>>, maxObjectSize: number): number {
  const raw = headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) throw s3Error('MissingContentLength');
  const length = Number(raw.trim());
  if (length > maxObjectSize) {
    throw s3Error('EntityTooLarge', { ProposedSize: length, MaxSizeAllowed: maxObjectSize });
  }
  return length;
}

/**
 * Content-Encoding as S3 stores it: without `aws-chunked`, which describes the
 * request's framing, not the object (sigv4-streaming.html).
 */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // The rest exactly as sent (`gzip, br` stays `gzip, br`): only the aws-chunked items go.
  const rest = value.split(',').filter((v) => v.trim().toLowerCase() !== 'aws-chunked').join(',').trim().replace(/^,+|,+$/g, '').trim();
  return rest === '' ? undefined : rest;
}

/**
 * The stored (allowlisted) content headers and user metadata of an upload, as
 * Swift headers. A client's Content-Type loses the parameters the gateway and
 * Swift give a meaning to.
 */
export function storedObjectHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...pick(headers, STORED_CONTENT_HEADERS), ...metadataToSwift(headers) };
  if (out['content-type'] !== undefined) out['content-type'] = plainContentType(out['content-type'])!;
  const encoding = storedContentEncoding(out['content-encoding']);
  if (encoding === undefined) delete out['content-encoding'];
  else out['content-encoding'] = encoding;
  return out;
}

/** Content-MD5 as the hex MD5 Swift verifies (422 on a mismatch), if the request has one. */
export function requestMd5(headers: Readonly<Record<string, string>>): string | undefined {
  const md5 = headers['content-md5'];
  return md5 === undefined ? undefined : contentMd5ToHex(md5);
}

/** The length Swift will receive: decoded from aws-chunked, or Content-Length; at most maxSize. */
export async function bodyLength(ctx: OperationContext): Promise<number> {
  // S3 refuses single PUTs above 5 GiB; Swift may refuse earlier (its max_file_size).
  const maxSize = Math.min(ctx.limits.maxObjectSize, (await ctx.store.limits()).maxFileSize);
  const length = ctx.decodedLength ?? requireContentLength(ctx.req.headers, maxSize);
  if (length > maxSize) throw s3Error('EntityTooLarge', { ProposedSize: length, MaxSizeAllowed: maxSize });
  return length;
}

/**
 * A PutObject body's length, or undefined for a body sent with
 * `Transfer-Encoding: chunked` and no length at all (S3 takes it: see
 * sigv4-streaming.html, and ceph's s3-tests expect it of a plain PUT): its
 * size is known once it has been read, and Swift, which takes chunked PUTs,
 * enforces its max_file_size itself. Any other transfer coding is
 * NotImplemented, as Swift's s3api answers it.
 */
export async function putBodyLength(ctx: OperationContext): Promise<number | undefined> {
  const te = ctx.req.headers['transfer-encoding'];
  if (te !== undefined) {
    const codings = te.split(',').map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
    if (codings.length !== 1 || codings[0] !== 'chunked') {
      throw s3Error('NotImplemented', { Header: 'Transfer-Encoding' }, 'A header you provided implies functionality that is not implemented: only the chunked transfer coding is accepted.');
    }
    if (ctx.decodedLength === undefined && ctx.req.headers['content-length'] === undefined) return undefined;
  }
  return bodyLength(ctx);
}

/** Passes a stream through, counting its bytes. */
class Counting extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/**
 * Streams the verified request body to a Swift object (an object or a part).
 * A checksum known up front is stored with it; one from the trailer is known
 * only at the end and added afterwards by a POST, which repeats `extra`;
 * `noMetadataPost` (a lock-enabled bucket): no POST, so a trailer checksum
 * is verified and answered but not stored (see operations/lock/write-lock.ts).
 * `afterWrite` runs once Swift has the object. Answers the ETag and the
 * checksum header.
 */
export async function writeBody(
  ctx: OperationContext,
  target: { container: string; object: string },
  headers: Record<string, string>,
  /** Undefined: a chunked body of unknown length (putBodyLength). */
  length: number | undefined,
  afterWrite: () => Promise<void> = async () => {},
  /** Reserved items the object gets beside its checksum (its ACL, its object lock). */
  extra: Reserved = {},
  /**
   * `noMetadataPost` (a lock-enabled bucket): no POST after the write, so a
   * trailer checksum is verified and answered but not stored. `listChecksum`:
   * the checksum also goes where listings show it (a part's: see
   * SwiftStore.putObject listedChecksum). `checksum`: the checksum to keep when
   * it is not the request's own (one the gateway computes). `storageClass`:
   * the S3 class to name on the object (operations/storage/). `s3Etag`: the
   * S3 ETag to keep and answer instead of Swift's (an SSE-S3 object's
   * plaintext MD5: operations/encryption/).
   */
  opts: { noMetadataPost?: boolean; listChecksum?: boolean; checksum?: OperationContext['checksum']; storageClass?: string; s3Etag?: string } = {},
): Promise<Record<string, string | undefined>> {
  throwIfFailed(ctx.body);
  if (length === undefined) {
    // The class is sealed for the object's size, which a chunked body without a length does not say up front.
    if (opts.storageClass !== undefined) throw s3Error('MissingContentLength', {}, 'An upload with x-amz-storage-class must give its length (Content-Length, or x-amz-decoded-content-length).');
    return writeUnknownLength(ctx, target, headers, afterWrite, extra, opts);
  }
  let body: Readable | Buffer = ctx.body;
  if (length === 0) {
    // Nothing to hold back in an empty body: read (and so verify) it before Swift sees anything.
    await readSmallBody(ctx.body, 0);
    body = Buffer.alloc(0);
  }
  const checksum = opts.checksum ?? ctx.checksum;
  const known = checksum?.value();
  // The version's own reserved items (its ACL, its object lock) are stored with it, in the same PUT.
  const reserved = { ...extra, ...(checksum && known !== undefined ? checksumItem(checksum.algorithm, known) : {}) };
  const listed = (value: string | undefined) => (opts.listChecksum && checksum && value !== undefined ? encodePartChecksum({ algorithm: checksum.algorithm, value }) : undefined);
  const written: Written = await ctx.store.putObject(target.container, target.object, {
    body, length, headers, md5: requestMd5(ctx.req.headers), reserved, listedChecksum: listed(known), storageClass: opts.storageClass, s3Etag: opts.s3Etag,
  });
  await afterWrite();
  const out: Record<string, string | undefined> = { etag: quoteEtag(opts.s3Etag ?? written.etag), 'x-amz-version-id': written.versionId };
  if (checksum) {
    const value = checksum.value();
    // A trailer checksum is known only once the body has ended.
    if (known === undefined && value !== undefined && !opts.noMetadataPost) await ctx.store.updateReserved(written, { ...extra, ...checksumItem(checksum.algorithm, value) }, listed(value));
    out[checksumHeader(checksum.algorithm)] = value;
  }
  return out;
}

/**
 * A body of unknown length: streamed to Swift chunked, counted on the way.
 * Reserved items are sealed for the object's size, so they (its ACL, its
 * checksum) are added by a POST once the size is known.
 */
async function writeUnknownLength(
  ctx: OperationContext, target: { container: string; object: string }, headers: Record<string, string>,
  afterWrite: () => Promise<void>, extra: Reserved, opts: { noMetadataPost?: boolean; checksum?: OperationContext['checksum'] },
): Promise<Record<string, string | undefined>> {
  // A lock-enabled bucket takes no POST after a write: an object's lock (and
  // ACL) must be in its PUT, sealed for a size known up front.
  if (opts.noMetadataPost && Object.keys(extra).length > 0) {
    throw s3Error('MissingContentLength', {}, 'In a bucket with object lock, an upload must give its length (Content-Length, or x-amz-decoded-content-length), not only Transfer-Encoding: chunked.');
  }
  const counting = new Counting();
  const sent = await ctx.store.putObject(target.container, target.object, { body: pipeWithFailure(ctx.body, counting), length: undefined, headers, md5: requestMd5(ctx.req.headers) });
  const written: Written = { ...sent, target: { ...sent.target, size: counting.bytes } };
  await afterWrite();
  const checksum = opts.checksum ?? ctx.checksum;
  const value = checksum?.value();
  const reserved = { ...extra, ...(checksum && value !== undefined ? checksumItem(checksum.algorithm, value) : {}) };
  if (Object.keys(reserved).length > 0 && !opts.noMetadataPost) await ctx.store.updateReserved(written, reserved);
  const out: Record<string, string | undefined> = { etag: quoteEtag(written.etag), 'x-amz-version-id': written.versionId };
  if (checksum) out[checksumHeader(checksum.algorithm)] = value;
  return out;
}
