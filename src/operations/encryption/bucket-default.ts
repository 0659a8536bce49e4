// A bucket's default encryption (PutBucketEncryption) and the encryption a
// write gets from it. Kept as one reserved container item,
// X-Container-Meta-S3gw-Encryption, sealed (swift/sealed-state.ts sealValue),
// in both namespace modes, and read along with the bucket's lock
// configuration (lock/bucket-config.ts: one cached HEAD serves both):
//   AES256                  SSE-S3
//   aws:kms;0;              SSE-KMS with the provider's default key
//   aws:kms;1;<key id>      ... with this key, and BucketKeyEnabled
// An item that is there but does not verify (changed through the Swift API)
// makes writes that would take the default refused, never written as
// plaintext; a write with its own SSE header is not affected.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
import { s3Error } from '../../s3/errors.js';
import { SSE_KMS_ALGORITHM, SSE_S3_ALGORITHM, type ManagedEncryption } from '../../s3/sse-managed.js';
import { SwiftError } from '../../swift/errors.js';
import type { OperationContext } from '../context.js';
import { bucketLock } from '../lock/bucket-config.js';
import { requestedCustomerKey } from './customer-key.js';
import { managedWrapping, requestedManagedEncryption, type KeyWrapping } from './requested.js';

export function encodeBucketEncryption(config: ManagedEncryption): string {
  if (config.algorithm === SSE_S3_ALGORITHM) return SSE_S3_ALGORITHM;
  return `${SSE_KMS_ALGORITHM};${config.bucketKeyEnabled ? 1 : 0};${config.keyId ?? ''}`;
}

/** The stored item (undefined: none; null: present but its seal failed, or not a form the gateway writes). */
export function decodeBucketEncryption(value: string | null | undefined): ManagedEncryption | null | undefined {
  if (value === undefined) return undefined;
  if (value === SSE_S3_ALGORITHM) return { algorithm: SSE_S3_ALGORITHM };
  const m = value === null ? null : /^aws:kms;([01]);(.*)$/s.exec(value);
  if (!m) return null;
  return { algorithm: SSE_KMS_ALGORITHM, ...(m[2] !== '' ? { keyId: m[2] } : {}), ...(m[1] === '1' ? { bucketKeyEnabled: true } : {}) };
}

/**
 * The bucket's default encryption (undefined: none). A write-only grantee
 * that may not read the container's metadata gets none (it cannot be known);
 * one that does not verify is refused.
 */
export async function bucketDefaultEncryption(ctx: OperationContext, bucket: string, opts: { fresh?: boolean } = {}): Promise<ManagedEncryption | undefined> {
  let stored: string | null | undefined;
  try {
    stored = (await bucketLock(ctx, bucket, opts)).defaultEncryption;
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return undefined;
    throw err;
  }
  const config = decodeBucketEncryption(stored);
  if (config === null) {
    throw s3Error('InvalidBucketState', {}, 'The bucket\'s default encryption configuration cannot be verified (it was changed outside the gateway); set it again with PutBucketEncryption, or give this write its own x-amz-server-side-encryption.');
  }
  return config;
}

/**
 * The encryption of a new object (PutObject): the request's SSE-C key, else
 * its SSE-S3/SSE-KMS headers, else the bucket's default; undefined: plaintext.
 */
export async function encryptionForWrite(ctx: OperationContext, bucket: string): Promise<KeyWrapping | undefined> {
  const customer = requestedCustomerKey(ctx);
  const managed = requestedManagedEncryption(ctx);
  if (customer) return { kind: 'customer', customer };
  if (managed) return managedWrapping(ctx, managed);
  const byDefault = await bucketDefaultEncryption(ctx, bucket);
  return byDefault && managedWrapping(ctx, byDefault);
}

/**
 * Writes that cannot encrypt yet (CreateMultipartUpload, CopyObject) are
 * refused in a bucket with default encryption: S3 would encrypt what they
 * write, and a plaintext object there is what the bucket's owner asked never
 * to have. NotImplemented, naming the bucket's default and the way around it.
 */
export async function refuseWhereDefaultEncrypts(ctx: OperationContext, bucket: string, operation: string): Promise<void> {
  const byDefault = await bucketDefaultEncryption(ctx, bucket);
  if (!byDefault) return;
  throw s3Error('NotImplemented', {},
    `This bucket encrypts new objects by default (${byDefault.algorithm}), which ${operation} does not implement on this gateway yet; ` +
    'upload the object with a single PutObject (aws s3 cp: raise multipart_threshold), or remove the default with DeleteBucketEncryption.');
}
