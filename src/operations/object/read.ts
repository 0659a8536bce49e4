// GetObject and HeadObject: conditional and ranged reads streamed from Swift,
// the S3 ETag of multipart objects, and `partNumber` reads of one part.
import { s3Error } from '../../s3/errors.js';
import { headerValueFromText } from '../../s3/header-values.js';
import type { S3Result } from '../../s3/result.js';
import { SwiftStore, type ManifestSegment, type ObjectRead } from '../../swift/store.js';
import { checksumResponseHeaders } from '../common/checksums.js';
import { websiteRedirectHeader } from '../common/website-redirect.js';
import { etagListMatches, s3EtagOf } from '../common/etag.js';
import { READ_CONDITION_HEADERS, RESPONSE_OVERRIDES, objectResponseHeaders, pick, quoteEtag } from '../common/object-headers.js';
import { parsePartNumber } from '../common/part-number.js';
import { findVersion, isDeleteMarker, latestVersion, parseVersionId, versionHeaders } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { bucketInfo } from '../common/bucket.js';
import { shownLock } from '../lock/enforce.js';
import { lockResponseHeaders } from '../lock/state.js';
import { entryPath, isStagedPut, objectManifest } from '../common/manifest.js';
import { checksumHeader } from '../../s3/checksums.js';
import { decodePartChecksum } from '../../s3/multipart-checksums.js';
import { storageClassHeader } from '../../s3/storage-class.js';
import { isPlacedData, objectClass } from '../storage/bucket-class.js';
import { expiryForRead } from '../common/lifecycle-expiry.js';
import { taggingCountHeader } from '../tagging/object-tags.js';
import { requestedCustomerKey } from '../encryption/customer-key.js';
import { coversWholeObject, decryptedBody, openForRead, readOffset } from '../encryption/read.js';
import type { CustomerKey } from '../../s3/sse.js';
import { encryptedParts, partsDecryptedBody } from '../encryption/multipart-read.js';

interface PartRange {
  readonly range: string;
  readonly start: number;
  readonly size: number;
  readonly count: number;
  /** The part's segment (its checksum is read from it with x-amz-checksum-mode). */
  readonly segment: ManifestSegment;
}

/** The byte range of part N of a multipart object (a manifest), and how many parts it has; undefined for a plain object. */
async function isStagedObject(ctx: OperationContext, bucket: string, key: string, versionId: string | undefined): Promise<boolean> {
  const info = await ctx.store.findObject(bucket, key, { versionId });
  // (An object placed in another class is one segment too: operations/storage/.)
  return info !== undefined && (isStagedPut(info) || isPlacedData(info));
}

async function partRange(ctx: OperationContext, bucket: string, key: string, part: number, versionId: string | undefined): Promise<PartRange | undefined> {
  const found = await objectManifest(ctx, bucket, key, { versionId });
  if (found === 'missing') return missingVersion(ctx, bucket, key, versionId);
  if (found === 'plain') return undefined;
  // A staged single PUT is one segment, and to S3 no multipart object: part 1 is all of it, with no parts count.
  if (found.parts.length === 1 && (await isStagedObject(ctx, bucket, key, versionId))) return undefined;
  const manifest = found.parts;
  if (part > manifest.length) throw s3Error('InvalidPartNumber', { PartNumberRequested: part, ActualPartCount: manifest.length });
  let start = 0;
  for (let i = 0; i < part - 1; i++) start += manifest[i]!.size_bytes ?? manifest[i]!.bytes ?? 0;
  const size = manifest[part - 1]!.size_bytes ?? manifest[part - 1]!.bytes ?? 0;
  return { range: `bytes=${start}-${start + size - 1}`, start, size, count: manifest.length, segment: manifest[part - 1]! };
}

/**
 * The response-* query overrides of GetObject, checked before any Swift call:
 * a value that cannot be a header (CR, LF, NUL, DEL, ...) is InvalidArgument.
 */
export function responseOverrides(query: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query.get(param);
    if (value === undefined) continue;
    const sendable = headerValueFromText(value);
    if (sendable === undefined) {
      throw s3Error('InvalidArgument', { ArgumentName: param, ArgumentValue: JSON.stringify(value).slice(1, -1) }, `The value of ${param} contains characters a header cannot carry.`);
    }
    out[header] = sendable;
  }
  return out;
}

/**
 * What a 404 means in S3 terms: NoSuchBucket, NoSuchKey, or NoSuchVersion.
 * A key whose newest version is a delete marker is NoSuchKey with
 * x-amz-delete-marker and the marker's version id; asking for a delete
 * marker by its version id is 405 MethodNotAllowed, saying it is one.
 */
export async function missingVersion(ctx: OperationContext, bucket: string, key: string, versionId: string | undefined): Promise<never> {
  const { versioning } = await bucketInfo(ctx, bucket);
  if (versionId !== undefined) {
    const row = versioning === undefined ? undefined : await findVersion(ctx, bucket, key, versionId);
    if (row && isDeleteMarker(row)) {
      throw s3Error('MethodNotAllowed', { Method: ctx.req.method, ResourceType: 'DeleteMarker' }, 'The specified method is not allowed against this resource.', undefined, versionHeaders(versionId, true));
    }
    throw s3Error('NoSuchVersion', { Key: key, VersionId: versionId });
  }
  const latest = versioning === undefined ? undefined : await latestVersion(ctx, bucket, key);
  if (latest && isDeleteMarker(latest)) throw s3Error('NoSuchKey', { Key: key }, undefined, undefined, versionHeaders(latest.version_id, true));
  throw s3Error('NoSuchKey', { Key: key });
}

async function readObject(ctx: OperationContext, method: 'GET' | 'HEAD'): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const versionId = parseVersionId(ctx.req.query.get('versionId'));
  const headers = pick(ctx.req.headers, READ_CONDITION_HEADERS);
  const partQuery = ctx.req.query.get('partNumber');
  const part = partQuery === undefined ? undefined : parsePartNumber(partQuery);
  const overrides = method === 'GET' ? responseOverrides(ctx.req.query) : {};
  // SSE-C headers are checked before any Swift call (a bad set is the client's error whatever the object).
  const customer = requestedCustomerKey(ctx);
  if (ctx.objectGate) {
    // Read with the gateway's own token: nothing of the object (not even
    // whether a condition or a part number matches) before its ACL admits the reader.
    const gated = await ctx.store.findObject(bucket, key, { versionId });
    if (gated) await ctx.objectGate(ctx, gated);
  }
  let parts: PartRange | undefined;
  if (part !== undefined) {
    if (headers['range'] !== undefined) throw s3Error('InvalidRequest', {}, 'Cannot specify both Range header and partNumber query parameter');
    parts = await partRange(ctx, bucket, key, part, versionId);
    if (parts) headers['range'] = parts.range;
    else if (part > 1) throw s3Error('InvalidPartNumber', { PartNumberRequested: part, ActualPartCount: 1 });
  }
  if (headers['if-match'] !== undefined || headers['if-none-match'] !== undefined) {
    const early = await checkEtagConditions(ctx, bucket, key, headers, versionId);
    if (early) return early;
  }
  const read = await ctx.store.readObject(bucket, key, method, headers, versionId);
  if (!read) return missingVersion(ctx, bucket, key, versionId);
  try {
    // Again for what was read: it may have been replaced since the check above.
    if (ctx.objectGate) await ctx.objectGate(ctx, read.info);
    return await answerRead(ctx, method, read, parts, overrides, customer);
  } catch (err) {
    // Whatever fails once Swift has answered releases its response at once:
    // an unread body would hold a pooled Swift connection until bodyTimeoutMs.
    SwiftStore.releaseBody(read);
    throw err;
  }
}

const checksumMode = (ctx: OperationContext): boolean => ctx.req.headers['x-amz-checksum-mode']?.trim().toUpperCase() === 'ENABLED';

/**
 * A part read (partNumber) with checksum mode: the part's own checksum, kept
 * beside it when it was uploaded (S3 answers the part's, which is what a
 * client can check the part's bytes against).
 */
async function partChecksumHeaders(ctx: OperationContext, segment: ManifestSegment): Promise<Record<string, string>> {
  const at = entryPath(segment);
  const info = at && (await ctx.store.findObject(at.container, at.object));
  const c = decodePartChecksum(info?.listedChecksum);
  return c ? { [checksumHeader(c.algorithm)]: c.value } : {};
}

async function answerRead(
  ctx: OperationContext, method: 'GET' | 'HEAD', read: ObjectRead, parts: PartRange | undefined, overrides: Record<string, string>, customer: CustomerKey | undefined,
): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const info = read.info;
  if (read.answer === 'not-modified') {
    // The S3 ETag, as a 200 would give it (a manifest's own is Swift's, not the client's).
    return { status: 304, headers: { etag: info.isManifest || info.storedEtag ? await s3EtagOf(ctx, bucket, key, info) : quoteEtag(info.etag), 'last-modified': info.lastModified } };
  }
  // SSE-C: the key must be the object's (or none for a plain object) before anything else is said;
  // SSE-S3/SSE-KMS: the data key is unwrapped by its provider (its failure answers here, before any byte).
  const decryption = await openForRead(ctx, bucket, key, info, customer);
  const out = {
    ...decryption?.headers,
    ...objectResponseHeaders(info), ...versionHeaders(info.versionId), ...websiteRedirectHeader(info.reserved), ...lockResponseHeaders(await shownLock(ctx, bucket, key, info)),
    ...(await taggingCountHeader(ctx, bucket, key, info)), ...storageClassHeader(await objectClass(ctx, bucket, info)),
  };
  // (An SSE-S3 object's stored ETag is its plaintext's MD5: Swift's is the ciphertext's.)
  if (info.isManifest || info.storedEtag) out['etag'] = await s3EtagOf(ctx, bucket, key, info);
  // The current object's lifecycle expiry (x-amz-expiration), from the rules and its Last-Modified.
  if (ctx.req.query.get('versionId') === undefined) Object.assign(out, await expiryForRead(ctx, bucket, key, info));
  // S3 quirk: checksums are returned only when asked for, and only for the whole
  // object (a client validates the body it receives against them).
  if (read.answer === 'whole' && checksumMode(ctx)) {
    Object.assign(out, checksumResponseHeaders(info.reserved));
  }
  if (parts && checksumMode(ctx)) Object.assign(out, await partChecksumHeaders(ctx, parts.segment));
  if (parts) {
    out['x-amz-mp-parts-count'] = String(parts.count);
    if (method === 'HEAD') {
      // Swift quirk: HEAD ignores Range, so the part's length and range are ours to state.
      out['content-length'] = String(parts.size);
      out['content-range'] = `bytes ${parts.start}-${parts.start + parts.size - 1}/${info.size}`;
      return { status: 206, headers: out };
    }
  }
  Object.assign(out, overrides);
  // Ciphertext and plaintext have the same length: Swift's range is the plaintext's, decrypted from its first byte
  // (a multipart object's part by part, each from its own counter block: encryption/multipart-read.ts).
  let stream = read.body;
  if (decryption && read.body) {
    const offset = readOffset(read.answer, info.contentRange);
    stream = decryption.layout === 'parts'
      ? partsDecryptedBody(read.body, decryption, await encryptedParts(ctx, bucket, key, info, decryption), offset)
      : decryptedBody(read.body, decryption, offset, coversWholeObject(read.answer, info.contentRange));
  }
  return { status: read.answer === 'range' ? 206 : 200, headers: out, stream };
}

/**
 * If-Match / If-None-Match against the S3 ETag. Swift would compare them with a
 * manifest's own ETag, not the multipart ETag clients were given (s3transfer
 * sends If-Match with every ranged GET of a download). So the gateway HEADs the
 * object, decides, and lets the GET go on guarded by Swift's own ETag, so a
 * change in between still fails the request. Date conditions an ETag condition
 * overrides are dropped (RFC 9110 §13.2.2, as S3 documents for GetObject).
 * Rewrites `headers` in place; returns an answer when the request ends here.
 */
async function checkEtagConditions(ctx: OperationContext, bucket: string, key: string, headers: Record<string, string>, versionId: string | undefined): Promise<S3Result | undefined> {
  const head = await ctx.store.findObject(bucket, key, { versionId });
  if (!head) return undefined; // the real request reports the error
  const etag = await s3EtagOf(ctx, bucket, key, head);
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  delete headers['if-match'];
  delete headers['if-none-match'];
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, etag)) throw s3Error('PreconditionFailed', { Condition: 'If-Match' });
    delete headers['if-unmodified-since'];
  }
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, etag)) return { status: 304, headers: { etag, 'last-modified': head.lastModified } };
    delete headers['if-modified-since'];
  }
  if (head.etag) headers['if-match'] = head.etag;
  return undefined;
}

export function getObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, 'GET');
}

export function headObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, 'HEAD');
}
