// Lifecycle expiration on the request path. A write into a bucket whose rules
// expire the new object gets Swift's X-Delete-At, so Swift's object expirer
// deletes it on the day S3 would, with no gateway loop; its answer, and every
// GetObject/HeadObject of it, carries x-amz-expiration. The rules come from
// the bucket's registry entry, already read for the request: a bucket without
// lifecycle rules costs nothing here.
// Versioned (and suspended) buckets get no X-Delete-At: in S3 expiry there
// writes a delete marker, which Swift's expirer cannot (it would delete the
// version's data behind the key's symlink); `lifecycle run` does it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
import { currentExpiry, expirationHeader, mayExpire, needsTags, tagsOfHeader, type LifecycleSubject } from '../../s3/lifecycle-rules.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { bucketLock } from '../lock/bucket-config.js';

export interface WriteExpiry {
  /** The Swift expiry time (X-Delete-At, Unix seconds) for the new object, if Swift's expirer is to delete it. */
  readonly deleteAt?: number;
  /** x-amz-expiration for the answer. */
  readonly headers: Record<string, string>;
}

const NONE: WriteExpiry = { headers: {} };

const rulesOf = (ctx: OperationContext) => ctx.bucketRecord?.settings.lifecycle?.rules;

/** The tags an upload asks for (x-amz-tagging), which a Tag filter matches at write time. */
export const requestTags = (ctx: OperationContext): ReadonlyMap<string, string> | undefined => tagsOfHeader(ctx.req.headers['x-amz-tagging']);

/**
 * The expiry of an object being written now. `size`: its length when known;
 * `tags`: what a Tag filter compares (undefined: not known, no Tag filter matches).
 */
export async function expiryForWrite(ctx: OperationContext, bucket: string, key: string, size: number | undefined, tags: ReadonlyMap<string, string> | undefined): Promise<WriteExpiry> {
  const rules = rulesOf(ctx);
  if (!rules?.length || !mayExpire(rules, key)) return NONE;
  const now = Date.now();
  const expiry = currentExpiry(rules, { key, size, tags }, now);
  if (!expiry) return NONE;
  const headers = { 'x-amz-expiration': expirationHeader(expiry) };
  // (Cached per bucket briefly: asked only in buckets whose rules expire this key.)
  if ((await bucketLock(ctx, bucket)).versioning !== undefined) return { headers };
  const seconds = Math.floor(expiry.date.getTime() / 1000);
  // Swift refuses an X-Delete-At in the past; a Date rule already passed is the runner's to apply.
  return seconds > Math.floor(now / 1000) ? { deleteAt: seconds, headers } : { headers };
}

/**
 * The object's tags where a rule's Tag filter needs them. The one place the
 * lifecycle reads tags: until object tagging is on this branch, none are
 * known, and a Tag-filtered rule matches no stored object.
 */
export async function lifecycleTagsOf(_ctx: OperationContext, _bucket: string, _key: string, _info?: ObjectInfo, _versionId?: string): Promise<ReadonlyMap<string, string> | undefined> {
  return undefined;
}

/** x-amz-expiration for GetObject/HeadObject of the current object, computed from the rules and its Last-Modified. */
export async function expiryForRead(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo): Promise<Record<string, string>> {
  const rules = rulesOf(ctx);
  if (!rules?.length || !mayExpire(rules, key) || info.lastModified === undefined) return {};
  const subject: LifecycleSubject = {
    key,
    size: info.size,
    tags: rules.some((r) => needsTags(r) && mayExpire([r], key)) ? await lifecycleTagsOf(ctx, bucket, key, info) : undefined,
  };
  const expiry = currentExpiry(rules, subject, Date.parse(info.lastModified));
  return expiry ? { 'x-amz-expiration': expirationHeader(expiry) } : {};
}
