// Object Lock rules as pure functions: the lock headers of a write, the
// stored items of a version, the bucket configuration's stored form and the
// judgement of a retention change (with and without a permitted bypass).
import { describe, expect, it } from 'vitest';
import { isS3Error } from '../../../../src/s3/errors.js';
import type { OperationContext } from '../../../../src/operations/context.js';
import { decodeBucketLock, encodeBucketLock, retentionFromDefault } from '../../../../src/operations/lock/bucket-config.js';
import { checkRetentionChange } from '../../../../src/operations/lock/enforce.js';
import { lockItems, lockResponseHeaders, parseLockHeaders, readLockItems, type LockState } from '../../../../src/operations/lock/state.js';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const day = 86_400_000;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isS3Error(err) ? `${err.code}: ${err.message}` : String(err);
  }
  return undefined;
};

describe('parseLockHeaders: the x-amz-object-lock-* headers of a write', () => {
  it('reads a mode with its date, and a legal hold', () => {
    expect(parseLockHeaders({ 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z', 'x-amz-object-lock-legal-hold': 'ON' }, NOW))
      .toEqual({ retention: { mode: 'COMPLIANCE', until: new Date('2030-01-01T00:00:00Z') }, legalHold: true });
    expect(parseLockHeaders({ 'x-amz-object-lock-legal-hold': 'OFF' }, NOW)).toEqual({ legalHold: false });
    expect(parseLockHeaders({}, NOW)).toBeUndefined();
  });

  it('refuses what S3 refuses, with its messages', () => {
    const h = (headers: Record<string, string>) => codeOf(() => parseLockHeaders(headers, NOW));
    expect(h({ 'x-amz-object-lock-mode': 'GOVERNANCE' })).toBe('InvalidArgument: x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
    expect(h({ 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' })).toContain('must both be supplied');
    expect(h({ 'x-amz-object-lock-mode': 'FOREVER', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' })).toBe('InvalidArgument: Unknown wormMode directive.');
    expect(h({ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2020-01-01T00:00:00Z' })).toBe('InvalidArgument: The retain until date must be in the future!');
    expect(h({ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': 'tomorrow' })).toContain('ISO 8601');
    expect(h({ 'x-amz-object-lock-legal-hold': 'on' })).toBe("InvalidArgument: Legal Hold must be either of 'ON' or 'OFF'");
  });
});

describe('lock items: what a version stores, and reads back', () => {
  it('round-trips a retention, a hold and a removed retention', () => {
    const retention = { mode: 'GOVERNANCE' as const, until: new Date('2199-12-31T23:59:59.000Z') };
    expect(lockItems({ retention, legalHold: true })).toEqual({ 'lock-mode': 'GOVERNANCE', 'lock-until': '2199-12-31T23:59:59.000Z', 'lock-hold': 'ON' });
    expect(readLockItems(lockItems({ retention, legalHold: false }))).toEqual({ retention, legalHold: false });
    expect(readLockItems(lockItems({ retention: null }))).toEqual({ retention: null });
    expect(readLockItems({})).toEqual({});
  });

  it('answers the lock headers of GetObject / HeadObject', () => {
    expect(lockResponseHeaders({ retention: { mode: 'COMPLIANCE', until: new Date(NOW) }, legalHold: false, unverified: false })).toEqual({
      'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2026-12-01T00:00:00.000Z', 'x-amz-object-lock-legal-hold': 'OFF',
    });
    expect(lockResponseHeaders({ unverified: false })).toEqual({});
  });
});

describe('the bucket configuration item', () => {
  it('round-trips, and reads a value that does not verify (null) or that it cannot parse as enabled with an unknown default', () => {
    for (const rule of [undefined, { mode: 'GOVERNANCE' as const, days: 30 }, { mode: 'COMPLIANCE' as const, years: 7 }]) {
      expect(decodeBucketLock(encodeBucketLock(rule))).toEqual({ enabled: true, unverified: false, ...(rule ? { rule } : {}) });
    }
    expect(decodeBucketLock(undefined)).toEqual({ enabled: false, unverified: false });
    expect(decodeBucketLock(null)).toEqual({ enabled: true, unverified: true });
    expect(decodeBucketLock('Disabled')).toEqual({ enabled: true, unverified: true });
  });

  it('a default of N days or years counts from the write (a year is 365 days)', () => {
    expect(retentionFromDefault({ mode: 'GOVERNANCE', days: 2 }, NOW)).toEqual({ mode: 'GOVERNANCE', until: new Date(NOW + 2 * day) });
    expect(retentionFromDefault({ mode: 'COMPLIANCE', years: 1 }, NOW).until.getTime()).toBe(NOW + 365 * day);
  });
});

describe('checkRetentionChange: who may shorten, remove or weaken a retention', () => {
  const ctxWith = (bypass: boolean, roles: string[]) => ({
    req: { headers: bypass ? { 'x-amz-bypass-governance-retention': 'true' } : {} },
    store: { account: async () => ({ roles }) },
    objectLock: { bypassGovernanceRoles: ['admin'] },
  }) as unknown as OperationContext;
  const future = (days: number) => new Date(Date.now() + days * day);
  const state = (mode: 'GOVERNANCE' | 'COMPLIANCE', days: number): LockState => ({ retention: { mode, until: future(days) }, unverified: false });
  const judge = async (ctx: OperationContext, s: LockState, next: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number } | null) =>
    checkRetentionChange(ctx, s, next && { mode: next.mode, until: future(next.days) }).then(() => 'allowed', (err: unknown) => (isS3Error(err) ? err.code : String(err)));

  it('extending is always allowed; so is GOVERNANCE → COMPLIANCE; an expired retention is no retention', async () => {
    const plain = ctxWith(false, ['member']);
    expect(await judge(plain, state('GOVERNANCE', 1), { mode: 'GOVERNANCE', days: 2 })).toBe('allowed');
    expect(await judge(plain, state('COMPLIANCE', 1), { mode: 'COMPLIANCE', days: 2 })).toBe('allowed');
    expect(await judge(plain, state('GOVERNANCE', 1), { mode: 'COMPLIANCE', days: 1 })).toBe('allowed');
    expect(await judge(plain, state('COMPLIANCE', -1), null)).toBe('allowed');
  });

  it('COMPLIANCE is never shortened, removed or turned into GOVERNANCE, bypass or not', async () => {
    const admin = ctxWith(true, ['admin']);
    for (const next of [{ mode: 'COMPLIANCE' as const, days: 1 }, { mode: 'GOVERNANCE' as const, days: 9 }, null]) {
      expect(await judge(admin, state('COMPLIANCE', 5), next)).toBe('AccessDenied');
    }
  });

  it('GOVERNANCE is shortened or removed only with x-amz-bypass-governance-retention from a permitted role', async () => {
    expect(await judge(ctxWith(false, ['admin']), state('GOVERNANCE', 5), { mode: 'GOVERNANCE', days: 1 })).toBe('AccessDenied');
    expect(await judge(ctxWith(true, ['member']), state('GOVERNANCE', 5), null)).toBe('AccessDenied');
    expect(await judge(ctxWith(true, ['Admin']), state('GOVERNANCE', 5), null)).toBe('allowed');
    expect(await judge(ctxWith(true, ['admin']), state('GOVERNANCE', 5), { mode: 'GOVERNANCE', days: 1 })).toBe('allowed');
  });

  it("another project's key (or an anonymous request) never bypasses, whatever its roles at home", async () => {
    const foreign = { ...ctxWith(true, ['admin']), bucketOwner: { id: 'owner-project', displayName: 'owner' } } as OperationContext;
    expect(await judge(foreign, state('GOVERNANCE', 5), null)).toBe('AccessDenied');
  });

  it('a bucket policy that allowed the request (its actions include s3:BypassGovernanceRetention) lets it bypass', async () => {
    const byPolicy = { ...ctxWith(true, ['member']), bucketOwner: { id: 'owner-project', displayName: 'owner' }, policyDecision: 'Allow' } as OperationContext;
    expect(await judge(byPolicy, state('GOVERNANCE', 5), null)).toBe('allowed');
    const noHeader = { ...ctxWith(false, ['admin']), policyDecision: 'Allow' } as OperationContext;
    expect(await judge(noHeader, state('GOVERNANCE', 5), null)).toBe('AccessDenied');
  });

  it('a lock that cannot be verified is never changed', async () => {
    expect(await judge(ctxWith(true, ['admin']), { unverified: true }, { mode: 'COMPLIANCE', days: 9 })).toBe('AccessDenied');
  });
});
