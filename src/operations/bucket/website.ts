// Static websites: Put/Get/DeleteBucketWebsite. The configuration lives in
// the bucket's registry entry, where the website endpoint (http/website.ts)
// reads it; the index and error documents are also written as Swift's
// staticweb metadata (X-Container-Meta-Web-Index / -Web-Error), so a proxy
// running staticweb serves the container alike where it can.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { parseWebsiteConfiguration, websiteDocument } from '../../s3/website.js';
import { readXmlBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { bucketSettings, isBucketOwner } from './acl.js';

function requireOwner(ctx: OperationContext): void {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) {
    throw s3Error('NotImplemented', {}, 'Static websites need the global bucket namespace (namespace.mode global, with keystone.service set): the website endpoint finds buckets by name alone.');
  }
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can change its website configuration.');
}

export async function putBucketWebsite(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  requireOwner(ctx);
  const website = await parseWebsiteConfiguration(body);
  await bucketInfo(ctx, bucket);
  // Swift's staticweb serves `<code><Web-Error>` for errors, not one key: only the index maps.
  await ctx.store.setContainerWeb(bucket, website.indexSuffix ? { index: website.indexSuffix } : undefined);
  if (!(await ctx.namespace!.updateSettings(bucket, (s) => ({ ...s, website })))) throw s3Error('NoSuchBucket', { BucketName: bucket });
  return { status: 200 };
}

export async function getBucketWebsite(ctx: OperationContext): Promise<S3Result> {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) requireOwner(ctx);
  if (!isBucketOwner(ctx) && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
  await bucketInfo(ctx, ctx.req.bucket!);
  const website = bucketSettings(ctx).website;
  if (!website) throw s3Error('NoSuchWebsiteConfiguration', { BucketName: ctx.req.bucket });
  return { status: 200, xml: websiteDocument(website) };
}

export async function deleteBucketWebsite(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireOwner(ctx);
  await bucketInfo(ctx, bucket);
  await ctx.store.setContainerWeb(bucket, undefined);
  await ctx.namespace!.updateSettings(bucket, ({ website: _removed, ...rest }) => rest);
  return { status: 204 };
}
