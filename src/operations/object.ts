// Object writes: PutObject and DeleteObject. Bodies stream straight through to
// Swift. Replacing or deleting a multipart object also removes its segments.
import type { Readable } from 'node:stream';
import { checksumHeader } from '../s3/checksums.js';
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { discard } from '../swift/client.js';
import { readSmallBody } from './body.js';
import { storedChecksumHeaders } from './checksum-headers.js';
import type { OperationContext } from './context.js';
import { metadataToSwift } from './metadata.js';
import { checkMetadataLimits } from './metadata-limits.js';
import { checkKey } from './names.js';
import { STORED_CONTENT_HEADERS, contentMd5ToHex, pick, quoteEtag } from './object-headers.js';
import { clientContentType } from './seal.js';
import { containerMissing } from './object-read.js';
import { deleteSegments, ownedSegments } from './segments.js';
import { OBJECT_TABLE, swiftFailure, type StatusTable } from './swift-errors.js';

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
  const rest = value.split(',').map((v) => v.trim()).filter((v) => v !== '' && v.toLowerCase() !== 'aws-chunked');
  return rest.length === 0 ? undefined : rest.join(',');
}

/** The stored (allowlisted) content headers and user metadata of an upload, as Swift headers. */
export function storedObjectHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...pick(headers, STORED_CONTENT_HEADERS), ...metadataToSwift(headers) };
  if (out['content-type'] !== undefined) out['content-type'] = clientContentType(out['content-type'])!;
  const encoding = storedContentEncoding(out['content-encoding']);
  if (encoding === undefined) delete out['content-encoding'];
  else out['content-encoding'] = encoding;
  return out;
}

/** Headers of a Swift object PUT for an S3 PutObject (allowlisted; metadata translated). */
export function putObjectHeaders(headers: Readonly<Record<string, string>>, length: number): Record<string, string> {
  const out: Record<string, string> = { ...storedObjectHeaders(headers), 'content-length': String(length) };
  const md5 = headers['content-md5'];
  if (md5 !== undefined) out['etag'] = contentMd5ToHex(md5);
  return out;
}

/** The length Swift will receive: decoded from aws-chunked, or Content-Length; at most maxSize. */
export async function bodyLength(ctx: OperationContext): Promise<number> {
  // S3 refuses single PUTs above 5 GiB; Swift may refuse earlier (its max_file_size).
  const maxSize = Math.min(ctx.limits.maxObjectSize, (await ctx.swift.limits()).maxFileSize);
  const length = ctx.decodedLength ?? requireContentLength(ctx.req.headers, maxSize);
  if (length > maxSize) throw s3Error('EntityTooLarge', { ProposedSize: length, MaxSizeAllowed: maxSize });
  return length;
}

/**
 * Streams the verified request body to a Swift object (an object or a part).
 * A checksum known up front is stored with it; one from the trailer is known
 * only at the end and added afterwards. `afterWrite` runs once Swift has the
 * object. Answers the ETag and the checksum header.
 */
export async function writeBody(
  ctx: OperationContext,
  target: { container: string; object: string },
  headers: Record<string, string>,
  length: number,
  failures: StatusTable,
  afterWrite: () => Promise<void> = async () => {},
): Promise<Record<string, string | undefined>> {
  let body: Readable | Buffer = ctx.body;
  if (length === 0) {
    // Nothing to hold back in an empty body: read (and so verify) it before Swift sees anything.
    await readSmallBody(ctx.body, 0);
    body = Buffer.alloc(0);
  }
  const checksum = ctx.checksum;
  const known = checksum?.value();
  if (checksum && known !== undefined) Object.assign(headers, storedChecksumHeaders(checksum.algorithm, known));
  const sealed = { ...target, size: length };
  ctx.seal.seal(sealed, headers);
  const res = await ctx.swift.call({ method: 'PUT', ...target, headers, body });
  if (res.status !== 201) throw await swiftFailure(res, failures, { Key: ctx.req.key });
  await discard(res);
  await afterWrite();
  const out: Record<string, string | undefined> = { etag: quoteEtag(res.headers['etag']) };
  if (checksum) {
    const value = checksum.value();
    // A trailer checksum is known only now: Swift takes metadata with the
    // object's headers, so it is added by a POST that repeats them.
    if (known === undefined && value !== undefined) {
      const withChecksum: Record<string, string> = { ...headers, ...storedChecksumHeaders(checksum.algorithm, value) };
      ctx.seal.seal(sealed, withChecksum);
      await addChecksum(ctx, target.container, target.object, withChecksum);
    }
    out[checksumHeader(checksum.algorithm)] = value;
  }
  return out;
}

export async function putObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  const length = await bodyLength(ctx);
  const headers = putObjectHeaders(ctx.req.headers, length);
  checkMetadataLimits(headers, await ctx.swift.limits());
  const replaced = await ownedSegments(ctx.swift, bucket, key);
  const out = await writeBody(ctx, { container: bucket, object: key }, headers, length, { 404: 'NoSuchBucket' }, () =>
    deleteSegments(ctx.swift, bucket, replaced),
  );
  return { status: ctx.dialect.objectCreatedStatus, headers: out };
}

/**
 * Swift quirk: an object POST replaces all user metadata and the stored content
 * headers, so it repeats the upload's own before adding the checksum.
 */
async function addChecksum(ctx: OperationContext, container: string, object: string, putHeaders: Record<string, string>): Promise<void> {
  const headers = { ...putHeaders };
  delete headers['content-length'];
  delete headers['etag'];
  const res = await ctx.swift.call({ method: 'POST', container, object, headers });
  if (res.status !== 202) throw await swiftFailure(res, OBJECT_TABLE, { Key: ctx.req.key });
  await discard(res);
}

export async function deleteObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const segments = await ownedSegments(ctx.swift, bucket, key);
  const res = await ctx.swift.call({ method: 'DELETE', container: bucket, object: key });
  await discard(res);
  if (res.status === 204 || res.status === 200) {
    // The manifest goes first, so the object never reads as broken.
    await deleteSegments(ctx.swift, bucket, segments);
    return { status: 204 };
  }
  if (res.status === 404) {
    if (await containerMissing(ctx, bucket)) throw s3Error('NoSuchBucket', { BucketName: bucket });
    if (ctx.dialect.deleteMissingKey === 'no-content') return { status: 204 };
    throw s3Error('NoSuchKey', { Key: key });
  }
  throw await swiftFailure(res, OBJECT_TABLE, { Key: key });
}
