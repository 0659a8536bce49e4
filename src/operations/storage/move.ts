// Moving an object's bytes to another class, server side: Swift copies them
// (X-Copy-From reads through a manifest, so the copy is plain bytes) into the
// class's companion container, or into the bucket itself when the class is
// the bucket's; then the key is rewritten to name them, with the object's
// own metadata, reserved items and S3 ETag. The bytes it had before go once
// the new object is in place; if it cannot be written, the copy goes.
import type { ObjectInfo, Written } from '../../swift/store.js';
import type { Reserved } from '../../swift/sealed-state.js';
import type { OperationContext } from '../context.js';
import { dataName, ensureCompanion } from './companion.js';
import type { Placement } from './placement.js';

export interface MoveSource {
  readonly container: string;
  readonly object: string;
  readonly info: ObjectInfo;
  readonly versionId?: string;
  /** The source's account when it is another than the request's (a copy from another project's bucket). */
  readonly account?: string;
}

export interface MovedObject {
  /** Content headers, user metadata and Content-Type the object keeps (Swift's names). */
  readonly headers: Record<string, string>;
  readonly reserved: Reserved;
  /** The S3 ETag to keep on a manifest (unquoted); undefined: the bytes' MD5. */
  readonly s3Etag?: string;
}

/**
 * Writes bucket/key as the source's bytes in the placement's policy. `s3Etag`:
 * an ETag that is not the bytes' MD5 (a multipart object's) makes it a
 * manifest even in the bucket's own policy (its companion), since only a
 * manifest keeps such an ETag. `deleteAt`: its X-Delete-At, on its bytes too.
 * `since`: a first-written time it keeps as its Last-Modified (a transition;
 * a copy is a new object and has none). Answers the written object and its S3 ETag.
 */
export async function writeMoved(
  ctx: OperationContext, bucket: string, key: string, source: MoveSource, placement: Placement, moved: MovedObject,
  opts: { ifMatch?: string; policyOfBucket?: string; deleteAt?: number; since?: number } = {},
): Promise<{ written: Written; etag: string }> {
  const policy = placement.policy ?? (moved.s3Etag !== undefined ? opts.policyOfBucket : undefined);
  const from = { container: source.container, object: source.object, info: source.info, versionId: source.versionId, account: source.account };
  if (policy === undefined || source.info.size === 0) {
    const written = await ctx.store.copyObject({ container: bucket, object: key }, from, {
      replace: moved.headers, reserved: moved.reserved, storageClass: placement.storageClass, ifMatch: opts.ifMatch, deleteAt: opts.deleteAt, since: opts.since,
    });
    return { written, etag: written.etag };
  }
  const container = await ensureCompanion(ctx, bucket, policy);
  const data = dataName(key);
  // A lifecycle expiry goes on the bytes too, so they never outlive their manifest.
  const copied = await ctx.store.copyObject({ container, object: data }, from, { replace: { 'content-type': 'application/octet-stream' }, ifMatch: opts.ifMatch, deleteAt: opts.deleteAt });
  const { 'content-type': contentType, ...headers } = moved.headers;
  const rest = opts.deleteAt === undefined ? headers : { ...headers, 'x-delete-at': String(opts.deleteAt) };
  const s3Etag = moved.s3Etag ?? copied.etag;
  try {
    const written = await ctx.store.putManifest(bucket, key, [{ path: `/${container}/${data}`, etag: copied.etag, size_bytes: source.info.size }], {
      headers: rest, contentType: contentType ?? 'application/octet-stream', s3Etag, reserved: moved.reserved,
      storageClass: placement.storageClass, since: opts.since,
    });
    return { written, etag: s3Etag };
  } catch (err) {
    await ctx.store.deleteObject(container, data).catch(() => undefined);
    throw err;
  }
}

/** What an object keeps of itself when it moves: its content headers, metadata and Content-Type. */
export function keptHeaders(info: ObjectInfo): Record<string, string> {
  return { ...info.contentHeaders, ...info.userMetadata, ...(info.contentType !== undefined ? { 'content-type': info.contentType } : {}) };
}
