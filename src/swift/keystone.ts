// Keystone v3 tokens for Swift identities, cached in an LRU.
// - one entry per identity; its TTL is the token's expires_at minus a safety margin;
// - concurrent misses for one identity share ONE Keystone call (lru-cache's fetch
//   is single-flight per key);
// - the storage URL comes from the catalog (object-store, chosen interface and
//   region) unless an override template is configured.
// https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import { IdentityRejected, UpstreamUnavailable } from './errors.js';

export interface PasswordIdentity {
  readonly kind: 'password';
  readonly username: string;
  readonly password: string;
  readonly userDomain: string; // domain id or name, see userDomainIsId
  readonly userDomainIsId?: boolean;
  readonly projectName?: string;
  readonly projectId?: string;
  readonly projectDomain?: string;
  readonly projectDomainIsId?: boolean;
}

export interface ApplicationCredentialIdentity {
  readonly kind: 'application_credential';
  readonly id: string;
  readonly secret: string;
}

/**
 * A Keystone user known only through an EC2 credential: the gateway works in
 * the user's project account with its OWN service token (which holds Swift's
 * reseller-admin role), and enforces the user's roles itself.
 */
export interface DelegatedIdentity {
  readonly kind: 'delegated';
  readonly service: KeystoneIdentity;
  readonly projectId: string;
  readonly projectName: string;
  readonly userId: string;
  readonly userName: string;
  readonly roles: readonly string[];
}

/** An identity Keystone issues tokens to directly. */
export type KeystoneIdentity = PasswordIdentity | ApplicationCredentialIdentity;

export type SwiftIdentity = KeystoneIdentity | DelegatedIdentity;

export interface SwiftToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly storageUrl: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly userId: string;
  readonly userName: string;
  readonly roles: readonly string[];
}

export interface KeystoneEvents {
  /** One per Keystone token call: outcome is 'ok', 'rejected' or 'unavailable'. */
  tokenCall?(outcome: 'ok' | 'rejected' | 'unavailable', seconds: number): void;
  cache?(event: 'hit' | 'miss' | 'eviction'): void;
}

export interface KeystoneOptions {
  /** e.g. http://127.0.0.1:5000/v3 */
  readonly authUrl: string;
  readonly dispatcher: Dispatcher;
  readonly interface: 'public' | 'internal' | 'admin';
  readonly region?: string;
  /** `http://swift:8080/v1/AUTH_{project_id}`: used instead of the catalog when set. */
  readonly storageUrlTemplate?: string;
  readonly safetyMarginMs: number;
  readonly maxEntries: number;
  readonly timeoutMs: number;
  readonly now?: () => number;
  readonly events?: KeystoneEvents;
}

interface CatalogEndpoint { interface?: string; region?: string; region_id?: string; url?: string }
interface CatalogEntry { type?: string; endpoints?: CatalogEndpoint[] }
interface TokenBody {
  token?: {
    expires_at?: string;
    user?: { id?: string; name?: string };
    project?: { id?: string; name?: string };
    roles?: { name?: string }[];
    catalog?: CatalogEntry[];
  };
}

function authBody(identity: KeystoneIdentity): unknown {
  if (identity.kind === 'application_credential') {
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id: identity.id, secret: identity.secret } } } };
  }
  const domain = (value: string, isId?: boolean) => (isId ? { id: value } : { name: value });
  const project = identity.projectId
    ? { id: identity.projectId }
    : { name: identity.projectName, domain: domain(identity.projectDomain ?? identity.userDomain, identity.projectDomain ? identity.projectDomainIsId : identity.userDomainIsId) };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: identity.username, password: identity.password, domain: domain(identity.userDomain, identity.userDomainIsId) } },
      },
      scope: { project },
    },
  };
}

/** A cache key that changes when any field (the password included) changes, without holding the password. */
export function identityKey(identity: SwiftIdentity): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
}

export function storageUrlFromCatalog(catalog: readonly CatalogEntry[], iface: string, region?: string): string | undefined {
  for (const service of catalog) {
    if (service.type !== 'object-store') continue;
    for (const ep of service.endpoints ?? []) {
      if (ep.interface !== iface) continue;
      if (region && ep.region_id !== region && ep.region !== region) continue;
      if (ep.url) return ep.url;
    }
  }
  return undefined;
}

/**
 * Another project's account URL on the same Swift: the catalog gives
 * `.../v1/<reseller prefix><service project id>`; only the project id changes.
 */
export function accountUrlFor(serviceStorageUrl: string, serviceProjectId: string, projectId: string): string {
  const at = serviceStorageUrl.lastIndexOf(serviceProjectId);
  if (at < 0) throw new IdentityRejected(500, 'The service token\'s storage URL does not end with its project id; set keystone.storageUrl');
  return serviceStorageUrl.slice(0, at) + projectId + serviceStorageUrl.slice(at + serviceProjectId.length);
}

export class KeystoneTokens {
  readonly #opts: KeystoneOptions;
  readonly #now: () => number;
  readonly #cache: LRUCache<string, SwiftToken, { identity: KeystoneIdentity }>;
  readonly #tokensUrl: URL;

  constructor(opts: KeystoneOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#tokensUrl = new URL(opts.authUrl.replace(/\/+$/, '') + '/auth/tokens');
    this.#cache = new LRUCache<string, SwiftToken, { identity: KeystoneIdentity }>({
      max: opts.maxEntries,
      ttl: 60 * 60 * 1000, // replaced per entry by the token's own lifetime
      ttlAutopurge: false,
      perf: { now: () => this.#now() },
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') opts.events?.cache?.('eviction');
      },
      fetchMethod: async (_key, _stale, { options, context }) => {
        const token = await this.#issue(context.identity);
        options.ttl = Math.max(1000, token.expiresAt - this.#now() - opts.safetyMarginMs);
        return token;
      },
    });
  }

  /** A valid token for the identity: from the cache, or ONE Keystone call shared by all waiters. */
  async get(identity: SwiftIdentity): Promise<SwiftToken> {
    if (identity.kind === 'delegated') return this.#delegated(identity);
    const key = identityKey(identity);
    const cached = this.#cache.get(key);
    if (cached) {
      this.#opts.events?.cache?.('hit');
      return cached;
    }
    this.#opts.events?.cache?.('miss');
    const token = await this.#cache.fetch(key, { context: { identity } });
    if (!token) throw new UpstreamUnavailable('keystone', 'Keystone returned no token');
    return token;
  }

  /** Drops the cached token (Swift said 401: revoked or expired early). */
  invalidate(identity: SwiftIdentity): void {
    this.#cache.delete(identityKey(identity.kind === 'delegated' ? identity.service : identity));
  }

  /** The service token, pointed at the user's project account. */
  async #delegated(identity: DelegatedIdentity): Promise<SwiftToken> {
    const service = await this.get(identity.service);
    const storageUrl = this.#opts.storageUrlTemplate
      ? this.#opts.storageUrlTemplate.replaceAll('{project_id}', identity.projectId)
      : accountUrlFor(service.storageUrl, service.projectId, identity.projectId);
    return {
      ...service,
      storageUrl,
      projectId: identity.projectId,
      projectName: identity.projectName,
      userId: identity.userId,
      userName: identity.userName,
      roles: identity.roles,
    };
  }

  async #issue(identity: KeystoneIdentity): Promise<SwiftToken> {
    const started = this.#now();
    const events = this.#opts.events;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#opts.dispatcher.request({
        origin: this.#tokensUrl.origin,
        path: this.#tokensUrl.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(authBody(identity)),
        headersTimeout: this.#opts.timeoutMs,
        bodyTimeout: this.#opts.timeoutMs,
      });
    } catch (err) {
      events?.tokenCall?.('unavailable', (this.#now() - started) / 1000);
      throw new UpstreamUnavailable('keystone', `Keystone is unreachable: ${(err as Error).message}`, { cause: err });
    }
    const seconds = (this.#now() - started) / 1000;
    if (response.statusCode >= 500) {
      await response.body.dump();
      events?.tokenCall?.('unavailable', seconds);
      throw new UpstreamUnavailable('keystone', `Keystone answered ${response.statusCode}`);
    }
    if (response.statusCode !== 201) {
      await response.body.dump();
      events?.tokenCall?.('rejected', seconds);
      throw new IdentityRejected(response.statusCode, `Keystone refused the Swift identity (${response.statusCode})`);
    }
    const header = response.headers['x-subject-token'];
    const tokenId = Array.isArray(header) ? header[0] : header;
    const body = (await response.body.json()) as TokenBody;
    const t = body.token ?? {};
    const projectId = t.project?.id;
    if (!tokenId || !projectId || !t.expires_at) {
      events?.tokenCall?.('rejected', seconds);
      throw new IdentityRejected(response.statusCode, 'Keystone issued a token without a project scope');
    }
    const storageUrl = this.#opts.storageUrlTemplate
      ? this.#opts.storageUrlTemplate.replaceAll('{project_id}', projectId)
      : storageUrlFromCatalog(t.catalog ?? [], this.#opts.interface, this.#opts.region);
    if (!storageUrl) {
      events?.tokenCall?.('rejected', seconds);
      throw new IdentityRejected(response.statusCode, `No object-store endpoint (interface ${this.#opts.interface}) in the Keystone catalog`);
    }
    events?.tokenCall?.('ok', seconds);
    return {
      token: tokenId,
      expiresAt: Date.parse(t.expires_at),
      storageUrl,
      projectId,
      projectName: t.project?.name ?? projectId,
      userId: t.user?.id ?? '',
      userName: t.user?.name ?? '',
      roles: (t.roles ?? []).map((r) => r.name ?? '').filter(Boolean),
    };
  }
}
