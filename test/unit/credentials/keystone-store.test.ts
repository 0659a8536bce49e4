// The Keystone EC2 credential store, with a stand-in for Keystone's credential
// API and a chosen clock (the real Keystone is in test/integration/keystone-ec2.test.ts).
import { describe, expect, it } from 'vitest';
import { KeystoneCredentialStore, RateLimit, type Ec2StoreOptions } from '../../../src/credentials/keystone-store.js';
import { UpstreamUnavailable } from '../../../src/swift/errors.js';
import type { KeystoneIdentity } from '../../../src/swift/keystone.js';

const service: KeystoneIdentity = { kind: 'password', username: 's3gateway', password: 'p', userDomain: 'Default', projectName: 'service' };

function fakeKeystone(opts: { known?: ReadonlySet<string>; down?: boolean } = {}) {
  const calls: string[] = [];
  return {
    calls,
    api: {
      async credential(access: string) {
        calls.push(access);
        await new Promise((r) => setTimeout(r, 5));
        if (opts.down) throw new UpstreamUnavailable('keystone', 'down');
        return (opts.known ?? new Set(['AK'])).has(access) ? { secret: `secret-of-${access}`, userId: 'u1', projectId: 'p1' } : undefined;
      },
    },
  };
}

function store(k: ReturnType<typeof fakeKeystone>, over: Partial<Ec2StoreOptions> = {}) {
  const clock = { now: 1_000_000 };
  const s = new KeystoneCredentialStore({
    keystone: k.api, service, cacheSeconds: 60, unknownKeyCacheSeconds: 15, lookupsPerSecond: 100, now: () => clock.now, ...over,
  });
  return { s, clock };
}

describe('KeystoneCredentialStore', () => {
  it('reads a key once, then serves its secret and owner with no Keystone call', async () => {
    const k = fakeKeystone();
    const { s } = store(k);
    const first = await s.lookup('AK');
    expect(first?.secretKey).toBe('secret-of-AK');
    expect(first?.identity).toMatchObject({ kind: 'ec2', access: 'AK', secret: 'secret-of-AK', userId: 'u1', projectId: 'p1', service });
    for (let i = 0; i < 10; i++) expect((await s.lookup('AK'))?.identity).toBe(first?.identity);
    expect(k.calls).toEqual(['AK']);
  });

  it('makes one Keystone call for many concurrent first requests of one key', async () => {
    const k = fakeKeystone();
    const { s } = store(k);
    const all = await Promise.all(Array.from({ length: 50 }, () => s.lookup('AK')));
    expect(all.every((c) => c?.secretKey === 'secret-of-AK')).toBe(true);
    expect(k.calls).toHaveLength(1);
  });

  it('answers undefined (InvalidAccessKeyId) for an unknown key after one call, and remembers that for unknownKeyCacheSeconds', async () => {
    const k = fakeKeystone();
    const { s, clock } = store(k);
    for (let i = 0; i < 20; i++) expect(await s.lookup('NOPE')).toBeUndefined();
    expect(k.calls).toEqual(['NOPE']);
    clock.now += 16_000;
    expect(await s.lookup('NOPE')).toBeUndefined();
    expect(k.calls).toEqual(['NOPE', 'NOPE']);
  });

  it('reads a key again once the secret cache time has passed, as a new identity (so its token is asked for anew)', async () => {
    const k = fakeKeystone();
    const { s, clock } = store(k, { cacheSeconds: 1 });
    const first = await s.lookup('AK');
    clock.now += 1_500;
    const second = await s.lookup('AK');
    expect(k.calls).toHaveLength(2);
    expect(second?.identity).not.toEqual(first?.identity);
  });

  it('answers SlowDown beyond keystoneLookupsPerSecond for keys it has not seen, and still serves cached ones', async () => {
    const k = fakeKeystone({ known: new Set(['AK', ...Array.from({ length: 10 }, (_, i) => `K${i}`)]) });
    const { s, clock } = store(k, { lookupsPerSecond: 3 });
    await s.lookup('AK');
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => s.lookup(`K${i}`).then(() => 'ok', (err: { code?: string }) => err.code)));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'SlowDown')).toHaveLength(8);
    expect(k.calls).toHaveLength(3);
    expect((await s.lookup('AK'))?.secretKey).toBe('secret-of-AK');
    clock.now += 1_000;
    expect((await s.lookup('K9'))?.secretKey).toBe('secret-of-K9');
  });

  it('lets Keystone being down surface as UpstreamUnavailable (the client gets 503), and caches nothing', async () => {
    const k = fakeKeystone({ down: true });
    const { s } = store(k);
    await expect(s.lookup('AK')).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(s.lookup('AK')).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(k.calls).toHaveLength(2);
  });
});

describe('RateLimit', () => {
  it('gives `rate` at once, then refills at `rate` a second', () => {
    let now = 0;
    const limit = new RateLimit(2, () => now);
    expect([limit.take(), limit.take(), limit.take()]).toEqual([true, true, false]);
    now += 500;
    expect([limit.take(), limit.take()]).toEqual([true, false]);
    now += 10_000;
    expect([limit.take(), limit.take(), limit.take()]).toEqual([true, true, false]);
  });
});
