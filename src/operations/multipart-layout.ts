// Where multipart uploads live in Swift: the same layout as Swift's own s3api,
// so uploads and objects are interchangeable between the two.
//   <bucket>+segments/<key>/<uploadId>        the upload marker (metadata of the final object)
//   <bucket>+segments/<key>/<uploadId>/<n>    part n (no zero padding, as s3api)
//   <bucket>/<key>                            the final object: an SLO manifest
// https://docs.openstack.org/swift/latest/middleware.html#module-swift.common.middleware.s3api
import { createHash, randomUUID } from 'node:crypto';
import { s3Error } from '../s3/errors.js';
import { SEGMENTS_SUFFIX } from './names.js';

export const segmentsContainer = (bucket: string): string => bucket + SEGMENTS_SUFFIX;
export const markerName = (key: string, uploadId: string): string => `${key}/${uploadId}`;
export const partName = (key: string, uploadId: string, part: number): string => `${key}/${uploadId}/${part}`;
export const partsPrefix = (key: string, uploadId: string): string => `${key}/${uploadId}/`;

/** s3api's upload ids: URL-safe base64 of a UUID's text (48 characters, no padding). */
export function newUploadId(): string {
  return Buffer.from(randomUUID(), 'ascii').toString('base64url');
}

export function checkUploadId(uploadId: string | undefined): string {
  if (!uploadId || uploadId.includes('/')) throw s3Error('NoSuchUpload', { UploadId: uploadId ?? '' });
  return uploadId;
}

/** A part number as S3 allows it (1..10000), further limited by the cluster's max_manifest_segments. */
export function parsePartNumber(value: string | undefined, maxParts: number): number {
  const limit = Math.min(10_000, maxParts);
  const n = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 10_000)) {
    throw s3Error('InvalidArgument', { ArgumentName: 'partNumber', ArgumentValue: value }, 'Part number must be an integer between 1 and 10000, inclusive');
  }
  if (n > limit) {
    throw s3Error(
      'InvalidArgument',
      { ArgumentName: 'partNumber', ArgumentValue: value },
      `Part number must be an integer between 1 and ${limit}, inclusive: this Swift cluster allows at most ${limit} segments per object (max_manifest_segments).`,
    );
  }
  return n;
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

// Swift quirk: Swift's gatekeeper drops system metadata from outside the proxy,
// so the gateway cannot store the S3 ETag where s3api does (sysmeta plus a
// container-listing override). It stores it as a sealed Content-Type
// parameter (see seal.ts), which Swift keeps in object responses AND in
// container listings, and strips it from everything it answers.

/** Hidden metadata (never shown as x-amz-meta-*) of a completed object: the upload that made it. */
export const UPLOAD_ID_META = 'x-object-meta-s3gw-upload-id';

/** The minimum size of every part but the last (S3: 5 MiB). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
