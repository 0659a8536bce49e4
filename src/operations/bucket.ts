// Bucket operations: CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation, GetBucketVersioning.
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { isBlank, parseXml } from '../s3/xml.js';
import { discard } from '../swift/client.js';
import { readXmlBody } from './body.js';
import type { OperationContext } from './context.js';
import { isValidNewBucketName } from './names.js';
import { segmentsContainer } from './multipart-layout.js';
import { deleteSegments, listSegments, markSegmentsContainer } from './segments.js';
import { BUCKET_TABLE, swiftFailure } from './swift-errors.js';

async function deleteSegmentsContainer(ctx: OperationContext, bucket: string): Promise<void> {
  const leftovers = await listSegments(ctx.swift, bucket, '');
  await deleteSegments(ctx.swift, bucket, leftovers.map((row) => row.name!));
  const res = await ctx.swift.call({ method: 'DELETE', container: segmentsContainer(bucket) });
  await discard(res);
  await markSegmentsContainer(ctx.swift, bucket, false);
}

/** LocationConstraint of a CreateBucketConfiguration body, if any. */
export async function parseLocationConstraint(body: Buffer | string): Promise<string | undefined> {
  if (isBlank(body)) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = doc['CreateBucketConfiguration'];
  if (config === undefined || typeof config !== 'object' || config === null) {
    if (config === '') return undefined;
    throw s3Error('MalformedXML');
  }
  const location = (config as Record<string, unknown>)['LocationConstraint'];
  return typeof location === 'string' ? location.trim() : undefined;
}

export async function createBucket(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  if (!isValidNewBucketName(bucket)) throw s3Error('InvalidBucketName', { BucketName: bucket });
  const location = await parseLocationConstraint((await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes);
  if (location && location !== ctx.region && !(location === 'us-east-1' && ctx.region === 'us-east-1')) {
    throw s3Error('InvalidLocationConstraint', { LocationConstraint: location }, `The specified location-constraint is not valid: this service's region is ${ctx.region}.`);
  }
  const res = await ctx.swift.call({ method: 'PUT', container: bucket, headers: { 'content-length': '0' } });
  await discard(res);
  if (res.status === 201) {
    return { status: ctx.dialect.bucketCreatedStatus, headers: { location: `/${bucket}` } };
  }
  if (res.status === 202) {
    // Swift containers live in the caller's own account, so an existing one is theirs.
    if (ctx.dialect.bucketExistsAnswer === 'accepted') return { status: 202, headers: { location: `/${bucket}` } };
    throw s3Error('BucketAlreadyOwnedByYou', { BucketName: bucket });
  }
  throw await swiftFailure(res, BUCKET_TABLE, { BucketName: bucket });
}

export async function deleteBucket(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const res = await ctx.swift.call({ method: 'DELETE', container: bucket });
  if (res.status === 204) {
    await discard(res);
    // With the bucket empty, no manifest references its segments: what is left
    // belongs to unfinished uploads, which die with the bucket.
    await deleteSegmentsContainer(ctx, bucket);
    return { status: 204 };
  }
  throw await swiftFailure(res, { 404: 'NoSuchBucket', 409: 'BucketNotEmpty' }, { BucketName: bucket });
}

export async function headBucket(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const res = await ctx.swift.call({ method: 'HEAD', container: bucket });
  if (res.status === 204 || res.status === 200) {
    await discard(res);
    return { status: 200, headers: { 'x-amz-bucket-region': ctx.region } };
  }
  throw await swiftFailure(res, BUCKET_TABLE, { BucketName: bucket });
}

export async function getBucketLocation(ctx: OperationContext): Promise<S3Result> {
  await headBucket(ctx);
  // S3 quirk: us-east-1 is reported as an empty LocationConstraint.
  return { status: 200, xml: { root: 'LocationConstraint', doc: { '#text': ctx.region === 'us-east-1' ? '' : ctx.region } } };
}

/**
 * Versioning is never enabled through this gateway: S3 answers a bucket that
 * never had it with an empty VersioningConfiguration (no Status element).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
 */
export async function getBucketVersioning(ctx: OperationContext): Promise<S3Result> {
  await headBucket(ctx);
  return { status: 200, xml: { root: 'VersioningConfiguration', doc: {} } };
}
