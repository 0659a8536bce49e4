// The bucket registry and the resolver on the fake Swift: the election of a
// name among concurrent claimants, release and settings only by the owner,
// what a broken entry means, and the resolver's adoption and conflict paths.
import { describe, expect, it } from 'vitest';
import { BucketRegistry } from '../../../src/namespace/registry.js';
import { BucketResolver } from '../../../src/namespace/resolve.js';
import type { BucketRecord } from '../../../src/namespace/record.js';
import { SwiftClient } from '../../../src/swift/client.js';
import { SwiftInfo } from '../../../src/swift/info.js';
import { KeystoneTokens } from '../../../src/swift/keystone.js';
import { Sealer } from '../../../src/swift/sealed-state.js';
import { SwiftStore } from '../../../src/swift/store.js';
import { FakeSwift } from '../../helpers/fake-swift/index.js';

const CONTAINER = 's3gw-bucket-registry';

function rig() {
  const fake = new FakeSwift();
  const service = fake.addUser({ name: 's3gateway', project: 'service', roles: ['admin'] });
  const alice = fake.addUser({ name: 'alice', project: 'demo', roles: ['member'] });
  const bob = fake.addUser({ name: 'bob', project: 'alt', roles: ['member'] });
  const tokens = new KeystoneTokens({ authUrl: fake.authUrl, dispatcher: fake.dispatcher, interface: 'public', safetyMarginMs: 60_000, maxEntries: 100, timeoutMs: 5_000 });
  const info = new SwiftInfo(fake.dispatcher);
  const swift = new SwiftClient({ dispatcher: fake.dispatcher, tokens, limits: (url) => info.limits(url), headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
  const seal = new Sealer(Buffer.alloc(32, 1));
  const storeOf = (identity: typeof service.identity) => new SwiftStore(swift.session(identity, { transId: '' }), seal);
  /** A replica's registry: its own cache over the one service account. */
  const registry = (events: ConstructorParameters<typeof BucketRegistry>[0]['events'] = {}) =>
    new BucketRegistry({ store: storeOf(service.identity), container: CONTAINER, ttlMs: 60_000, absentTtlMs: 60_000, maxEntries: 100, events });
  return { fake, service, alice, bob, storeOf, registry };
}

const record = (account: string, id = account): BucketRecord => ({ account, owner: { id, displayName: id }, registered: '2026-12-01T00:00:00.000Z', settings: {} });

describe('BucketRegistry', () => {
  it('lets exactly one of many concurrent claimants on many replicas win a name, and all agree on the winner', async () => {
    const { registry } = rig();
    const replicas = Array.from({ length: 6 }, () => registry());
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const results = await Promise.all(replicas.map((r, i) => r.claim(name, record(`AUTH_p${i}`))));
      const winners = results.filter((c) => c.won);
      expect(winners, name).toHaveLength(1);
      const holder = winners[0]!.record.account;
      for (const c of results) expect(c.record?.account, name).toBe(holder);
      for (const r of replicas) {
        r.forget(name);
        expect((await r.lookup(name))?.account, name).toBe(holder);
      }
    }
  });

  it('a second claim by the holder is not a win but names the holder; only the holder releases or changes settings', async () => {
    const { registry } = rig();
    const r = registry();
    expect((await r.claim('b', record('AUTH_a'))).won).toBe(true);
    expect(await r.claim('b', record('AUTH_a'))).toMatchObject({ won: false, record: { account: 'AUTH_a' } });
    expect(await r.updateSettings('b', 'AUTH_x', (s) => ({ ...s, policy: '{}' }))).toBeUndefined();
    await r.release('b', 'AUTH_x');
    expect((await r.lookup('b'))?.account).toBe('AUTH_a');
    expect((await r.updateSettings('b', 'AUTH_a', (s) => ({ ...s, policy: '{"Version":"2012-10-17"}' })))?.settings.policy).toBe('{"Version":"2012-10-17"}');
    const other = registry();
    expect((await other.lookup('b'))?.settings.policy).toBe('{"Version":"2012-10-17"}');
    await r.release('b', 'AUTH_a');
    expect(await r.lookup('b')).toBeUndefined();
    expect((await registry().claim('b', record('AUTH_x'))).won).toBe(true);
  });

  it('treats an entry that is not a record (or claims another account than its name says) as absent, and reports it', async () => {
    const { fake, service, registry } = rig();
    const unreadable: string[] = [];
    fake.putContainer(service.account, CONTAINER);
    fake.putObject(service.account, CONTAINER, 'junk/AUTH_a/1', 'not json');
    fake.putObject(service.account, CONTAINER, 'forged/AUTH_a/1', JSON.stringify({ format: 1, ...record('AUTH_b') }));
    const r = registry({ unreadable: (b) => unreadable.push(b) });
    expect(await r.lookup('junk')).toBeUndefined();
    expect(await r.lookup('forged')).toBeUndefined();
    expect(unreadable.sort()).toEqual(['forged', 'junk']);
  });

  it('makes its container on the first registration, and lists the registered names once each', async () => {
    const { registry } = rig();
    const r = registry();
    expect([...(await collect(r.names()))]).toEqual([]);
    for (const name of ['one', 'two', 'three']) await r.claim(name, record('AUTH_a'));
    expect(await collect(r.names())).toEqual(['one', 'three', 'two']);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('BucketResolver', () => {
  it('adopts an unregistered container on its owner\'s first access, reports a name another account uses locally, and places anonymous requests', async () => {
    const { fake, alice, bob, storeOf, registry } = rig();
    const events = { adopted: [] as string[], conflict: [] as string[] };
    const reg = registry();
    const resolver = new BucketResolver(reg, { adopted: (b, a) => events.adopted.push(`${b}@${a}`), conflict: (b, to, by) => events.conflict.push(`${b}:${to}<-${by}`) });
    const who = (u: typeof alice) => ({ account: u.account, owner: { id: u.projectId, displayName: `user of ${u.projectId}` }, store: storeOf(u.identity) });

    fake.putContainer(alice.account, 'made-by-swift');
    expect(await resolver.resolve('made-by-swift', undefined)).toEqual({ kind: 'unknown' });
    expect(await resolver.resolve('made-by-swift', who(alice))).toEqual({ kind: 'own' });
    expect(events.adopted).toEqual([`made-by-swift@${alice.account}`]);
    reg.forget('made-by-swift');
    expect(await resolver.resolve('made-by-swift', undefined)).toMatchObject({ kind: 'foreign', record: { account: alice.account } });
    expect(await resolver.resolve('made-by-swift', who(bob))).toMatchObject({ kind: 'foreign', record: { account: alice.account } });

    fake.putContainer(bob.account, 'made-by-swift');
    resolver.forgetLocal('made-by-swift', bob.account);
    expect(await resolver.resolve('made-by-swift', who(bob))).toEqual({ kind: 'own' });
    expect(events.conflict).toEqual([`made-by-swift:${alice.account}<-${bob.account}`]);

    // A name nobody has: the owner's own account answers (NoSuchBucket there), nothing is registered.
    expect(await resolver.resolve('nobody', who(alice))).toEqual({ kind: 'own' });
    expect(await reg.lookup('nobody')).toBeUndefined();
  });
});

describe('the first burst of requests to a bucket made outside the gateway', () => {
  it('registers it once, and every request of the burst is served as its owner\'s', async () => {
    const { fake, service, alice, storeOf, registry } = rig();
    const adopted: string[] = [];
    const failed: unknown[] = [];
    const reg = registry();
    const resolver = new BucketResolver(reg, { adopted: (b) => adopted.push(b), adoptionFailed: (_b, err) => failed.push(err) });
    fake.putContainer(alice.account, 'burst');
    const who = { account: alice.account, owner: { id: alice.projectId, displayName: 'alice' }, store: storeOf(alice.identity) };
    // Anonymous lookups of the same name run beside the adoption (a forget() in the middle of their read).
    const homes = await Promise.all([
      ...Array.from({ length: 16 }, () => resolver.resolve('burst', who)),
      ...Array.from({ length: 4 }, () => reg.lookup('burst')),
    ]);
    expect(homes.slice(0, 16)).toEqual(Array.from({ length: 16 }, () => ({ kind: 'own' })));
    expect(failed).toEqual([]);
    expect(adopted).toEqual(['burst']);
    // One claim object left: the burst's election settled.
    expect((await storeOf(service.identity).listObjects(CONTAINER, { prefix: 'burst/' })).length).toBe(1);
    reg.forget('burst');
    expect((await reg.lookup('burst'))?.account).toBe(alice.account);
  });
});
