// Object writes: PutObject and DeleteObject. Bodies stream straight through to
// Swift. Replacing or deleting a multipart object also removes its segments.
import type { Readable } from 'node:stream';
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { discard } from '../swift/client.js';
import type { OperationContext } from './context.js';
import { metadataToSwift } from './metadata.js';
import { checkKey } from './names.js';
import { STORED_CONTENT_HEADERS, contentMd5ToHex, pick, quoteEtag } from './object-headers.js';
import { containerMissing } from './object-read.js';
import { deleteSegments, ownedSegments } from './segments.js';
import { OBJECT_TABLE, swiftFailure } from './swift-errors.js';

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
  const replaced = await ownedSegments(ctx.swift, bucket, key);
  const res = await ctx.swift.call({ method: 'PUT', container: bucket, object: key, headers, body });
  if (res.status !== 201) throw await swiftFailure(res, { 404: 'NoSuchBucket' }, { BucketName: bucket, Key: key });
  await discard(res);
  await deleteSegments(ctx.swift, bucket, replaced);
  return { status: ctx.dialect.objectCreatedStatus, headers: { etag: quoteEtag(res.headers['etag']) } };
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
