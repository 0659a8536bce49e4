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
import { deleteKeyRecords, deleteTagRecords } from './records.js';

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

/** After the current objects of `keys` were deleted (no version named): in an unversioned bucket, their records. */
export async function forgetDeletedKeys(ctx: OperationContext, bucket: string, keys: readonly string[], lock?: BucketLock): Promise<void> {
  const known = lock ?? (await bucketLock(ctx, bucket).catch(() => undefined));
  if (!known?.tagRecords || known.versioning !== undefined) return;
  await forEachConcurrently(keys, CONCURRENCY, (key) => deleteKeyRecords(ctx, bucket, key).catch(() => undefined));
}
