// Keystone tokens with a mocked Keystone (undici MockAgent as the dispatcher):
// single-flight, TTL from expires_at minus the margin, invalidation, errors.
import { createServer } from 'node:net';
import { Agent, MockAgent } from 'undici';
import type { Interceptable } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityRejected, UpstreamUnavailable } from '../../../src/swift/errors.js';
import {
  KeystoneTokens,
  identityKey,
  renewAheadMs,
  storageUrlFromCatalog,
  type KeystoneOptions,
  type PasswordIdentity,
  type SwiftIdentity,
} from '../../../src/swift/keystone.js';

const ORIGIN = 'http://keystone.test:5000';
const T0 = Date.parse('2024-05-01T12:00:00Z');
const HOUR = 3_600_000;

const alice: PasswordIdentity = { kind: 'password', username: 'alice', password: 'pw-a', userDomain: 'Default', projectName: 'demo' };
const bob: SwiftIdentity = { kind: 'application_credential', id: 'appcred-bob', secret: 'pw-b' };

const CATALOG = [
  { type: 'identity', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'http://keystone.test:5000/v3' }] },
  {
    type: 'object-store',
    endpoints: [
      { interface: 'internal', region_id: 'RegionOne', url: 'http://swift-internal:8080/v1/AUTH_p1' },
      { interface: 'public', region_id: 'RegionTwo', url: 'http://swift-two:8080/v1/AUTH_p1' },
      { interface: 'public', region_id: 'RegionOne', url: 'http://swift-one:8080/v1/AUTH_p1' },
    ],
  },
];

interface Call {
  readonly path: string;
  readonly body: { auth: Record<string, unknown> };
}

/** A tick longer than lru-cache's 1 ms clock resolution, so an advanced clock is read. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('KeystoneTokens', () => {
  let agent: MockAgent;
  let pool: Interceptable;
  let calls: Call[];
  let now: number;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    pool = agent.get(ORIGIN);
    calls = [];
    now = T0;
  });

  afterEach(async () => {
    await agent.close();
  });

  function tokens(over: Partial<KeystoneOptions> = {}): KeystoneTokens {
    return new KeystoneTokens({
      authUrl: `${ORIGIN}/v3`,
      dispatcher: agent,
      interface: 'public',
      region: 'RegionOne',
      safetyMarginMs: 120_000,
      maxEntries: 100,
      timeoutMs: 1_000,
      now: () => now,
      ...over,
    });
  }

  /** Keystone answering 201 with a token that expires `lifetimeMs` after the call. */
  function keystoneIssues(lifetimeMs = HOUR, opts: { delayMs?: number; catalog?: unknown[]; times?: number } = {}): void {
    const interceptor = pool.intercept({ path: (p) => p.startsWith('/v3/auth/tokens'), method: 'POST' });
    const scope = interceptor.reply((req) => {
      const n = calls.push({ path: req.path, body: JSON.parse(String(req.body)) as Call['body'] });
      return {
        statusCode: 201,
        data: JSON.stringify({
          token: {
            expires_at: new Date(now + lifetimeMs).toISOString(),
            user: { id: 'u1', name: 'alice' },
            project: { id: 'p1', name: 'demo' },
            roles: [{ name: 'member' }, { name: 'reader' }],
            catalog: opts.catalog ?? CATALOG,
          },
        }),
        responseOptions: { headers: { 'content-type': 'application/json', 'x-subject-token': `token-${n}` } },
      };
    });
    if (opts.times === undefined) scope.persist();
    else scope.times(opts.times);
    if (opts.delayMs) scope.delay(opts.delayMs);
  }

  it('makes exactly one token call for 100 concurrent requests of one identity', async () => {
    keystoneIssues(HOUR, { delayMs: 20 });
    const ks = tokens();
    const results = await Promise.all(Array.from({ length: 100 }, () => ks.get(alice)));
    expect(calls).toHaveLength(1);
    expect(new Set(results.map((t) => t.token))).toEqual(new Set(['token-1']));
  });

  it('answers later requests from the cache', async () => {
    keystoneIssues();
    const ks = tokens();
    await ks.get(alice);
    now += 60_000;
    await tick();
    await ks.get(alice);
    expect(calls).toHaveLength(1);
  });

  it('makes a separate token call for a second identity', async () => {
    keystoneIssues(HOUR, { delayMs: 10 });
    const ks = tokens();
    const [a, b] = await Promise.all([ks.get(alice), ks.get(bob), ks.get(alice), ks.get(bob)]);
    expect(calls).toHaveLength(2);
    expect(a!.token).not.toBe(b!.token);
  });

  it('treats a changed password as another identity', async () => {
    keystoneIssues();
    const ks = tokens();
    await ks.get(alice);
    await ks.get({ ...alice, password: 'new' });
    expect(calls).toHaveLength(2);
    expect(identityKey(alice)).not.toBe(identityKey({ ...alice, password: 'new' }));
    expect(identityKey(alice)).not.toContain('pw-a');
  });

  it('keeps a token until expires_at minus the safety margin, then asks Keystone again', async () => {
    keystoneIssues(HOUR);
    const ks = tokens({ safetyMarginMs: 120_000 });
    expect((await ks.get(alice)).expiresAt).toBe(T0 + HOUR);
    // Not asked for during its renewal window: nothing renewed it, so after the margin it is asked for anew.
    now = T0 + HOUR - 120_000 + 5_000;
    await tick();
    expect((await ks.get(alice)).token).toBe('token-2');
    expect(calls).toHaveLength(2);
  });

  it('renews a token in the background once its renewal is due, serving the current one meanwhile', async () => {
    keystoneIssues(HOUR, { delayMs: 30 });
    const introduced: string[] = [];
    const ks = tokens({ safetyMarginMs: 120_000, introduce: async (t) => { introduced.push(t.token); } });
    expect((await ks.get(alice)).token).toBe('token-1');
    // Cached for 58 minutes; renewal is due 5 minutes (renewAheadMs) before that.
    expect(renewAheadMs(HOUR - 120_000)).toBe(300_000);
    now = T0 + HOUR - 120_000 - 300_000 - 5_000;
    await tick();
    expect((await ks.get(alice)).token).toBe('token-1');
    await tick();
    expect(calls).toHaveLength(1);
    now += 10_000;
    await tick();
    // Due: every request at once gets the current token, and ONE renewal starts.
    const during = await Promise.all(Array.from({ length: 20 }, () => ks.get(alice)));
    expect(new Set(during.map((t) => t.token))).toEqual(new Set(['token-1']));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toHaveLength(2);
    // The new token was shown to Swift before it replaced the old one.
    expect(introduced).toEqual(['token-1', 'token-2']);
    expect((await ks.get(alice)).token).toBe('token-2');
  });

  it('keeps serving the current token when a background renewal fails, and tries again 10 s later', async () => {
    keystoneIssues(HOUR, { times: 1 });
    let refused = 0;
    pool.intercept({ path: (p) => p.startsWith('/v3/auth/tokens'), method: 'POST' }).reply(() => { refused++; return { statusCode: 503, data: 'down' }; }).persist();
    const ks = tokens({ safetyMarginMs: 120_000 });
    await ks.get(alice);
    now = T0 + HOUR - 120_000 - 60_000;
    await tick();
    expect((await ks.get(alice)).token).toBe('token-1');
    await tick();
    expect(refused).toBe(1);
    expect((await ks.get(alice)).token).toBe('token-1');
    await tick();
    expect(refused).toBe(1);
    now += 11_000;
    await tick();
    expect((await ks.get(alice)).token).toBe('token-1');
    await tick();
    expect(refused).toBe(2);
  });

  it('hands out a new token only after showing it to Swift, and a failing introduction does not fail it', async () => {
    keystoneIssues(HOUR, { delayMs: 10 });
    const order: string[] = [];
    const ks = tokens({ introduce: async (t) => { order.push(`introduce ${t.token}`); throw new Error('Swift down'); } });
    const all = await Promise.all(Array.from({ length: 10 }, () => ks.get(alice).then((t) => { order.push(`got ${t.token}`); return t; })));
    expect(all.every((t) => t.token === 'token-1')).toBe(true);
    expect(order[0]).toBe('introduce token-1');
    expect(order.filter((o) => o.startsWith('introduce'))).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it('asks Keystone again after invalidate()', async () => {
    keystoneIssues();
    const ks = tokens();
    await ks.get(alice);
    ks.invalidate(alice);
    expect((await ks.get(alice)).token).toBe('token-2');
    expect(calls).toHaveLength(2);
  });

  it('reads the token, project, user, roles and the storage URL of the interface and region', async () => {
    keystoneIssues();
    const token = await tokens({ interface: 'public', region: 'RegionOne' }).get(alice);
    expect(token).toEqual({
      token: 'token-1',
      expiresAt: T0 + HOUR,
      storageUrl: 'http://swift-one:8080/v1/AUTH_p1',
      projectId: 'p1',
      projectName: 'demo',
      userId: 'u1',
      userName: 'alice',
      roles: ['member', 'reader'],
    });
  });

  it('picks the internal endpoint when configured', async () => {
    keystoneIssues();
    expect((await tokens({ interface: 'internal', region: undefined }).get(alice)).storageUrl).toBe('http://swift-internal:8080/v1/AUTH_p1');
  });

  it('uses the storage URL template instead of the catalog when set', async () => {
    keystoneIssues(HOUR, { catalog: [] });
    const token = await tokens({ storageUrlTemplate: 'http://swift:8080/v1/AUTH_{project_id}' }).get(alice);
    expect(token.storageUrl).toBe('http://swift:8080/v1/AUTH_p1');
  });

  it('refuses a catalog without an object-store endpoint with IdentityRejected', async () => {
    keystoneIssues(HOUR, { catalog: CATALOG.slice(0, 1) });
    await expect(tokens().get(alice)).rejects.toBeInstanceOf(IdentityRejected);
  });

  it('sends a project-scoped password authentication', async () => {
    keystoneIssues();
    await tokens().get({ ...alice, userDomain: 'default', userDomainIsId: true });
    expect(calls[0]!.path.startsWith('/v3/auth/tokens')).toBe(true);
    expect(calls[0]!.body).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'alice', password: 'pw-a', domain: { id: 'default' } } } },
        scope: { project: { name: 'demo', domain: { id: 'default' } } },
      },
    });
  });

  it('scopes by project id when given', async () => {
    keystoneIssues();
    await tokens().get({ ...alice, projectName: undefined, projectId: 'p1' });
    expect(calls[0]!.body.auth.scope).toEqual({ project: { id: 'p1' } });
  });

  it('sends an application credential authentication', async () => {
    keystoneIssues();
    await tokens().get(bob);
    expect(calls[0]!.body).toEqual({
      auth: { identity: { methods: ['application_credential'], application_credential: { id: 'appcred-bob', secret: 'pw-b' } } },
    });
  });

  it('maps Keystone 401 to IdentityRejected, remembers the refusal for rejectionCacheMs, then asks again', async () => {
    pool.intercept({ path: (p) => p.startsWith('/v3/auth/tokens'), method: 'POST' }).reply(401, '{"error":{"code":401}}');
    const ks = tokens({ rejectionCacheMs: 10_000 });
    const err = await ks.get(alice).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityRejected);
    expect((err as IdentityRejected).status).toBe(401);
    expect(String((err as Error).message)).not.toContain('pw-a');
    // No interceptor is left: a second Keystone call would fail with a MockAgent error, not IdentityRejected.
    expect(await ks.get(alice).catch((e: unknown) => e)).toBe(err);
    now += 11_000;
    await tick();
    keystoneIssues();
    expect((await ks.get(alice)).token).toBe('token-1');
  });

  describe('EC2 keys', () => {
    const key: SwiftIdentity = { kind: 'ec2', service: alice, access: 'AK', secret: 'SK', userId: 'u7', projectId: 'p7', readAt: 1 };

    /** /v3/ec2tokens answering with a token of the key's user; `serviceTokens` says which service tokens it accepts. */
    function ec2TokensAccept(serviceTokens: readonly string[]): { seen: { token: string; credentials: Record<string, unknown> }[] } {
      const seen: { token: string; credentials: Record<string, unknown> }[] = [];
      pool.intercept({ path: '/v3/ec2tokens', method: 'POST' }).reply((req) => {
        const headers = req.headers as Record<string, string>;
        const token = headers['x-auth-token'] ?? '';
        seen.push({ token, credentials: (JSON.parse(String(req.body)) as { credentials: Record<string, unknown> }).credentials });
        if (!serviceTokens.includes(token)) return { statusCode: 401, data: '{}' };
        return {
          statusCode: 200,
          data: JSON.stringify({ token: { expires_at: new Date(now + HOUR).toISOString(), user: { id: 'u7', name: 'ec2user' }, project: { id: 'p7', name: 'seven' }, roles: [{ name: 'reader' }], catalog: CATALOG } }),
          responseOptions: { headers: { 'content-type': 'application/json', 'x-subject-token': 'user-token-7' } },
        };
      }).persist();
      return { seen };
    }

    it('asks /v3/ec2tokens with the service token and a body signed with the key\'s secret; the token is the user\'s own', async () => {
      keystoneIssues();
      const ec2 = ec2TokensAccept(['token-1']);
      const ks = tokens();
      const t = await ks.get(key);
      expect(t).toMatchObject({ token: 'user-token-7', projectId: 'p7', userName: 'ec2user', roles: ['reader'], storageUrl: 'http://swift-one:8080/v1/AUTH_p1' });
      expect(ec2.seen).toHaveLength(1);
      expect(ec2.seen[0]!.token).toBe('token-1');
      expect(ec2.seen[0]!.credentials).toMatchObject({ access: 'AK', verb: 'POST', params: { AWSAccessKeyId: 'AK', SignatureVersion: '2' } });
      expect(JSON.stringify(ec2.seen[0]!.credentials)).not.toContain('SK');
      await ks.get(key);
      expect(ec2.seen).toHaveLength(1);
    });

    it('renews a refused service token once, then gives up with IdentityRejected', async () => {
      keystoneIssues();
      const ec2 = ec2TokensAccept(['token-2']);
      const ks = tokens();
      await ks.get(alice); // token-1: the one /v3/ec2tokens now refuses
      expect((await ks.get(key)).token).toBe('user-token-7');
      expect(ec2.seen.map((s) => s.token)).toEqual(['token-1', 'token-2']);
      const other = { ...key, access: 'AK2' };
      const refusing = tokens();
      await refusing.get(alice); // token-3, token-4 on renewal: neither accepted
      await expect(refusing.get(other)).rejects.toBeInstanceOf(IdentityRejected);
    });
  });

  it('maps Keystone 503 to UpstreamUnavailable', async () => {
    pool.intercept({ path: (p) => p.startsWith('/v3/auth/tokens'), method: 'POST' }).reply(503, 'busy');
    const err = await tokens().get(alice).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailable);
    expect((err as UpstreamUnavailable).service).toBe('keystone');
  });

  it('maps a network error to UpstreamUnavailable', async () => {
    pool.intercept({ path: (p) => p.startsWith('/v3/auth/tokens'), method: 'POST' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(tokens().get(alice)).rejects.toBeInstanceOf(UpstreamUnavailable);
  });

  it('maps a refused connection (nothing listening) to UpstreamUnavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const real = new Agent();
    try {
      const ks = tokens({ authUrl: `http://127.0.0.1:${port}/v3`, dispatcher: real });
      const err = await ks.get(alice).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamUnavailable);
    } finally {
      await real.close();
    }
  });

  it('reports each call outcome and cache hits and misses to the events hooks', async () => {
    keystoneIssues();
    const seen: string[] = [];
    const ks = tokens({ events: { tokenCall: (kind, outcome) => seen.push(`${kind}:${outcome}`), cache: (event) => seen.push(`cache:${event}`) } });
    await ks.get(alice);
    await ks.get(alice);
    expect(seen).toEqual(['cache:miss', 'token:ok', 'cache:hit']);
  });
});

describe('storageUrlFromCatalog', () => {
  it('picks the object-store endpoint of the interface', () => {
    expect(storageUrlFromCatalog(CATALOG, 'internal')).toBe('http://swift-internal:8080/v1/AUTH_p1');
  });

  it('picks the first matching endpoint when no region is asked for', () => {
    expect(storageUrlFromCatalog(CATALOG, 'public')).toBe('http://swift-two:8080/v1/AUTH_p1');
  });

  it('filters by region_id or by the older region field', () => {
    expect(storageUrlFromCatalog(CATALOG, 'public', 'RegionOne')).toBe('http://swift-one:8080/v1/AUTH_p1');
    const legacy = [{ type: 'object-store', endpoints: [{ interface: 'public', region: 'R9', url: 'http://legacy/v1/AUTH_x' }] }];
    expect(storageUrlFromCatalog(legacy, 'public', 'R9')).toBe('http://legacy/v1/AUTH_x');
  });

  it('answers undefined when nothing matches', () => {
    expect(storageUrlFromCatalog(CATALOG, 'admin')).toBeUndefined();
    expect(storageUrlFromCatalog(CATALOG, 'public', 'Nowhere')).toBeUndefined();
    expect(storageUrlFromCatalog([], 'public')).toBeUndefined();
    expect(storageUrlFromCatalog([{ type: 'object-store' }], 'public')).toBeUndefined();
  });

  it('ignores other service types', () => {
    expect(storageUrlFromCatalog([{ type: 'identity', endpoints: [{ interface: 'public', url: 'http://k' }] }], 'public')).toBeUndefined();
  });
});
