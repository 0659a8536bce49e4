// Object operations: GetObject, HeadObject, PutObject, DeleteObject.
// Bodies stream straight through: client → Swift on PUT, Swift → client on GET.
import type { Readable } from 'node:stream';
import { checksumHeader } from '../s3/checksums.js';
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { discard } from '../swift/client.js';
import { readSmallBody } from './body.js';
import { checksumResponseHeaders, storedChecksumHeaders } from './checksum-headers.js';
import type { OperationContext } from './context.js';
import { metadataToSwift } from './metadata.js';
import { checkKey } from './names.js';
import {
  READ_CONDITION_HEADERS,
  RESPONSE_OVERRIDES,
  STORED_CONTENT_HEADERS,
  contentMd5ToHex,
  objectResponseHeaders,
  pick,
  quoteEtag,
} from './object-headers.js';
import { OBJECT_TABLE, swiftFailure, type StatusTable } from './swift-errors.js';

const READ_TABLE: StatusTable = { 404: 'NoSuchKey', 412: 'PreconditionFailed', 416: 'InvalidRange' };

async function readObject(ctx: OperationContext, method: 'GET' | 'HEAD'): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const res = await ctx.swift.call({ method, container: bucket, object: key, headers: pick(ctx.req.headers, READ_CONDITION_HEADERS) });
  if (res.status === 304) {
    await discard(res);
    return { status: 304, headers: { etag: quoteEtag(res.headers['etag']), 'last-modified': res.headers['last-modified'] } };
  }
  if (res.status !== 200 && res.status !== 206) {
    if (res.status === 404 && (await containerMissing(ctx, bucket))) {
      await discard(res);
      throw s3Error('NoSuchBucket', { BucketName: bucket });
    }
    throw await swiftFailure(res, READ_TABLE, { Key: key });
  }
  const headers = objectResponseHeaders(res.headers);
  // S3 quirk: checksums are returned only when asked for, and only for the whole
  // object (a client validates the body it receives against them).
  if (res.status === 200 && ctx.req.headers['x-amz-checksum-mode']?.trim().toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumResponseHeaders(res.headers));
  }
  if (method === 'GET') {
    for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
      const value = ctx.req.query.get(param);
      if (value !== undefined) headers[header] = value;
    }
  }
  if (method === 'HEAD') {
    await discard(res);
    return { status: res.status, headers };
  }
  return { status: res.status, headers, stream: res.body };
}

/** S3 tells a missing bucket (NoSuchBucket) from a missing key (NoSuchKey); Swift says 404 for both. */
async function containerMissing(ctx: OperationContext, bucket: string): Promise<boolean> {
  const res = await ctx.swift.call({ method: 'HEAD', container: bucket });
  await discard(res);
  return res.status === 404;
}

export function getObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, 'GET');
}

export function headObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, 'HEAD');
}

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

export async function putObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  // S3 refuses single PUTs above 5 GiB; Swift may refuse earlier (its max_file_size).
  const maxSize = Math.min(ctx.limits.maxObjectSize, (await ctx.swift.limits()).maxFileSize);
  const length = ctx.decodedLength ?? requireContentLength(ctx.req.headers, maxSize);
  if (length > maxSize) throw s3Error('EntityTooLarge', { ProposedSize: length, MaxSizeAllowed: maxSize });
  const headers = putObjectHeaders(ctx.req.headers, length);
  let body: Readable | Buffer = ctx.body;
  if (length === 0) {
    // Nothing to hold back in an empty body: read (and so verify) it before Swift sees anything.
    await readSmallBody(ctx.body, 0);
    body = Buffer.alloc(0);
  }
  const checksum = ctx.checksum;
  const known = checksum?.value();
  if (checksum && known !== undefined) Object.assign(headers, storedChecksumHeaders(checksum.algorithm, known));
  const res = await ctx.swift.call({ method: 'PUT', container: bucket, object: key, headers, body });
  if (res.status !== 201) throw await swiftFailure(res, { 404: 'NoSuchBucket' }, { BucketName: bucket, Key: key });
  await discard(res);
  const out: Record<string, string | undefined> = { etag: quoteEtag(res.headers['etag']) };
  if (checksum) {
    const value = checksum.value();
    // A trailer checksum is known only now: Swift takes metadata with the
    // object's headers, so it is added by a POST that repeats them.
    if (known === undefined && value !== undefined) await addChecksum(ctx, bucket, key, storedChecksumHeaders(checksum.algorithm, value));
    out[checksumHeader(checksum.algorithm)] = value;
  }
  return { status: ctx.dialect.objectCreatedStatus, headers: out };
}

/**
 * Swift quirk: an object POST replaces all user metadata and the stored content
 * headers, so it repeats the upload's own before adding the checksum.
 */
async function addChecksum(ctx: OperationContext, bucket: string, key: string, checksumHeaders: Record<string, string>): Promise<void> {
  const headers = { ...storedObjectHeaders(ctx.req.headers), ...checksumHeaders };
  const res = await ctx.swift.call({ method: 'POST', container: bucket, object: key, headers });
  if (res.status !== 202) throw await swiftFailure(res, OBJECT_TABLE, { Key: key });
  await discard(res);
}

export async function deleteObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const res = await ctx.swift.call({ method: 'DELETE', container: bucket, object: key });
  await discard(res);
  if (res.status === 204 || res.status === 200) return { status: 204 };
  if (res.status === 404) {
    if (await containerMissing(ctx, bucket)) throw s3Error('NoSuchBucket', { BucketName: bucket });
    if (ctx.dialect.deleteMissingKey === 'no-content') return { status: 204 };
    throw s3Error('NoSuchKey', { Key: key });
  }
  throw await swiftFailure(res, OBJECT_TABLE, { Key: key });
}
