// Reads that only the gateway can judge: an object whose own ACL lets others
// read it, in a bucket whose container ACLs do not. Swift has no object ACLs,
// so the bucket's owner lets the gateway's own identity read the container
// (its `<project>:<user>` in X-Container-Read, added when such an ACL is first
// set), and for those requests the gateway reads with its own token and
// decides from the object's ACL. Acting with a token broader than the
// requester's, it follows nothing into other data: no symlink (but to the
// bucket's own versions), no manifest it did not write itself, no dynamic
// large object (whose segments are whatever a prefix lists).
import { aclAllows, withoutPublicGrants, type Acl } from '../../access/acl/index.js';
import { s3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { ObjectGate, OperationContext } from '../context.js';
import { isStagedPut } from './manifest.js';
import { objectAcl } from './object-acl.js';
import { hasSegmentsContainer, markSegmentsContainer, segmentsContainer } from './segments.js';
import { bucketLock } from '../lock/bucket-config.js';
import { locksContainer } from '../lock/layout.js';
import { tagsContainer } from '../tagging/layout.js';

/** The sealed item the gateway's own multipart manifests carry (multipart/layout.ts UPLOAD_ID); its staged PUTs carry another (isStagedPut). */
const UPLOAD_ID_ITEM = 'upload-id';

/** Whether an ACL lets anyone but the bucket owner read: then the gateway must be able to. */
function grantsReadToOthers(acl: Acl, bucketOwnerId: string): boolean {
  return acl.grants.some((g) => (g.permission === 'READ' || g.permission === 'FULL_CONTROL')
    && !(g.grantee.type === 'CanonicalUser' && g.grantee.id === bucketOwnerId));
}

/**
 * After an object ACL that lets others read: the gateway's identity may read
 * the bucket (and its segments), once per bucket. Only the owner can change
 * container ACLs; anyone else's object ACL is served only in buckets already
 * set up so.
 */
export async function ensureDelegatedReads(ctx: OperationContext, bucket: string, acl: Acl): Promise<void> {
  const delegate = ctx.delegate;
  if (delegate === undefined || ctx.bucketOwner !== undefined || ctx.bucketRecord?.settings.delegatedReads) return;
  if (!grantsReadToOthers(acl, (await ctx.store.account()).projectId)) return;
  for (const container of [bucket, ...((await hasSegmentsContainer(ctx, bucket)) ? [segmentsContainer(bucket)] : [])]) {
    const info = await ctx.store.headContainer(container);
    const read = (info.read ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    if (!read.includes(delegate)) await ctx.store.setContainerAcl(container, { read: [...read, delegate].join(','), write: info.write ?? '' });
  }
  await ctx.namespace?.updateSettings(bucket, (s) => ({ ...s, delegatedReads: true }));
}

/** The write entry of the gateway's identity: `*:<user>`, so aclFromContainer never reads it as AllUsers WRITE. */
const writerEntry = (delegate: string): string => `*:${delegate.split(':')[1]}`;

/** Adds the gateway's identity to a container's read and write ACLs (the owner's request). */
export async function shareWithDelegate(ctx: OperationContext, container: string, delegate: string): Promise<void> {
  const info = await ctx.store.headContainer(container);
  const entries = (value: string | undefined) => (value ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const read = entries(info.read);
  const write = entries(info.write);
  if (!read.includes(delegate)) read.push(delegate);
  if (!write.includes(writerEntry(delegate))) write.push(writerEntry(delegate));
  await ctx.store.setContainerAcl(container, { read: read.join(','), write: write.join(',') });
}

/**
 * Object lock records (`<bucket>+locks`, made now if missing) of a
 * lock-enabled bucket whose policy admits others: the gateway, acting for
 * them, reads and writes retentions and legal holds there.
 */
export async function ensureDelegatedLocks(ctx: OperationContext, bucket: string): Promise<void> {
  const delegate = ctx.delegate;
  if (delegate === undefined || ctx.bucketOwner !== undefined) return;
  const container = locksContainer(bucket);
  if (!(await ctx.store.containerExists(container))) await ctx.store.putContainer(container);
  await shareWithDelegate(ctx, container, delegate);
}

/**
 * Before a bucket policy that lets others in: the gateway's identity may read
 * and write the bucket and its segments container (made now if missing, since
 * a principal the policy admits cannot create it), its tag records (the
 * same), and, in a lock-enabled bucket, its lock records, once per bucket.
 */
export async function ensureDelegatedWrites(ctx: OperationContext, bucket: string): Promise<void> {
  const delegate = ctx.delegate;
  const settings = ctx.bucketRecord?.settings;
  if (delegate === undefined || ctx.bucketOwner !== undefined || (settings?.delegatedReads && settings.delegatedWrites)) return;
  if (!(await hasSegmentsContainer(ctx, bucket))) {
    await ctx.store.putContainer(segmentsContainer(bucket));
    await markSegmentsContainer(ctx, bucket, true);
  }
  if (!(await ctx.store.containerExists(tagsContainer(bucket)))) await ctx.store.putContainer(tagsContainer(bucket));
  for (const container of [bucket, segmentsContainer(bucket), tagsContainer(bucket)]) await shareWithDelegate(ctx, container, delegate);
  if ((await bucketLock(ctx, bucket, { fresh: true })).enabled) await ensureDelegatedLocks(ctx, bucket);
  await ctx.namespace?.updateSettings(bucket, (s) => ({ ...s, delegatedReads: true, delegatedWrites: true }));
}

/** Swift quirk: object versioning keeps versions in `\0versions\0<container>`, reached through a symlink. */
function isOwnVersion(followedTo: string, bucket: string): boolean {
  const container = followedTo.split('/')[3];
  try {
    return container !== undefined && decodeURIComponent(container) === `\u0000versions\u0000${bucket}`;
  } catch {
    return false;
  }
}

/**
 * The check of an object read with the gateway's own token: for the
 * requester's permission in the object's ACL, or ('policy') for a reader the
 * bucket policy already admitted, where only the F1 rule remains.
 */
export function objectGateFor(permission: 'READ' | 'READ_ACP' | 'policy'): ObjectGate {
  return async (ctx: OperationContext, info: ObjectInfo): Promise<void> => {
    const refuse = (why: string) => { throw s3Error('AccessDenied', {}, why); };
    if (info.followedTo !== undefined && !isOwnVersion(info.followedTo, ctx.req.bucket!)) refuse('The object is a symlink; this gateway does not follow it for a reader the bucket itself does not admit.');
    if (info.isDynamicManifest) refuse('The object is a dynamic large object; it is served only to readers the bucket itself admits.');
    if (info.isManifest && info.reserved[UPLOAD_ID_ITEM] === undefined && !isStagedPut(info)) refuse('The object is a large-object manifest this gateway did not write; it is served only to readers the bucket itself admits.');
    if (permission === 'policy') return;
    const stored = await objectAcl(ctx, info);
    // IgnorePublicAcls: an object's public grants count for nothing.
    const acl = ctx.bucketRecord?.settings.publicAccessBlock?.IgnorePublicAcls ? withoutPublicGrants(stored) : stored;
    if (ctx.requester === undefined || !aclAllows(acl, ctx.requester, permission)) refuse('Access Denied');
  };
}
