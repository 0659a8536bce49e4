// Headers that ask for a feature this gateway does not have yet. Accepting
// them and doing nothing would half-honour the request (a client believes its
// object is encrypted, public, locked or tagged), so each is refused before any
// Swift call: NotImplemented naming the header, or S3's own error where a value
// is not valid at all. Checked for every operation; a header S3 ignores on an
// operation is refused there too, since no client sends it by accident.
import { s3Error } from '../../s3/errors.js';

/** Canned ACLs that mean "the owner alone": the owner is also the bucket owner here. */
const OWNER_ONLY_ACLS = new Set(['private', 'bucket-owner-read', 'bucket-owner-full-control']);
const CANNED_ACLS = new Set([...OWNER_ONLY_ACLS, 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'log-delivery-write']);

/** Storage classes S3 knows; only STANDARD exists here. */
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
  'x-amz-tagging': 'object tagging',
  'x-amz-tagging-directive': 'object tagging',
  'x-amz-website-redirect-location': 'website redirects',
  'x-amz-mfa': 'MFA delete',
};

/** Operations whose x-amz-acl / x-amz-grant-* set an ACL (Put*Acl judge their own). */
const ACL_SETTERS = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'CreateBucket']);

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
    if (name.startsWith('x-amz-grant-') && ACL_SETTERS.has(operation)) notImplemented(name, 'an access grant');
  }
  const acl = headers['x-amz-acl']?.trim();
  if (acl !== undefined && ACL_SETTERS.has(operation)) {
    if (!CANNED_ACLS.has(acl)) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-acl', ArgumentValue: acl });
    if (!OWNER_ONLY_ACLS.has(acl)) notImplemented('x-amz-acl', `the canned ACL "${acl}" (every bucket and object here is private to its owner)`);
  }
  const storageClass = headers['x-amz-storage-class']?.trim();
  if (storageClass !== undefined && storageClass !== 'STANDARD') {
    if (!STORAGE_CLASSES.has(storageClass)) throw s3Error('InvalidStorageClass', { StorageClassRequested: storageClass });
    notImplemented('x-amz-storage-class', `the storage class ${storageClass} (only STANDARD exists here)`);
  }
}
