// Records go with what they belong to, where that is cheap (README, Tagging):
// a deleted version's record with it; in an unversioned bucket, every record
// of a deleted key (none can apply to a later write: those get new write ids,
// so a record left behind is only storage, never tags on the wrong object).
// All of it only in buckets whose flag says records exist (cached), so deletes
// elsewhere cost nothing more.
import type { ObjectInfo } from '../../swift/store.js';
import { forEachConcurrently } from '../../swift/pool.js';
import type { OperationContext } from '../context.js';
import { bucketLock, type BucketLock } from '../lock/bucket-config.js';
import { TAG_REF_ITEM, recordName } from './layout.js';
import { realVersionId } from './object-tags.js';
import { deleteTagRecords, keyRecords } from './records.js';

/** Keys cleaned up at once (DeleteObjects). */
const CONCURRENCY = 4;

/** After one version (`info`, read before it was deleted) is gone: its record. */
export async function forgetVersionTags(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, lock?: BucketLock): Promise<void> {
  const ref = info.reserved[TAG_REF_ITEM];
  const version = realVersionId(info);
  const names: string[] = [];
  if (ref !== undefined) names.push(recordName(key, ref));
  if (version !== undefined && (lock ?? (await bucketLock(ctx, bucket))).tagRecords) names.push(recordName(key, version));
  // A record left behind is harmless (no other write has its binding): the delete's answer does not wait on a failure here.
  await deleteTagRecords(ctx, bucket, names).catch(() => undefined);
}

/** Whether deleting a key (no version named) may leave records to clean up: an unversioned bucket that has records. */
async function cleansKeys(ctx: OperationContext, bucket: string, lock?: BucketLock): Promise<boolean> {
  const known = lock ?? (await bucketLock(ctx, bucket).catch(() => undefined));
  return known?.tagRecords === true && known.versioning === undefined;
}

const forget = (ctx: OperationContext, bucket: string, names: Promise<string[]>): Promise<void> =>
  names.then((found) => deleteTagRecords(ctx, bucket, found)).catch(() => undefined);

/**
 * DeleteObject of a key: starts listing its records (where there can be any)
 * while the key itself is deleted, so the delete takes no longer than the
 * slower of the two calls; the answer removes them once the key is gone
 * (call it only then).
 */
export async function startKeyCleanup(ctx: OperationContext, bucket: string, key: string): Promise<() => Promise<void>> {
  if (!(await cleansKeys(ctx, bucket))) return async () => {};
  const names = keyRecords(ctx, bucket, key).catch((): string[] => []);
  return () => forget(ctx, bucket, names);
}

/** After the current objects of `keys` were deleted (DeleteObjects, no version named): their records, a few keys at a time. */
export async function forgetDeletedKeys(ctx: OperationContext, bucket: string, keys: readonly string[], lock?: BucketLock): Promise<void> {
  if (!(await cleansKeys(ctx, bucket, lock))) return;
  await forEachConcurrently(keys, CONCURRENCY, (key) => forget(ctx, bucket, keyRecords(ctx, bucket, key)));
}
