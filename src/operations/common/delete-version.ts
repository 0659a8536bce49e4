// Deleting one version of a key (DeleteObject and DeleteObjects with a
// versionId): its segments when it is a multipart object, and, when it was
// the current version or the delete marker in front of it, making the next
// version current as S3 does.
import { s3Error } from '../../s3/errors.js';
import type { OperationContext } from '../context.js';
import type { BucketLock } from '../lock/bucket-config.js';
import { checkDeletable } from '../lock/enforce.js';
import { deleteRecords } from '../lock/records.js';
import { forgetVersionTags } from '../tagging/cleanup.js';
import { requireBucket } from './bucket.js';
import { deleteSegments, ownedSegments } from './segments.js';
import { findVersion, isDeleteMarker, restoreLatest } from './versions.js';

export interface DeletedVersion {
  readonly wasDeleteMarker: boolean;
}

/** `bucketLock`: the bucket's Object Lock configuration, when the caller read it afresh for this request. */
export async function deleteVersion(ctx: OperationContext, bucket: string, key: string, versionId: string, bucketLock?: BucketLock): Promise<DeletedVersion> {
  // Swift answers a HEAD of a delete marker 404, like a version that is not
  // there; the listing tells them apart (only needed for the answer).
  const info = await ctx.store.findObject(bucket, key, { versionId });
  const row = info ? undefined : await findVersion(ctx, bucket, key, versionId);
  const wasDeleteMarker = row !== undefined && isDeleteMarker(row);
  // Listed as a version, yet its HEAD found nothing: its lock cannot be judged now, so it is not deleted now.
  if (!info && row !== undefined && !wasDeleteMarker) {
    throw s3Error('ServiceUnavailable', {}, 'The version is listed but could not be read; its object lock cannot be checked. Please retry.');
  }
  // Object Lock: a version under retention or legal hold stays (delete markers have no lock).
  const mayHaveRecords = info ? await checkDeletable(ctx, bucket, key, info, bucketLock) : false;
  // Each version's manifest is its own: its segments go with it.
  const segments = info?.isManifest ? await ownedSegments(ctx, bucket, key, versionId) : [];
  const deleted = await ctx.store.deleteObject(bucket, key, { versionId });
  if (!deleted) {
    // S3 quirk: deleting a version that is not there succeeds (if the bucket is).
    await requireBucket(ctx, bucket);
    return { wasDeleteMarker };
  }
  await deleteSegments(ctx, bucket, segments);
  if (mayHaveRecords) await deleteRecords(ctx, bucket, key, versionId);
  if (info) await forgetVersionTags(ctx, bucket, key, info, bucketLock);
  if (deleted.currentVersionId === 'null') await restoreLatest(ctx, bucket, key);
  return { wasDeleteMarker };
}
