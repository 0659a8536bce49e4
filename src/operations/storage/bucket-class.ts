// The storage class of a bucket and of its objects. A bucket's class is its
// container's storage policy's (a container made through Swift in a policy
// mapped to STANDARD_IA is a STANDARD_IA bucket); an object's is the class
// the gateway sealed on it when it differs from its bucket's
// (swift/sealed-state.ts classParam), else its bucket's. A container's policy
// never changes (overview_policies.html), so it is cached per app; without
// a class outside the default policy nothing here calls Swift.
import { SharedLookups } from '../common/shared-lookups.js';
import { s3Error } from '../../s3/errors.js';
import { DEFAULT_STORAGE_CLASS, STANDARD_ONLY, type StorageClasses } from '../../s3/storage-class.js';
import { SwiftError } from '../../swift/errors.js';
import type { ObjectInfo, ObjectRow } from '../../swift/store.js';
import type { OperationContext } from '../context.js';

/**
 * Buckets' storage policies, per Swift account. Kept a minute: a container's
 * policy cannot change, only a bucket deleted and made again can have another.
 */
export class BucketPolicies extends SharedLookups<string> {
  constructor() {
    super({ ttlMs: 60_000 });
  }
}

export const classesOf = (ctx: OperationContext): StorageClasses => ctx.storage?.classes ?? STANDARD_ONLY;

/** The Swift policy of the bucket's container (NoSuchBucket when there is none). */
export async function bucketPolicy(ctx: OperationContext, bucket: string): Promise<string> {
  const probe = async () => {
    try {
      return (await ctx.store.headContainer(bucket)).storagePolicy ?? classesOf(ctx).defaultPolicy;
    } catch (err) {
      if (err instanceof SwiftError && err.status === 404) throw s3Error('NoSuchBucket', { BucketName: bucket }, undefined, err);
      throw err;
    }
  };
  const cache = ctx.storage?.bucketPolicies;
  return cache ? cache.lookup(`${await ctx.store.location()}\n${bucket}`, probe) : probe();
}

/** After this replica made a container: its policy is known without a HEAD. */
export async function rememberBucketPolicy(ctx: OperationContext, bucket: string, policy: string): Promise<void> {
  ctx.storage?.bucketPolicies.set(`${await ctx.store.location()}\n${bucket}`, policy);
}

/** The class a container in this policy is (STANDARD for a policy no class names). */
export const classOfPolicy = (classes: StorageClasses, policy: string): string => classes.classOfPolicy.get(policy) ?? DEFAULT_STORAGE_CLASS;

/** The bucket's class: STANDARD without a class outside the default policy, at no cost. */
export async function bucketClass(ctx: OperationContext, bucket: string): Promise<string> {
  const classes = classesOf(ctx);
  if (!classes.tiered) return DEFAULT_STORAGE_CLASS;
  return classOfPolicy(classes, await bucketPolicy(ctx, bucket));
}

/** An object's class, from a HEAD or GET of it. */
export async function objectClass(ctx: OperationContext, bucket: string, info: ObjectInfo): Promise<string> {
  return info.storageClass ?? (await bucketClass(ctx, bucket));
}

/**
 * The class of each listing row of a bucket, with at most one (cached)
 * container HEAD per listing, never one per row: a row names its class in
 * its Content-Type when it is not the bucket's.
 */
export async function rowClasses(ctx: OperationContext, bucket: string, container = bucket): Promise<(row: ObjectRow) => string> {
  const own = await bucketClass(ctx, bucket);
  return (row) => (row.content_type !== undefined && row.content_type.includes('s3gw_class') ? ctx.store.storageClassOfRow(container, row) : undefined) ?? own;
}

/**
 * Whether a manifest is one object's bytes in a companion container (the
 * gateway's class placement), not a multipart object: it names a class and
 * was not made by CompleteMultipartUpload (which seals its upload id on it).
 */
export const isPlacedData = (info: ObjectInfo): boolean => info.isManifest && info.storageClass !== undefined && info.reserved['upload-id'] === undefined;
