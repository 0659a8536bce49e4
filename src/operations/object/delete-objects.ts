// DeleteObjects: POST /bucket?delete with a list of up to 1000 keys. Each key is
// deleted like DeleteObject (its multipart segments too); the answer lists
// what was deleted and what failed, key by key. In a bucket that never had
// versioning, plain keys go to Swift in one bulk-delete request (and their
// segments in another) where the proxy has the bulk middleware; versions,
// delete markers and conditional entries go one key at a time.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
import { isS3Error, s3Error, type S3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { deleteResult } from '../../s3/results.js';
import { parseXml } from '../../s3/xml.js';
import { forEachConcurrently } from '../../swift/pool.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { bulkDeletable, deleteInBulk } from '../common/bulk-delete.js';
import { conditionally } from '../common/write-conditions.js';
import { checkKey } from '../common/names.js';
import { deleteSegments, ownedSegments } from '../common/segments.js';
import { OBJECT_TABLE, translate } from '../common/swift-errors.js';
import { deleteVersion } from '../common/delete-version.js';
import { forgetDeletedKeys } from '../tagging/cleanup.js';
import { parseVersionId } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { bucketLock, type BucketLock } from '../lock/bucket-config.js';

/** S3 takes at most 1000 keys per request. */
export const MAX_DELETE_KEYS = 1000;
/** S3 keys are at most 1024 UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/**
 * The largest Delete document a client writes for S3's largest request
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html), per <Object>:
 * - the key, 3 × 1024 = 3072 bytes: room for escapes in a share of it. `&quot;`, `&apos;`
 *   and the SDKs' `&#x0A;` for LF are 6 bytes for 1, `&amp;` 5, `&lt;` 4, and a 4-byte
 *   character written `&#x1F600;` is 9: so 40% of a key's bytes as 6-byte references,
 *   or all of it as 4-byte characters written as references, still fit.
 * - <VersionId>…</VersionId>: a version ID is at most 1024 bytes, URL-safe (no escapes), + 23.
 * - <ETag>, <LastModifiedTime>, <Size> (conditional deletes): 256.
 * - <Object><Key></Key></Object> (36) and a pretty-printer's line breaks and indentation: 128.
 * That is 3072 + 1047 + 256 + 128 = 4503 bytes an object, 1000 of them, plus 1 KiB for
 * the declaration, `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` and <Quiet>:
 * 4,504,024 bytes (4.3 MiB). (Swift's s3api allows 2 × 1000 × 1024 = 2 MiB; the 10 MiB
 * allowed here before was a guess.)
 */
export const MAX_DELETE_BODY = MAX_DELETE_KEYS * (3 * MAX_KEY_BYTES + (MAX_KEY_BYTES + 23) + 256 + 128) + 1024;
/** Keys deleted at once: enough to hide Swift's latency, few enough to spare it. */
const CONCURRENCY = 8;

export interface DeleteRequestEntry {
  readonly key: string;
  readonly versionId?: string;
  /** <ETag>: delete only if the current object has it (S3's conditional delete). */
  readonly etag?: string;
}

export interface DeleteRequest {
  readonly quiet: boolean;
  readonly objects: readonly DeleteRequestEntry[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The `<Delete>` document: its keys (1 to 1000) and Quiet; anything else is MalformedXML. */
/**
 * A Delete holds at most 1000 objects of at most 6 elements (Object, Key,
 * VersionId, ETag, LastModifiedTime, Size), with Delete and Quiet: 6,002.
 */
const MAX_DELETE_ELEMENTS = 10_000;

export async function parseDeleteBody(body: Buffer | string): Promise<DeleteRequest> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['Delete.Object'], MAX_DELETE_ELEMENTS);
  } catch {
    throw s3Error('MalformedXML');
  }
  const root = doc['Delete'];
  if (root === null || typeof root !== 'object') throw s3Error('MalformedXML');
  const { Object: objects = [], Quiet: quiet } = root as { Object?: unknown[]; Quiet?: unknown };
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw s3Error('MalformedXML', {}, `The XML you provided was not well-formed or did not validate against our published schema: a Delete names 1 to ${MAX_DELETE_KEYS} objects, this one ${objects.length}.`);
  }
  const quietText = text(quiet)?.trim().toLowerCase();
  if (quiet !== undefined && quietText !== 'true' && quietText !== 'false') throw s3Error('MalformedXML');
  return {
    quiet: quietText === 'true',
    objects: objects.map((entry) => {
      if (entry === null || typeof entry !== 'object') throw s3Error('MalformedXML');
      const { Key: key, VersionId: versionId, ETag: etag } = entry as { Key?: unknown; VersionId?: unknown; ETag?: unknown };
      // An empty <Key></Key> parses as ''; a missing one is not a key at all.
      if (text(key) === undefined || key === '') throw s3Error('MalformedXML');
      return { key: key as string, versionId: text(versionId), ...(text(etag) ? { etag: text(etag)!.trim() } : {}) };
    }),
  };
}

export type Outcome = { readonly entry: DeleteRequestEntry; readonly marker?: { readonly written?: string; readonly removed?: boolean }; readonly error?: S3Error };

/** DeleteObject of one key (or one version), S3 style: a key or version that is not there counts as deleted. */
async function deleteOne(ctx: OperationContext, bucket: string, entry: DeleteRequestEntry, lock: BucketLock): Promise<Outcome> {
  try {
    checkKey(entry.key, ctx.limits.maxKeyBytes);
    // Acting for a principal the bucket policy admits: judged key by key.
    ctx.permitsKey?.(entry.key, entry.versionId);
    if (entry.versionId !== undefined) {
      parseVersionId(entry.versionId);
      const gone = await deleteVersion(ctx, bucket, entry.key, entry.versionId, lock);
      return { entry, marker: gone.wasDeleteMarker ? { removed: true } : undefined };
    }
    const deleted = await conditionally(ctx, bucket, entry.key, entry.etag === undefined ? undefined : { ifMatch: entry.etag }, async () => {
      const segments = await ownedSegments(ctx, bucket, entry.key);
      // The manifest goes first, so the object never reads as broken.
      const gone = await ctx.store.deleteObject(bucket, entry.key);
      if (gone) await deleteSegments(ctx, bucket, segments);
      return gone;
    });
    // Swift names a version only when it wrote a delete marker (a versioned bucket).
    const written = deleted?.versionId !== undefined && deleted.versionId !== 'null' ? deleted.versionId : undefined;
    return { entry, marker: written ? { written } : undefined };
  } catch (err) {
    // One key's failure is reported in its <Error>; anything else (Swift or
    // Keystone unreachable) fails the whole request, so the client retries it.
    const s3err = translate(err, OBJECT_TABLE);
    if (isS3Error(s3err)) return { entry, error: s3err };
    throw err;
  }
}

export async function deleteObjects(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = await readXmlBody(ctx, MAX_DELETE_BODY);
  // S3 requires the body's integrity: Content-MD5, or a flexible checksum
  // (which the pipeline already verified as the body streamed).
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: ctx.checksum === undefined });
  const request = await parseDeleteBody(body.bytes);
  // Swift answers 404 for a key in a missing container too: ask once up front
  // (NoSuchBucket), reading its Object Lock configuration afresh on the way.
  const lock = await bucketLock(ctx, bucket, { fresh: true });
  const outcomes: Outcome[] = new Array<Outcome>(request.objects.length);
  const bulk = await bulkDeletable(ctx, lock, request.objects);
  if (bulk.length > 0) {
    const done = await deleteInBulk(ctx, bucket, bulk.map((i) => request.objects[i]!));
    bulk.forEach((i, n) => { outcomes[i] = done[n]!; });
  }
  const inBulk = new Set(bulk);
  // Keys in parallel, the entries of one key in order: deleting a key's
  // current version makes the newest remaining one current again (a Swift
  // PUT of that version), which must not race the deletion of that version.
  const byKey = new Map<string, number[]>();
  request.objects.forEach((entry, i) => {
    if (inBulk.has(i)) return;
    const indexes = byKey.get(entry.key);
    if (indexes) indexes.push(i);
    else byKey.set(entry.key, [i]);
  });
  await forEachConcurrently([...byKey.values()], CONCURRENCY, async (indexes) => {
    for (const i of indexes) outcomes[i] = await deleteOne(ctx, bucket, request.objects[i]!, lock);
  });
  // Tag records of deleted keys (an unversioned bucket that has records only).
  await forgetDeletedKeys(ctx, bucket, outcomes.filter((o) => o.entry.versionId === undefined && !o.error).map((o) => o.entry.key), lock);
  const answers = outcomes.map((o) => ({
    key: o.entry.key,
    versionId: o.entry.versionId,
    deleteMarker: o.marker !== undefined,
    deleteMarkerVersionId: o.marker?.written,
    error: o.error && { code: o.error.code, message: o.error.message },
  }));
  return { status: 200, xml: deleteResult(answers, request.quiet) };
}
