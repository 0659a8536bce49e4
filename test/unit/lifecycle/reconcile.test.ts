// Which X-Delete-At a retired rule gave, and what it becomes under the rules in force.
import { describe, expect, it } from 'vitest';
import type { LifecycleRule } from '../../../src/s3/lifecycle.js';
import { correctionFor } from '../../../src/lifecycle/reconcile.js';
import { withLifecycle } from '../../../src/operations/bucket/lifecycle.js';

const r = (over: Partial<LifecycleRule>): LifecycleRule => ({ id: 'r', status: 'Enabled', filter: {}, transitions: [], noncurrentTransitions: [], ...over });
const written = 'Thu, 15 Jan 2026 10:30:01 GMT';
const seconds = (iso: string) => Date.parse(iso) / 1000;
const NOW = Date.parse('2026-01-15T12:00:00Z');

describe('correctionFor', () => {
  const old = r({ id: 'old', filter: { prefix: 'tmp/' }, expiration: { days: 1 } });
  const info = { deleteAt: seconds('2026-01-17T00:00:00Z'), lastModified: written, size: 5 };
  it('moves an X-Delete-At a retired rule gave to the current rules\' date, or removes it', () => {
    expect(correctionFor(info, 'tmp/a', [old], [r({ filter: { prefix: 'tmp/' }, expiration: { days: 10 } })], NOW)).toEqual({ deleteAt: seconds('2026-01-26T00:00:00Z') });
    expect(correctionFor(info, 'tmp/a', [old], [], NOW)).toEqual({ deleteAt: null });
  });
  it('leaves what no retired rule explains, what is already right, what a current Tag rule may have given, and what is due already', () => {
    expect(correctionFor({ ...info, deleteAt: info.deleteAt + 60 }, 'tmp/a', [old], [], NOW)).toBeUndefined();
    expect(correctionFor(info, 'other/a', [old], [], NOW)).toBeUndefined();
    expect(correctionFor(info, 'tmp/a', [old], [r({ id: 'same', filter: { prefix: 'tmp/' }, expiration: { days: 1 } })], NOW)).toBeUndefined();
    expect(correctionFor(info, 'tmp/a', [old], [r({ filter: { tag: { key: 'k', value: 'v' } }, expiration: { days: 3 } })], NOW)).toBeUndefined();
    expect(correctionFor(info, 'tmp/a', [old], [r({ expiration: { date: '2026-01-01T00:00:00.000Z' } })], NOW)).toBeUndefined();
    expect(correctionFor({ ...info, deleteAt: undefined }, 'tmp/a', [old], [], NOW)).toBeUndefined();
  });
});

describe('withLifecycle', () => {
  const config = (days: number) => ({ rules: [r({ expiration: { days } })], transitionMinimumSize: 'all_storage_classes_128K' as const });
  const at = new Date('2026-02-01T00:00:00Z');
  it('retires the old expiring rules when they change or go, and keeps the retired list otherwise', () => {
    const first = withLifecycle({}, config(1), at);
    expect(first).toEqual({ lifecycle: config(1) });
    const changed = withLifecycle(first, config(5), at);
    expect(changed.lifecycleRetired).toEqual({ rules: config(1).rules, since: at.toISOString() });
    expect(withLifecycle(changed, config(5), new Date()).lifecycleRetired).toEqual(changed.lifecycleRetired);
    const deleted = withLifecycle(changed, undefined, at);
    expect(deleted.lifecycle).toBeUndefined();
    expect(deleted.lifecycleRetired!.rules).toEqual([...config(1).rules, ...config(5).rules]);
  });
});
