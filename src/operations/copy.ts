// CopyObject: PUT with x-amz-copy-source → Swift PUT with X-Copy-From.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
import { copyObjectResult } from '../s3/documents.js';
import { s3Error } from '../s3/errors.js';
import { decodeComponent } from '../s3/request.js';
import type { S3Result } from '../s3/result.js';
import { parseClientDate } from '../s3/time.js';
import { discard, type SwiftResponse } from '../swift/client.js';
import { encodeObjectPath, encodeSegment } from '../swift/paths.js';
import type { OperationContext } from './context.js';
import { CHECKSUM_META_PREFIX, metadataToSwift } from './metadata.js';
import { checkMetadataLimits } from './metadata-limits.js';
import { checkBucketName, checkKey } from './names.js';
import { STORED_CONTENT_HEADERS, pick, quoteEtag } from './object-headers.js';
import { SEAL_META, clientContentType, reservedItems, withoutEtagParams } from './seal.js';
import { etagListMatches, s3EtagOf } from './object-read.js';
import { deleteSegments, ownedSegments } from './segments.js';
import { swiftFailure } from './swift-errors.js';

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
}

/** `/bucket/key` or `bucket/key`, URL-encoded, optionally `?versionId=`; only the current version exists here. */
export function parseCopySource(header: string): CopySource {
  let value = header.trim();
  const q = value.indexOf('?');
  if (q >= 0) {
    const versionId = new URLSearchParams(value.slice(q + 1)).get('versionId');
    if (versionId !== null && versionId !== 'null') throw s3Error('NoSuchVersion', { VersionId: versionId });
    value = value.slice(0, q);
  }
  const decoded = decodeComponent(value, false).replace(/^\//, '');
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source', ArgumentValue: header }, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

export type MetadataDirective = 'COPY' | 'REPLACE';

export function parseMetadataDirective(value: string | undefined): MetadataDirective {
  if (value === undefined || value === 'COPY') return 'COPY';
  if (value === 'REPLACE') return 'REPLACE';
  throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: value }, 'Unknown metadata directive.');
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
 * The copy source's HEAD, with S3's errors for a missing source (NoSuchBucket or
 * NoSuchKey of the SOURCE) and its x-amz-copy-source-if-* conditions checked.
 * Shared by CopyObject and UploadPartCopy.
 */
export async function headCopySource(ctx: OperationContext, source: CopySource): Promise<SwiftResponse> {
  const head = await ctx.swift.call({ method: 'HEAD', container: source.bucket, object: source.key });
  await discard(head);
  if (head.status === 404) {
    const container = await ctx.swift.call({ method: 'HEAD', container: source.bucket });
    await discard(container);
    if (container.status === 404) throw s3Error('NoSuchBucket', { BucketName: source.bucket });
    throw s3Error('NoSuchKey', { Key: source.key });
  }
  if (head.status !== 200) throw await swiftFailure(head, {}, { Key: source.key });
  const headers = ctx.req.headers;
  // Conditions are about the ETag clients know: for a multipart source its S3
  // ETag, which may cost a listing call, so it is resolved only when asked about.
  const etagAsked = headers['x-amz-copy-source-if-match'] !== undefined || headers['x-amz-copy-source-if-none-match'] !== undefined;
  const etag = etagAsked ? await s3EtagOf(ctx, source.bucket, source.key, head) : '';
  if (!copyConditionsHold(headers, etag, new Date(head.headers['last-modified'] ?? 0))) {
    throw s3Error('PreconditionFailed', { Condition: 'x-amz-copy-source-If-*' });
  }
  return head;
}

export async function copyObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const headers = ctx.req.headers;
  checkKey(key, ctx.limits.maxKeyBytes);
  const source = parseCopySource(headers['x-amz-copy-source']!);
  checkBucketName(source.bucket);
  const directive = parseMetadataDirective(headers['x-amz-metadata-directive']);
  if (directive === 'COPY' && source.bucket === bucket && source.key === key) {
    throw s3Error('InvalidRequest', {}, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  // REPLACE: the copy's own headers and metadata, checked before any Swift call.
  const fresh: Record<string, string> | undefined = directive === 'REPLACE' ? { ...pick(headers, STORED_CONTENT_HEADERS), ...metadataToSwift(headers) } : undefined;
  if (fresh?.['content-type'] !== undefined) fresh['content-type'] = clientContentType(fresh['content-type'])!;
  if (fresh) checkMetadataLimits(fresh, await ctx.swift.limits());
  const head = await headCopySource(ctx, source);
  const sourceSize = Number(head.headers['content-length'] ?? 0);
  if (sourceSize > ctx.limits.maxObjectSize) {
    throw s3Error('InvalidRequest', {}, `The specified copy source is larger than the maximum allowable size for a copy source: ${ctx.limits.maxObjectSize}`);
  }

  const swiftHeaders: Record<string, string> = {
    'x-copy-from': `/${encodeSegment(source.bucket)}/${encodeObjectPath(source.key)}`,
    'content-length': '0',
  };
  if (fresh) {
    // Swift's copy keeps the source's metadata unless told the copy's is fresh.
    swiftHeaders['x-fresh-metadata'] = 'true';
    Object.assign(swiftHeaders, fresh);
  } else {
    // A copy of a multipart object is a plain object: its stored S3 ETag must not follow.
    const sourceType = head.headers['content-type'];
    if (sourceType !== undefined && sourceType.includes('s3gw_')) swiftHeaders['content-type'] = withoutEtagParams(sourceType)!;
    // Swift copies every reserved item of the source; each is blanked here
    // (an empty item counts as absent) and only what verifies is set again.
    for (const name of Object.keys(reservedItems(head.headers))) swiftHeaders[name] = '';
  }
  // The source's verified checksums describe the copy's bytes too: they follow,
  // sealed for the copy (a seal is bound to its object's name).
  const verified = ctx.seal.verified({ container: source.bucket, object: source.key, size: sourceSize }, head.headers);
  for (const [name, value] of Object.entries(verified)) if (name.startsWith(CHECKSUM_META_PREFIX)) swiftHeaders[name] = value;
  ctx.seal.seal({ container: bucket, object: key, size: sourceSize }, swiftHeaders);
  if (swiftHeaders[SEAL_META] === undefined && head.headers[SEAL_META] !== undefined) swiftHeaders[SEAL_META] = '';
  // Copying a multipart object onto itself makes it a plain object: its old
  // segments go once the copy is written, as for any overwrite.
  const replaced = await ownedSegments(ctx.swift, bucket, key);
  const res = await ctx.swift.call({ method: 'PUT', container: bucket, object: key, headers: swiftHeaders });
  if (res.status !== 201) throw await swiftFailure(res, { 404: 'NoSuchBucket' }, { BucketName: bucket, Key: key });
  await discard(res);
  await deleteSegments(ctx.swift, bucket, replaced);
  const etag = quoteEtag(res.headers['etag'] ?? head.headers['etag']) ?? '""';
  const modified = res.headers['last-modified'] ? new Date(res.headers['last-modified']) : new Date();
  return {
    status: ctx.dialect.objectCreatedStatus,
    xml: copyObjectResult(etag, modified),
  };
}
