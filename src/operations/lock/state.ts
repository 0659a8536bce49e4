// S3 Object Lock state of one object version: a retention (mode and
// retain-until date) and a legal hold, as reserved items of the gateway
// (sealed: swift/sealed-state.ts), and what that state forbids.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
import { s3Error } from '../../s3/errors.js';
import type { Reserved } from '../../swift/sealed-state.js';
import type { ObjectInfo } from '../../swift/store.js';

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';
export const LOCK_MODES: readonly LockMode[] = ['GOVERNANCE', 'COMPLIANCE'];

export interface Retention {
  readonly mode: LockMode;
  readonly until: Date;
}

export interface LockState {
  readonly retention?: Retention;
  /** undefined: never set (GetObjectLegalHold then answers NoSuchObjectLockConfiguration). */
  readonly legalHold?: boolean;
  /**
   * Lock items are there but their seal does not verify (written outside the
   * gateway, or under an earlier integrity key). Such a version is treated as
   * locked: deleting it or changing its lock through the gateway is refused,
   * since reading an unverifiable lock as "unlocked" would let anyone who can
   * write Swift metadata unlock data.
   */
  readonly unverified: boolean;
}

/** Reserved item names (X-Object-Meta-S3gw-Lock-*). */
export const LOCK_MODE = 'lock-mode';
export const LOCK_UNTIL = 'lock-until';
export const LOCK_HOLD = 'lock-hold';
/** A lock-mode that says "retention removed" (a record that supersedes the version's own items). */
export const NO_RETENTION = 'NONE';

const LOCK_HEADER_PREFIX = 'x-object-meta-s3gw-lock-';

/** The reserved items that store a retention and a legal hold (either may be left out). */
export function lockItems(lock: { retention?: Retention | null; legalHold?: boolean }): Record<string, string> {
  const out: Record<string, string> = {};
  if (lock.retention === null) out[LOCK_MODE] = NO_RETENTION;
  else if (lock.retention) {
    out[LOCK_MODE] = lock.retention.mode;
    out[LOCK_UNTIL] = lock.retention.until.toISOString();
  }
  if (lock.legalHold !== undefined) out[LOCK_HOLD] = lock.legalHold ? 'ON' : 'OFF';
  return out;
}

/** What lock items say: retention null when removed, undefined when they do not say. */
export function readLockItems(items: Reserved): { retention?: Retention | null; legalHold?: boolean } {
  const out: { retention?: Retention | null; legalHold?: boolean } = {};
  const mode = items[LOCK_MODE];
  if (mode === NO_RETENTION) out.retention = null;
  else if (mode === 'GOVERNANCE' || mode === 'COMPLIANCE') {
    const until = Date.parse(items[LOCK_UNTIL] ?? '');
    if (!Number.isNaN(until)) out.retention = { mode, until: new Date(until) };
  }
  const hold = items[LOCK_HOLD];
  if (hold === 'ON' || hold === 'OFF') out.legalHold = hold === 'ON';
  return out;
}

/** Whether a version carries lock items at all (verified or not). */
export const hasLockItems = (info: ObjectInfo): boolean => info.reservedHeaders.some((name) => name.startsWith(LOCK_HEADER_PREFIX));

/** Only the lock items among a version's (or an upload marker's) reserved items. */
export function lockItemsOf(items: Reserved): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [LOCK_MODE, LOCK_UNTIL, LOCK_HOLD]) if (items[name] !== undefined) out[name] = items[name];
  return out;
}

/** Whether a Swift answer carries lock items that did not verify (its seal failed). */
export function hasUnverifiedLock(info: ObjectInfo): boolean {
  return hasLockItems(info) && info.reserved[LOCK_MODE] === undefined && info.reserved[LOCK_HOLD] === undefined;
}

/** The lock a version was written with (its own reserved items). */
export function writtenLock(info: ObjectInfo): LockState {
  const items = readLockItems(info.reserved);
  return { retention: items.retention ?? undefined, legalHold: items.legalHold, unverified: hasUnverifiedLock(info) };
}

/** A retention still in force at `now`. */
export const activeRetention = (state: LockState, now: number): Retention | undefined =>
  state.retention && state.retention.until.getTime() > now ? state.retention : undefined;

/** x-amz-object-lock-* response headers of GetObject and HeadObject. */
export function lockResponseHeaders(state: LockState): Record<string, string> {
  const out: Record<string, string> = {};
  if (state.retention) {
    out['x-amz-object-lock-mode'] = state.retention.mode;
    out['x-amz-object-lock-retain-until-date'] = state.retention.until.toISOString();
  }
  if (state.legalHold !== undefined) out['x-amz-object-lock-legal-hold'] = state.legalHold ? 'ON' : 'OFF';
  return out;
}

/** ISO 8601 as clients send it (`2030-01-01T00:00:00Z`, with or without fractions or an offset). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** A retain-until date; InvalidArgument when it is not one. */
export function parseRetainUntil(value: string, argument: string): Date {
  const text = value.trim();
  const ms = ISO_DATE.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw s3Error('InvalidArgument', { ArgumentName: argument, ArgumentValue: value }, 'The retain until date must be provided in ISO 8601 format');
  }
  return new Date(ms);
}

/** S3's check of a new retention: its date must be in the future. */
export function requireFuture(until: Date, now: number, argument: string): void {
  if (until.getTime() <= now) {
    throw s3Error('InvalidArgument', { ArgumentName: argument, ArgumentValue: until.toISOString() }, 'The retain until date must be in the future!');
  }
}

/**
 * The x-amz-object-lock-* headers of a write (PutObject, CopyObject,
 * CreateMultipartUpload): undefined when it has none. Mode and date come
 * together or not at all, as S3 requires.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export function parseLockHeaders(headers: Readonly<Record<string, string>>, now: number): { retention?: Retention; legalHold?: boolean } | undefined {
  const mode = headers['x-amz-object-lock-mode']?.trim();
  const until = headers['x-amz-object-lock-retain-until-date'];
  const hold = headers['x-amz-object-lock-legal-hold']?.trim();
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  const out: { retention?: Retention; legalHold?: boolean } = {};
  if ((mode === undefined) !== (until === undefined)) {
    throw s3Error('InvalidArgument', { ArgumentName: mode === undefined ? 'x-amz-object-lock-mode' : 'x-amz-object-lock-retain-until-date' },
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  }
  if (mode !== undefined && until !== undefined) {
    if (!(LOCK_MODES as readonly string[]).includes(mode)) {
      throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-object-lock-mode', ArgumentValue: mode }, 'Unknown wormMode directive.');
    }
    const date = parseRetainUntil(until, 'x-amz-object-lock-retain-until-date');
    requireFuture(date, now, 'x-amz-object-lock-retain-until-date');
    out.retention = { mode: mode as LockMode, until: date };
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF') {
      throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-object-lock-legal-hold', ArgumentValue: hold }, "Legal Hold must be either of 'ON' or 'OFF'");
    }
    out.legalHold = hold === 'ON';
  }
  return out;
}
