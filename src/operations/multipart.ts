// Multipart upload, the steps before completion: CreateMultipartUpload,
// UploadPart, UploadPartCopy, AbortMultipartUpload. Nothing is kept in memory:
// every step reads the upload's state from Swift, so any gateway instance can
// serve any step. https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { isoTimestamp } from '../s3/time.js';
import { discard, type SwiftResponse } from '../swift/client.js';
import type { OperationContext } from './context.js';
import { headCopySource, parseCopySource } from './copy.js';
import { checkMetadataLimits } from './metadata-limits.js';
import { checkBucketName, checkKey } from './names.js';
import { checkUploadId, markerName, newUploadId, parsePartNumber, partName, partsPrefix, segmentsContainer } from './multipart-layout.js';
import { pick, quoteEtag } from './object-headers.js';
import { bodyLength, putObjectHeaders, storedObjectHeaders, writeBody } from './object.js';
import { deleteSegments, listSegments, markSegmentsContainer } from './segments.js';
import { BUCKET_TABLE, swiftFailure } from './swift-errors.js';
import { encodeObjectPath, encodeSegment } from '../swift/paths.js';

const CANNED_ACLS = new Set(['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control']);
/** Hidden metadata (never shown as x-amz-meta-*): the canned ACL asked for at creation. */
export const ACL_META = 'x-object-meta-s3gw-acl';

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
  const acl = ctx.req.headers['x-amz-acl'];
  if (acl !== undefined && !CANNED_ACLS.has(acl)) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-acl', ArgumentValue: acl });
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
      'content-type': ctx.req.headers['content-type'] ?? 'application/octet-stream',
      ...(acl ? { [ACL_META]: acl } : {}),
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

export async function abortMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  await uploadMarker(ctx, bucket, key, uploadId);
  // Marker first: from then on no new part can be accepted (see ensureStillOpen).
  const res = await ctx.swift.call({ method: 'DELETE', container: segmentsContainer(bucket), object: markerName(key, uploadId) });
  await discard(res);
  const parts = await listSegments(ctx.swift, bucket, partsPrefix(key, uploadId));
  await deleteSegments(ctx.swift, bucket, parts.map((p) => p.name!));
  return { status: 204 };
}
