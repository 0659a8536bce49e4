// PutObject (and POST uploads) of an object whose class is not its bucket's:
// the body streams into the class's companion container under a fresh name,
// then the key in the bucket becomes a one-segment manifest naming it
// (common/segment-object.ts, as a staged PUT's), with the object's metadata,
// reserved items, S3 ETag (the body's MD5) and class.
import { s3Error } from '../../s3/errors.js';
import type { Reserved } from '../../swift/sealed-state.js';
import { writeBody } from '../common/write-body.js';
import { writeSegmentObject } from '../common/segment-object.js';
import type { OperationContext } from '../context.js';
import { dataName, ensureCompanion } from './companion.js';
import type { Placement } from './placement.js';

export interface PlacedWrite {
  readonly bucket: string;
  readonly key: string;
  /** Content headers and user metadata (Swift's names). */
  readonly headers: Record<string, string>;
  readonly length: number | undefined;
  /** Runs once the object is in place (removes what it replaced). */
  readonly afterWrite: () => Promise<void>;
  /** Reserved items of the object (its ACL, lock, website redirect). */
  readonly extra: Reserved;
  readonly noMetadataPost?: boolean;
  /** Reserved items known only once the body has ended (an SSE-C object's MAC: operations/encryption/). */
  readonly bodyItems?: () => Reserved;
  /** The object's S3 ETag when it is not Swift's (an SSE-S3 object's plaintext MD5), known once the body has ended. */
  readonly s3Etag?: () => string;
}

/** Writes the request's body where the placement says; answers the ETag (and checksum) headers. */
export async function writePlaced(ctx: OperationContext, w: PlacedWrite, placement: Placement): Promise<Record<string, string | undefined>> {
  // An empty object has no bytes to keep anywhere: it stays in the bucket, its class named on it.
  if (placement.policy === undefined || w.length === 0) {
    // (A body written as one object is small enough to have been encrypted in memory first: its ETag is known now.)
    return writeBody(ctx, { container: w.bucket, object: w.key }, w.headers, w.length, w.afterWrite, w.extra, { noMetadataPost: w.noMetadataPost, storageClass: placement.storageClass, s3Etag: w.s3Etag?.() });
  }
  // The manifest names its segment's size, which a chunked body without a length does not say up front.
  if (w.length === undefined) throw s3Error('MissingContentLength', {}, 'An upload with x-amz-storage-class must give its length (Content-Length, or x-amz-decoded-content-length).');
  const container = await ensureCompanion(ctx, w.bucket, placement.policy);
  const data = dataName(w.key);
  // The data object carries nothing of the object's own: its manifest does.
  // A lifecycle expiry goes on the bytes too, so they never outlive their manifest.
  const expiry: Record<string, string> = w.headers['x-delete-at'] === undefined ? {} : { 'x-delete-at': w.headers['x-delete-at'] };
  const sent = await writeBody(ctx, { container, object: data }, expiry, w.length, async () => {}, {}, { noMetadataPost: true });
  const { headers: out } = await writeSegmentObject(ctx, {
    bucket: w.bucket, key: w.key, headers: w.headers, storageClass: placement.storageClass,
    segment: { container, object: data, etag: (sent['etag'] ?? '').replace(/"/g, ''), size: w.length },
    reserved: { ...w.extra, ...w.bodyItems?.() },
    s3Etag: w.s3Etag?.(),
  });
  await w.afterWrite();
  return out;
}
