// Segments of multipart objects, in `<bucket>+segments` as Swift's s3api keeps
// them: which ones an object owns, deleting them, and knowing cheaply whether
// a bucket has a segments container at all (so plain PUTs and DELETEs need no
// extra Swift call in buckets that never saw a multipart upload).
import { randomUUID } from 'node:crypto';
import type { OperationContext } from '../context.js';
import { bucketLock } from '../lock/bucket-config.js';
import { objectManifest } from './manifest.js';
import { SwiftError } from '../../swift/errors.js';
import { s3Error } from '../../s3/errors.js';
import type { ObjectRef } from '../../swift/store.js';
import { companionsOf } from '../storage/companion.js';
import { classesOf } from '../storage/bucket-class.js';
import { SharedLookups } from './shared-lookups.js';

/** Suffix of the container where multipart segments live, as Swift's s3api names it. */
export const SEGMENTS_SUFFIX = '+segments';

export const segmentsContainer = (bucket: string): string => bucket + SEGMENTS_SUFFIX;

/** Part n of upload `uploadId` of `key` in the segments container (no zero padding, as s3api). */
export const partName = (key: string, uploadId: string, part: number): string => `${key}/${uploadId}/${part}`;

/** s3api's upload ids: URL-safe base64 of a UUID's text (48 characters, no padding). */
export function newUploadId(): string {
  return Buffer.from(randomUUID(), 'ascii').toString('base64url');
}

// Positive answers can be kept a while (a segments container is rarely deleted);
// negative ones only briefly, since another gateway may start an upload any time.
const POSITIVE_MS = 60_000;
const NEGATIVE_MS = 2_000;

/** Which accounts' buckets have a segments container: one per app, shared by its requests. */
export class KnownContainers extends SharedLookups<boolean> {
  constructor() {
    super({ ttlMs: POSITIVE_MS, ttlOf: (exists) => (exists ? POSITIVE_MS : NEGATIVE_MS) });
  }
}

/** Per Swift account (the bucket's, which for another project's bucket is not the token's). */
async function cacheKey(ctx: OperationContext, bucket: string): Promise<string> {
  return `${await ctx.store.location()}\n${bucket}`;
}

export async function markSegmentsContainer(ctx: OperationContext, bucket: string, exists: boolean): Promise<void> {
  ctx.segmentsContainers.set(await cacheKey(ctx, bucket), exists);
}

/**
 * A segment an object owns outside `<bucket>+segments`: in a companion
 * container of its class (operations/storage/companion.ts), written
 * `\0<container>\0<object>` (no S3 key holds a NUL: Swift refuses it) so
 * every caller passes owned segments on as names, as before.
 */
const companionSegment = (container: string, object: string): string => `\0${container}\0${object}`;

/** The name deleteSegments takes for `name` in `container` (`<bucket>+segments` or a companion). */
export const segmentIn = (bucket: string, container: string, name: string): string => (container === segmentsContainer(bucket) ? name : companionSegment(container, name));

/** Where an owned segment name is. */
export function segmentRef(bucket: string, name: string): ObjectRef {
  if (name.charCodeAt(0) !== 0) return { container: segmentsContainer(bucket), object: name };
  const at = name.indexOf('\0', 1);
  return { container: name.slice(1, at), object: name.slice(at + 1) };
}

/** The bucket's companion containers that exist (cached as segments containers are); none without tiered classes. */
export async function presentCompanions(ctx: OperationContext, bucket: string): Promise<string[]> {
  const classes = classesOf(ctx);
  if (!classes.tiered) return [];
  const found: string[] = [];
  for (const container of companionsOf(bucket, classes)) {
    const exists = await ctx.segmentsContainers.lookup(await cacheKey(ctx, container), () => ctx.store.containerExists(container).catch(() => true));
    if (exists) found.push(container);
  }
  return found;
}

/** Whether `<bucket>+segments` exists (cached as above). */
export async function hasSegmentsContainer(ctx: OperationContext, bucket: string): Promise<boolean> {
  return (await segmentsAccess(ctx, bucket)) !== 'none';
}

/**
 * Whether `<bucket>+segments` exists, or 'forbidden' when Swift will not say:
 * another project's bucket whose ACLs (set through the Swift API) do not
 * cover its segments container.
 */
async function segmentsAccess(ctx: OperationContext, bucket: string): Promise<'none' | 'exists' | 'forbidden'> {
  let exists: boolean;
  try {
    exists = await ctx.segmentsContainers.lookup(await cacheKey(ctx, bucket), () => ctx.store.containerExists(segmentsContainer(bucket)));
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return 'forbidden';
    throw err;
  }
  return exists ? 'exists' : 'none';
}

/**
 * The segments in `<bucket>+segments` that the object at bucket/key (or one
 * version of it) references, if it is a manifest (none otherwise): what must
 * go when it is replaced or deleted. A Swift failure reading the manifest fails the request,
 * never passes for "no segments" (that would orphan them); so does a
 * multipart object whose segments the requester may not delete.
 */
export async function ownedSegments(ctx: OperationContext, bucket: string, key: string, versionId?: string): Promise<string[]> {
  const access = await segmentsAccess(ctx, bucket);
  const companions = await presentCompanions(ctx, bucket);
  if (access === 'none' && companions.length === 0) return [];
  // Without a version: the object itself, not what a symlink points to. In a
  // versioned bucket the current object is a symlink to its version, which an
  // overwrite or a delete marker leaves in place, segments and all.
  const owned = await manifestSegments(ctx, bucket, key, versionId === undefined ? { symlink: true } : { versionId }, companions);
  if (owned.length > 0 && access === 'forbidden') {
    throw s3Error('AccessDenied', { Key: key }, 'This multipart object\'s parts are kept where the bucket\'s owner has not given you access; it cannot be replaced or deleted with your key.');
  }
  // A manifest that is no symlink in a versioned bucket: a null version written
  // before versioning was enabled. Swift keeps it as a version when it is
  // overwritten or deleted, so its segments stay with it (an object lock may
  // hold it, too).
  if (owned.length > 0 && versionId === undefined && (await bucketLock(ctx, bucket)).versioning === 'enabled') return [];
  return owned;
}

/**
 * The segments an object's manifest (or one version's) names, in
 * `<bucket>+segments` or a companion container (companionSegment names);
 * none for a plain or missing object. What they are, not whether they may go:
 * ownedSegments decides that.
 */
export async function manifestSegments(
  ctx: OperationContext, bucket: string, key: string, opts: { versionId?: string; symlink?: boolean }, companions?: readonly string[],
): Promise<string[]> {
  const manifest = await objectManifest(ctx, bucket, key, opts);
  if (manifest === 'plain' || manifest === 'missing') return [];
  const prefix = `/${segmentsContainer(bucket)}/`;
  // The sub-manifests of an object of more parts than max_manifest_segments go too.
  const elsewhere = (companions ?? (await presentCompanions(ctx, bucket))).map((c) => ({ container: c, prefix: `/${c}/` }));
  return [...manifest.parts, ...manifest.subManifests]
    .map((entry) => entry.path ?? entry.name ?? '')
    .flatMap((path) => {
      if (path.startsWith(prefix)) return [path.slice(prefix.length)];
      const c = elsewhere.find((e) => path.startsWith(e.prefix));
      return c ? [companionSegment(c.container, path.slice(c.prefix.length))] : [];
    });
}

/** Deletes segments (of `<bucket>+segments`, or companionSegment names), a few at a time; a segment already gone is fine. */
export async function deleteSegments(ctx: OperationContext, bucket: string, names: readonly string[]): Promise<void> {
  const byContainer = new Map<string, string[]>();
  for (const name of names) {
    const at = segmentRef(bucket, name);
    byContainer.set(at.container, [...(byContainer.get(at.container) ?? []), at.object]);
  }
  for (const [container, objects] of byContainer) await ctx.store.deleteObjects(container, objects);
}

/** Creates `<bucket>+segments` like s3api does, if it is not there: with the bucket's storage policy and ACLs. */
export async function ensureSegmentsContainer(ctx: OperationContext, bucket: string): Promise<void> {
  // (A missing bucket is NoSuchBucket here, whatever the operation's own table says of a 404.)
  const info = await ctx.store.headContainer(bucket).catch((err: unknown) => {
    throw err instanceof SwiftError && err.status === 404 ? s3Error('NoSuchBucket', { BucketName: bucket }, undefined, err) : err;
  });
  if (!(await ctx.store.containerExists(segmentsContainer(bucket)))) {
    await ctx.store.putContainer(segmentsContainer(bucket), { 'x-storage-policy': info.storagePolicy, 'x-container-read': info.read, 'x-container-write': info.write });
  }
  await markSegmentsContainer(ctx, bucket, true);
}
