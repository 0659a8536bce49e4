// Multipart upload, the steps before completion: CreateMultipartUpload,
// UploadPart, UploadPartCopy, AbortMultipartUpload. Nothing is kept in memory:
// every step reads the upload's state from Swift, so any gateway instance can
// serve any step. https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { isoTimestamp } from '../s3/time.js';
import { discard, type SwiftResponse } from '../swift/client.js';
import { objectSize, type OperationContext } from './context.js';
import { clientContentType } from './seal.js';
import { headCopySource, parseCopySource } from './copy.js';
import { checkMetadataLimits } from './metadata-limits.js';
import { checkBucketName, checkKey } from './names.js';
import {
  UPLOAD_ID_META, abortNoteName, checkUploadId, markerName, newUploadId, parsePartNumber, partName, partNumberOf, partsPrefix, segmentsContainer,
} from './multipart-layout.js';
import { pick, quoteEtag } from './object-headers.js';
import { bodyLength, putObjectHeaders, storedObjectHeaders, writeBody } from './object.js';
import { deleteSegments, listSegments, markSegmentsContainer } from './segments.js';
import { BUCKET_TABLE, swiftFailure } from './swift-errors.js';
import { encodeObjectPath, encodeSegment } from '../swift/paths.js';


/** Creates `<bucket>+segments` like s3api does: with the bucket's storage policy and ACLs. */
async function ensureSegmentsContainer(ctx: OperationContext, bucket: string): Promise<void> {
  const head = await ctx.swift.call({ method: 'HEAD', container: bucket });
  await discard(head);
  if (head.status === 404) throw s3Error('NoSuchBucket', { BucketName: bucket });
  if (head.status >= 300) throw await swiftFailure(head, BUCKET_TABLE, { BucketName: bucket });
  const segments = await ctx.swift.call({ method: 'HEAD', container: segmentsContainer(bucket) });
  await discard(segments);
  if (segments.status === 404) {
    const put = await ctx.swift.call({
      method: 'PUT',
      container: segmentsContainer(bucket),
      headers: {
        'content-length': '0',
        'x-storage-policy': head.headers['x-storage-policy'],
        'x-container-read': head.headers['x-container-read'],
        'x-container-write': head.headers['x-container-write'],
      },
    });
    await discard(put);
    if (put.status >= 300) throw await swiftFailure(put, BUCKET_TABLE, { BucketName: bucket });
  }
  await markSegmentsContainer(ctx.swift, bucket, true);
}

/** The upload marker's HEAD, or NoSuchUpload. */
export async function uploadMarker(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<SwiftResponse> {
  const res = await ctx.swift.call({ method: 'HEAD', container: segmentsContainer(bucket), object: markerName(key, uploadId) });
  await discard(res);
  if (res.status === 404) throw s3Error('NoSuchUpload', { UploadId: uploadId });
  if (res.status >= 300) throw await swiftFailure(res, {}, { UploadId: uploadId });
  return res;
}

export async function createMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  const stored = storedObjectHeaders(ctx.req.headers);
  checkMetadataLimits(stored, await ctx.swift.limits());
  await ensureSegmentsContainer(ctx, bucket);
  const uploadId = newUploadId();
  // The marker carries what the final object gets, where s3api's Complete reads
  // it too: Content-Type, the stored content headers and X-Object-Meta-*.
  const res = await ctx.swift.call({
    method: 'PUT',
    container: segmentsContainer(bucket),
    object: markerName(key, uploadId),
    headers: {
      ...stored,
      'content-type': clientContentType(ctx.req.headers['content-type']) ?? 'application/octet-stream',
      'content-length': '0',
    },
    body: '',
  });
  if (res.status !== 201) throw await swiftFailure(res, BUCKET_TABLE, { BucketName: bucket });
  await discard(res);
  return { status: 200, xml: { root: 'InitiateMultipartUploadResult', doc: { Bucket: bucket, Key: key, UploadId: uploadId } } };
}

/** A part written after its upload was aborted would be orphaned: check again and clean up. */
async function ensureStillOpen(ctx: OperationContext, bucket: string, key: string, uploadId: string, part: number): Promise<void> {
  try {
    await uploadMarker(ctx, bucket, key, uploadId);
  } catch (err) {
    await deleteSegments(ctx.swift, bucket, [partName(key, uploadId, part)]);
    throw err;
  }
}

export async function uploadPart(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const part = parsePartNumber(ctx.req.query.get('partNumber'), (await ctx.swift.limits()).maxManifestSegments);
  const length = await bodyLength(ctx);
  await uploadMarker(ctx, bucket, key, uploadId);
  // A part keeps only its bytes, its MD5 (Content-MD5) and its checksum; metadata belongs to the marker.
  const headers = putObjectHeaders({ 'content-length': String(length), ...pick(ctx.req.headers, ['content-md5']) }, length);
  const target = { container: segmentsContainer(bucket), object: partName(key, uploadId, part) };
  const out = await writeBody(ctx, target, headers, length, { 404: 'NoSuchUpload' }, () => ensureStillOpen(ctx, bucket, key, uploadId, part));
  return { status: 200, headers: out };
}

/** `bytes=first-last` of x-amz-copy-source-range, checked against the source size. */
export function parseCopySourceRange(value: string, sourceSize: number): string {
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) > Number(m[2])) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value },
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
  }
  if (Number(m[2]) >= sourceSize) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value }, `Range specified is not valid for source object of size: ${sourceSize}`);
  }
  return `bytes=${m[1]}-${m[2]}`;
}

export async function uploadPartCopy(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const headers = ctx.req.headers;
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const part = parsePartNumber(ctx.req.query.get('partNumber'), (await ctx.swift.limits()).maxManifestSegments);
  const source = parseCopySource(headers['x-amz-copy-source']!);
  checkBucketName(source.bucket);
  await uploadMarker(ctx, bucket, key, uploadId);
  const head = await headCopySource(ctx, source);
  const size = Number(head.headers['content-length'] ?? 0);
  const range = headers['x-amz-copy-source-range'];
  const res = await ctx.swift.call({
    method: 'PUT',
    container: segmentsContainer(bucket),
    object: partName(key, uploadId, part),
    headers: {
      'x-copy-from': `/${encodeSegment(source.bucket)}/${encodeObjectPath(source.key)}`,
      'content-length': '0',
      range: range === undefined ? undefined : parseCopySourceRange(range, size),
      'x-fresh-metadata': 'true',
    },
  });
  if (res.status !== 201) throw await swiftFailure(res, { 404: 'NoSuchKey' }, { Key: source.key });
  await discard(res);
  await ensureStillOpen(ctx, bucket, key, uploadId, part);
  return {
    status: 200,
    xml: { root: 'CopyPartResult', doc: { LastModified: isoTimestamp(new Date(res.headers['last-modified'] ?? Date.now())), ETag: quoteEtag(res.headers['etag']) } },
  };
}

/**
 * AbortMultipartUpload. The marker's DELETE is the claim on the upload: of an
 * Abort and a Complete racing, exactly one sees it succeed (Swift answers 404
 * to the later DELETE). The abort note written first tells a Complete that
 * lost the claim that an Abort won. Once it owns the upload, the Abort removes
 * a manifest a losing Complete may have written (it names this upload), then
 * every part, then that manifest again (one may have landed meanwhile), then
 * its note: nothing of the upload stays behind.
 */
export async function abortMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const container = segmentsContainer(bucket);
  const note = await ctx.swift.call({
    method: 'PUT', container, object: abortNoteName(key, uploadId),
    // Self-cleaning should this process die before it deletes the note.
    headers: { 'content-length': '0', 'x-delete-after': String(24 * 3600) }, body: '',
  });
  await discard(note);
  if (note.status === 404) throw s3Error('NoSuchUpload', { UploadId: uploadId });
  if (note.status !== 201) throw await swiftFailure(note, BUCKET_TABLE, { BucketName: bucket });
  const claim = await ctx.swift.call({ method: 'DELETE', container, object: markerName(key, uploadId) });
  await discard(claim);
  if (claim.status === 404) {
    // Never begun, already aborted, or completed first: not ours to remove.
    await deleteSegments(ctx.swift, bucket, [abortNoteName(key, uploadId)]);
    throw s3Error('NoSuchUpload', { UploadId: uploadId });
  }
  if (claim.status !== 204 && claim.status !== 200) throw await swiftFailure(claim, {}, { UploadId: uploadId });
  await removeManifestOf(ctx, bucket, key, uploadId);
  const prefix = partsPrefix(key, uploadId);
  const parts = (await listSegments(ctx.swift, bucket, prefix)).map((row) => row.name!).filter((name) => {
    const n = partNumberOf(name, prefix);
    return n !== undefined && n > 0;
  });
  await deleteSegments(ctx.swift, bucket, parts);
  await removeManifestOf(ctx, bucket, key, uploadId);
  await deleteSegments(ctx.swift, bucket, [abortNoteName(key, uploadId)]);
  return { status: 204 };
}

/** Whether Swift's HEAD of bucket/key shows the object made by this upload (a sealed upload id: see seal.ts). */
export function madeBy(ctx: OperationContext, bucket: string, key: string, headers: Readonly<Record<string, string>>, uploadId: string): boolean {
  return ctx.seal.verified({ container: bucket, object: key, size: objectSize(headers) }, headers)[UPLOAD_ID_META] === uploadId;
}

/** Deletes the object at bucket/key if it is the manifest of this upload (a Complete that lost to an Abort). */
export async function removeManifestOf(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<void> {
  const head = await ctx.swift.call({ method: 'HEAD', container: bucket, object: key });
  await discard(head);
  if (head.status === 404) return;
  if (head.status !== 200) throw await swiftFailure(head, BUCKET_TABLE, { BucketName: bucket });
  if (!madeBy(ctx, bucket, key, head.headers, uploadId)) return;
  const del = await ctx.swift.call({ method: 'DELETE', container: bucket, object: key });
  await discard(del);
  if (del.status >= 300 && del.status !== 404) throw await swiftFailure(del, BUCKET_TABLE, { BucketName: bucket });
}
