// The copy source of CopyObject and UploadPartCopy: parsing x-amz-copy-source,
// finding the source (S3's errors name the SOURCE), and its
// x-amz-copy-source-if-* conditions.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
import { isEncrypted } from '../encryption/state.js';
import { s3Error } from '../../s3/errors.js';
import { decodeComponent } from '../../s3/request.js';
import { parseClientDate } from '../../s3/time.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { etagListMatches, s3EtagOf } from './etag.js';
import { findVersion, isDeleteMarker, parseVersionId } from './versions.js';

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  /** `?versionId=` of x-amz-copy-source: copy that version, not the current one. */
  readonly versionId?: string;
}

/** `/bucket/key` or `bucket/key`, URL-encoded, optionally `?versionId=`; only the current version exists here. */
export function parseCopySource(header: string): CopySource {
  let value = header.trim();
  let versionId: string | undefined;
  const q = value.indexOf('?');
  if (q >= 0) {
    versionId = parseVersionId(new URLSearchParams(value.slice(q + 1)).get('versionId') ?? undefined, 'x-amz-copy-source');
    value = value.slice(0, q);
  }
  const decoded = decodeComponent(value, false).replace(/^\//, '');
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source', ArgumentValue: header }, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/**
 * Evaluates x-amz-copy-source-if-* against the source's ETag and Last-Modified,
 * with the precedence rules of the CopyObject page: if-match true wins over
 * if-unmodified-since false; if-none-match false wins over if-modified-since true.
 */
export function copyConditionsHold(headers: Readonly<Record<string, string>>, etag: string, lastModified: Date): boolean {
  const matches = (list: string) => etagListMatches(list, etag);
  const ifMatch = headers['x-amz-copy-source-if-match'];
  const ifNoneMatch = headers['x-amz-copy-source-if-none-match'];
  const since = parseClientDate(headers['x-amz-copy-source-if-modified-since']);
  const unmodifiedSince = parseClientDate(headers['x-amz-copy-source-if-unmodified-since']);
  const seconds = Math.floor(lastModified.getTime() / 1000) * 1000;
  if (ifMatch !== undefined) {
    if (!matches(ifMatch)) return false;
  } else if (unmodifiedSince && seconds > unmodifiedSince.getTime()) {
    return false;
  }
  if (ifNoneMatch !== undefined) {
    if (matches(ifNoneMatch)) return false;
  } else if (since && seconds <= since.getTime()) {
    return false;
  }
  return true;
}


/**
 * The copy source, with S3's errors for a missing source (NoSuchBucket or
 * NoSuchKey of the SOURCE) and its x-amz-copy-source-if-* conditions checked.
 */
export async function findCopySource(ctx: OperationContext, source: CopySource): Promise<ObjectInfo> {
  // Another project's bucket: read there with the requester's own token.
  const other = await ctx.otherAccount?.(source.bucket);
  if (other) ctx = { ...ctx, store: other.store };
  const info = await ctx.store.findObject(source.bucket, source.key, { versionId: source.versionId });
  if (!info) {
    if (!(await ctx.store.containerExists(source.bucket))) throw s3Error('NoSuchBucket', { BucketName: source.bucket });
    if (source.versionId === undefined) throw s3Error('NoSuchKey', { Key: source.key });
    const row = await findVersion(ctx, source.bucket, source.key, source.versionId);
    if (row && isDeleteMarker(row)) throw s3Error('InvalidRequest', {}, 'The source of a copy request may not specifically refer to a delete marker by version id.');
    throw s3Error('NoSuchVersion', { Key: source.key, VersionId: source.versionId });
  }
  // Copying an encrypted object would need its key and a re-encryption; copying its bytes as they are would give ciphertext as plaintext.
  if (isEncrypted(info)) {
    throw s3Error('NotImplemented', {}, 'Copying an object stored with server-side encryption (SSE-C, SSE-S3 or SSE-KMS) is not implemented by this gateway; nothing was copied.');
  }
  const headers = ctx.req.headers;
  // Conditions are about the ETag clients know: for a multipart source its S3
  // ETag, which may cost a listing call, so it is resolved only when asked about.
  const etagAsked = headers['x-amz-copy-source-if-match'] !== undefined || headers['x-amz-copy-source-if-none-match'] !== undefined;
  const etag = etagAsked ? await s3EtagOf(ctx, source.bucket, source.key, info) : '';
  if (!copyConditionsHold(headers, etag, new Date(info.lastModified ?? 0))) {
    throw s3Error('PreconditionFailed', { Condition: 'x-amz-copy-source-If-*' });
  }
  return info;
}

/** The answer headers naming the source's version and the copy's (where buckets have versions). */
export function copyVersionHeaders(source: ObjectInfo, copy: { versionId?: string }): Record<string, string> {
  return {
    ...(source.versionId !== undefined ? { 'x-amz-copy-source-version-id': source.versionId } : {}),
    ...(copy.versionId !== undefined ? { 'x-amz-version-id': copy.versionId } : {}),
  };
}

/** The account of a copy source that is not the request's own (for X-Copy-From-Account), if so. */
export async function copySourceAccount(ctx: OperationContext, source: CopySource): Promise<string | undefined> {
  return (await ctx.otherAccount?.(source.bucket))?.account;
}
