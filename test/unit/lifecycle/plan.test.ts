// What the runner decides for current objects, versions and uploads, from the rules and the time alone.
import { describe, expect, it } from 'vitest';
import type { LifecycleConfiguration, LifecycleRule } from '../../../src/s3/lifecycle.js';
import { planCurrent, planUpload, planVersions, type Version } from '../../../src/lifecycle/plan.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-10T12:00:00Z');
const r = (over: Partial<LifecycleRule>): LifecycleRule => ({ id: 'r', status: 'Enabled', filter: {}, transitions: [], noncurrentTransitions: [], ...over });
const config = (...rules: LifecycleRule[]): LifecycleConfiguration => ({ rules, transitionMinimumSize: 'all_storage_classes_128K' });
const v = (id: string, daysAfterT0: number, deleteMarker = false): Version => ({ versionId: id, deleteMarker, lastModifiedMs: T0 + daysAfterT0 * DAY, size: 200_000 });

describe('planCurrent', () => {
  const c = config(r({ id: 'exp', expiration: { days: 2 }, transitions: [{ days: 1, storageClass: 'GLACIER' }] }));
  it('expires once the rounded-up date has come, not a moment before', () => {
    const object = { key: 'k', size: 200_000, lastModifiedMs: T0 };
    expect(planCurrent(c, object, Date.parse('2026-01-12T23:59:59Z'))?.kind).toBe('transition');
    expect(planCurrent(c, object, Date.parse('2026-01-13T00:00:00Z'))).toEqual({ kind: 'expire', key: 'k', ruleId: 'exp' });
    expect(planCurrent(c, object, Date.parse('2026-01-11T23:00:00Z'))).toBeUndefined();
  });
  it('does not move objects under 128 KB by default, unless the rule filters on size', () => {
    const small = { key: 'k', size: 1000, lastModifiedMs: T0 };
    const now = T0 + 1.5 * DAY;
    expect(planCurrent(c, small, now)).toBeUndefined();
    const sized = config(r({ filter: { sizeGreaterThan: 10 }, transitions: [{ days: 1, storageClass: 'GLACIER' }] }));
    expect(planCurrent(sized, small, now)).toMatchObject({ kind: 'transition', storageClass: 'GLACIER' });
    expect(planCurrent({ ...c, transitionMinimumSize: 'varies_by_storage_class' }, small, now)).toMatchObject({ kind: 'transition' });
  });
  it('moves an object to the class of the latest due transition, and leaves one already there', () => {
    const waterfall = config(r({ transitions: [{ days: 1, storageClass: 'STANDARD_IA' }, { days: 5, storageClass: 'GLACIER_IR' }] }));
    const object = { key: 'k', size: 200_000, lastModifiedMs: T0 };
    expect(planCurrent(waterfall, { ...object, storageClass: 'STANDARD' }, T0 + 2 * DAY)).toMatchObject({ storageClass: 'STANDARD_IA' });
    expect(planCurrent(waterfall, { ...object, storageClass: 'STANDARD_IA' }, T0 + 2 * DAY)).toBeUndefined();
    expect(planCurrent(waterfall, { ...object, storageClass: 'STANDARD_IA' }, T0 + 6 * DAY)).toMatchObject({ storageClass: 'GLACIER_IR' });
  });
});

describe('planVersions', () => {
  const c = config(r({ id: 'nc', expiration: { days: 5 }, noncurrentExpiration: { noncurrentDays: 1 } }));
  it('puts a delete marker on the expired current version and removes noncurrent ones a day after they were replaced', () => {
    // v3 current (day 2), v2 replaced on day 2, v1 replaced on day 1.
    const versions = [v('3', 2), v('2', 1), v('1', 0)];
    const actions = planVersions(c, 'k', versions, T0 + 2.6 * DAY);
    expect(actions).toEqual([{ kind: 'expire-noncurrent', key: 'k', versionId: '1', ruleId: 'nc' }]);
    expect(planVersions(c, 'k', versions, T0 + 8 * DAY).map((a) => a.kind)).toEqual(['expire', 'expire-noncurrent', 'expire-noncurrent']);
  });
  it('keeps the NewerNoncurrentVersions newest noncurrent versions whatever their age', () => {
    const keep = config(r({ id: 'keep2', noncurrentExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 2 } }));
    const versions = [v('5', 4), v('4', 3), v('3', 2), v('2', 1), v('1', 0)];
    expect(planVersions(keep, 'k', versions, T0 + 30 * DAY).map((a) => 'versionId' in a && a.versionId)).toEqual(['2', '1']);
  });
  it('removes a delete marker left alone (ExpiredObjectDeleteMarker), also once its noncurrent versions go in the same pass', () => {
    const eodm = config(r({ id: 'm', expiration: { expiredObjectDeleteMarker: true } }));
    expect(planVersions(eodm, 'k', [v('2', 1, true)], T0 + 2 * DAY)).toEqual([{ kind: 'remove-delete-marker', key: 'k', versionId: '2', ruleId: 'm' }]);
    expect(planVersions(eodm, 'k', [v('2', 1, true), v('1', 0)], T0 + 2 * DAY)).toEqual([]);
    expect(planVersions(c, 'k', [v('2', 1, true), v('1', 0)], T0 + 3 * DAY).map((a) => a.kind)).toEqual(['expire-noncurrent']);
    expect(planVersions(c, 'k', [v('2', 1, true), v('1', 0)], T0 + 9 * DAY).map((a) => a.kind)).toEqual(['expire-noncurrent', 'remove-delete-marker']);
  });
});

describe('planUpload', () => {
  it('aborts uploads DaysAfterInitiation (rounded up to midnight) after they began, under the rule\'s prefix', () => {
    const c = config(r({ id: 'abort', filter: { prefix: 'up/' }, abortIncomplete: { daysAfterInitiation: 1 } }));
    const upload = { key: 'up/big', uploadId: 'U', initiatedMs: T0 };
    expect(planUpload(c, upload, Date.parse('2026-01-11T23:59:00Z'))).toBeUndefined();
    expect(planUpload(c, upload, Date.parse('2026-01-12T00:00:00Z'))).toEqual({ kind: 'abort-upload', key: 'up/big', uploadId: 'U', ruleId: 'abort' });
    expect(planUpload(c, { ...upload, key: 'other' }, T0 + 9 * DAY)).toBeUndefined();
  });
});
