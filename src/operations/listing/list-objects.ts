// ListObjects (v1) and ListObjectsV2: a Swift container listing with
// `limit = max-keys + 1` (the extra row says whether the page is truncated),
// `subdir` rows becoming CommonPrefixes.
import { listBucketResult, listObjectsV2Result, type ObjectEntry } from '../../s3/documents.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import type { ObjectRow } from '../../swift/store.js';
import { ownerOf } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { listingEtag, listingTimestamp } from '../common/listing-rows.js';
import { rowClasses } from '../storage/bucket-class.js';

export const MAX_KEYS_LIMIT = 1000;

export interface ListParams {
  readonly prefix: string;
  readonly delimiter?: string;
  readonly maxKeys: number;
  readonly encodingType?: 'url';
}

/** max-keys: an integer ≥ 0; larger than 1000 is served as 1000, as S3 does. */
export function parseMaxKeys(value: string | undefined): number {
  if (value === undefined || value === '') return MAX_KEYS_LIMIT;
  if (!/^\d+$/.test(value.trim())) {
    throw s3Error('InvalidArgument', { ArgumentName: 'max-keys', ArgumentValue: value }, 'Provided max-keys not an integer or within integer range');
  }
  return Math.min(Number(value.trim()), MAX_KEYS_LIMIT);
}

export function parseListParams(query: ReadonlyMap<string, string>): ListParams {
  const encoding = query.get('encoding-type');
  if (encoding !== undefined && encoding !== 'url') {
    throw s3Error('InvalidArgument', { ArgumentName: 'encoding-type', ArgumentValue: encoding }, 'Invalid Encoding Method specified in Request');
  }
  const delimiter = query.get('delimiter');
  return {
    prefix: query.get('prefix') ?? '',
    delimiter: delimiter === '' ? undefined : delimiter,
    maxKeys: parseMaxKeys(query.get('max-keys')),
    encodingType: encoding === 'url' ? 'url' : undefined,
  };
}

export interface ListedPage {
  readonly contents: ObjectEntry[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** Name of the last key or prefix returned: where the next page starts. */
  readonly last?: string;
}

/** Swift rows → one S3 page of at most maxKeys entries (keys and prefixes together). */
export function toPage(rows: readonly ObjectRow[], maxKeys: number, marker: string, storedEtag?: (row: ObjectRow) => string | undefined, classOf?: (row: ObjectRow) => string): ListedPage {
  const contents: ObjectEntry[] = [];
  const commonPrefixes: string[] = [];
  let count = 0;
  let last: string | undefined;
  let isTruncated = false;
  // S3 quirk: max-keys=0 is an empty page that is not truncated, whatever the bucket holds.
  if (maxKeys === 0) return { contents, commonPrefixes, isTruncated, last };
  for (const row of rows) {
    // A prefix equal to the marker was already returned on the previous page.
    if (row.subdir !== undefined && row.subdir === marker) continue;
    if (count === maxKeys) {
      isTruncated = true;
      break;
    }
    if (row.subdir !== undefined) {
      commonPrefixes.push(row.subdir);
      last = row.subdir;
    } else {
      contents.push({
        key: row.name!,
        lastModified: listingTimestamp(row.last_modified),
        etag: listingEtag(row.hash, row.content_type, storedEtag, row),
        size: row.bytes ?? 0,
        storageClass: classOf ? classOf(row) : 'STANDARD',
      });
      last = row.name;
    }
    count++;
  }
  return { contents, commonPrefixes, isTruncated, last };
}

function fetchRows(ctx: OperationContext, params: ListParams, marker: string): Promise<ObjectRow[]> {
  // +2: one row to detect truncation, one in case Swift repeats the marker's prefix.
  return ctx.store.listObjects(ctx.req.bucket!, { limit: params.maxKeys + 2, prefix: params.prefix, delimiter: params.delimiter, marker });
}

export async function listObjects(ctx: OperationContext): Promise<S3Result> {
  const params = parseListParams(ctx.req.query);
  const marker = ctx.req.query.get('marker') ?? '';
  const rows = await fetchRows(ctx, params, marker);
  const page = toPage(rows, params.maxKeys, marker, (row) => ctx.store.storedEtagOfRow(ctx.req.bucket!, row), await rowClasses(ctx, ctx.req.bucket!));
  return {
    status: 200,
    xml: listBucketResult({
      bucket: ctx.req.bucket!,
      prefix: params.prefix,
      marker,
      // S3 gives NextMarker only with a delimiter; without one the last key serves.
      nextMarker: page.isTruncated && params.delimiter !== undefined ? page.last : undefined,
      maxKeys: params.maxKeys,
      delimiter: params.delimiter,
      encodingType: params.encodingType,
      isTruncated: page.isTruncated,
      contents: page.contents,
      commonPrefixes: page.commonPrefixes,
      owner: await ownerOf(ctx),
    }),
  };
}

/** V2 continuation tokens are opaque to clients: the next Swift marker, base64url. */
export function encodeContinuationToken(marker: string): string {
  return Buffer.from(marker, 'utf8').toString('base64url');
}

/** The longest marker a token of ours carries: a key (S3 and Swift allow 1024 bytes) or a prefix of one. */
const MAX_TOKEN_MARKER_BYTES = 1024;

/**
 * A token this gateway did not issue is refused as S3 refuses one: only the
 * base64url of a UTF-8 marker of at most 1024 bytes decodes. Anything else
 * used to reach Swift as a marker of U+FFFD characters, too long for Swift's
 * request line (414), and came back as a 500 (found by the fuzzer).
 */
export function decodeContinuationToken(token: string): string {
  const bytes = /^[A-Za-z0-9_-]*$/.test(token) ? Buffer.from(token, 'base64url') : undefined;
  const marker = bytes?.toString('utf8');
  if (bytes === undefined || bytes.length > MAX_TOKEN_MARKER_BYTES || encodeContinuationToken(marker!) !== token) {
    throw s3Error('InvalidArgument', { ArgumentName: 'continuation-token', ArgumentValue: token }, 'The continuation token provided is incorrect');
  }
  return marker!;
}

export async function listObjectsV2(ctx: OperationContext): Promise<S3Result> {
  const params = parseListParams(ctx.req.query);
  const token = ctx.req.query.get('continuation-token');
  const startAfter = ctx.req.query.get('start-after') ?? '';
  const fetchOwner = ctx.req.query.get('fetch-owner') === 'true';
  let marker = token !== undefined ? decodeContinuationToken(token) : startAfter;
  if (token !== undefined && startAfter > marker) marker = startAfter;
  const rows = await fetchRows(ctx, params, marker);
  const page = toPage(rows, params.maxKeys, marker, (row) => ctx.store.storedEtagOfRow(ctx.req.bucket!, row), await rowClasses(ctx, ctx.req.bucket!));
  return {
    status: 200,
    xml: listObjectsV2Result({
      bucket: ctx.req.bucket!,
      prefix: params.prefix,
      maxKeys: params.maxKeys,
      delimiter: params.delimiter,
      encodingType: params.encodingType,
      isTruncated: page.isTruncated,
      continuationToken: token,
      nextContinuationToken: page.isTruncated && page.last !== undefined ? encodeContinuationToken(page.last) : undefined,
      startAfter: ctx.req.query.has('start-after') ? startAfter : undefined,
      contents: page.contents,
      commonPrefixes: page.commonPrefixes,
      owner: fetchOwner ? await ownerOf(ctx) : undefined,
    }),
  };
}
