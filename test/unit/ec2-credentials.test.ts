// The Keystone EC2 credential store, with a stand-in for Keystone's API (the
// real Keystone is in test/integration/keystone-ec2.test.ts).
import { describe, expect, it } from 'vitest';
import { KeystoneCredentialStore } from '../../src/ec2-credentials.js';
import { UpstreamUnavailable } from '../../src/swift/errors.js';
import type { Ec2Owner } from '../../src/swift/keystone-ec2.js';
import type { KeystoneIdentity } from '../../src/swift/keystone.js';

const service: KeystoneIdentity = { kind: 'password', username: 's3gateway', password: 'p', userDomain: 'Default', projectName: 'service' };
const owner: Ec2Owner = { userId: 'u1', userName: 'demo', projectId: 'p1', projectName: 'demo', roles: ['member'] };
const proof = () => ({ stringsToSign: ['GET\n\n\nDate\n/b/k', 'GET\n\n\nDate\n/b/k/'], signature: 'sig' });

function fakeKeystone(opts: { accepts?: string; secret?: string; stored?: boolean; down?: boolean } = {}) {
  const calls = { validate: 0, secret: 0, credential: 0 };
  return {
    calls,
    api: {
      async validate(_access: string, stringToSign: string) {
        calls.validate++;
        await new Promise((r) => setTimeout(r, 5));
        if (opts.down) throw new UpstreamUnavailable('keystone', 'down');
        return stringToSign === (opts.accepts ?? 'GET\n\n\nDate\n/b/k') ? owner : undefined;
      },
      async secret() {
        calls.secret++;
        return opts.secret ?? 'the-secret';
      },
      async credential() {
        calls.credential++;
        return opts.stored ? { secret: 'stored-secret', userId: 'u9', projectId: 'p9' } : undefined;
      },
    },
  };
}

describe('KeystoneCredentialStore', () => {
  it('asks Keystone once, then serves the cached secret with no Keystone call', async () => {
    const k = fakeKeystone();
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 60 });
    const first = await store.lookup('AK', proof);
    expect(first?.secretKey).toBe('the-secret');
    expect(first?.identity).toMatchObject({ kind: 'delegated', projectId: 'p1', userName: 'demo', roles: ['member'], service });
    for (let i = 0; i < 10; i++) expect((await store.lookup('AK', proof))?.secretKey).toBe('the-secret');
    expect(k.calls).toEqual({ validate: 1, secret: 1, credential: 0 });
  });

  it('makes one round of Keystone calls for many concurrent first requests of one key', async () => {
    const k = fakeKeystone();
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 60 });
    const all = await Promise.all(Array.from({ length: 50 }, () => store.lookup('AK', proof)));
    expect(all.every((c) => c?.secretKey === 'the-secret')).toBe(true);
    expect(k.calls.validate).toBe(1);
    expect(k.calls.secret).toBe(1);
  });

  it('tries the next candidate string to sign when Keystone refuses the first', async () => {
    const k = fakeKeystone({ accepts: 'GET\n\n\nDate\n/b/k/' });
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 60 });
    expect((await store.lookup('AK', proof))?.secretKey).toBe('the-secret');
    expect(k.calls.validate).toBe(2);
  });

  it('answers undefined (InvalidAccessKeyId) for a key Keystone does not hold', async () => {
    const k = fakeKeystone({ accepts: 'nothing' });
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 60 });
    expect(await store.lookup('AK', proof)).toBeUndefined();
  });

  it('answers the stored secret with no roles, uncached, when Keystone holds the key but refuses it', async () => {
    const k = fakeKeystone({ accepts: 'nothing', stored: true });
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 60 });
    const c = await store.lookup('AK', proof);
    expect(c?.secretKey).toBe('stored-secret');
    expect(c?.identity).toMatchObject({ kind: 'delegated', roles: [] });
    await store.lookup('AK', proof);
    expect(k.calls.credential).toBe(2);
  });

  it('lets Keystone being down surface as UpstreamUnavailable (the client gets 503)', async () => {
    const k = fakeKeystone({ down: true });
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 60 });
    await expect(store.lookup('AK', proof)).rejects.toBeInstanceOf(UpstreamUnavailable);
  });

  it('asks Keystone again once the secret cache time has passed', async () => {
    const k = fakeKeystone();
    const store = new KeystoneCredentialStore({ keystone: k.api, service, cacheSeconds: 1 });
    await store.lookup('AK', proof);
    await new Promise((r) => setTimeout(r, 1100));
    await store.lookup('AK', proof);
    expect(k.calls.validate).toBe(2);
  });
});
