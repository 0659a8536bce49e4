// Bucket default encryption: Put/Get/DeleteBucketEncryption. The default is
// one sealed reserved container item (encryption/bucket-default.ts), so it
// works in both namespace modes; PutObject applies it to a write that sends
// no SSE header of its own.
//
// S3 quirk: since January 2023 every S3 bucket has SSE-S3 as its default and
// GetBucketEncryption answers AES256 for a bucket never configured. This
// gateway encrypts only what a request or a configured default asks for, and
// only when a key provider is set up: a bucket without a configuration
// answers ServerSideEncryptionConfigurationNotFoundError (404), as S3 did
// before 2023, never a claim of encryption it does not make. A default whose
// key provider this gateway does not have is refused (NotImplemented); an
// SSE-KMS key id is checked with its provider at once (KMS.NotFoundException).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html
import { randomBytes } from 'node:crypto';
import { encryptionConfigurationDocument, parseEncryptionConfiguration } from '../../s3/encryption-config.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { SSE_KMS_ALGORITHM } from '../../s3/sse-managed.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { BUCKET_ENCRYPTION_ITEM, bucketLock, rememberBucketLock } from '../lock/bucket-config.js';
import { bucketDefaultEncryption, encodeBucketEncryption } from '../encryption/bucket-default.js';
import { providerFor } from '../encryption/requested.js';
import { isBucketOwner } from './acl.js';

function requireOwner(ctx: OperationContext): void {
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can change its default encryption.');
}

/** After this replica changed the default: its next write sees it (others within the lock cache's TTL). */
async function remember(ctx: OperationContext, bucket: string, stored: string | undefined): Promise<void> {
  const { defaultEncryption: _old, ...lock } = await bucketLock(ctx, bucket, { fresh: true });
  await rememberBucketLock(ctx, bucket, { ...lock, ...(stored !== undefined ? { defaultEncryption: stored } : {}) });
}

export async function putBucketEncryption(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes);
  requireOwner(ctx);
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: false });
  const config = await parseEncryptionConfiguration(body.bytes);
  const provider = providerFor(ctx, config);
  await bucketInfo(ctx, bucket);
  // A key the provider does not hold is refused now, not at every later write.
  if (config.algorithm === SSE_KMS_ALGORITHM) await provider.wrap(randomBytes(32), { bucket, key: '' }, config.keyId);
  const stored = encodeBucketEncryption(config);
  await ctx.store.setContainerReserved(bucket, { [BUCKET_ENCRYPTION_ITEM]: stored });
  await remember(ctx, bucket, stored);
  return { status: 200 };
}

export async function getBucketEncryption(ctx: OperationContext): Promise<S3Result> {
  if (!isBucketOwner(ctx) && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
  const bucket = ctx.req.bucket!;
  await bucketInfo(ctx, bucket);
  const config = await bucketDefaultEncryption(ctx, bucket, { fresh: true });
  if (!config) throw s3Error('ServerSideEncryptionConfigurationNotFoundError', { BucketName: bucket });
  return { status: 200, xml: encryptionConfigurationDocument(config) };
}

export async function deleteBucketEncryption(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireOwner(ctx);
  await bucketInfo(ctx, bucket);
  await ctx.store.removeContainerReserved(bucket, [BUCKET_ENCRYPTION_ITEM]);
  await remember(ctx, bucket, undefined);
  return { status: 204 };
}
