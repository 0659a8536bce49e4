// Bucket operations: CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, GetBucketVersioning.
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { isBlank, parseXml } from '../../s3/xml.js';
import { locationConstraint } from '../../s3/results.js';
import { readXmlBody } from '../common/body.js';
import { aclFromRequestHeaders, checkAclAllowedByOwnership, parseObjectOwnershipHeader } from '../../access/acl/index.js';
import { ownerOf } from '../common/bucket.js';
import { isValidNewBucketName } from '../common/names.js';
import { applyBucketAcl } from './acl.js';
import { deleteSegments, markSegmentsContainer, segmentsContainer } from '../common/segments.js';
import type { OperationContext } from '../context.js';
import { deleteLocksContainer } from '../lock/records.js';
import { enableLockOnNewBucket, parseBucketLockHeader } from '../lock/new-bucket.js';
import { deleteTagsContainer } from '../tagging/records.js';

/** The bucket's segments container, with whatever unfinished uploads left in it. */
async function deleteSegmentsContainer(ctx: OperationContext, bucket: string): Promise<void> {
  const container = segmentsContainer(bucket);
  for await (const page of ctx.store.listPages(container, {}, { missingOk: true })) {
    await deleteSegments(ctx, bucket, page.map((row) => row.name!));
  }
  if (await ctx.store.containerExists(container)) await ctx.store.deleteContainer(container);
  await markSegmentsContainer(ctx, bucket, false);
}

/** LocationConstraint of a CreateBucketConfiguration body, if any. */
export async function parseLocationConstraint(body: Buffer | string): Promise<string | undefined> {
  if (isBlank(body)) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = doc['CreateBucketConfiguration'];
  if (config === undefined || typeof config !== 'object' || config === null) {
    if (config === '') return undefined;
    throw s3Error('MalformedXML');
  }
  const location = (config as Record<string, unknown>)['LocationConstraint'];
  return typeof location === 'string' ? location.trim() : undefined;
}

/**
 * What CreateBucket accepts as LocationConstraint. Every bucket lives in the
 * gateway's one region (s3.region, which GetBucketLocation answers). A
 * constraint naming a region SigV4 clients may sign for (s3.acceptedRegions)
 * is accepted: `aws s3 mb` and the SDKs send their configured region, and a
 * client set to an accepted region must keep working. Another region name is
 * S3's answer for a constraint the endpoint cannot serve,
 * IllegalLocationConstraintException; something that is no region name at
 * all is InvalidLocationConstraint. (The ucloud spec has no configuration
 * body; its 400 covers both.)
 */
export function checkLocationConstraint(location: string | undefined, region: string, accepted: readonly string[]): void {
  if (!location || location === region || accepted.includes(location)) return;
  if (/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(location)) {
    throw s3Error('IllegalLocationConstraintException', { LocationConstraint: location }, `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to (this service's region is ${region}).`);
  }
  throw s3Error('InvalidLocationConstraint', { LocationConstraint: location }, 'The specified location-constraint is not valid');
}

export async function createBucket(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  if (!isValidNewBucketName(bucket)) throw s3Error('InvalidBucketName', { BucketName: bucket });
  const withLock = parseBucketLockHeader(ctx.req.headers);
  const location = await parseLocationConstraint((await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes);
  checkLocationConstraint(location, ctx.region, ctx.acceptedRegions);
  // The ACL and Object Ownership asked for are checked before anything is made.
  const owner = await ownerOf(ctx);
  const ownershipHeader = ctx.req.headers['x-amz-object-ownership'];
  const ownership = ownershipHeader === undefined ? undefined : parseObjectOwnershipHeader(ownershipHeader);
  const acl = aclFromRequestHeaders(ctx.req.headers, owner, 'bucket');
  checkAclAllowedByOwnership(acl, ownership, 'CreateBucket', owner.id);
  // One namespace for all projects: the name is claimed before the container
  // is made, so of two projects creating it at once exactly one gets it.
  const claim = await ctx.namespace?.claim(bucket);
  if (claim === 'taken') {
    throw s3Error('BucketAlreadyExists', { BucketName: bucket });
  }
  let made: 'created' | 'existed';
  try {
    made = await ctx.store.putContainer(bucket);
  } catch (err) {
    // No container, so no bucket: a name claimed for it is free again.
    if (claim === 'claimed') await ctx.namespace!.release(bucket).catch(() => undefined);
    throw err;
  }
  if (made === 'created') {
    if (withLock) {
      await enableLockOnNewBucket(ctx, bucket).catch(async (err: unknown) => {
        // enableLockOnNewBucket removed the container again: so the name is free again too.
        if (claim === 'claimed') await ctx.namespace!.release(bucket).catch(() => undefined);
        throw err;
      });
    }
    if (ownership !== undefined) await ctx.namespace?.updateSettings(bucket, (settings) => ({ ...settings, ownership }));
    if (acl !== undefined) await applyBucketAcl(ctx, bucket, acl, {});
    return { status: ctx.dialect.bucketCreatedStatus, headers: { location: `/${bucket}` } };
  }
  // Swift containers live in the caller's own account, so an existing one is theirs.
  if (ctx.dialect.bucketExistsAnswer === 'accepted') return { status: 202, headers: { location: `/${bucket}` } };
  throw s3Error('BucketAlreadyOwnedByYou', { BucketName: bucket });
}

export async function deleteBucket(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  await ctx.store.deleteContainer(bucket);
  // The name is free for anyone once the container is gone; if the registry
  // cannot be told now, the entry stays with this account (which may create
  // the bucket again) until the next DeleteBucket or the namespace command.
  await ctx.namespace?.release(bucket).catch(() => undefined);
  // With the bucket empty, no manifest references its segments: what is left
  // belongs to unfinished uploads, which die with the bucket. The bucket is
  // gone whatever happens now, so that is what the client hears; a Swift
  // failure here leaves the hidden container for s3api's or a later cleanup.
  await deleteSegmentsContainer(ctx, bucket).catch(() => undefined);
  // Lock records of versions that are gone with the bucket (object lock).
  await deleteLocksContainer(ctx, bucket).catch(() => undefined);
  // Tag records (objects' and the bucket's own: operations/tagging/).
  await deleteTagsContainer(ctx, bucket).catch(() => undefined);
  return { status: 204 };
}

export async function headBucket(ctx: OperationContext): Promise<S3Result> {
  await ctx.store.headContainer(ctx.req.bucket!);
  return { status: 200, headers: { 'x-amz-bucket-region': ctx.region } };
}

export async function getBucketLocation(ctx: OperationContext): Promise<S3Result> {
  await ctx.store.headContainer(ctx.req.bucket!);
  return { status: 200, xml: locationConstraint(ctx.region) };
}
