// Object writes: PutObject and DeleteObject. Bodies stream straight through to
// Swift (large ones through a segment: staged-put.ts). Replacing or deleting a multipart object also removes its segments,
// unless a version keeps them (versioned buckets).
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { requireBucket } from '../common/bucket.js';
import { checkMetadataLimits } from '../common/metadata-limits.js';
import { checkKey } from '../common/names.js';
import { deleteSegments, ownedSegments } from '../common/segments.js';
import { deleteVersion } from '../common/delete-version.js';
import { versionHeaders } from '../common/versions.js';
import { putBodyLength, storedObjectHeaders } from '../common/write-body.js';
import { placementFor } from '../storage/placement.js';
import { writePlaced } from '../storage/write.js';
import type { OperationContext } from '../context.js';
import { lockForWrite } from '../lock/write-lock.js';
import { ensureDelegatedReads } from '../common/delegation.js';
import { requestedObjectAcl } from '../common/object-acl.js';
import { conditionally, parseWriteCondition } from '../common/write-conditions.js';
import { requestedWebsiteRedirect } from '../common/website-redirect.js';
import { expiryForWrite } from '../common/lifecycle-expiry.js';
import { startKeyCleanup } from '../tagging/cleanup.js';
import { requestedTags, tagItemsForWrite } from '../tagging/write-tags.js';
import { isStaged, writeStaged } from './staged-put.js';
import { guessedContentType } from '../common/guessed-type.js';
import { encryptForWrite } from '../encryption/write.js';
import { encryptionForWrite } from '../encryption/bucket-default.js';

export async function putObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  // SSE-C, SSE-S3, SSE-KMS or the bucket's default: checked before anything is written (operations/encryption/).
  const wrapping = await encryptionForWrite(ctx, bucket);
  const length = await putBodyLength(ctx);
  // An encrypted object's items are sealed for its size, which decides how it is written: a body of unknown length is refused.
  if (wrapping && length === undefined) throw s3Error('MissingContentLength', {}, 'An encrypted upload must give its length (Content-Length, or x-amz-decoded-content-length).');
  const headers = storedObjectHeaders(ctx.req.headers);
  checkMetadataLimits(headers, await ctx.store.limits());
  const tags = await requestedTags(ctx);
  const lock = await lockForWrite(ctx, bucket, { needsIntegrity: true });
  const acl = await requestedObjectAcl(ctx);
  const redirect = requestedWebsiteRedirect(ctx.req.headers);
  const tagItems = await tagItemsForWrite(ctx, bucket, key, tags, headers, { ...acl.items, ...redirect, ...lock.items });
  // x-amz-storage-class: the bucket itself, or the class's companion container (operations/storage/).
  const placement = await placementFor(ctx, bucket, ctx.req.headers['x-amz-storage-class']);
  // A lifecycle rule that expires the object: Swift's expirer deletes it then (common/lifecycle-expiry.ts).
  const expiry = await expiryForWrite(ctx, bucket, key, length, async () => tags ?? new Map());
  const stored = expiry.deleteAt === undefined ? headers : { ...headers, 'x-delete-at': String(expiry.deleteAt) };
  // If-None-Match / If-Match: checked and written while this request holds the key (key-claim.ts).
  const out = await conditionally(ctx, bucket, key, parseWriteCondition(ctx.req.headers), async () => {
    const sse = wrapping && (await encryptForWrite(ctx, bucket, key, wrapping, length!));
    const wctx = sse ? sse.ctx : ctx;
    const extra = { ...acl.items, ...redirect, ...lock.items, ...tagItems, ...sse?.items };
    // An SSE-S3 object keeps its plaintext's MD5 in its Content-Type: without one of the client's, the type Swift would have guessed.
    const typed = sse?.etag && stored['content-type'] === undefined ? { ...stored, 'content-type': guessedContentType(key) } : stored;
    try {
      // A large body is staged, so that of overlapping writes the last to complete wins (staged-put.ts);
      // one bound for a companion container is, the same way (its manifest is written once the body is in).
      // So is every encrypted body too large to encrypt in memory first: its MAC, known at its end, goes on the manifest (encryption/write.ts).
      if (placement.policy === undefined && (isStaged(ctx, length) || sse?.needsManifest === true)) {
        return { ...(await writeStaged(wctx, bucket, key, typed, length!, extra, placement.storageClass, sse?.bodyItems, sse?.etag)), ...sse?.responseHeaders };
      }
      const replaced = await ownedSegments(ctx, bucket, key);
      const afterWrite = () => deleteSegments(ctx, bucket, replaced);
      const placed = { bucket, key, headers: typed, length, afterWrite, extra, noMetadataPost: lock.lockedBucket, bodyItems: sse?.bodyItems, s3Etag: sse?.etag };
      return { ...(await writePlaced(wctx, placed, placement)), ...sse?.responseHeaders };
    } catch (err) {
      throw sse ? sse.failure(err) : err;
    }
  });
  if (acl.acl) await ensureDelegatedReads(ctx, bucket, acl.acl);
  return { status: ctx.dialect.objectCreatedStatus, headers: { ...out, ...expiry.headers } };
}

/**
 * DeleteObject: the object, or with versionId one version (a delete marker
 * too). In a versioned bucket a DELETE without a version writes a delete
 * marker (x-amz-delete-marker, its version id).
 */
export async function deleteObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const versionId = ctx.req.query.get('versionId');
  if (versionId !== undefined) {
    const gone = await deleteVersion(ctx, bucket, key, versionId);
    return { status: 204, headers: versionHeaders(versionId, gone.wasDeleteMarker) };
  }
  // If-Match: the current object goes only if it is still the one named (S3's conditional delete).
  return conditionally(ctx, bucket, key, parseWriteCondition(ctx.req.headers, 'delete'), () => deleteCurrent(ctx, bucket, key));
}

async function deleteCurrent(ctx: OperationContext, bucket: string, key: string): Promise<S3Result> {
  const segments = await ownedSegments(ctx, bucket, key);
  const forgetTags = await startKeyCleanup(ctx, bucket, key);
  const deleted = await ctx.store.deleteObject(bucket, key);
  if (deleted) {
    // The manifest goes first, so the object never reads as broken.
    await deleteSegments(ctx, bucket, segments);
    await forgetTags();
    // Swift names a version only when it wrote a delete marker (a versioned bucket).
    return { status: 204, headers: deleted.versionId !== undefined && deleted.versionId !== 'null' ? versionHeaders(deleted.versionId, true) : {} };
  }
  await requireBucket(ctx, bucket);
  if (ctx.dialect.deleteMissingKey === 'no-content') return { status: 204 };
  throw s3Error('NoSuchKey', { Key: key });
}
