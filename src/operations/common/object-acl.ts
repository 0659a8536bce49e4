// Object ACLs, which Swift does not have: kept on the object as sealed
// reserved items (`acl`, `acl-2`, ... and `owner`, the writer's project when it
// is not the bucket owner), written with the object (x-amz-acl and the
// x-amz-grant-* headers of PutObject, CopyObject and CreateMultipartUpload) or
// by PutObjectAcl, and enforced by the gateway for readers the bucket's own
// container ACLs do not already let in.
import {
  aclFromRequestHeaders, checkAclAllowedByOwnership, decodeObjectAcl, encodeObjectAcl, isObjectOwnership, isPublicAcl, objectOwnerFor,
  type Acl, type AclUse, type ObjectOwnership, type Owner,
} from '../../access/acl/index.js';
import { s3Error } from '../../s3/errors.js';
import type { Reserved } from '../../swift/sealed-state.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { ownerOf } from './bucket.js';

const OWNER = 'owner';
const ACL_ITEM = /^acl(-\d+)?$/;

/** The reserved items of an object's ACL, among others. */
export function aclItems(reserved: Reserved): Reserved {
  return Object.fromEntries(Object.entries(reserved).filter(([name]) => ACL_ITEM.test(name) || name === OWNER));
}

/** An object's other reserved items (to keep when its ACL changes). */
export function withoutAclItems(reserved: Reserved): Reserved {
  return Object.fromEntries(Object.entries(reserved).filter(([name]) => !(ACL_ITEM.test(name) || name === OWNER)));
}

/** Who writes: the requester's project (its token's), else the bucket owner. */
async function writer(ctx: OperationContext): Promise<Owner> {
  if (ctx.requester?.kind !== 'project' || ctx.bucketOwner === undefined) return ownerOf(ctx);
  const token = await ctx.store.account();
  return { id: token.projectId, displayName: token.userName };
}

/** The owner of an object: its stored writer, else the bucket's owner. */
export async function objectOwner(ctx: OperationContext, info: ObjectInfo): Promise<Owner> {
  const bucketOwner = await ownerOf(ctx);
  const id = info.reserved[OWNER];
  return id === undefined || id === bucketOwner.id ? bucketOwner : { id, displayName: id };
}

/** The object's ACL: what was stored, else the default (its owner's FULL_CONTROL). */
export async function objectAcl(ctx: OperationContext, info: ObjectInfo): Promise<Acl> {
  const owner = await objectOwner(ctx, info);
  return decodeObjectAcl(info.reserved, owner) ?? { owner, grants: [{ grantee: { type: 'CanonicalUser', id: owner.id, displayName: owner.displayName }, permission: 'FULL_CONTROL' }] };
}

/** The bucket's Object Ownership setting (undefined: none set, which acts as ObjectWriter). */
export function bucketOwnership(ctx: OperationContext): ObjectOwnership | undefined {
  const value = ctx.bucketRecord?.settings.ownership;
  return value !== undefined && isObjectOwnership(value) ? value : undefined;
}

/** Refuses an ACL the bucket's ownership controls or public access block do not allow. */
export function checkObjectAcl(ctx: OperationContext, acl: Acl | undefined, use: AclUse, bucketOwnerId: string): void {
  const settings = ctx.bucketRecord?.settings ?? {};
  checkAclAllowedByOwnership(acl, bucketOwnership(ctx), use, bucketOwnerId);
  if (acl && settings.publicAccessBlock?.BlockPublicAcls && isPublicAcl(acl)) {
    throw s3Error('AccessDenied', {}, 'The bucket\'s public access block (BlockPublicAcls) refuses ACLs that grant public access.');
  }
}

/**
 * A new object's ACL from the request's headers (none: the default ACL), with
 * its owner as Object Ownership decides, and the reserved items that store it.
 */
export async function requestedObjectAcl(ctx: OperationContext): Promise<{ readonly acl?: Acl; readonly items: Reserved }> {
  const bucketOwner = await ownerOf(ctx);
  const owner = objectOwnerFor(bucketOwnership(ctx), await writer(ctx), bucketOwner, ctx.req.headers['x-amz-acl']);
  const acl = aclFromRequestHeaders(ctx.req.headers, owner, 'object', bucketOwner);
  checkObjectAcl(ctx, acl, 'PutObject', bucketOwner.id);
  const items: Record<string, string> = acl ? { ...encodeObjectAcl(acl) } : {};
  if (owner.id !== bucketOwner.id) items[OWNER] = owner.id;
  return { acl, items };
}
