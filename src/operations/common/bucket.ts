// Pieces every family needs about buckets: that one exists, which of
// NoSuchBucket and NoSuchKey a missing object means, and who owns them.
import type { Owner } from '../../s3/documents.js';
import { s3Error } from '../../s3/errors.js';
import type { ContainerInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { BUCKET_TABLE, translate } from './swift-errors.js';

/** NoSuchBucket unless the bucket exists (other Swift answers: the family's table). */
export async function requireBucket(ctx: OperationContext, bucket: string): Promise<void> {
  if (!(await ctx.store.containerExists(bucket))) throw s3Error('NoSuchBucket', { BucketName: bucket });
}

/** The bucket's container info, NoSuchBucket when it is gone (whatever the caller's family table says). */
export async function bucketInfo(ctx: OperationContext, bucket: string): Promise<ContainerInfo> {
  try {
    return await ctx.store.headContainer(bucket);
  } catch (err) {
    throw translate(err, BUCKET_TABLE, ctx, { BucketName: bucket });
  }
}

/**
 * S3 tells a missing bucket (NoSuchBucket) from a missing key (NoSuchKey);
 * Swift says 404 for both, so a missing object costs one container HEAD.
 */
export async function missingObject(ctx: OperationContext, bucket: string, key: string): Promise<never> {
  await requireBucket(ctx, bucket);
  throw s3Error('NoSuchKey', { Key: key });
}

/** The owner of the request's bucket: the registry's for another project's bucket, else the token's project, named by its user. */
export async function ownerOf(ctx: OperationContext): Promise<Owner> {
  if (ctx.bucketOwner) return ctx.bucketOwner;
  const account = await ctx.store.account();
  return { id: account.projectId, displayName: account.userName };
}
