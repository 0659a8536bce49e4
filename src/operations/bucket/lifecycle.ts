// Bucket lifecycle: Put/Get/DeleteBucketLifecycleConfiguration (the older
// PutBucketLifecycle and GetBucketLifecycle are the same requests, their
// rules with a Prefix instead of a Filter). The rules live in the bucket's
// registry entry, read without a Swift call by every write (X-Delete-At) and
// read (x-amz-expiration) of the bucket; `s3-swift-gateway lifecycle run`
// applies the rest. For that the gateway's own identity must reach the
// bucket: setting a configuration adds it to the bucket's container ACLs, as
// a bucket policy that admits others does (common/delegation.ts).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html
import { MAX_LIFECYCLE_BYTES, parseLifecycleConfiguration } from '../../s3/lifecycle.js';
import { lifecycleDocument } from '../../s3/lifecycle-document.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { bucketInfo } from '../common/bucket.js';
import { ensureDelegatedLocks, shareWithDelegate } from '../common/delegation.js';
import { hasSegmentsContainer, segmentsContainer } from '../common/segments.js';
import { bucketLock } from '../lock/bucket-config.js';
import { tagsContainer } from '../tagging/layout.js';
import { bucketPolicy, classesOf } from '../storage/bucket-class.js';
import { companionsOf, ensureCompanion } from '../storage/companion.js';
import type { OperationContext } from '../context.js';
import type { BucketSettings } from '../../namespace/record.js';
import type { LifecycleConfiguration } from '../../s3/lifecycle.js';
import { expiringRules } from '../../s3/lifecycle-rules.js';
import { bucketSettings, isBucketOwner } from './acl.js';

/** Retired rules kept at most (the oldest go first): a registry record stays small. */
const MAX_RETIRED = 1000;

/**
 * The settings with a new configuration (undefined: deleted). Objects written
 * under expiring rules that no longer stand as they were may carry an
 * X-Delete-At the new rules would not give: those rules are kept aside
 * (lifecycleRetired) for `lifecycle run` to correct the objects.
 */
export function withLifecycle(settings: BucketSettings, next: LifecycleConfiguration | undefined, now: Date): BucketSettings {
  const { lifecycle: old, lifecycleRetired: retired, ...rest } = settings;
  const before = expiringRules(old?.rules ?? []);
  const changed = JSON.stringify(before) !== JSON.stringify(expiringRules(next?.rules ?? []));
  const kept = changed && before.length > 0
    ? { rules: [...(retired?.rules ?? []), ...before].slice(-MAX_RETIRED), since: now.toISOString() }
    : retired;
  return { ...rest, ...(next ? { lifecycle: next } : {}), ...(kept ? { lifecycleRetired: kept } : {}) };
}

const MINIMUM_SIZE_HEADER = 'x-amz-transition-default-minimum-object-size';

/**
 * Lets the gateway's identity read and write the bucket (and its segments,
 * tag records and lock records, where it has them), once: what `lifecycle run` needs when the
 * gateway's user has no role in the owner's project. No segments container is
 * made for it (one there makes every PUT of the bucket read the key's manifest
 * first); one made later takes the bucket's ACLs, the gateway's entries with them.
 * Only delegatedReads is recorded: a bucket policy admitting others still sets
 * up what it needs (ensureDelegatedWrites).
 */
async function shareWithRunner(ctx: OperationContext, bucket: string): Promise<void> {
  const delegate = ctx.delegate;
  if (delegate === undefined || ctx.bucketOwner !== undefined || ctx.bucketRecord?.settings.delegatedReads) return;
  const tags = (await ctx.store.containerExists(tagsContainer(bucket))) ? [tagsContainer(bucket)] : [];
  // Companions of storage classes made before now (ones made later take the bucket's ACLs, the gateway's with them).
  const companions = [];
  for (const container of companionsOf(bucket, classesOf(ctx))) if (await ctx.store.containerExists(container)) companions.push(container);
  for (const container of [bucket, ...((await hasSegmentsContainer(ctx, bucket)) ? [segmentsContainer(bucket)] : []), ...tags, ...companions]) await shareWithDelegate(ctx, container, delegate);
  if ((await bucketLock(ctx, bucket, { fresh: true })).enabled) await ensureDelegatedLocks(ctx, bucket);
  await ctx.namespace?.updateSettings(bucket, (s) => ({ ...s, delegatedReads: true }));
}

/**
 * The companion containers the rules' transitions move bytes into (classes on
 * another Swift policy than the bucket's), made now: only the account's owner
 * can create containers in it, and the runner may act through ACLs. A class
 * this gateway does not map is left to the runner to report.
 */
async function ensureTransitionTargets(ctx: OperationContext, bucket: string, config: LifecycleConfiguration): Promise<void> {
  const classes = classesOf(ctx);
  if (!classes.tiered) return;
  const wanted = new Set(config.rules.flatMap((r) => [...r.transitions, ...r.noncurrentTransitions].map((t) => classes.policyOf.get(t.storageClass))));
  const own = await bucketPolicy(ctx, bucket);
  for (const policy of wanted) if (policy !== undefined && policy !== '' && policy !== own) await ensureCompanion(ctx, bucket, policy);
}

function requireOwner(ctx: OperationContext): void {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) {
    throw s3Error('NotImplemented', {}, 'Bucket lifecycle needs the global bucket namespace (namespace.mode global, with keystone.service set): the rules are kept in its registry and applied with its identity.');
  }
  if (!isBucketOwner(ctx)) throw s3Error('AccessDenied', {}, 'Only the bucket owner can change its lifecycle configuration.');
}

export async function putBucketLifecycleConfiguration(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const body = await readXmlBody(ctx, MAX_LIFECYCLE_BYTES);
  requireOwner(ctx);
  // S3 requires Content-MD5 (or a flexible checksum, verified as the body streamed).
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: ctx.checksum === undefined });
  const config = await parseLifecycleConfiguration(body.bytes, ctx.req.headers[MINIMUM_SIZE_HEADER]);
  await bucketInfo(ctx, bucket);
  await ensureTransitionTargets(ctx, bucket, config);
  // The runner may act as the gateway on the owner's account: it must be able to list and delete there.
  await shareWithRunner(ctx, bucket);
  if (!(await ctx.namespace!.updateSettings(bucket, (s) => withLifecycle(s, config, new Date())))) throw s3Error('NoSuchBucket', { BucketName: bucket });
  return { status: 200, headers: { [MINIMUM_SIZE_HEADER]: config.transitionMinimumSize } };
}

export async function getBucketLifecycleConfiguration(ctx: OperationContext): Promise<S3Result> {
  if (ctx.namespace === undefined && isBucketOwner(ctx)) requireOwner(ctx);
  if (!isBucketOwner(ctx) && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
  await bucketInfo(ctx, ctx.req.bucket!);
  const config = bucketSettings(ctx).lifecycle;
  if (!config?.rules.length) throw s3Error('NoSuchLifecycleConfiguration', { BucketName: ctx.req.bucket });
  return { status: 200, headers: { [MINIMUM_SIZE_HEADER]: config.transitionMinimumSize }, xml: lifecycleDocument(config) };
}

export async function deleteBucketLifecycle(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  requireOwner(ctx);
  await bucketInfo(ctx, bucket);
  await ctx.namespace!.updateSettings(bucket, (s) => withLifecycle(s, undefined, new Date()));
  return { status: 204 };
}
