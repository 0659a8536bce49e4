// Companion containers: where the bytes of objects whose class is not their
// bucket's live, one per Swift storage policy, `<bucket>+<policy>` (S3 bucket
// names cannot hold `+`, so no bucket is ever called that; ListBuckets hides
// them as it hides `<bucket>+segments`). The key in the bucket is a
// one-segment static large object manifest naming its data here
// (`<key>/<id>`: every write its own name, so a version keeps its bytes),
// with the object's metadata, S3 ETag and class sealed on it. Multipart
// uploads of such a class keep their parts here too (`<key>/<uploadId>/<n>`).
// A manifest, not a Swift symlink: a HEAD through a symlink answers the
// target's Content-Type and metadata, and a listing gives a symlink's own
// size (0) and hash, where an SLO manifest keeps its own metadata and lists
// with the object's size (measured on Swift 2.30).
import { randomUUID } from 'node:crypto';
import type { StorageClasses } from '../../s3/storage-class.js';
import type { OperationContext } from '../context.js';
import { s3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import { classesOf } from './bucket-class.js';

export const companionContainer = (bucket: string, policy: string): string => `${bucket}+${policy}`;

/** Whether an account's container is a companion of some bucket (ListBuckets leaves those out). */
export function isCompanionName(name: string, classes: StorageClasses): boolean {
  const plus = name.lastIndexOf('+');
  if (plus <= 0) return false;
  const suffix = name.slice(plus + 1);
  for (const policy of classes.policyOf.values()) if (policy !== '' && policy === suffix) return true;
  return false;
}

/** The companion containers a bucket may have (one per policy a class maps to). */
export function companionsOf(bucket: string, classes: StorageClasses): string[] {
  return [...new Set(classes.policyOf.values())].filter((p) => p !== '').map((p) => companionContainer(bucket, p));
}

/** A fresh name for one write's data: never reused, so an older version's bytes are never overwritten. */
export const dataName = (key: string): string => `${key}/${Buffer.from(randomUUID(), 'ascii').toString('base64url')}`;

/**
 * Creates `<bucket>+<policy>` if it is not there, in that policy and with
 * the bucket's ACLs (a reader the bucket admits must be able to read the
 * bytes its manifest names: Swift reads segments with the reader's token).
 */
export async function ensureCompanion(ctx: OperationContext, bucket: string, policy: string): Promise<string> {
  const container = companionContainer(bucket, policy);
  const known = `${await ctx.store.location()}\n${container}`;
  if (ctx.segmentsContainers.get(known)) return container;
  const found = await ctx.store.headContainer(container).catch((err: unknown) => {
    if (err instanceof SwiftError && err.status === 404) return undefined;
    throw err;
  });
  if (!found) {
    // (A missing bucket is NoSuchBucket here, whatever the operation's own table says of a 404.)
    const info = await ctx.store.headContainer(bucket).catch((err: unknown) => {
      throw err instanceof SwiftError && err.status === 404 ? s3Error('NoSuchBucket', { BucketName: bucket }, undefined, err) : err;
    });
    await ctx.store.putContainer(container, { 'x-storage-policy': policy, 'x-container-read': info.read, 'x-container-write': info.write });
  } else if (found.storagePolicy !== undefined && found.storagePolicy !== policy) {
    // Made through the Swift API in another policy: bytes written there would not be in the class asked for.
    throw s3Error('InvalidBucketState', { BucketName: bucket }, `The container ${container} that holds this bucket's objects of that class is in the storage policy ${found.storagePolicy}, not ${policy}.`);
  }
  ctx.segmentsContainers.set(known, true);
  return container;
}

/** After DeleteBucket: the bucket's companion containers and what is left in them (unfinished uploads' parts). */
export async function deleteCompanions(ctx: OperationContext, bucket: string): Promise<void> {
  const classes = classesOf(ctx);
  if (!classes.tiered) return;
  for (const container of companionsOf(bucket, classes)) {
    for await (const page of ctx.store.listPages(container, {}, { missingOk: true })) {
      await ctx.store.deleteObjects(container, page.map((row) => row.name!));
    }
    if (await ctx.store.containerExists(container)) await ctx.store.deleteContainer(container);
    ctx.segmentsContainers.set(`${await ctx.store.location()}\n${container}`, false);
  }
}

/**
 * Every companion container of the bucket, made now where missing: before
 * others may write the bucket (a bucket ACL granting WRITE, a bucket policy),
 * since only the account's owner can create containers in it.
 */
export async function ensureCompanions(ctx: OperationContext, bucket: string): Promise<void> {
  const classes = classesOf(ctx);
  if (!classes.tiered) return;
  for (const policy of new Set(classes.policyOf.values())) if (policy !== '') await ensureCompanion(ctx, bucket, policy);
}
