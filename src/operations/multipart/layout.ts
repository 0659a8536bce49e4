// Where multipart uploads live in Swift: the same layout as Swift's own s3api,
// so uploads and objects are interchangeable between the two.
//   <bucket>+segments/<key>/<uploadId>        the upload marker (metadata of the final object)
//   <bucket>+segments/<key>/<uploadId>/<n>    part n (no zero padding, as s3api)
//   <bucket>/<key>                            the final object: an SLO manifest
// https://docs.openstack.org/swift/latest/middleware.html#module-swift.common.middleware.s3api
import { createHash } from 'node:crypto';
import { s3Error } from '../../s3/errors.js';
import { partName } from '../common/segments.js';
export { newUploadId, partName, segmentsContainer } from '../common/segments.js';

export const markerName = (key: string, uploadId: string): string => `${key}/${uploadId}`;
export const partsPrefix = (key: string, uploadId: string): string => `${key}/${uploadId}/`;

export function checkUploadId(uploadId: string | undefined): string {
  if (!uploadId || uploadId.includes('/')) throw s3Error('NoSuchUpload', { UploadId: uploadId ?? '' });
  return uploadId;
}

/**
 * The part number of a row listed under partsPrefix(key, uploadId), or
 * undefined when the row is not one of THIS upload's parts: a listing by that
 * prefix also holds every upload of a key that starts with `<key>/<uploadId>/`
 * (key `K/U/x` has parts `K/U/x/<its id>/<n>`), which must never be taken for
 * parts of upload U of key K.
 */
export function partNumberOf(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^[0-9]{1,5}$/.test(rest) ? Number(rest) : undefined;
}

/**
 * `<key>/<uploadId>/0`: written by an AbortMultipartUpload before it claims the
 * upload, so a CompleteMultipartUpload that lost the claim knows an abort won.
 * Part 0 does not exist in S3; s3api hides `/<digits>` names from upload
 * listings and lists only parts above part-number-marker 0, so it shows nowhere.
 */
export const abortNoteName = (key: string, uploadId: string): string => partName(key, uploadId, 0);

/** Part names end in `/<digits>`; anything else in a segments container is an upload marker. */
export function isPartName(name: string): boolean {
  return /\/[0-9]+$/.test(name);
}

/** `<md5 of the concatenated binary part MD5s>-<N>`, as S3 computes a multipart ETag. */
export function multipartEtag(partEtags: readonly string[]): string {
  const hash = createHash('md5');
  for (const etag of partEtags) hash.update(Buffer.from(etag, 'hex'));
  return `${hash.digest('hex')}-${partEtags.length}`;
}

/** The reserved item (see swift/sealed-state.ts) naming the upload a completed object came from. */
export const UPLOAD_ID = 'upload-id';

/** The minimum size of every part but the last (S3: 5 MiB). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
