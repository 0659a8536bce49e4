// Headers that ask for a feature this gateway does not have yet. Accepting
// them and doing nothing would half-honour the request (a client believes its
// object is encrypted or locked), so each is refused before any
// Swift call: NotImplemented naming the header, or S3's own error where a value
// is not valid at all. Checked for every operation; a header S3 ignores on an
// operation is refused there too, since no client sends it by accident.
import { s3Error } from '../../s3/errors.js';

/**
 * Storage classes S3 knows; only STANDARD exists here (mapping classes to
 * Swift storage policies is the bucket configuration's business).
 */
const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE',
  'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
]);

/**
 * Prefixes of headers no operation here implements (server-side encryption).
 * Object lock's x-amz-object-lock-* are read where S3 reads them (PutObject,
 * CopyObject, CreateMultipartUpload: operations/lock/) and ignored elsewhere, as S3 does.
 */
const REFUSED_PREFIXES = [
  'x-amz-server-side-encryption',
  'x-amz-copy-source-server-side-encryption',
];

/** Single headers no operation here implements, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  'x-amz-mfa': 'MFA delete',
};

function notImplemented(header: string, what: string): never {
  throw s3Error('NotImplemented', { Header: header }, `The ${header} header asks for ${what}, which this gateway does not implement; the request was not carried out.`);
}

export function refuseUnimplementedHeaders(operation: string, headers: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('x-amz-')) continue;
    const prefix = REFUSED_PREFIXES.find((p) => name.startsWith(p));
    if (prefix) notImplemented(name, 'server-side encryption');
    const what = REFUSED[name];
    if (what) notImplemented(name, what);
    // Kept by PutObject (common/website-redirect.ts); a copy or multipart upload would drop it.
    if (name === 'x-amz-website-redirect-location' && operation !== 'PutObject') notImplemented(name, 'a website redirect on this operation');
  }
  checkStorageClass(headers['x-amz-storage-class']);
}

/**
 * x-amz-storage-class: STANDARD is what every object here is. A class S3
 * does not know, and one it knows that this gateway does not offer, are both
 * InvalidStorageClass (400), the answer S3 gives for a class a bucket cannot
 * hold (an Outposts class elsewhere) and the one MinIO and Ceph RGW give for
 * classes their deployment lacks: the object is not stored with a class it
 * would not have, and clients do not retry.
 */
export function checkStorageClass(value: string | undefined): void {
  const storageClass = value?.trim();
  if (storageClass === undefined || storageClass === 'STANDARD') return;
  const known = STORAGE_CLASSES.has(storageClass);
  throw s3Error('InvalidStorageClass', { StorageClassRequested: storageClass },
    known ? `The storage class ${storageClass} is not offered here; only STANDARD is.` : 'The storage class you specified is not valid.');
}
