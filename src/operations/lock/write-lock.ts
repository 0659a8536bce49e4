// The lock a new version is written with (PutObject, CopyObject,
// CreateMultipartUpload): the request's x-amz-object-lock-* headers, else the
// bucket's default retention; as reserved items stored with the version
// itself, in the same Swift write, so no version is ever briefly unlocked.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
import { s3Error } from '../../s3/errors.js';
import type { OperationContext } from '../context.js';
import { SwiftError } from '../../swift/errors.js';
import { bucketLock, retentionFromDefault, type BucketLock } from './bucket-config.js';
import { lockItems, parseLockHeaders, type Retention } from './state.js';

export const MISSING_LOCK_CONFIGURATION = 'Bucket is missing Object Lock Configuration';

export interface WriteLock {
  /** Reserved items to store with the new version (none outside lock-enabled buckets). */
  readonly items: Record<string, string>;
  /**
   * The bucket has (or may have: its configuration was not readable) Object
   * Lock. No metadata POST may follow a write there: a POST lands on whatever
   * version is current by then, and one from a concurrent writer would replace
   * that version's lock items with this write's.
   */
  readonly lockedBucket: boolean;
}

/**
 * The lock of a new version of a key in `bucket`. `needsIntegrity`: S3
 * requires Content-MD5 or a flexible checksum on a PutObject that carries a
 * lock (its own or the bucket's default).
 */
export async function lockForWrite(ctx: OperationContext, bucket: string, opts: { needsIntegrity: boolean }): Promise<WriteLock> {
  const now = Date.now();
  const asked = parseLockHeaders(ctx.req.headers, now);
  let lock = await readableLock(ctx, bucket);
  // The bucket's configuration is not readable by this requester (another
  // project's key with a write-only container ACL): its own lock headers are
  // honoured, a default cannot be known (README, Object Lock).
  if (lock === undefined) return { items: asked ? checkedItems(ctx, lockItems(asked), opts) : {}, lockedBucket: true };
  // Lock enabled through another replica in the last moments: ask Swift before refusing.
  if (asked && !lock.enabled) lock = await bucketLock(ctx, bucket, { fresh: true });
  if (!lock.enabled) {
    if (asked) throw s3Error('InvalidRequest', {}, MISSING_LOCK_CONFIGURATION);
    return { items: {}, lockedBucket: false };
  }
  let retention: Retention | undefined = asked?.retention;
  if (!retention && lock.unverified) {
    throw s3Error('InvalidBucketState', {}, "The bucket's Object Lock configuration cannot be verified, so its default retention is unknown; set it again with PutObjectLockConfiguration, or give this write its own x-amz-object-lock-mode and x-amz-object-lock-retain-until-date.");
  }
  if (!retention && lock.rule) retention = retentionFromDefault(lock.rule, now);
  return { items: checkedItems(ctx, lockItems({ retention, legalHold: asked?.legalHold }), opts), lockedBucket: true };
}

function checkedItems(ctx: OperationContext, items: Record<string, string>, opts: { needsIntegrity: boolean }): Record<string, string> {
  if (opts.needsIntegrity && Object.keys(items).length > 0 && ctx.req.headers['content-md5'] === undefined && ctx.checksum === undefined) {
    throw s3Error('InvalidRequest', {}, 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
  }
  return items;
}

/** The bucket's lock configuration, or undefined when Swift does not let this requester read it (401/403). */
async function readableLock(ctx: OperationContext, bucket: string): Promise<BucketLock | undefined> {
  try {
    return await bucketLock(ctx, bucket);
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return undefined;
    throw err;
  }
}
