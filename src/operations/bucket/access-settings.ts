// Bucket settings that are the registry's alone: the public access block
// (Put/Get/DeletePublicAccessBlock) and Object Ownership
// (Put/Get/DeleteBucketOwnershipControls). Both need the global namespace.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
import { checkOwnershipChange, ownershipControlsDocument, parseOwnershipControls } from '../../access/acl/index.js';
import type { BucketSettings } from '../../namespace/record.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { parseXml } from '../../s3/xml.js';
import { readXmlBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { applyBucketAcl, bucketSettings, currentBucketAcl, isBucketOwner, storedAcl } from './acl.js';

type PublicAccessBlock = NonNullable<BucketSettings['publicAccessBlock']>;
const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** The owner, in the global namespace: where these settings can be kept. */
async function ownerWithNamespace(ctx: OperationContext, what: string): Promise<void> {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) throw s3Error('NotImplemented', {}, `${what} needs the global bucket namespace (namespace.mode global, with keystone.service set).`);
  if (!isBucketOwner(ctx) && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
  await bucketInfo(ctx, ctx.req.bucket!);
}

async function update(ctx: OperationContext, change: (s: BucketSettings) => BucketSettings): Promise<void> {
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can change this setting.');
  if (!(await ctx.namespace!.updateSettings(ctx.req.bucket!, change))) throw s3Error('NoSuchBucket', { BucketName: ctx.req.bucket });
}

/** A PublicAccessBlockConfiguration body: each flag true or false, absent ones false (as S3 reads them). */
export async function parsePublicAccessBlock(body: Buffer): Promise<PublicAccessBlock> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = doc['PublicAccessBlockConfiguration'];
  if (config === undefined || (typeof config !== 'object' && config !== '')) throw s3Error('MalformedXML');
  const fields = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  for (const name of Object.keys(fields)) {
    if (!(FLAGS as readonly string[]).includes(name)) throw s3Error('MalformedXML', {}, `Unknown element ${name} in PublicAccessBlockConfiguration.`);
  }
  const flag = (name: (typeof FLAGS)[number]): boolean => {
    const value = fields[name];
    if (value === undefined) return false;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (text !== 'true' && text !== 'false') throw s3Error('MalformedXML', {}, `${name} must be true or false.`);
    return text === 'true';
  };
  return { BlockPublicAcls: flag('BlockPublicAcls'), IgnorePublicAcls: flag('IgnorePublicAcls'), BlockPublicPolicy: flag('BlockPublicPolicy'), RestrictPublicBuckets: flag('RestrictPublicBuckets') };
}

/**
 * IgnorePublicAcls changes what Swift must enforce: the stored ACL is applied
 * again, with or without its public grants.
 */
async function reapplyAcl(ctx: OperationContext, next: BucketSettings): Promise<void> {
  const bucket = ctx.req.bucket!;
  const before = Boolean(bucketSettings(ctx).publicAccessBlock?.IgnorePublicAcls);
  if (before === Boolean(next.publicAccessBlock?.IgnorePublicAcls)) return;
  const acl = storedAcl(bucketSettings(ctx), (await currentBucketAcl(ctx, bucket)).owner) ?? (await currentBucketAcl(ctx, bucket));
  const info = await bucketInfo(ctx, bucket);
  await applyBucketAcl({ ...ctx, bucketRecord: ctx.bucketRecord && { ...ctx.bucketRecord, settings: next } }, bucket, acl, info);
}

export async function putPublicAccessBlock(ctx: OperationContext): Promise<S3Result> {
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  await ownerWithNamespace(ctx, 'A public access block');
  const block = await parsePublicAccessBlock(body);
  const next = { ...bucketSettings(ctx), publicAccessBlock: block };
  await update(ctx, (s) => ({ ...s, publicAccessBlock: block }));
  await reapplyAcl(ctx, next);
  return { status: 200 };
}

export async function getPublicAccessBlock(ctx: OperationContext): Promise<S3Result> {
  await ownerWithNamespace(ctx, 'A public access block');
  const block = bucketSettings(ctx).publicAccessBlock;
  if (block === undefined) throw s3Error('NoSuchPublicAccessBlockConfiguration', { BucketName: ctx.req.bucket });
  return { status: 200, xml: { root: 'PublicAccessBlockConfiguration', doc: Object.fromEntries(FLAGS.map((f) => [f, String(block[f])])) } };
}

export async function deletePublicAccessBlock(ctx: OperationContext): Promise<S3Result> {
  await ownerWithNamespace(ctx, 'A public access block');
  const { publicAccessBlock: _removed, ...next } = bucketSettings(ctx);
  await update(ctx, ({ publicAccessBlock: _gone, ...rest }) => rest);
  await reapplyAcl(ctx, next);
  return { status: 204 };
}

export async function putBucketOwnershipControls(ctx: OperationContext): Promise<S3Result> {
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  await ownerWithNamespace(ctx, 'Object Ownership');
  const ownership = await parseOwnershipControls(body);
  checkOwnershipChange(await currentBucketAcl(ctx, ctx.req.bucket!), ownership);
  await update(ctx, (s) => ({ ...s, ownership }));
  return { status: 200 };
}

export async function getBucketOwnershipControls(ctx: OperationContext): Promise<S3Result> {
  await ownerWithNamespace(ctx, 'Object Ownership');
  const ownership = bucketSettings(ctx).ownership;
  if (ownership === undefined) throw s3Error('OwnershipControlsNotFoundError', { BucketName: ctx.req.bucket });
  return { status: 200, xml: ownershipControlsDocument(ownership as never) };
}

export async function deleteBucketOwnershipControls(ctx: OperationContext): Promise<S3Result> {
  await ownerWithNamespace(ctx, 'Object Ownership');
  await update(ctx, ({ ownership: _removed, ...rest }) => rest);
  return { status: 204 };
}
