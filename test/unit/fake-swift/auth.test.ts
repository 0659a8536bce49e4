// keystoneauth through the fake: operator and reader roles, other projects,
// ResellerAdmin, container ACLs; and symlinks followed with the caller's token,
// which the gateway's cross-account guard (SwiftClient) then refuses to serve.
import { describe, expect, it } from 'vitest';
import { CrossAccountTarget } from '../../../src/swift/errors.js';
import { rig } from './helpers.js';

function setup() {
  const r = rig();
  const owner = r.fake.addUser({ name: 'owner', project: 'demo', roles: ['member'] });
  const reader = r.fake.addUser({ name: 'reader', project: 'demo', roles: ['reader'] });
  const other = r.fake.addUser({ name: 'other', project: 'alt', roles: ['member'] });
  const reseller = r.fake.addUser({ name: 'reseller', project: 'service', roles: ['ResellerAdmin'] });
  r.fake.putContainer(owner.account, 'c');
  r.fake.putObject(owner.account, 'c', 'k', 'data');
  return { r, owner, reader, other, reseller };
}

describe('keystoneauth', () => {
  it('lets operators write, readers only read, other projects nothing, ResellerAdmin everything', async () => {
    const { r, owner, reader, other, reseller } = setup();
    // Another account's path, with the caller's token: the gateway's storage URL is its own, so go direct.
    const at = async (user: typeof reader, method: 'GET' | 'PUT', object: string) => {
      const token = await r.tokens.get(user.identity);
      const { request } = await import('undici');
      const res = await request(`${owner.storageUrl}/c/${object}`, { method, headers: { 'x-auth-token': token.token }, body: method === 'PUT' ? 'x' : null, dispatcher: r.fake.dispatcher });
      await res.body.dump();
      return res.statusCode;
    };
    expect(await at(reader, 'GET', 'k')).toBe(200);
    expect(await at(reader, 'PUT', 'r')).toBe(403);
    expect(await at(other, 'GET', 'k')).toBe(403);
    expect(await at(reseller, 'GET', 'k')).toBe(200);
    expect(await at(reseller, 'PUT', 'r')).toBe(201);
    expect((await r.call(owner, { method: 'DELETE' })).status).toBe(403);
  });

  it('honours X-Container-Read / -Write naming another project', async () => {
    const { r, owner, other } = setup();
    const token = await r.tokens.get(other.identity);
    const { request } = await import('undici');
    const get = async () => (await request(`${owner.storageUrl}/c/k`, { headers: { 'x-auth-token': token.token }, dispatcher: r.fake.dispatcher })).statusCode;
    expect(await get()).toBe(403);
    await r.call(owner, { method: 'POST', container: 'c', headers: { 'x-container-read': `${other.projectId}:*` } });
    expect(await get()).toBe(200);
  });

  it('401s a missing, unknown, expired or (once Swift forgets it) revoked token', async () => {
    const { r, owner } = setup();
    const { request } = await import('undici');
    const head = async (token?: string) => (await request(owner.storageUrl, { method: 'HEAD', headers: token ? { 'x-auth-token': token } : {}, dispatcher: r.fake.dispatcher })).statusCode;
    expect(await head()).toBe(401);
    expect(await head('gAAAAABnope')).toBe(401);
    const token = (await r.tokens.get(owner.identity)).token;
    expect(await head(token)).toBe(204);
    r.fake.revokeToken(token);
    expect(await head(token)).toBe(204); // authtoken's cache
    r.fake.revokeToken(token, { swift: true });
    expect(await head(token)).toBe(401);
    // The gateway's client gets a new token and retries once.
    expect((await r.call(owner, { method: 'HEAD' })).status).toBe(204);
    r.fake.expireTokens();
    expect((await r.call(owner, { method: 'HEAD' })).status).toBe(204);
    expect(r.fake.callsTo('keystone').filter((c) => c.path === '/v3/auth/tokens')).toHaveLength(3);
  });
});

describe('symlinks', () => {
  it('are followed with the caller\'s token; Content-Location names the target', async () => {
    const { r, owner } = setup();
    const link = await r.call(owner, { method: 'PUT', container: 'c', object: 'link', query: { symlink: 'put' }, headers: { 'x-symlink-target': 'c/k' }, body: '' });
    expect(link.status).toBe(201);
    const get = await r.call(owner, { method: 'GET', container: 'c', object: 'link' });
    expect([get.status, get.text, get.headers['content-location']]).toEqual([200, 'data', `/v1/${owner.account}/c/k`]);
    const self = await r.call(owner, { method: 'GET', container: 'c', object: 'link', query: { symlink: 'get' } });
    expect(self.headers['x-symlink-target']).toBe('c/k');
  });

  it('into another account: 403 when the caller may not read it, and the gateway never serves it when it may', async () => {
    const { r, owner, other } = setup();
    r.fake.putContainer(other.account, 'private');
    r.fake.putObject(other.account, 'private', 's', 'secret');
    r.fake.putContainer(other.account, 'shared', { 'x-container-read': `${owner.projectId}:*` });
    r.fake.putObject(other.account, 'shared', 's', 'shared');
    for (const target of ['private', 'shared']) {
      await r.call(owner, { method: 'PUT', container: 'c', object: target, headers: { 'x-symlink-target': `${target}/s`, 'x-symlink-target-account': other.account }, body: '' });
    }
    const { request } = await import('undici');
    const token = (await r.tokens.get(owner.identity)).token;
    const direct = await request(`${owner.storageUrl}/c/private`, { headers: { 'x-auth-token': token }, dispatcher: r.fake.dispatcher });
    await direct.body.dump();
    expect([direct.statusCode, direct.headers['content-location']]).toEqual([403, `/v1/${other.account}/private/s`]);
    await expect(r.call(owner, { method: 'GET', container: 'c', object: 'private' })).rejects.toBeInstanceOf(CrossAccountTarget);
    await expect(r.call(owner, { method: 'GET', container: 'c', object: 'shared' })).rejects.toBeInstanceOf(CrossAccountTarget);
  });
});
