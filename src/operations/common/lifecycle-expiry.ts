// Lifecycle expiration on the request path. A write into a bucket whose rules
// expire the new object gets Swift's X-Delete-At, so Swift's object expirer
// deletes it on the day S3 would, with no gateway loop; its answer, and every
// GetObject/HeadObject of it, carries x-amz-expiration. The rules come from
// the bucket's registry entry, already read for the request: a bucket without
// lifecycle rules costs nothing here, and tags are read only for a rule whose
// Tag filter could match the key.
// Versioned (and suspended) buckets get no X-Delete-At: in S3 expiry there
// writes a delete marker, which Swift's expirer cannot (it would delete the
// key's symlink and leave no marker); `lifecycle run` does it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
import type { LifecycleRule } from '../../s3/lifecycle.js';
import { currentExpiry, expirationHeader, mayExpire, needsTags } from '../../s3/lifecycle-rules.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { bucketLock } from '../lock/bucket-config.js';
import { readObjectTags } from '../tagging/object-tags.js';

export interface WriteExpiry {
  /** The Swift expiry time (X-Delete-At, Unix seconds) for the new object, if Swift's expirer is to delete it. */
  readonly deleteAt?: number;
  /** x-amz-expiration for the answer. */
  readonly headers: Record<string, string>;
}

const NONE: WriteExpiry = { headers: {} };

const rulesOf = (ctx: OperationContext) => ctx.bucketRecord?.settings.lifecycle?.rules;

/** Whether a rule that could expire this key filters on tags (only then are they worth reading). */
const tagsMatter = (rules: readonly LifecycleRule[], key: string): boolean => rules.some((r) => needsTags(r) && mayExpire([r], key));

type Tags = ReadonlyMap<string, string> | undefined;

/**
 * The expiry of an object being written now. `size`: its length when known;
 * `tags`: the tags it is written with (undefined: not known, no Tag filter
 * matches), asked for only where a Tag filter could match.
 */
export async function expiryForWrite(ctx: OperationContext, bucket: string, key: string, size: number | undefined, tags: () => Promise<Tags>): Promise<WriteExpiry> {
  const rules = rulesOf(ctx);
  if (!rules?.length || !mayExpire(rules, key)) return NONE;
  const now = Date.now();
  const expiry = currentExpiry(rules, { key, size, tags: tagsMatter(rules, key) ? await tags() : undefined }, now);
  if (!expiry) return NONE;
  const headers = { 'x-amz-expiration': expirationHeader(expiry) };
  // (Cached per bucket briefly: asked only in buckets whose rules expire this key.)
  if ((await bucketLock(ctx, bucket)).versioning !== undefined) return { headers };
  const seconds = Math.floor(expiry.date.getTime() / 1000);
  // Swift refuses an X-Delete-At in the past; a Date rule already passed is the runner's to apply.
  return seconds > Math.floor(now / 1000) ? { deleteAt: seconds, headers } : { headers };
}

/**
 * A stored object's tags, for a rule's Tag filter: the one place lifecycle
 * reads them (tagging's readObjectTags; `info`, the object's HEAD when the
 * caller has it, saves a call). Undefined when the version is gone.
 */
export async function lifecycleTagsOf(ctx: OperationContext, bucket: string, key: string, info?: ObjectInfo, versionId?: string): Promise<Tags> {
  try {
    return await readObjectTags(ctx, bucket, key, versionId, info);
  } catch (err) {
    if ((err as { code?: string }).code === 'NoSuchKey' || (err as { code?: string }).code === 'NoSuchVersion') return undefined;
    throw err;
  }
}

/** x-amz-expiration for GetObject/HeadObject of the current object, computed from the rules and its Last-Modified. */
export async function expiryForRead(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo): Promise<Record<string, string>> {
  const rules = rulesOf(ctx);
  if (!rules?.length || !mayExpire(rules, key) || info.lastModified === undefined) return {};
  const tags = tagsMatter(rules, key) ? await lifecycleTagsOf(ctx, bucket, key, info) : undefined;
  const expiry = currentExpiry(rules, { key, size: info.size, tags }, Date.parse(info.lastModified));
  return expiry ? { 'x-amz-expiration': expirationHeader(expiry) } : {};
}
