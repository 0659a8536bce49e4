// Single PUTs in S3's order: of two overlapping writes of one key, S3 keeps
// the one that COMPLETES last. Swift orders the writes of a name by the moment
// each reached its proxy (X-Timestamp, taken when the PUT starts), so a long
// upload that started first and ends last would lose to a shorter one that
// started after it. A staged PUT streams its body into a segment of its own
// (`<bucket>+segments/<key>/<stage id>/1`, named like a part so upload
// listings never show it) and writes the object itself only once the body is
// in: a one-segment SLO manifest, whose timestamp is its completion. No byte
// is sent twice; the cost is one small manifest PUT per write and, on reads,
// Swift's SLO following one manifest (s3.stagedPutFromBytes decides which
// PUTs are staged: README, "Concurrent writes of one key").
// https://docs.openstack.org/swift/latest/overview_large_objects.html
import type { Reserved } from '../../swift/sealed-state.js';
import { STAGED_PUT_ITEM } from '../common/manifest.js';
import { deleteSegments, ensureSegmentsContainer, newUploadId, ownedSegments, partName, segmentsContainer } from '../common/segments.js';
import { requestMd5 } from '../common/write-body.js';
import { writeSegmentObject } from '../common/segment-object.js';
import type { OperationContext } from '../context.js';

/** Whether a PUT of this many bytes is staged (never an empty one: SLO takes no empty segment). */
export function isStaged(ctx: OperationContext, length: number | undefined): length is number {
  const from = ctx.limits.stagedPutFrom;
  return from !== undefined && length !== undefined && length > 0 && length >= from;
}

/**
 * Writes the request's body as a staged PUT of bucket/key: the segment, then
 * the manifest carrying the object's headers, its S3 ETag (the body's MD5),
 * its checksum (a trailer's too: the body has ended by then) and `extra`
 * (its ACL, its lock, its website redirect). A body that fails leaves
 * nothing (Swift discards a cut-short PUT); a manifest that fails takes its
 * segment with it. The segments of the object it replaces are the ones of
 * the object there when the manifest is written, not when the upload began:
 * a write that completed meanwhile is replaced too.
 */
export async function writeStaged(
  ctx: OperationContext, bucket: string, key: string, headers: Record<string, string>, length: number, extra: Reserved,
  /** The S3 class to name on the object when it is not its bucket's (operations/storage/). */
  storageClass?: string,
  /** Reserved items known only once the body has ended (an SSE-C object's MAC: operations/encryption/). */
  bodyItems?: () => Reserved,
  /** The object's S3 ETag once the body has ended, when it is not the segment's MD5 (an SSE-S3 object's plaintext MD5). */
  bodyEtag?: () => string,
): Promise<Record<string, string | undefined>> {
  await ensureSegmentsContainer(ctx, bucket);
  const container = segmentsContainer(bucket);
  const segment = partName(key, newUploadId(), 1);
  // Content-MD5 is Swift's to verify on the segment (422 → BadDigest), as on a plain PUT.
  // A lifecycle expiry goes on the segment too, so it never outlives its manifest.
  const expiry: Record<string, string> = headers['x-delete-at'] === undefined ? {} : { 'x-delete-at': headers['x-delete-at'] };
  const staged = await ctx.store.putObject(container, segment, { body: ctx.body, length, headers: expiry, md5: requestMd5(ctx.req.headers) });
  let replaced: string[] = [];
  const { headers: out } = await writeSegmentObject(ctx, {
    bucket, key, headers, storageClass,
    segment: { container, object: segment, etag: staged.etag, size: length },
    reserved: { ...extra, ...bodyItems?.(), [STAGED_PUT_ITEM]: '1' },
    s3Etag: bodyEtag?.(),
    beforeManifest: async () => { replaced = await ownedSegments(ctx, bucket, key); },
  });
  await deleteSegments(ctx, bucket, replaced);
  return out;
}
