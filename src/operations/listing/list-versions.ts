// ListObjectVersions (GET /bucket?versions): one page of Swift's object
// versioning `?versions` listing, with `limit = max-keys + 2` as ListObjects
// does (one row says whether the page is truncated, one stands in for a
// common prefix Swift repeats at the marker).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
//
// Swift's listing (object_versioning.py, _list_versions) works on every
// container: objects of a container that never had versioning are rows with
// version_id "null" and is_latest true. Rows come by name, then newest version
// first, which is S3's order; delete markers are zero-byte rows of
// DELETE_MARKER_CONTENT_TYPE. What this file corrects is where Swift's paging
// differs from S3's (see swiftVersionMarker and toVersionsPage).
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { listVersionsResult, type VersionListingEntry } from '../../s3/versions-document.js';
import { DELETE_MARKER_CONTENT_TYPE } from '../../swift/listing.js';
import type { ObjectRow } from '../../swift/store.js';
import { ownerOf } from '../common/bucket.js';
import { listingEtag, listingTimestamp } from '../common/listing-rows.js';
import type { OperationContext } from '../context.js';
import { rowClasses } from '../storage/bucket-class.js';
import { parseListParams, type ListParams } from './list-objects.js';

export interface VersionsParams extends ListParams {
  /** Start after this key ('' for the start of the bucket). */
  readonly keyMarker: string;
  /** With keyMarker: start after this version of that key (newest first). */
  readonly versionIdMarker?: string;
}

/**
 * What a version id can be here: S3's 'null', or a Swift timestamp (what
 * object versioning names versions by, X-Object-Version-Id), with the
 * optional 16-hex-digit offset Swift's Timestamp accepts.
 */
const SWIFT_TIMESTAMP = /^\d{10}\.\d{5}(_[0-9a-f]{16})?$/;

/** Swift's largest timestamp (utils.Timestamp refuses 10^10 and more). */
const MAX_TIMESTAMP = '9999999999.99999';

/** Swift quirk: object versioning refuses to group on a delimiter holding a digit or '.' (version names are made of them) or its reserved NUL. */
// eslint-disable-next-line no-control-regex
const UNGROUPABLE = /[0-9.\u0000]/;

/**
 * prefix, delimiter, max-keys and encoding-type as ListObjects reads them;
 * key-marker and version-id-marker as ListObjectVersions documents them. An
 * empty marker is no marker (S3 echoes them empty; clients send them so).
 */
export function parseVersionsParams(query: ReadonlyMap<string, string>): VersionsParams {
  const list = parseListParams(query);
  const keyMarker = query.get('key-marker') ?? '';
  const given = query.get('version-id-marker');
  const versionIdMarker = given === '' ? undefined : given;
  if (versionIdMarker !== undefined) {
    // Both messages are S3's (and Swift's s3api's) words.
    if (keyMarker === '') {
      throw s3Error('InvalidArgument', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker }, 'A version-id marker cannot be specified without a key marker.');
    }
    if (versionIdMarker !== 'null' && !SWIFT_TIMESTAMP.test(versionIdMarker)) {
      throw s3Error('InvalidArgument', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker }, 'Invalid version id specified');
    }
  }
  if (list.delimiter !== undefined && UNGROUPABLE.test(list.delimiter)) {
    throw s3Error('InvalidArgument', { ArgumentName: 'delimiter', ArgumentValue: list.delimiter },
      'Version listings cannot group keys on a delimiter that holds a digit or a period.');
  }
  return { ...list, keyMarker, versionIdMarker };
}

/** The next Swift timestamp after `ts` (one tick, 10 µs), or the largest one. */
function nextTick(ts: string): string {
  const [seconds, fraction] = ts.split('.') as [string, string];
  const ticks = BigInt(seconds + fraction) + 1n;
  const text = ticks.toString().padStart(15, '0');
  return text.length > 15 ? MAX_TIMESTAMP : `${text.slice(0, 10)}.${text.slice(10)}`;
}

/**
 * The `version_marker` to send Swift for an S3 version-id-marker, so that its
 * page starts where S3's does: after that version of the key-marker's key.
 *
 * - 'null': Swift quirk: with version_marker=null object_versioning keeps the
 *   plain name as the marker of its versions container, whose names all sort
 *   before it, so every older version of every later key is left out (on
 *   Swift 2.30, marker=a&version_marker=null answers []). Swift lists a
 *   key's null version first, so "after the null version" is "every versioned
 *   row of the key", which the largest timestamp selects.
 * - an id with an offset (`_<16 hex>`): Swift answers 500, it cannot invert
 *   such a timestamp. Versions have none; the rows after it are those at or
 *   before its plain timestamp, which version_marker = that timestamp + one tick selects.
 */
export function swiftVersionMarker(versionIdMarker: string): string {
  if (versionIdMarker === 'null') return MAX_TIMESTAMP;
  const offset = versionIdMarker.indexOf('_');
  return offset < 0 ? versionIdMarker : nextTick(versionIdMarker.slice(0, offset));
}

export interface VersionsPage {
  readonly entries: VersionListingEntry[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
}

/**
 * Swift rows → one S3 page of at most maxKeys entries (versions, delete
 * markers and common prefixes together, as S3 counts them), in Swift's order.
 */
export function toVersionsPage(rows: readonly ObjectRow[], params: VersionsParams, storedEtag?: (row: ObjectRow) => string | undefined, classOf?: (row: ObjectRow) => string): VersionsPage {
  const entries: VersionListingEntry[] = [];
  const commonPrefixes: string[] = [];
  let isTruncated = false;
  let next: { key: string; versionId?: string } | undefined;
  for (const row of rows) {
    // A prefix equal to the key marker was the last entry of the previous page.
    if (row.subdir !== undefined && row.subdir === params.keyMarker) continue;
    if (entries.length + commonPrefixes.length === params.maxKeys) {
      // S3 answers max-keys=0 with an empty page that is not truncated (s3-tests'
      // test_bucket_list_maxkeys_zero, as s3api does): there is no entry to go on from.
      isTruncated = params.maxKeys > 0;
      break;
    }
    if (row.subdir !== undefined) {
      commonPrefixes.push(row.subdir);
      // The next page starts after every key under the prefix: the key marker
      // alone says that (Swift's marker then skips all versions of it), and no
      // version of the prefix itself was listed to name.
      next = { key: row.subdir };
      continue;
    }
    const key = row.name ?? '';
    const versionId = row.version_id || 'null';
    // Swift quirk: on a page that starts within a key (after one of its
    // versions), Swift has not read the key's current object, and calls a
    // delete marker among the rest current. The current version of the key
    // came before the marker's version, on an earlier page: none of these is.
    // Rows without is_latest come from a Swift without object versioning: each is the only version.
    const isLatest = params.versionIdMarker !== undefined && key === params.keyMarker ? false : row.is_latest ?? true;
    const lastModified = listingTimestamp(row.last_modified);
    if (row.content_type === DELETE_MARKER_CONTENT_TYPE) {
      entries.push({ kind: 'DeleteMarker', key, versionId, isLatest, lastModified });
    } else {
      entries.push({
        kind: 'Version', key, versionId, isLatest, lastModified,
        etag: listingEtag(row.hash, row.content_type, storedEtag, row),
        size: row.bytes ?? 0,
        storageClass: classOf ? classOf(row) : 'STANDARD',
      });
    }
    next = { key, versionId };
  }
  return {
    entries,
    commonPrefixes,
    isTruncated,
    nextKeyMarker: isTruncated ? next?.key : undefined,
    nextVersionIdMarker: isTruncated ? next?.versionId : undefined,
  };
}

export async function listObjectVersions(ctx: OperationContext): Promise<S3Result> {
  const params = parseVersionsParams(ctx.req.query);
  const bucket = ctx.req.bucket!;
  const rows = await ctx.store.listVersions(bucket, {
    prefix: params.prefix,
    delimiter: params.delimiter,
    marker: params.keyMarker,
    versionMarker: params.versionIdMarker === undefined ? undefined : swiftVersionMarker(params.versionIdMarker),
    // +2: one row to detect truncation, one in case Swift repeats the marker's prefix.
    limit: params.maxKeys + 2,
  });
  const page = toVersionsPage(rows, params, (row) => ctx.store.storedEtagOfRow(bucket, row), await rowClasses(ctx, bucket));
  return {
    status: 200,
    xml: listVersionsResult({
      bucket,
      prefix: params.prefix,
      keyMarker: params.keyMarker,
      versionIdMarker: params.versionIdMarker ?? '',
      nextKeyMarker: page.nextKeyMarker,
      nextVersionIdMarker: page.nextVersionIdMarker,
      maxKeys: params.maxKeys,
      delimiter: params.delimiter,
      encodingType: params.encodingType,
      isTruncated: page.isTruncated,
      entries: page.entries,
      commonPrefixes: page.commonPrefixes,
      owner: await ownerOf(ctx),
    }),
  };
}
