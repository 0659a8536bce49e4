// AbortMultipartUpload. The marker's DELETE is the claim on the upload: of an
// Abort and a Complete racing, exactly one normally sees it succeed (Swift
// answers 404 to the later DELETE; see complete.ts for when both succeed).
// The abort note written first tells a Complete that lost the claim that an
// Abort won. Once it owns the upload, the Abort removes a manifest a losing
// Complete may have written (it names this upload), then every part, then
// that manifest again (one may have landed meanwhile), then its note: nothing
// of the upload stays behind.
// Except where the Complete already happened: in a bucket without versioning,
// a manifest of this upload at the key when the Abort has claimed means a
// Complete wrote it (and died before its own claim, or is about to find the
// marker gone). That manifest replaced the key's old object, which no Abort
// can bring back, so removing it would lose the key altogether: the Abort
// answers NoSuchUpload, as S3 does for a completed upload, keeps the object
// and its parts, and removes only parts the manifest does not name. (With
// versioning, removing that version makes the old one current again: the
// Abort wins as above.)
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { deleteSegments } from '../common/segments.js';
import { isSubManifestRest } from '../common/manifest.js';
import type { OperationContext } from '../context.js';
import { abortNoteName, checkUploadId, markerName, partNumberOf, partsPrefix, segmentsContainer } from './layout.js';
import { madeBy, removeManifestOf } from './upload-state.js';
import { objectManifest } from '../common/manifest.js';
import { bucketLock } from '../lock/bucket-config.js';
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
  const completed = await completedUnversioned(ctx, bucket, key, uploadId);
  if (!completed) await removeManifestOf(ctx, bucket, key, uploadId);
  const prefix = partsPrefix(key, uploadId);
  const parts: string[] = [];
  // The marker is gone, so is the class it named: parts are looked for in every companion too (operations/storage/).
  for (const where of await partsContainers(ctx, bucket)) {
    for await (const page of ctx.store.listPages(where, { prefix }, { missingOk: true })) {
      for (const row of page) {
        const n = partNumberOf(row.name!, prefix);
        // Its parts, and the sub-manifests a Complete that lost may have written.
        if ((n !== undefined && n > 0) || isSubManifestRest(row.name!.slice(prefix.length))) {
          const ref = partRef(bucket, where, row.name!);
          if (!completed?.has(`/${where}/${row.name!}`)) parts.push(ref);
        }
      }
    }
  }
  await deleteSegments(ctx, bucket, parts);
  if (completed) {
    await deleteSegments(ctx, bucket, [abortNoteName(key, uploadId)]);
    throw s3Error('NoSuchUpload', { UploadId: uploadId }, 'The specified multipart upload does not exist: it was completed (the object at the key is the one it made).');
  }
  await removeManifestOf(ctx, bucket, key, uploadId);
  await deleteSegments(ctx, bucket, [abortNoteName(key, uploadId)]);
  return { status: 204 };
}

/**
 * In a bucket without versioning, the segments (`/<container>/<name>`) the
 * manifest at the key names when this upload made it: the Complete happened.
 * Undefined otherwise.
 */
async function completedUnversioned(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<Set<string> | undefined> {
  const info = await ctx.store.findObject(bucket, key);
  if (!madeBy(info, uploadId) || (info!.versionId !== undefined && info!.versionId !== 'null')) return undefined;
  if ((await bucketLock(ctx, bucket)).versioning !== undefined) return undefined;
  const manifest = await objectManifest(ctx, bucket, key);
  if (manifest === 'plain' || manifest === 'missing') return undefined;
  return new Set([...manifest.parts, ...manifest.subManifests].map((entry) => entry.path ?? entry.name ?? ''));
}
