// The last step of the writes that put an object's bytes in a segment of
// their own (a staged PUT's `<bucket>+segments/<key>/<id>/1`, a class's
// companion data object): the key becomes a one-segment SLO manifest naming
// that segment, with the object's headers, its reserved items and checksum,
// its S3 ETag (the body's MD5, the segment's) and its class. A manifest that
// cannot be written takes its segment with it: nothing is orphaned.
import { checksumHeader } from '../../s3/checksums.js';
import type { Reserved } from '../../swift/sealed-state.js';
import type { Written } from '../../swift/store.js';
import { checksumItem } from './checksums.js';
import { guessedContentType } from './guessed-type.js';
import { quoteEtag } from './object-headers.js';
import type { OperationContext } from '../context.js';

export interface SegmentObject {
  readonly bucket: string;
  readonly key: string;
  /** The segment, written whole: where, its Swift ETag and size. */
  readonly segment: { readonly container: string; readonly object: string; readonly etag: string; readonly size: number };
  /** Content headers and user metadata (Swift's names), Content-Type among them. */
  readonly headers: Record<string, string>;
  /** The object's reserved items (ACL, lock, website redirect, an SSE object's items...). */
  readonly reserved: Reserved;
  readonly storageClass?: string;
  /** The object's S3 ETag when it is not its segment's (an SSE-S3 object's plaintext MD5). */
  readonly s3Etag?: string;
  /** Runs just before the manifest is written (inside its failure handling: a failure removes the segment too). */
  readonly beforeManifest?: () => Promise<void>;
}

/** Writes the manifest; answers what Swift wrote and the ETag, version and checksum headers of the response. */
export async function writeSegmentObject(ctx: OperationContext, o: SegmentObject): Promise<{ written: Written; headers: Record<string, string | undefined> }> {
  const checksum = ctx.checksum;
  // (The body has ended: a trailer's checksum is known by now.)
  const value = checksum?.value();
  const reserved: Reserved = { ...o.reserved, ...(checksum && value !== undefined ? checksumItem(checksum.algorithm, value) : {}) };
  // Without a Content-Type, the type Swift would have guessed for a plain PUT of this key:
  // an object's type must not depend on its size or class.
  const { 'content-type': contentType, ...rest } = o.headers;
  const { container, object, etag, size } = o.segment;
  let written: Written;
  try {
    await o.beforeManifest?.();
    written = await ctx.store.putManifest(o.bucket, o.key, [{ path: `/${container}/${object}`, etag, size_bytes: size }], {
      headers: rest, contentType: contentType ?? guessedContentType(o.key), s3Etag: o.s3Etag ?? etag, reserved, storageClass: o.storageClass,
    });
  } catch (err) {
    await ctx.store.deleteObject(container, object).catch(() => undefined);
    throw err;
  }
  const headers: Record<string, string | undefined> = { etag: quoteEtag(o.s3Etag ?? etag), 'x-amz-version-id': written.versionId };
  if (checksum) headers[checksumHeader(checksum.algorithm)] = value;
  return { written, headers };
}
