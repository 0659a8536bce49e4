// S3 versioning on Swift's object_versioning: version ids, delete markers,
// and what S3 does that Swift leaves to its client (making the previous
// version current again when the current one is deleted, as s3api does).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
import { s3Error } from '../../s3/errors.js';
import { DELETE_MARKER_CONTENT_TYPE, type ObjectRow } from '../../swift/listing.js';
import type { OperationContext } from '../context.js';

/** Swift version ids are timestamps (`1796133445.49584`, maybe with an offset); `null` names the unversioned one. */
const VERSION_ID = /^(null|\d{10}\.\d{5}(_[0-9a-f]{16})?)$/;

/** A version id as a client sent it, or InvalidArgument when it cannot be one. */
export function parseVersionId(value: string | undefined, argument = 'versionId'): string | undefined {
  if (value === undefined) return undefined;
  if (!VERSION_ID.test(value)) throw s3Error('InvalidArgument', { ArgumentName: argument, ArgumentValue: value }, 'Invalid version id specified');
  return value;
}

export const isDeleteMarker = (row: ObjectRow): boolean => row.content_type === DELETE_MARKER_CONTENT_TYPE;

/** The response headers naming a version (where the bucket has versions). */
export function versionHeaders(versionId: string | undefined, deleteMarker = false): Record<string, string> {
  const out: Record<string, string> = {};
  if (versionId !== undefined) out['x-amz-version-id'] = versionId;
  if (deleteMarker) out['x-amz-delete-marker'] = 'true';
  return out;
}

/** The versions of exactly one key, newest first, page by page. */
export async function* versionsOf(ctx: OperationContext, bucket: string, key: string): AsyncGenerator<ObjectRow> {
  let marker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await ctx.store.listVersions(bucket, { prefix: key, marker, versionMarker, limit: 1000 });
    for (const row of page) {
      if (row.name === undefined) continue;
      if (row.name !== key) {
        // Sorted by name: once past the key (and not a longer key sharing its prefix first), done.
        if (row.name > key) return;
        continue;
      }
      yield row;
    }
    const last = page[page.length - 1];
    if (!last || page.length < 1000) return;
    marker = last.name;
    versionMarker = last.version_id;
  }
}

/** The newest version of a key (an object or a delete marker), if it has any. */
export async function latestVersion(ctx: OperationContext, bucket: string, key: string): Promise<ObjectRow | undefined> {
  for await (const row of versionsOf(ctx, bucket, key)) return row;
  return undefined;
}

/** One version of a key, if it exists (a delete marker included). */
export async function findVersion(ctx: OperationContext, bucket: string, key: string, versionId: string): Promise<ObjectRow | undefined> {
  for await (const row of versionsOf(ctx, bucket, key)) if (row.version_id === versionId) return row;
  return undefined;
}

/**
 * Swift quirk: deleting a key's current version (or the delete marker in
 * front of it) leaves no version current, where S3 makes the next one
 * current. As Swift's s3api does: the newest remaining version is restored,
 * unless it is a delete marker (the key then stays deleted).
 */
export async function restoreLatest(ctx: OperationContext, bucket: string, key: string): Promise<void> {
  const newest = await latestVersion(ctx, bucket, key);
  if (newest && !isDeleteMarker(newest) && newest.version_id !== undefined) await ctx.store.restoreVersion(bucket, key, newest.version_id);
}
