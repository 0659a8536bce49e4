// GetObject and HeadObject: conditional and ranged reads streamed from Swift,
// the S3 ETag of multipart objects, and `partNumber` reads of one part.
import { s3Error } from '../s3/errors.js';
import { headerValueFromText } from '../s3/header-values.js';
import type { S3Result } from '../s3/result.js';
import { discard, readText, release, type SwiftResponse } from '../swift/client.js';
import { checksumResponseHeaders } from './checksum-headers.js';
import { objectSize, type OperationContext } from './context.js';
import { withoutEtagParams } from './seal.js';
import { READ_CONDITION_HEADERS, RESPONSE_OVERRIDES, objectResponseHeaders, pick, quoteEtag } from './object-headers.js';
import { isSlo } from './segments.js';
import { swiftFailure, type StatusTable } from './swift-errors.js';
import { listingEtag, readJsonListing, type SwiftObjectRow } from './swift-listing.js';

const READ_TABLE: StatusTable = { 404: 'NoSuchKey', 412: 'PreconditionFailed', 416: 'InvalidRange' };

/** S3 tells a missing bucket (NoSuchBucket) from a missing key (NoSuchKey); Swift says 404 for both. */
export async function containerMissing(ctx: OperationContext, bucket: string): Promise<boolean> {
  const res = await ctx.swift.call({ method: 'HEAD', container: bucket });
  await discard(res);
  return res.status === 404;
}

/**
 * The ETag S3 clients see for an object, from Swift's HEAD/GET response: the
 * plain MD5, or for a multipart object (an SLO) its S3 multipart ETag.
 */
export async function s3EtagOf(ctx: OperationContext, bucket: string, key: string, res: SwiftResponse): Promise<string> {
  const plain = quoteEtag(res.headers['etag']) ?? '""';
  if (!isSlo(res.headers)) return plain;
  return (await multipartEtag(ctx, bucket, key, res)) ?? plain;
}

/** Whether an If-Match / If-None-Match list names this ETag (`*` names any). */
export function etagListMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return list.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/"/g, '')).some((t) => t === '*' || t === bare);
}

/**
 * The S3 ETag of a multipart object. The gateway's own carry it in their
 * Content-Type; Swift s3api's are only visible in the container listing (as
 * `; s3_etag=`), so those cost one listing call.
 */
async function multipartEtag(ctx: OperationContext, bucket: string, key: string, res: SwiftResponse): Promise<string | undefined> {
  const stored = ctx.seal.verifiedEtag({ container: bucket, object: key, size: objectSize(res.headers) }, res.headers['content-type']);
  if (stored) return `"${stored}"`;
  const list = await ctx.swift.call({ method: 'GET', container: bucket, query: { format: 'json', prefix: key, limit: 1 } });
  if (list.status !== 200) {
    await discard(list);
    return undefined;
  }
  const row = (await readJsonListing<SwiftObjectRow>(list))[0];
  return row?.name === key ? listingEtag(row.hash, row.content_type, storedEtagOf(ctx, bucket, row)) : undefined;
}

/** Verifies the stored ETag of a listing row of this bucket. */
export function storedEtagOf(ctx: Pick<OperationContext, 'seal'>, bucket: string, row: SwiftObjectRow): (contentType: string) => string | undefined {
  return (contentType) => ctx.seal.verifiedEtag({ container: bucket, object: row.name!, size: row.bytes ?? 0 }, contentType);
}

interface PartRange {
  readonly range: string;
  readonly start: number;
  readonly size: number;
  readonly count: number;
}

/** The byte range of part N of an SLO manifest, and how many parts it has. */
async function partRange(ctx: OperationContext, bucket: string, key: string, part: number): Promise<PartRange | undefined> {
  const res = await ctx.swift.call({ method: 'GET', container: bucket, object: key, query: { 'multipart-manifest': 'get', format: 'raw' } });
  if (res.status !== 200 || !isSlo(res.headers)) {
    await discard(res);
    if (res.status === 404) throw s3Error('NoSuchKey', { Key: key });
    return undefined;
  }
  const segments = JSON.parse(await readText(res)) as { size_bytes?: number; bytes?: number }[];
  if (part > segments.length) throw s3Error('InvalidPartNumber', { PartNumberRequested: part, ActualPartCount: segments.length });
  let start = 0;
  for (let i = 0; i < part - 1; i++) start += segments[i]!.size_bytes ?? segments[i]!.bytes ?? 0;
  const size = segments[part - 1]!.size_bytes ?? segments[part - 1]!.bytes ?? 0;
  return { range: `bytes=${start}-${start + size - 1}`, start, size, count: segments.length };
}

function parsePartQuery(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 10_000) {
    throw s3Error('InvalidArgument', { ArgumentName: 'partNumber', ArgumentValue: value }, 'Part number must be an integer between 1 and 10000, inclusive');
  }
  return Number(value);
}

async function readObject(ctx: OperationContext, method: 'GET' | 'HEAD'): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const headers = pick(ctx.req.headers, READ_CONDITION_HEADERS);
  const part = parsePartQuery(ctx.req.query.get('partNumber'));
  let parts: PartRange | undefined;
  if (part !== undefined) {
    if (headers['range'] !== undefined) throw s3Error('InvalidRequest', {}, 'Cannot specify both Range header and partNumber query parameter');
    parts = await partRange(ctx, bucket, key, part);
    if (parts) headers['range'] = parts.range;
    else if (part > 1) throw s3Error('InvalidPartNumber', { PartNumberRequested: part, ActualPartCount: 1 });
  }
  if (headers['if-match'] !== undefined || headers['if-none-match'] !== undefined) {
    const early = await checkEtagConditions(ctx, bucket, key, headers);
    if (early) return early;
  }
  const overrides = method === 'GET' ? responseOverrides(ctx.req.query) : {};
  const res = await ctx.swift.call({ method, container: bucket, object: key, headers });
  try {
    return await answerRead(ctx, method, res, parts, overrides);
  } catch (err) {
    // Whatever fails once Swift has answered releases its response at once:
    // an unread body would hold a pooled Swift connection until bodyTimeoutMs.
    release(res);
    throw err;
  }
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

async function answerRead(ctx: OperationContext, method: 'GET' | 'HEAD', res: SwiftResponse, parts: PartRange | undefined, overrides: Record<string, string>): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  if (res.status === 304) {
    await discard(res);
    return { status: 304, headers: { etag: quoteEtag(res.headers['etag']), 'last-modified': res.headers['last-modified'] } };
  }
  if (res.status !== 200 && res.status !== 206) {
    if (res.status === 404) {
      await discard(res);
      if (await containerMissing(ctx, bucket)) throw s3Error('NoSuchBucket', { BucketName: bucket });
    }
    throw await swiftFailure(res, READ_TABLE, { Key: key });
  }
  const out = objectResponseHeaders(res.headers);
  out['content-type'] = withoutEtagParams(res.headers['content-type']);
  if (isSlo(res.headers)) out['etag'] = (await multipartEtag(ctx, bucket, key, res)) ?? out['etag'];
  // S3 quirk: checksums are returned only when asked for, and only for the whole
  // object (a client validates the body it receives against them).
  if (res.status === 200 && ctx.req.headers['x-amz-checksum-mode']?.trim().toUpperCase() === 'ENABLED') {
    Object.assign(out, checksumResponseHeaders(ctx.seal.verified({ container: bucket, object: key, size: objectSize(res.headers) }, res.headers)));
  }
  if (parts) {
    out['x-amz-mp-parts-count'] = String(parts.count);
    if (method === 'HEAD') {
      // Swift quirk: HEAD ignores Range, so the part's length and range are ours to state.
      const total = Number(res.headers['content-length'] ?? 0);
      out['content-length'] = String(parts.size);
      out['content-range'] = `bytes ${parts.start}-${parts.start + parts.size - 1}/${total}`;
      await discard(res);
      return { status: 206, headers: out };
    }
  }
  Object.assign(out, overrides);
  if (method === 'HEAD') {
    await discard(res);
    return { status: res.status, headers: out };
  }
  return { status: res.status, headers: out, stream: res.body };
}

/**
 * If-Match / If-None-Match against the S3 ETag. Swift would compare them with an
 * SLO's own ETag, not the multipart ETag clients were given (s3transfer sends
 * If-Match with every ranged GET of a download). So the gateway HEADs the
 * object, decides, and lets the GET go on guarded by Swift's own ETag, so a
 * change in between still fails the request. Date conditions an ETag condition
 * overrides are dropped (RFC 9110 §13.2.2, as S3 documents for GetObject).
 * Rewrites `headers` in place; returns an answer when the request ends here.
 */
async function checkEtagConditions(ctx: OperationContext, bucket: string, key: string, headers: Record<string, string>): Promise<S3Result | undefined> {
  const head = await ctx.swift.call({ method: 'HEAD', container: bucket, object: key });
  await discard(head);
  if (head.status !== 200) return undefined; // the real request reports the error
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
    if (etagListMatches(ifNoneMatch, etag)) {
      return { status: 304, headers: { etag, 'last-modified': head.headers['last-modified'] } };
    }
    delete headers['if-modified-since'];
  }
  if (head.headers['etag']) headers['if-match'] = head.headers['etag'];
  return undefined;
}

export function getObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, 'GET');
}

export function headObject(ctx: OperationContext): Promise<S3Result> {
  return readObject(ctx, 'HEAD');
}
