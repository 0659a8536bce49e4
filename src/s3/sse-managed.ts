// SSE-S3 and SSE-KMS request headers (server-side encryption with keys the
// service manages): parsing, S3's errors for them, and the headers answers
// carry. A PutObject asks with
//   x-amz-server-side-encryption: AES256 | aws:kms
//   x-amz-server-side-encryption-aws-kms-key-id: <key id>            (aws:kms only)
//   x-amz-server-side-encryption-context: base64(JSON {"k": "v"})  (aws:kms only)
//   x-amz-server-side-encryption-bucket-key-enabled: true | false     (aws:kms only)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
import { s3Error } from './errors.js';

export const SSE_HEADER = 'x-amz-server-side-encryption';
export const SSE_KMS_KEY_ID_HEADER = 'x-amz-server-side-encryption-aws-kms-key-id';
export const SSE_CONTEXT_HEADER = 'x-amz-server-side-encryption-context';
export const SSE_BUCKET_KEY_HEADER = 'x-amz-server-side-encryption-bucket-key-enabled';
/** Every header of SSE-S3/SSE-KMS a request may send (the SSE-C ones have the -customer- prefix). */
export const MANAGED_SSE_HEADERS: readonly string[] = [SSE_HEADER, SSE_KMS_KEY_ID_HEADER, SSE_CONTEXT_HEADER, SSE_BUCKET_KEY_HEADER];

export const SSE_S3_ALGORITHM = 'AES256';
export const SSE_KMS_ALGORITHM = 'aws:kms';
/** Dual-layer SSE-KMS: a value S3 knows, which this gateway does not implement. */
export const SSE_KMS_DSSE_ALGORITHM = 'aws:kms:dsse';

/** What a request (or a bucket's default) asks for. */
export type ManagedEncryption =
  | { readonly algorithm: typeof SSE_S3_ALGORITHM }
  | {
    readonly algorithm: typeof SSE_KMS_ALGORITHM;
    /** The key the client named (undefined: the provider's default key). */
    readonly keyId?: string;
    /** The decoded encryption context (string pairs), if the client sent one. */
    readonly context?: Readonly<Record<string, string>>;
    readonly bucketKeyEnabled?: boolean;
  };

/**
 * The longest encryption context accepted, as the client sent it (base64):
 * it is kept with the object in one Swift metadata value (256 bytes at most),
 * re-encoded compactly. S3 takes more (KMS: 8 KiB); a larger one is refused
 * with InvalidArgument rather than cut.
 */
export const MAX_CONTEXT_BYTES = 180;

const KMS_ONLY_MESSAGE = 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms';
/** S3's answer to SSE-C headers together with x-amz-server-side-encryption. */
export const SSE_C_CONFLICT_MESSAGE = 'Server side encryption with customer provided key is incompatible with the encryption method specified.';

const invalid = (name: string, value: string | undefined, message: string): never => {
  throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: value ?? 'null' }, message);
};

/** Whether a request sends any SSE-S3/SSE-KMS header. */
export function hasManagedEncryptionHeaders(headers: Readonly<Record<string, string>>): boolean {
  return MANAGED_SSE_HEADERS.some((name) => headers[name] !== undefined);
}

/** The encryption context of the header: a JSON object of string values, base64; InvalidArgument otherwise. */
export function parseEncryptionContext(text: string): Record<string, string> {
  const value = text.trim();
  const bad = (why: string) => invalid(SSE_CONTEXT_HEADER, value.slice(0, 64), `The encryption context ${why}.`);
  if (Buffer.byteLength(value) > MAX_CONTEXT_BYTES) bad(`is longer than this gateway keeps (${MAX_CONTEXT_BYTES} bytes of base64)`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) bad('must be base64');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return bad('must be base64 of a JSON object');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('must be a JSON object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof v !== 'string') bad('must map keys to string values');
    // KMS reserves the aws: prefix for the context services add themselves.
    if (k.toLowerCase().startsWith('aws:')) bad('must not use keys starting with aws: (reserved)');
    out[k] = v as string;
  }
  return out;
}

/** The context as answers (and storage) write it: base64 of compact JSON, keys sorted. */
export function encryptionContextText(context: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(Object.keys(context).sort().map((k) => [k, context[k]!]));
  return Buffer.from(JSON.stringify(sorted), 'utf8').toString('base64');
}

/**
 * The SSE-S3/SSE-KMS a PutObject asks for, or undefined when it sends none of
 * the headers. S3's errors: a KMS-only header without aws:kms, an unknown
 * algorithm (InvalidArgument), aws:kms:dsse (NotImplemented here), a bad
 * context or bucket-key flag.
 */
export function parseManagedEncryption(headers: Readonly<Record<string, string>>): ManagedEncryption | undefined {
  if (!hasManagedEncryptionHeaders(headers)) return undefined;
  const algorithm = headers[SSE_HEADER]?.trim();
  const keyId = headers[SSE_KMS_KEY_ID_HEADER]?.trim();
  const contextText = headers[SSE_CONTEXT_HEADER];
  const bucketKey = headers[SSE_BUCKET_KEY_HEADER]?.trim().toLowerCase();
  if (algorithm === SSE_KMS_DSSE_ALGORITHM) {
    throw s3Error('NotImplemented', { Header: SSE_HEADER }, 'Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this gateway; use AES256 or aws:kms.');
  }
  if (algorithm !== SSE_KMS_ALGORITHM && (keyId !== undefined || contextText !== undefined || bucketKey !== undefined)) {
    const name = keyId !== undefined ? SSE_KMS_KEY_ID_HEADER : contextText !== undefined ? SSE_CONTEXT_HEADER : SSE_BUCKET_KEY_HEADER;
    return invalid(name, headers[name], KMS_ONLY_MESSAGE);
  }
  if (algorithm === SSE_S3_ALGORITHM) return { algorithm };
  if (algorithm !== SSE_KMS_ALGORITHM) return invalid(SSE_HEADER, algorithm, 'The encryption method specified is not supported');
  if (keyId === '') invalid(SSE_KMS_KEY_ID_HEADER, keyId, 'The KMS key id must not be empty.');
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') invalid(SSE_BUCKET_KEY_HEADER, bucketKey, 'x-amz-server-side-encryption-bucket-key-enabled must be true or false.');
  return {
    algorithm,
    ...(keyId !== undefined ? { keyId } : {}),
    ...(contextText !== undefined ? { context: parseEncryptionContext(contextText) } : {}),
    ...(bucketKey !== undefined ? { bucketKeyEnabled: bucketKey === 'true' } : {}),
  };
}

/**
 * The headers an answer about an SSE-S3/SSE-KMS object carries: the algorithm,
 * and for aws:kms the key id the object was wrapped with and the bucket-key
 * flag when set; `withContext` (PutObject's answer) also the context.
 */
export function managedResponseHeaders(
  stored: { algorithm: typeof SSE_S3_ALGORITHM | typeof SSE_KMS_ALGORITHM; keyId?: string; context?: Readonly<Record<string, string>>; bucketKeyEnabled?: boolean },
  withContext = false,
): Record<string, string> {
  const out: Record<string, string> = { [SSE_HEADER]: stored.algorithm };
  if (stored.algorithm !== SSE_KMS_ALGORITHM) return out;
  if (stored.keyId !== undefined) out[SSE_KMS_KEY_ID_HEADER] = stored.keyId;
  if (stored.bucketKeyEnabled) out[SSE_BUCKET_KEY_HEADER] = 'true';
  if (withContext && stored.context && Object.keys(stored.context).length > 0) out[SSE_CONTEXT_HEADER] = encryptionContextText(stored.context);
  return out;
}
