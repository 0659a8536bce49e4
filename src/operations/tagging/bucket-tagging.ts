// Put/Get/DeleteBucketTagging. A bucket's tag set (up to 50 tags of 128 + 256
// characters) fits neither Swift's container metadata (256-byte values, 4 KB
// in all) nor, comfortably, the registry entry read on every request; it is
// one record, `<bucket>+tags/bucket-tagging` (layout.ts), read only by
// GetBucketTagging. Being in the bucket's own account, it works alike in
// namespace.mode global and account.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { MAX_TAGGING_BODY_BYTES, parseTaggingDocument, taggingDocument } from '../../s3/tagging.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { BUCKET_TAGS_RECORD } from './layout.js';
import { deleteTagRecords, readTagRecord, writeTagRecord } from './records.js';

/** The bucket owner, or whom the bucket policy allows (s3:GetBucketTagging / s3:PutBucketTagging). */
function requireAccess(ctx: OperationContext): void {
  if (ctx.bucketOwner !== undefined && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
}

export async function putBucketTagging(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = await readXmlBody(ctx, MAX_TAGGING_BODY_BYTES);
  // S3 requires Content-MD5 (or a flexible checksum, verified as the body streamed).
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: ctx.checksum === undefined });
  const tags = await parseTaggingDocument(body.bytes, 'bucket');
  requireAccess(ctx);
  await bucketInfo(ctx, bucket);
  // An empty TagSet leaves the bucket without tags (GetBucketTagging: NoSuchTagSet).
  if (tags.size === 0) await deleteTagRecords(ctx, bucket, [BUCKET_TAGS_RECORD]);
  else await writeTagRecord(ctx, bucket, BUCKET_TAGS_RECORD, tags);
  return { status: 204 };
}

export async function getBucketTagging(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireAccess(ctx);
  await bucketInfo(ctx, bucket);
  const tags = await readTagRecord(ctx, bucket, BUCKET_TAGS_RECORD);
  if (!tags || tags.size === 0) throw s3Error('NoSuchTagSet', { BucketName: bucket });
  return { status: 200, xml: taggingDocument(tags) };
}

export async function deleteBucketTagging(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireAccess(ctx);
  await bucketInfo(ctx, bucket);
  await deleteTagRecords(ctx, bucket, [BUCKET_TAGS_RECORD]);
  return { status: 204 };
}
