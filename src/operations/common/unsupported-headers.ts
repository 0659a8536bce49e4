// Headers that ask for a feature this gateway does not have yet. Accepting
// them and doing nothing would half-honour the request (a client believes its
// object is encrypted or locked), so each is refused before any
// Swift call: NotImplemented naming the header, or S3's own error where a value
// is not valid at all. Checked for every operation; a header S3 ignores on an
// operation is refused there too, since no client sends it by accident.
import { s3Error } from '../../s3/errors.js';
import { SSE_C_PREFIX } from '../../s3/sse.js';
import { MANAGED_SSE_HEADERS } from '../../s3/sse-managed.js';
import { STANDARD_ONLY, requestedStorageClass, type StorageClasses } from '../../s3/storage-class.js';

/**
 * Prefixes of headers no operation here implements (server-side encryption,
 * but for SSE-C on the operations below).
 * Object lock's x-amz-object-lock-* are read where S3 reads them (PutObject,
 * CopyObject, CreateMultipartUpload: operations/lock/) and ignored elsewhere, as S3 does.
 */
const REFUSED_PREFIXES = [
  'x-amz-server-side-encryption',
  'x-amz-copy-source-server-side-encryption',
];

/**
 * Operations that take SSE-C headers (operations/encryption/). CopyObject,
 * UploadPartCopy and POST uploads do not yet: refused rather than storing
 * plaintext a client believes encrypted.
 */
const CUSTOMER_KEY_OPERATIONS = new Set([
  'PutObject', 'GetObject', 'HeadObject', 'GetObjectAttributes',
  // Multipart (operations/encryption/multipart-state.ts): Complete and ListParts take the key too (S3 accepts it, boto3 sends it to Complete).
  'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'ListParts',
]);

/**
 * Operations that take the SSE-S3/SSE-KMS headers (x-amz-server-side-encryption
 * and its -aws-kms-key-id, -context, -bucket-key-enabled). CopyObject
 * and POST uploads do not yet: refused, as above. (An upload's parts send
 * none: the upload's settings apply.)
 */
const MANAGED_KEY_OPERATIONS = new Set(['PutObject', 'CreateMultipartUpload']);
/**
 * Reads, where S3 answers these headers 400: an SSE-S3/SSE-KMS object is read
 * without them (its key id is stored), and S3 refuses them on GET and HEAD.
 */
const MANAGED_KEY_READS = new Set(['GetObject', 'HeadObject', 'GetObjectAttributes']);

/** Single headers no operation here implements, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  'x-amz-mfa': 'MFA delete',
};

function notImplemented(header: string, what: string): never {
  throw s3Error('NotImplemented', { Header: header }, `The ${header} header asks for ${what}, which this gateway does not implement; the request was not carried out.`);
}

export function refuseUnimplementedHeaders(operation: string, headers: Readonly<Record<string, string>>, classes: StorageClasses = STANDARD_ONLY): void {
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('x-amz-')) continue;
    const prefix = REFUSED_PREFIXES.find((p) => name.startsWith(p));
    const managed = MANAGED_SSE_HEADERS.includes(name);
    if (managed && MANAGED_KEY_READS.has(operation)) {
      throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: headers[name]!.slice(0, 64) },
        `The ${name} header is not allowed on ${operation}: an object encrypted with SSE-S3 or SSE-KMS is read without it.`);
    }
    if (prefix && !(name.startsWith(SSE_C_PREFIX) && CUSTOMER_KEY_OPERATIONS.has(operation)) && !(managed && MANAGED_KEY_OPERATIONS.has(operation))) {
      notImplemented(name, name.includes('-customer-') ? `server-side encryption with a customer key (SSE-C) on ${operation}` : `server-side encryption (SSE-S3/SSE-KMS) on ${operation}`);
    }
    const what = REFUSED[name];
    if (what) notImplemented(name, what);
    // Kept by PutObject (common/website-redirect.ts); a copy or multipart upload would drop it.
    if (name === 'x-amz-website-redirect-location' && operation !== 'PutObject') notImplemented(name, 'a website redirect on this operation');
  }
  checkStorageClass(headers['x-amz-storage-class'], classes);
}

/**
 * x-amz-storage-class: one of the classes s3.storageClasses offers (STANDARD
 * always), else InvalidStorageClass (400) before any Swift call or body
 * (s3/storage-class.ts). PutObject, CopyObject and CreateMultipartUpload
 * place the object by it (operations/storage/).
 */
export function checkStorageClass(value: string | undefined, classes: StorageClasses = STANDARD_ONLY): void {
  requestedStorageClass(value, classes);
}
