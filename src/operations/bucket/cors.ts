// Bucket CORS: Put/Get/DeleteBucketCors. The rules live in the bucket's
// registry entry (up to 100 of them: far more than container metadata holds),
// where the gateway reads them for preflights and actual requests without a
// Swift call. What Swift's own CORS can say (one list of origins, one max age,
// one list of exposed headers) is written to the container too, so the Swift
// API of the same container answers browsers alike where it can.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
import { MAX_CORS_BYTES, corsDocument, parseCorsConfiguration, type CorsRule } from '../../s3/cors.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { bucketSettings, isBucketOwner } from './acl.js';

/** Swift metadata values hold 256 bytes. */
const SWIFT_VALUE_BYTES = 256;

/** Swift's single-rule view of the rules, or undefined when it cannot hold them. */
export function swiftCorsOf(rules: readonly CorsRule[]): { allowOrigin: string; maxAge?: number; exposeHeaders?: string } | undefined {
  const origins = [...new Set(rules.flatMap((r) => r.allowedOrigins))];
  const allowOrigin = origins.includes('*') ? '*' : origins.join(' ');
  const expose = [...new Set(rules.flatMap((r) => r.exposeHeaders))].join(', ');
  const ages = rules.flatMap((r) => (r.maxAgeSeconds === undefined ? [] : [r.maxAgeSeconds]));
  // Swift matches origins exactly (or `*`): a pattern like https://*.example.com it cannot say.
  if (origins.some((o) => o !== '*' && o.includes('*'))) return undefined;
  if (Buffer.byteLength(allowOrigin) > SWIFT_VALUE_BYTES || Buffer.byteLength(expose) > SWIFT_VALUE_BYTES) return undefined;
  return { allowOrigin, ...(ages.length ? { maxAge: Math.min(...ages) } : {}), ...(expose ? { exposeHeaders: expose } : {}) };
}

function requireOwner(ctx: OperationContext): void {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) {
    throw s3Error('NotImplemented', {}, 'Bucket CORS needs the global bucket namespace (namespace.mode global, with keystone.service set): a preflight carries no signature that says whose bucket it is.');
  }
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can change its CORS configuration.');
}

export async function putBucketCors(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = await readXmlBody(ctx, MAX_CORS_BYTES);
  requireOwner(ctx);
  // S3 requires Content-MD5 (or a flexible checksum, verified as the body streamed).
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: ctx.checksum === undefined });
  const rules = await parseCorsConfiguration(body.bytes);
  await bucketInfo(ctx, bucket);
  await ctx.store.setContainerCors(bucket, swiftCorsOf(rules));
  if (!(await ctx.namespace!.updateSettings(bucket, (s) => ({ ...s, cors: rules })))) throw s3Error('NoSuchBucket', { BucketName: bucket });
  return { status: 200 };
}

export async function getBucketCors(ctx: OperationContext): Promise<S3Result> {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) requireOwner(ctx);
  if (!isBucketOwner(ctx) && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
  await bucketInfo(ctx, ctx.req.bucket!);
  const rules = bucketSettings(ctx).cors;
  if (!rules?.length) throw s3Error('NoSuchCORSConfiguration', { BucketName: ctx.req.bucket });
  return { status: 200, xml: corsDocument(rules) };
}

export async function deleteBucketCors(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireOwner(ctx);
  await bucketInfo(ctx, bucket);
  await ctx.store.setContainerCors(bucket, undefined);
  await ctx.namespace!.updateSettings(bucket, ({ cors: _removed, ...rest }) => rest);
  return { status: 204 };
}
