// A bucket's Object Lock configuration: whether lock is enabled and its
// default retention. Kept as one reserved container item,
// X-Container-Meta-S3gw-Object-Lock, sealed (swift/sealed-state.ts sealValue):
//   Enabled                  lock on, no default retention
//   Enabled;GOVERNANCE;30d   ... with a default of 30 days (or `1y`: years)
// A container POST cannot remove lock once set through the gateway, but a
// project's Swift user can write or drop that item. An item that is there
// but does not verify reads as "enabled, default unknown": writes that would
// take the default are refused until the configuration is set again, and
// versioning stays unsuspendable. (Never "unlocked": see README, Object Lock.)
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
import { s3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import type { ContainerInfo } from '../../swift/store.js';
import { SharedLookups } from '../common/shared-lookups.js';
import type { OperationContext } from '../context.js';
import type { LockMode, Retention } from './state.js';
import { TAG_RECORDS_FLAG } from '../tagging/layout.js';

export const BUCKET_LOCK_ITEM = 'object-lock';
/** The bucket's default encryption (PutBucketEncryption), a reserved container item read along with the lock. */
export const BUCKET_ENCRYPTION_ITEM = 'encryption';

export interface DefaultRetention {
  readonly mode: LockMode;
  readonly days?: number;
  readonly years?: number;
}

export interface BucketLock {
  readonly enabled: boolean;
  readonly rule?: DefaultRetention;
  /** The stored configuration did not verify: enabled, its default unknown. */
  readonly unverified: boolean;
  /** The bucket's versioning, read along (cached with it; see common/segments.ts ownedSegments). */
  readonly versioning?: 'enabled' | 'disabled';
  /** Some object's tags may be kept in the bucket's `+tags` records (operations/tagging/), read along and cached with it. */
  readonly tagRecords?: boolean;
  /**
   * The bucket's default encryption item as stored (operations/encryption/bucket-default.ts),
   * read along and cached with it: null when it is there but its seal fails.
   */
  readonly defaultEncryption?: string | null;
}

const NOT_ENABLED: BucketLock = { enabled: false, unverified: false };

export function encodeBucketLock(rule: DefaultRetention | undefined): string {
  if (!rule) return 'Enabled';
  return `Enabled;${rule.mode};${rule.days !== undefined ? `${rule.days}d` : `${rule.years}y`}`;
}

/** The stored item (undefined: none; null: present but its seal failed). */
export function decodeBucketLock(value: string | null | undefined): BucketLock {
  if (value === undefined) return NOT_ENABLED;
  const m = value === null ? null : /^Enabled(?:;(GOVERNANCE|COMPLIANCE);([1-9]\d{0,5})([dy]))?$/.exec(value);
  if (!m) return { enabled: true, unverified: true };
  if (m[1] === undefined) return { enabled: true, unverified: false };
  const n = Number(m[2]);
  return { enabled: true, unverified: false, rule: { mode: m[1] as LockMode, ...(m[3] === 'd' ? { days: n } : { years: n }) } };
}

export const bucketLockOf = (info: ContainerInfo): BucketLock => ({
  ...decodeBucketLock(info.reserved[BUCKET_LOCK_ITEM]), versioning: info.versioning,
  // (An item that does not verify still says "look": a needless lookup is the safe mistake.)
  ...(info.reserved[TAG_RECORDS_FLAG] !== undefined ? { tagRecords: true } : {}),
  ...(info.reserved[BUCKET_ENCRYPTION_ITEM] !== undefined ? { defaultEncryption: info.reserved[BUCKET_ENCRYPTION_ITEM] } : {}),
});

const DAY_MS = 86_400_000;

/** The retention a new version gets from a default rule (a year is 365 days). */
export function retentionFromDefault(rule: DefaultRetention, now: number): Retention {
  const days = rule.days ?? (rule.years ?? 0) * 365;
  return { mode: rule.mode, until: new Date(now + days * DAY_MS) };
}

/**
 * Bucket lock configurations, per app, for a short while: every PutObject
 * needs its bucket's default retention, and a HEAD of the container for each
 * would cost one Swift call per write. A change made through another replica
 * is seen here within TTL_MS (S3's bucket configuration is eventually
 * consistent too); one made through this replica at once.
 */
export class BucketLocks extends SharedLookups<BucketLock> {
  static readonly TTL_MS = 2_000;

  constructor() {
    super({ ttlMs: BucketLocks.TTL_MS });
  }
}

/** Per Swift account (the bucket's: for another project's bucket, not the requester's). */
async function cacheKey(ctx: OperationContext, bucket: string): Promise<string> {
  return `${await ctx.store.location()}\n${bucket}`;
}

/**
 * The bucket's lock configuration (NoSuchBucket when it is gone). `fresh`:
 * not from the cache; `freshUnlessEnabled`: from the cache only when it says
 * enabled (lock is never turned off, so only that answer cannot be stale:
 * what protects versions never relies on a cached "not enabled").
 */
export async function bucketLock(ctx: OperationContext, bucket: string, opts: { fresh?: boolean; freshUnlessEnabled?: boolean } = {}): Promise<BucketLock> {
  const probe = async () => {
    let info: ContainerInfo;
    try {
      info = await ctx.store.headContainer(bucket);
    } catch (err) {
      // Only a 404 is the bucket's own answer; anything else is the family table's to judge.
      if (err instanceof SwiftError && err.status === 404) throw s3Error('NoSuchBucket', { BucketName: bucket });
      throw err;
    }
    return bucketLockOf(info);
  };
  const cache = ctx.objectLock?.bucketLocks;
  if (!cache) return probe();
  const key = await cacheKey(ctx, bucket);
  if (opts.fresh) return cache.refresh(key, probe);
  const cached = cache.get(key);
  if (cached && !cached.enabled && opts.freshUnlessEnabled) return cache.refresh(key, probe);
  return cache.lookup(key, probe);
}

/** After this replica changed a bucket's configuration: its next request sees it. */
export async function rememberBucketLock(ctx: OperationContext, bucket: string, lock: BucketLock): Promise<void> {
  const cache = ctx.objectLock?.bucketLocks;
  if (cache) cache.set(await cacheKey(ctx, bucket), lock);
}
