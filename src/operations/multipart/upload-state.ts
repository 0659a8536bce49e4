// An upload's state in Swift, shared by its steps: the marker (which says the
// upload is open and holds the final object's headers), the abort note, and
// whether an object at the key is the one this upload completed.
import { s3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import { restoreLatest } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { markerName, segmentsContainer, UPLOAD_ID } from './layout.js';

/** The upload marker, or NoSuchUpload. */
export async function uploadMarker(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<ObjectInfo> {
  const marker = await ctx.store.findObject(segmentsContainer(bucket), markerName(key, uploadId));
  if (!marker) throw s3Error('NoSuchUpload', { UploadId: uploadId });
  return marker;
}

/** Whether the object at bucket/key is the one this upload completed (a sealed upload id). */
export const madeBy = (info: ObjectInfo | undefined, uploadId: string): boolean => info?.reserved[UPLOAD_ID] === uploadId;

/**
 * Deletes the object at bucket/key if it is the manifest of this upload (a
 * Complete that lost to an Abort): in a versioned bucket that one version,
 * the previous one then current again, as if the Complete never happened.
 */
export async function removeManifestOf(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<void> {
  const info = await ctx.store.findObject(bucket, key);
  if (!madeBy(info, uploadId)) return;
  if (info!.versionId === undefined) {
    await ctx.store.deleteObject(bucket, key);
    return;
  }
  const deleted = await ctx.store.deleteObject(bucket, key, { versionId: info!.versionId });
  if (deleted?.currentVersionId === 'null') await restoreLatest(ctx, bucket, key);
}
