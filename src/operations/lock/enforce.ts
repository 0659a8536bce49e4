// What Object Lock forbids, judged by the gateway on every path that removes
// or weakens a version: DeleteObject and DeleteObjects with a version id, and
// PutObjectRetention. A delete without a version id only writes a delete
// marker and is always allowed, as in S3.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
import { s3Error, type S3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { bucketLock, type BucketLock } from './bucket-config.js';
import { withRecords } from './records.js';
import { activeRetention, hasLockItems, writtenLock, type LockState, type Retention } from './state.js';

/** Who may bypass GOVERNANCE when s3.objectLock.bypassGovernanceRoles is not set: the operator roles' default. */
const DEFAULT_BYPASS_ROLES = ['member', 'admin'];

const LOCKED = 'Access Denied because object protected by object lock.';

export const lockedError = (message = LOCKED): S3Error => s3Error('AccessDenied', {}, message);

/**
 * The lock of a version in force now: its own items, superseded by its
 * records. Records exist only in lock-enabled buckets, so other buckets cost
 * no record lookup (the bucket's configuration is cached briefly).
 */
export async function versionLock(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo): Promise<LockState> {
  return (await lockWithSource(ctx, bucket, key, info)).state;
}

const isForbidden = (err: unknown): boolean => err instanceof SwiftError && (err.status === 401 || err.status === 403);

/**
 * The lock to show on GetObject and HeadObject. A requester who may read the
 * object but not the bucket or its records (another project's grantee, an
 * anonymous reader of a public object) sees the lock the version was written
 * with; deleting or changing it needs them readable (see checkDeletable).
 */
export async function shownLock(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo): Promise<LockState> {
  try {
    return await versionLock(ctx, bucket, key, info);
  } catch (err) {
    if (isForbidden(err)) return writtenLock(info);
    throw err;
  }
}

/**
 * The lock, and whether records were looked up (the version may have some).
 * `known`: the bucket's configuration as the caller just read it. `strict`
 * (deletes): a cached "not enabled" is read again, since a bucket enabled
 * through another replica a moment ago may already have records.
 */
async function lockWithSource(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, opts: { known?: BucketLock; strict?: boolean } = {}): Promise<{ state: LockState; records: boolean }> {
  const written = writtenLock(info);
  const enabled = async () => (opts.known ?? (await bucketLock(ctx, bucket, { freshUnlessEnabled: opts.strict }))).enabled;
  if (!hasLockItems(info) && !(await enabled())) return { state: written, records: false };
  return { state: await withRecords(ctx, bucket, key, info.versionId ?? 'null', written), records: true };
}

/** `x-amz-bypass-governance-retention: true` on the request. */
export const bypassRequested = (ctx: OperationContext): boolean => ctx.req.headers['x-amz-bypass-governance-retention']?.trim().toLowerCase() === 'true';

/**
 * Whether the requester may bypass GOVERNANCE: the bucket's policy allowed
 * this request (whose actions include s3:BypassGovernanceRetention when it
 * sends the header: access/policy/actions.ts), or, in its own project, its
 * roles include one of s3.objectLock.bypassGovernanceRoles. Another
 * project's key (a container ACL's grantee) or an anonymous request never
 * bypasses by its roles at home. (A policy's Deny refused the request before.)
 */
export async function mayBypassGovernance(ctx: OperationContext): Promise<boolean> {
  if (ctx.policyDecision === 'Allow') return true;
  if (ctx.bucketOwner !== undefined) return false;
  const roles = new Set((await ctx.store.account()).roles.map((r) => r.toLowerCase()));
  const allowed = ctx.objectLock?.bypassGovernanceRoles ?? DEFAULT_BYPASS_ROLES;
  return allowed.some((r) => roles.has(r.toLowerCase()));
}

/** GOVERNANCE is lifted only by a request that asks to bypass it, from a principal allowed to. */
async function requireBypass(ctx: OperationContext): Promise<void> {
  if (!bypassRequested(ctx)) throw lockedError();
  if (!(await mayBypassGovernance(ctx))) {
    throw lockedError('Access Denied: bypassing GOVERNANCE retention needs a role listed in s3.objectLock.bypassGovernanceRoles, or a bucket policy allowing s3:BypassGovernanceRetention.');
  }
}

const UNVERIFIED = 'Access Denied: the object lock state of this version cannot be verified (written outside the gateway, or under another integrity key), so it is treated as locked.';

/**
 * AccessDenied unless this version (not a delete marker) may be deleted now.
 * True when the version may have lock records (to remove with it). `known`:
 * the bucket's configuration, read afresh by the caller for this request.
 */
export async function checkDeletable(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, known?: BucketLock): Promise<boolean> {
  const { state, records } = await lockWithSource(ctx, bucket, key, info, { known, strict: true });
  if (state.unverified) throw lockedError(UNVERIFIED);
  if (state.legalHold) throw lockedError();
  const active = activeRetention(state, Date.now());
  if (active?.mode === 'COMPLIANCE') throw lockedError();
  if (active) await requireBypass(ctx);
  return records;
}

/**
 * AccessDenied unless a version's retention may become `next` (null: removed).
 * Extending, or turning GOVERNANCE into COMPLIANCE, is always allowed; an
 * active COMPLIANCE retention can never be shortened, removed or weakened;
 * an active GOVERNANCE one only with a bypass.
 */
export async function checkRetentionChange(ctx: OperationContext, state: LockState, next: Retention | null): Promise<void> {
  if (state.unverified) throw lockedError(UNVERIFIED);
  const active = activeRetention(state, Date.now());
  if (!active) return;
  const notShorter = next !== null && next.until.getTime() >= active.until.getTime();
  if (active.mode === 'COMPLIANCE') {
    if (notShorter && next.mode === 'COMPLIANCE') return;
    throw lockedError();
  }
  if (notShorter) return;
  await requireBypass(ctx);
}
