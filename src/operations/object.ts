// Object operations: GetObject, HeadObject, PutObject, DeleteObject.
// Bodies stream straight through: client → Swift on PUT, Swift → client on GET.
import type { Readable } from 'node:stream';
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { discard } from '../swift/client.js';
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

/** Headers of a Swift object PUT for an S3 PutObject (allowlisted; metadata translated). */
export function putObjectHeaders(headers: Readonly<Record<string, string>>, length: number): Record<string, string> {
  const out: Record<string, string> = {
    ...pick(headers, STORED_CONTENT_HEADERS),
    ...metadataToSwift(headers),
    'content-length': String(length),
  };
  const md5 = headers['content-md5'];
  if (md5 !== undefined) out['etag'] = contentMd5ToHex(md5);
  return out;
}

export async function putObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  // S3 refuses single PUTs above 5 GiB; Swift may refuse earlier (its max_file_size).
  const maxSize = Math.min(ctx.limits.maxObjectSize, (await ctx.swift.limits()).maxFileSize);
  const length = requireContentLength(ctx.req.headers, maxSize);
  const headers = putObjectHeaders(ctx.req.headers, length);
  const body: Readable = ctx.body;
  const res = await ctx.swift.call({ method: 'PUT', container: bucket, object: key, headers, body });
  if (res.status !== 201) throw await swiftFailure(res, { 404: 'NoSuchBucket' }, { BucketName: bucket, Key: key });
  await discard(res);
  return { status: ctx.dialect.objectCreatedStatus, headers: { etag: quoteEtag(res.headers['etag']) } };
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
