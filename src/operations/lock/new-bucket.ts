// CreateBucket with x-amz-bucket-object-lock-enabled: true: the new bucket
// gets Object Lock (without a default retention) and versioning, which then
// cannot be suspended.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
import { s3Error } from '../../s3/errors.js';
import type { OperationContext } from '../context.js';
import { BUCKET_LOCK_ITEM, encodeBucketLock, rememberBucketLock } from './bucket-config.js';

/** Whether CreateBucket asks for Object Lock; InvalidArgument for a value that is neither true nor false. */
export function parseBucketLockHeader(headers: Readonly<Record<string, string>>): boolean {
  const value = headers['x-amz-bucket-object-lock-enabled']?.trim().toLowerCase();
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-bucket-object-lock-enabled', ArgumentValue: value }, 'x-amz-bucket-object-lock-enabled must be true or false.');
}

/**
 * Turns lock and versioning on in one container POST, right after the PUT
 * that made the bucket (only a bucket this request created: Swift's PUT of an
 * existing container would change its metadata). If that fails, the empty
 * bucket is removed again, so no bucket the client asked to be locked is
 * left without lock.
 */
export async function enableLockOnNewBucket(ctx: OperationContext, bucket: string): Promise<void> {
  try {
    await ctx.store.setContainerReserved(bucket, { [BUCKET_LOCK_ITEM]: encodeBucketLock(undefined) }, { versioning: true });
  } catch (err) {
    await ctx.store.deleteContainer(bucket).catch(() => undefined);
    throw err;
  }
  await rememberBucketLock(ctx, bucket, { enabled: true, unverified: false, versioning: 'enabled' });
}
