// How a Complete that could not simply claim its upload learns who did: a
// retried or concurrent Complete of the same upload, or an Abort.
import { s3Error } from '../../s3/errors.js';
import type { XmlBody } from '../../s3/result.js';
import { completeMultipartUploadResult } from '../../s3/results.js';
import { deleteSegments, segmentRef } from '../common/segments.js';
import { checksumElements, storedChecksum } from '../common/checksums.js';
import type { OperationContext } from '../context.js';
import { abortNoteName, segmentsContainer } from './layout.js';
import { madeBy, removeManifestOf } from './upload-state.js';
import { bucketLock } from '../lock/bucket-config.js';

/** How long a Complete that won its claim waits for a racing Abort to show how its own claim went. */
const RACE_WAIT_MS = 3_000;
const RACE_POLL_MS = 50;

export function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

/** The answer of the Complete that made the object at bucket/key from this upload, if one did. */
export async function finishedEarlier(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<XmlBody | undefined> {
  const info = await ctx.store.findObject(bucket, key);
  if (!madeBy(info, uploadId) || !info?.storedEtag) return undefined;
  const checksum = storedChecksum(info.reserved);
  return completeMultipartUploadResult(bucket, key, info.storedEtag, checksum && { ...checksumElements(checksum), ChecksumType: checksum.type });
}

const noteExists = async (ctx: OperationContext, bucket: string, key: string, uploadId: string) =>
  (await ctx.store.findObject(segmentsContainer(bucket), abortNoteName(key, uploadId))) !== undefined;

/** This Complete's manifest: its version in a versioned bucket, else the object at the key if this upload made it. */
async function manifestStands(ctx: OperationContext, bucket: string, key: string, uploadId: string, versionId: string | undefined): Promise<boolean> {
  const versioned = versionId !== undefined && versionId !== 'null';
  return madeBy(await ctx.store.findObject(bucket, key, versioned ? { versionId } : {}), uploadId);
}

/**
 * Swift quirk: two DELETEs of one object that reach the object server at the
 * same moment can both answer 204, so an Abort may have claimed the upload
 * too. An Abort that won removes this upload's manifest, then its parts,
 * then its note; one that lost deletes its note at once. So while the note
 * stands an Abort is still deciding; once it is gone, this Complete's
 * manifest still standing, or its parts still there, mean no Abort won.
 * (The manifest alone does not tell: in a bucket without versioning a
 * concurrent write of the same key may have replaced it, as S3 allows.)
 */
export async function racingAbort(ctx: OperationContext, bucket: string, key: string, uploadId: string, written: { versionId?: string; firstPart: string }): Promise<'clear' | 'abort won' | 'replaced'> {
  const deadline = Date.now() + RACE_WAIT_MS;
  for (;;) {
    const note = await noteExists(ctx, bucket, key, uploadId);
    const stands = await manifestStands(ctx, bucket, key, uploadId, written.versionId);
    // A note left by an Abort that died before it claimed never goes by itself.
    if (!note || Date.now() > deadline) {
      if (stands) return 'clear';
      const first = segmentRef(bucket, written.firstPart);
      return (await ctx.store.findObject(first.container, first.object)) ? 'replaced' : 'abort won';
    }
    await delay(RACE_POLL_MS);
  }
}

/**
 * The marker is gone: another request claimed the upload (or it never
 * existed). An Abort writes its note before it claims, so a note means an
 * Abort won (it also removes any manifest of this upload): NoSuchUpload.
 * Without a note, a Complete of the same upload won (a client's retry, or a
 * concurrent one): its object stands if it names this upload, and this
 * Complete answers as that one did.
 */
export async function claimedElsewhere(ctx: OperationContext, bucket: string, key: string, uploadId: string, wrote: readonly string[] = []): Promise<XmlBody> {
  // This Complete wrote its manifest and an Abort claimed: in a bucket without
  // versioning the Abort keeps a manifest it found standing (abort.ts), so wait
  // for it to finish (its note goes last) and answer as the object then is.
  if (wrote.length > 0 && (await noteExists(ctx, bucket, key, uploadId)) && (await bucketLock(ctx, bucket)).versioning === undefined) {
    const deadline = Date.now() + RACE_WAIT_MS;
    while ((await noteExists(ctx, bucket, key, uploadId)) && Date.now() < deadline) await delay(RACE_POLL_MS);
    const kept = await finishedEarlier(ctx, bucket, key, uploadId);
    if (kept) return kept;
    await deleteSegments(ctx, bucket, wrote);
    throw s3Error('NoSuchUpload', { UploadId: uploadId });
  }
  if (!(await noteExists(ctx, bucket, key, uploadId))) {
    const earlier = await finishedEarlier(ctx, bucket, key, uploadId);
    if (earlier) return earlier;
  } else if (wrote.length > 0) {
    // This Complete's manifest may have landed after the Abort's last look:
    // it goes, with the parts it names (a part listing can lag behind a PUT,
    // so the Abort may not have seen them all).
    await removeManifestOf(ctx, bucket, key, uploadId);
    await deleteSegments(ctx, bucket, wrote);
  }
  throw s3Error('NoSuchUpload', { UploadId: uploadId });
}
