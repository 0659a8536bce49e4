// Bucket ACLs: GetBucketAcl, PutBucketAcl, and the ACL of CreateBucket.
// The READ and WRITE halves of a bucket ACL live in Swift's own container
// ACLs (X-Container-Read / X-Container-Write), so Swift enforces them and the
// Swift API and the S3 API see one ACL: a container made world-readable
// through Swift reads back as public-read. What Swift cannot hold (READ_ACP,
// WRITE_ACP, the grant list as the client wrote it) is kept in the bucket's
// registry entry. See access/acl/container.ts for the mapping.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
import {
  aclAllows, aclDocument, aclFromContainer, aclFromPutAclRequest, checkAclAllowedByOwnership, containerAclFor,
  decodeGrantList, encodeGrantList, isPublicAcl, withoutPublicGrants, type Acl,
} from '../../access/acl/index.js';
import type { BucketSettings } from '../../namespace/record.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { readXmlBody } from '../common/body.js';
import { bucketInfo, ownerOf } from '../common/bucket.js';
import { bucketOwnership } from '../common/object-acl.js';
import { markSegmentsContainer, presentCompanions, segmentsContainer } from '../common/segments.js';
import { ensureCompanions } from '../storage/companion.js';
import type { OperationContext } from '../context.js';

/** The settings kept for the request's bucket in its registry entry (none in namespace.mode account). */
export function bucketSettings(ctx: OperationContext): BucketSettings {
  return ctx.bucketRecord?.settings ?? {};
}

/** The ACL last set through the gateway, from the registry (undefined: never set, or not kept in this mode). */
export function storedAcl(settings: BucketSettings, owner: Acl['owner']): Acl | undefined {
  const grants = settings.acl && decodeGrantList(settings.acl, owner.id);
  return grants && { owner, grants };
}

/** Whether a request is the bucket owner's (its own account's bucket). */
export const isBucketOwner = (ctx: OperationContext): boolean => ctx.bucketOwner === undefined;

/** The bucket's ACL as the owner sees it: Swift's container ACLs, with the stored grants Swift cannot hold. */
export async function currentBucketAcl(ctx: OperationContext, bucket: string): Promise<Acl> {
  const owner = await ownerOf(ctx);
  const info = await bucketInfo(ctx, bucket);
  const stored = storedAcl(bucketSettings(ctx), owner);
  const extra = stored && containerAclFor(stored, { delegate: ctx.delegate }).extra;
  return aclFromContainer(info.read, info.write, owner, extra, ctx.delegate);
}

/**
 * Applies a bucket ACL: Swift's halves to the container (and its segments
 * container, so grantees' multipart uploads and overwrites work), the whole
 * list to the registry. Public grants are refused under BlockPublicAcls and
 * left out of Swift under IgnorePublicAcls.
 */
export async function applyBucketAcl(ctx: OperationContext, bucket: string, acl: Acl, current: { read?: string; write?: string }): Promise<void> {
  const settings = bucketSettings(ctx);
  const block = settings.publicAccessBlock;
  if (block?.BlockPublicAcls && isPublicAcl(acl)) {
    throw s3Error('AccessDenied', {}, 'The bucket\'s public access block (BlockPublicAcls) refuses ACLs that grant public access.');
  }
  const effective = block?.IgnorePublicAcls ? withoutPublicGrants(acl) : acl;
  const swiftAcl = containerAclFor(effective, { delegate: ctx.delegate, delegateReads: settings.delegatedReads, current });
  await ctx.store.setContainerAcl(bucket, swiftAcl);
  // Asked of Swift, not the cache: this is the owner changing what others may reach.
  let segments = await ctx.store.containerExists(segmentsContainer(bucket));
  if (!segments && swiftAcl.write !== '') {
    // A grantee cannot create containers in the owner's account: make the
    // segments container now, so its multipart uploads have a place.
    await ctx.store.putContainer(segmentsContainer(bucket));
    segments = true;
  }
  if (segments) await ctx.store.setContainerAcl(segmentsContainer(bucket), swiftAcl);
  await markSegmentsContainer(ctx, bucket, segments);
  // The bytes of objects of another class: readers of the bucket read them through its manifests, and
  // writers granted WRITE cannot create them in the owner's account (operations/storage/).
  if (swiftAcl.write !== '') await ensureCompanions(ctx, bucket);
  for (const companion of await presentCompanions(ctx, bucket)) await ctx.store.setContainerAcl(companion, swiftAcl);
  await ctx.namespace?.updateSettings(bucket, (s) => ({ ...s, acl: encodeGrantList(acl.grants, acl.owner.id) }));
}

export async function getBucketAcl(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  if (isBucketOwner(ctx)) return { status: 200, xml: aclDocument(await currentBucketAcl(ctx, bucket)) };
  // Another project (or anyone): only with READ_ACP, from the ACL as last set
  // in the registry (Swift shows container ACLs to owners only, and a grantee
  // without READ may not even HEAD the container).
  const owner = await ownerOf(ctx);
  const stored = storedAcl(bucketSettings(ctx), owner);
  if (!stored || !ctx.requester || !aclAllows(stored, ctx.requester, 'READ_ACP')) throw s3Error('AccessDenied');
  return { status: 200, xml: aclDocument(stored) };
}

export async function putBucketAcl(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  // Only the owner may: Swift lets only an account's owner change its containers.
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can change its ACL through this gateway.');
  const info = await bucketInfo(ctx, bucket);
  const owner = await ownerOf(ctx);
  const acl = await aclFromPutAclRequest(ctx.req.headers, body, owner, 'bucket');
  checkAclAllowedByOwnership(acl, bucketOwnership(ctx), 'PutBucketAcl', owner.id);
  await applyBucketAcl(ctx, bucket, acl, info);
  return { status: 200 };
}
