// AbortMultipartUpload. The marker's DELETE is the claim on the upload: of an
// Abort and a Complete racing, exactly one normally sees it succeed (Swift
// answers 404 to the later DELETE; see complete.ts for when both succeed).
// The abort note written first tells a Complete that lost the claim that an
// Abort won. Once it owns the upload, the Abort removes a manifest a losing
// Complete may have written (it names this upload), then every part, then
// that manifest again (one may have landed meanwhile), then its note: nothing
// of the upload stays behind.
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { deleteSegments } from '../common/segments.js';
import { isSubManifestRest } from '../common/manifest.js';
import type { OperationContext } from '../context.js';
import { abortNoteName, checkUploadId, markerName, partNumberOf, partsPrefix, segmentsContainer } from './layout.js';
import { removeManifestOf } from './upload-state.js';
import { partRef, partsContainers } from '../storage/multipart.js';

/** How long an abort note lives if the Abort that wrote it dies before deleting it (Swift expires it). */
const NOTE_LIFETIME_SECONDS = 24 * 3600;

export async function abortMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const container = segmentsContainer(bucket);
  await ctx.store.putObject(container, abortNoteName(key, uploadId), { body: '', length: 0, headers: { 'x-delete-after': String(NOTE_LIFETIME_SECONDS) } });
  if (!(await ctx.store.deleteObject(container, markerName(key, uploadId)))) {
    // Never begun, already aborted, or completed first: not ours to remove.
    await deleteSegments(ctx, bucket, [abortNoteName(key, uploadId)]);
    throw s3Error('NoSuchUpload', { UploadId: uploadId });
  }
  await removeManifestOf(ctx, bucket, key, uploadId);
  const prefix = partsPrefix(key, uploadId);
  const parts: string[] = [];
  // The marker is gone, so is the class it named: parts are looked for in every companion too (operations/storage/).
  for (const where of await partsContainers(ctx, bucket)) {
    for await (const page of ctx.store.listPages(where, { prefix }, { missingOk: true })) {
      for (const row of page) {
        const n = partNumberOf(row.name!, prefix);
        // Its parts, and the sub-manifests a Complete that lost may have written.
        if ((n !== undefined && n > 0) || isSubManifestRest(row.name!.slice(prefix.length))) parts.push(partRef(bucket, where, row.name!));
      }
    }
  }
  await deleteSegments(ctx, bucket, parts);
  await removeManifestOf(ctx, bucket, key, uploadId);
  await deleteSegments(ctx, bucket, [abortNoteName(key, uploadId)]);
  return { status: 204 };
}
