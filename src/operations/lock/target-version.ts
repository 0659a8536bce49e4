// The version a retention or legal hold request is about: `versionId`, else
// the current one. A key whose current version is a delete marker, or a
// version that is not there, is answered as S3 does.
import { s3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import { requireBucket } from '../common/bucket.js';
import { parseVersionId } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { bucketLock } from './bucket-config.js';
import { MISSING_LOCK_CONFIGURATION } from './write-lock.js';

export interface TargetVersion {
  readonly bucket: string;
  readonly key: string;
  readonly info: ObjectInfo;
}

/** InvalidRequest unless the bucket has Object Lock (asked of Swift, not the cache). */
export async function requireLockEnabled(ctx: OperationContext, bucket: string): Promise<void> {
  if (!(await bucketLock(ctx, bucket, { fresh: true })).enabled) throw s3Error('InvalidRequest', {}, MISSING_LOCK_CONFIGURATION);
}

/**
 * Swift quirk: an object written before versioning was enabled is the
 * version `null` until it is overwritten or deleted; Swift then keeps it
 * under a new version id (its timestamp), so a lock record made for `null`
 * would no longer find it. Its lock cannot be changed until then.
 */
export function requireLockableVersion(target: TargetVersion): void {
  if (target.info.versionId === 'null') {
    throw s3Error('InvalidRequest', { Key: target.key, VersionId: 'null' },
      'This object was written before versioning was enabled on the bucket, and this gateway cannot lock it until it becomes a version of its own (when it is overwritten: then lock that version).');
  }
}

export async function targetVersion(ctx: OperationContext): Promise<TargetVersion> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const versionId = parseVersionId(ctx.req.query.get('versionId'));
  await requireLockEnabled(ctx, bucket);
  const info = await ctx.store.findObject(bucket, key, { versionId });
  if (!info) {
    await requireBucket(ctx, bucket);
    if (versionId !== undefined) throw s3Error('NoSuchVersion', { Key: key, VersionId: versionId });
    throw s3Error('NoSuchKey', { Key: key });
  }
  return { bucket, key, info };
}
