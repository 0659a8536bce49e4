// The short-lived caches of bucket facts (which hidden containers exist, lock
// configurations, storage policies): concurrent requests that find no answer
// share one Swift HEAD, and a failed HEAD (one requester's token refused) is
// neither shared nor cached.
import { describe, expect, it } from 'vitest';
import { KnownContainers } from '../../../../src/operations/common/segments.js';
import { SharedLookups } from '../../../../src/operations/common/shared-lookups.js';

const deferred = () => {
  let resolve!: (v: boolean) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<boolean>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

describe('SharedLookups.lookup (KnownContainers)', () => {
  it('asks Swift once for any number of requests waiting on the same container, then answers from the cache', async () => {
    const known = new KnownContainers();
    const head = deferred();
    let probes = 0;
    const probe = () => { probes++; return head.promise; };
    const waiting = Array.from({ length: 64 }, () => known.lookup('acct\nb+segments', probe));
    head.resolve(false);
    expect(await Promise.all(waiting)).toEqual(Array(64).fill(false));
    expect(probes).toBe(1);
    expect(await known.lookup('acct\nb+segments', probe)).toBe(false);
    expect(probes).toBe(1);
    expect(known.get('acct\nb+segments')).toBe(false);
  });

  it('keeps containers apart', async () => {
    const known = new KnownContainers();
    expect(await known.lookup('acct\na+segments', async () => true)).toBe(true);
    expect(await known.lookup('acct\nb+segments', async () => false)).toBe(false);
    expect(await known.lookup('other\na+segments', async () => false)).toBe(false);
  });

  it('does not hand a failed HEAD to the others: each asks with its own, and nothing is cached from the failure', async () => {
    const known = new KnownContainers();
    const first = deferred();
    const refused = known.lookup('acct\nb+segments', () => first.promise);
    let own = 0;
    const other = known.lookup('acct\nb+segments', async () => { own++; return true; });
    first.reject(new Error('403 for this token'));
    await expect(refused).rejects.toThrow('403 for this token');
    expect(await other).toBe(true);
    expect(own).toBe(1);
    expect(known.get('acct\nb+segments')).toBe(true);
  });
});

describe('SharedLookups.refresh', () => {
  it('asks now even with an answer cached or a lookup under way, and keeps what it got', async () => {
    const locks = new SharedLookups<string>({ ttlMs: 60_000 });
    expect(await locks.lookup('b', async () => 'old')).toBe('old');
    expect(await locks.refresh('b', async () => 'new')).toBe('new');
    expect(await locks.lookup('b', async () => 'unused')).toBe('new');
  });
});
