// The fake Keystone through the gateway's own clients: password and
// application-credential tokens with Swift's catalog, /v3/ec2tokens with
// keystoneclient's signature check, /v3/credentials for the service identity.
import { describe, expect, it } from 'vitest';
import { ec2TokenRequestBody } from '../../../src/swift/ec2-token-request.js';
import { IdentityRejected } from '../../../src/swift/errors.js';
import { KeystoneEc2 } from '../../../src/swift/keystone-ec2.js';
import type { Ec2Identity } from '../../../src/swift/keystone.js';
import { signatureV2 } from '../../helpers/fake-swift/index.js';
import { rig } from './helpers.js';

describe('Keystone tokens', () => {
  it('issues a project token whose catalog points at the fake Swift, with implied roles', async () => {
    const r = rig();
    const u = r.fake.addUser({ name: 'alice', project: 'demo', roles: ['member'] });
    const token = await r.tokens.get(u.identity);
    expect(token).toMatchObject({ storageUrl: u.storageUrl, projectId: u.projectId, projectName: 'demo', userId: u.userId, userName: 'alice' });
    expect([...token.roles].sort()).toEqual(['member', 'reader']);
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('refuses a wrong password and a project without a role (401)', async () => {
    const r = rig();
    const u = r.fake.addUser({ name: 'alice', project: 'demo' });
    r.fake.addProject('other');
    await expect(r.tokens.get({ ...u.identity, password: 'wrong' })).rejects.toMatchObject({ status: 401 });
    await expect(r.tokens.get({ kind: 'password', username: 'alice', password: u.password, userDomain: 'default', userDomainIsId: true, projectName: 'other', projectDomain: 'default', projectDomainIsId: true })).rejects.toBeInstanceOf(IdentityRejected);
  });

  it('issues application-credential tokens', async () => {
    const r = rig();
    const u = r.fake.addUser({ name: 'alice', project: 'demo' });
    const ac = r.fake.addApplicationCredential(u.userId, u.projectId);
    expect((await r.tokens.get({ kind: 'application_credential', id: ac.id, secret: ac.secret })).projectId).toBe(u.projectId);
    await expect(r.tokens.get({ kind: 'application_credential', id: ac.id, secret: 'no' })).rejects.toMatchObject({ status: 401 });
  });

  it('lets a token expire on the test clock', async () => {
    let now = Date.UTC(2030, 0, 1);
    const r = rig({ now: () => now, tokenLifetimeMs: 600_000 });
    const u = r.fake.addUser({ name: 'alice' });
    const t = await r.tokens.get(u.identity);
    expect(t.expiresAt).toBe(now + 600_000);
    now += 601_000;
    expect(r.fake.identities.valid(t.token)).toBeUndefined();
  });
});

describe('POST /v3/ec2tokens', () => {
  function setup() {
    const r = rig();
    const service = r.fake.addUser({ name: 's3gateway', project: 'service', roles: ['admin'] });
    const alice = r.fake.addUser({ name: 'alice', project: 'demo', ec2: true });
    const ec2 = (secret = alice.ec2!.secret): Ec2Identity => ({ kind: 'ec2', service: service.identity, access: alice.ec2!.access, secret, userId: alice.userId, projectId: alice.projectId, readAt: 0 });
    return { r, service, alice, ec2 };
  }

  it('gives the key user\'s own token for the gateway\'s signed request', async () => {
    const { r, alice, ec2 } = setup();
    const token = await r.tokens.get(ec2());
    expect(token).toMatchObject({ userId: alice.userId, projectId: alice.projectId, storageUrl: alice.storageUrl });
    expect((await r.call(ec2(), { method: 'HEAD' })).status).toBe(204);
  });

  it('checks the signature as keystoneclient does (401 for a wrong secret)', async () => {
    const { r, ec2 } = setup();
    await expect(r.tokens.get(ec2('wrong'))).rejects.toMatchObject({ status: 401 });
    // The fake's own signer (written from keystoneclient) agrees with the gateway's on the same input.
    const body = JSON.parse(ec2TokenRequestBody({ access: 'AK', secret: 'SK', now: new Date(Date.UTC(2030, 0, 1)) })) as { credentials: { signature: string; host: string; path: string; params: Record<string, string> } };
    const c = body.credentials;
    expect(signatureV2('SK', 'POST', c.host, c.path, c.params)).toBe(c.signature);
  });

  it('answers 403 to a caller without admin, 404 for an unknown key, 401 for a user without a role', async () => {
    const { r, alice } = setup();
    const post = async (caller: typeof alice, access: string, secret: string) => {
      const token = (await r.tokens.get(caller.identity)).token;
      const { request } = await import('undici');
      const res = await request(`${r.fake.authUrl}/ec2tokens`, { method: 'POST', headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: ec2TokenRequestBody({ access, secret, now: new Date() }), dispatcher: r.fake.dispatcher });
      await res.body.dump();
      return res.statusCode;
    };
    const service = r.fake.addUser({ name: 'svc2', project: 'service', roles: ['admin'] });
    expect(await post(alice, alice.ec2!.access, alice.ec2!.secret)).toBe(403);
    expect(await post(service, 'unknown', 'x')).toBe(404);
    r.fake.revoke(alice.userId, alice.projectId, 'member');
    expect(await post(service, alice.ec2!.access, alice.ec2!.secret)).toBe(401);
  });

  it('serves the credential to the service identity (GET /v3/credentials/{sha256})', async () => {
    const { r, service, alice } = setup();
    const store = new KeystoneEc2({ authUrl: r.fake.authUrl, dispatcher: r.fake.dispatcher, tokens: r.tokens, service: service.identity, timeoutMs: 5_000 });
    expect(await store.credential(alice.ec2!.access)).toEqual({ secret: alice.ec2!.secret, userId: alice.userId, projectId: alice.projectId });
    expect(await store.credential('unknown')).toBeUndefined();
    const nonAdmin = new KeystoneEc2({ authUrl: r.fake.authUrl, dispatcher: r.fake.dispatcher, tokens: r.tokens, service: r.fake.addUser({ name: 'bob' }).identity, timeoutMs: 5_000 });
    await expect(nonAdmin.credential(alice.ec2!.access)).rejects.toThrow(/admin role/);
  });
});
