// Bucket policies: Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus. The
// policy is kept in the bucket's registry entry (the gateway's own account,
// which no project can write) and evaluated by the gateway on every request
// to the bucket (http/pipeline.ts, access/policy). Swift's container ACLs
// cannot express a policy, so for one that lets others in, the owner's
// PutBucketPolicy lets the gateway's own identity read and write the bucket,
// and the gateway acts for the principals the policy allows.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
import { Readable } from 'node:stream';
import { MAX_POLICY_BYTES, namedPrincipals, parseBucketPolicy, type BucketPolicy } from '../../access/policy/index.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { readSmallBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import { ensureDelegatedWrites } from '../common/delegation.js';
import type { OperationContext } from '../context.js';
import { bucketSettings, isBucketOwner } from './acl.js';

/** Bucket policies need the registry: in namespace.mode account there is nowhere to keep them that a project cannot write. */
function requireNamespace(ctx: OperationContext): void {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) {
    throw s3Error('NotImplemented', {}, 'Bucket policies need the global bucket namespace (namespace.mode global, with keystone.service set).');
  }
}

/** Owners manage their policy; another project only reads it where the policy itself allows that (decided in the pipeline). */
function requireOwnerOrAllowed(ctx: OperationContext): void {
  if (!isBucketOwner(ctx) && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
}

/** Whether a policy lets anyone but the owner's own project in (then the gateway must act for them). */
function admitsOthers(policy: BucketPolicy, ownerProjectId: string): boolean {
  if (policy.isPublic) return true;
  const named = namedPrincipals(policy);
  return [...named.projects].some((p) => p !== ownerProjectId) || named.users.some((u) => u.projectId !== ownerProjectId)
    || policy.statements.some((s) => s.effect === 'Allow' && (s.principal?.everyone || s.principal?.federated));
}

export async function putBucketPolicy(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireNamespace(ctx);
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can set its policy.');
  // Read a little past the limit, so that a document whose layout makes it
  // larger than 20 KB is still judged by its content (S3 counts it so).
  const body = await readSmallBody(ctx.body, MAX_POLICY_BYTES * 4, () => s3Error('MalformedPolicy', {}, 'Policy exceeds the maximum allowed document size.'));
  await bucketInfo(ctx, bucket);
  const policy = parseBucketPolicy(body, bucket);
  if (bucketSettings(ctx).publicAccessBlock?.BlockPublicPolicy && policy.isPublic) {
    throw s3Error('AccessDenied', {}, 'The bucket\'s public access block (BlockPublicPolicy) refuses policies that grant public access.');
  }
  const owner = (await ctx.store.account()).projectId;
  if (admitsOthers(policy, owner)) await ensureDelegatedWrites(ctx, bucket);
  if (!(await ctx.namespace!.updateSettings(bucket, (s) => ({ ...s, policy: policy.text })))) throw s3Error('NoSuchBucket', { BucketName: bucket });
  return { status: 204 };
}

export async function getBucketPolicy(ctx: OperationContext): Promise<S3Result> {
  requireNamespace(ctx);
  requireOwnerOrAllowed(ctx);
  await bucketInfo(ctx, ctx.req.bucket!);
  const text = bucketSettings(ctx).policy;
  if (text === undefined) throw s3Error('NoSuchBucketPolicy', { BucketName: ctx.req.bucket });
  const body = Buffer.from(text, 'utf8');
  return { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, stream: Readable.from([body]) };
}

export async function deleteBucketPolicy(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireNamespace(ctx);
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can delete its policy.');
  await bucketInfo(ctx, bucket);
  await ctx.namespace!.updateSettings(bucket, ({ policy: _removed, ...rest }) => rest);
  return { status: 204 };
}

export async function getBucketPolicyStatus(ctx: OperationContext): Promise<S3Result> {
  requireNamespace(ctx);
  requireOwnerOrAllowed(ctx);
  const bucket = ctx.req.bucket!;
  await bucketInfo(ctx, bucket);
  const text = bucketSettings(ctx).policy;
  if (text === undefined) throw s3Error('NoSuchBucketPolicy', { BucketName: bucket });
  return { status: 200, xml: { root: 'PolicyStatus', doc: { IsPublic: parseBucketPolicy(text, bucket).isPublic ? 'true' : 'false' } } };
}
