// Keystone v3 tokens for Swift identities, cached in an LRU.
// - one entry per identity; its TTL is the token's expires_at minus a safety margin;
// - concurrent misses for one identity share ONE Keystone call (lru-cache's fetch
//   is single-flight per key);
// - the storage URL comes from the catalog (object-store, chosen interface and
//   region) unless an override template is configured;
// - a Keystone EC2 key's token is its own user's, from /v3/ec2tokens;
// - a refusal is remembered briefly, so repeating a refused request costs no call;
// - a new token is shown to Swift once (`introduce`) before anyone uses it, and
//   renewed in the background before it leaves the cache, so neither a cold
//   start nor a renewal under load sends a burst of requests on a token Swift
//   has never seen (its authtoken validates such a token once per concurrent
//   request: a burst of Keystone validations, seconds of latency).
// https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import { ec2TokenRequestBody } from './ec2-token-request.js';
import { IdentityRejected, UpstreamUnavailable } from './errors.js';
import { readIssuedToken, type StorageUrlRule, type SwiftToken, type TokenCallOutcome } from './keystone-token.js';

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
 * A Keystone user known through an EC2 credential (`openstack ec2 credentials
 * create`). The gateway holds the key's secret (read from Keystone) and gets a
 * token of that user, scoped to the key's project, from POST /v3/ec2tokens
 * (asked with the gateway's own service token): Swift then judges each request
 * exactly as it judges that user's own requests.
 */
export interface Ec2Identity {
  readonly kind: 'ec2';
  /** The gateway's service identity, which may call /v3/ec2tokens. */
  readonly service: KeystoneIdentity;
  readonly access: string;
  readonly secret: string;
  readonly userId: string;
  readonly projectId: string;
  /**
   * When the credential was read from Keystone: a fresh read is a new identity,
   * so its token is asked for again (a removed role then counts at once).
   */
  readonly readAt: number;
}

/** An identity Keystone issues tokens to directly. */
export type KeystoneIdentity = PasswordIdentity | ApplicationCredentialIdentity;

export type SwiftIdentity = KeystoneIdentity | Ec2Identity;

export type { SwiftToken } from './keystone-token.js';
export { storageUrlFromCatalog } from './keystone-token.js';

export interface KeystoneEvents {
  /** One per Keystone token call: kind 'token' (password, application credential) or 'ec2_token'. */
  tokenCall?(kind: 'token' | 'ec2_token', outcome: TokenCallOutcome, seconds: number): void;
  cache?(event: 'hit' | 'miss' | 'eviction'): void;
}

export interface KeystoneOptions extends StorageUrlRule {
  /** e.g. http://127.0.0.1:5000/v3 */
  readonly authUrl: string;
  readonly dispatcher: Dispatcher;
  readonly safetyMarginMs: number;
  readonly maxEntries: number;
  readonly timeoutMs: number;
  /**
   * How long a refusal (wrong password, user without a role, disabled user) is
   * remembered, so a client repeating a refused request cannot make every one of
   * them a Keystone call. Default 10 s.
   */
  readonly rejectionCacheMs?: number;
  readonly now?: () => number;
  readonly events?: KeystoneEvents;
  /**
   * Shows a newly issued token to Swift before it is handed out (swift/
   * introduce.ts: one HEAD of its account), so that Swift's authtoken has
   * validated and cached it once before a burst of requests arrives with it.
   * Never fails the token: whatever Swift answers, the token is used.
   */
  readonly introduce?: (token: SwiftToken) => Promise<void>;
}

/**
 * How long before a token would leave the cache its renewal starts, in the
 * background, while the current one keeps serving: a quarter of its cached
 * lifetime, at most 5 minutes.
 */
export function renewAheadMs(cachedLifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.floor(cachedLifetimeMs / 4));
}

/** After a failed background renewal, the next try waits this long (the current token is still good). */
const RENEW_RETRY_MS = 10_000;

/** The body of POST /v3/auth/tokens for an identity (exported for the doctor, which asks Keystone itself). */
export function authBody(identity: KeystoneIdentity): unknown {
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

/** A cache key that changes when any field (a password or secret included) changes, without holding it. */
export function identityKey(identity: SwiftIdentity): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url');
}

export class KeystoneTokens {
  readonly #opts: KeystoneOptions;
  readonly #now: () => number;
  readonly #cache: LRUCache<string, SwiftToken, { identity: SwiftIdentity }>;
  readonly #rejected: LRUCache<string, IdentityRejected>;
  readonly #base: string;
  /** Each identity object's key, hashed once: every Swift call of a request asks for its token. */
  readonly #keys = new WeakMap<SwiftIdentity, string>();

  constructor(opts: KeystoneOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#base = opts.authUrl.replace(/\/+$/, '');
    this.#rejected = new LRUCache({ max: opts.maxEntries, ttl: opts.rejectionCacheMs ?? 10_000, perf: { now: () => this.#now() } });
    this.#cache = new LRUCache<string, SwiftToken, { identity: SwiftIdentity }>({
      max: opts.maxEntries,
      ttl: 60 * 60 * 1000, // replaced per entry by the token's own lifetime
      ttlAutopurge: false,
      perf: { now: () => this.#now() },
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') opts.events?.cache?.('eviction');
      },
      fetchMethod: async (key, _stale, { options, context }) => {
        let token: SwiftToken;
        try {
          token = await this.#issueIntroduced(context.identity);
        } catch (err) {
          if (err instanceof IdentityRejected) this.#rejected.set(key, err);
          throw err;
        }
        options.ttl = this.#cacheFor(token);
        return token;
      },
    });
  }

  /** When each cached token's background renewal is due (epoch ms). */
  readonly #renewAt = new WeakMap<SwiftToken, number>();
  /** Identities (by key) whose renewal is in flight: one at a time. */
  readonly #renewing = new Set<string>();

  /** How long a token is cached (its lifetime less the safety margin), noting when its renewal is due. */
  #cacheFor(token: SwiftToken): number {
    const ttl = Math.max(1000, token.expiresAt - this.#now() - this.#opts.safetyMarginMs);
    this.#renewAt.set(token, this.#now() + ttl - renewAheadMs(ttl));
    return ttl;
  }

  /** A new token from Keystone, shown to Swift before anyone gets it. */
  async #issueIntroduced(identity: SwiftIdentity): Promise<SwiftToken> {
    const token = identity.kind === 'ec2' ? await this.#issueEc2(identity) : await this.#issue(identity);
    await this.#opts.introduce?.(token).catch(() => undefined);
    return token;
  }

  /**
   * Replaces a cached token that is due for renewal with a new one, in the
   * background: requests keep the current token (still valid for the renewal
   * window plus the safety margin) until the new one is introduced and cached.
   */
  #renew(key: string, identity: SwiftIdentity, current: SwiftToken): void {
    this.#renewing.add(key);
    this.#issueIntroduced(identity)
      .then((token) => {
        // Only over the token it was renewing: an invalidation or a newer token meanwhile wins.
        if (this.#cache.peek(key) === current) this.#cache.set(key, token, { ttl: this.#cacheFor(token) });
      })
      .catch(() => this.#renewAt.set(current, this.#now() + RENEW_RETRY_MS))
      .finally(() => this.#renewing.delete(key));
  }

  /** A valid token for the identity: from the cache, or ONE Keystone call shared by all waiters. */
  #keyOf(identity: SwiftIdentity): string {
    let key = this.#keys.get(identity);
    if (key === undefined) {
      key = identityKey(identity);
      this.#keys.set(identity, key);
    }
    return key;
  }

  /** The cached token of an identity, if there is one now (no Keystone call, no promise). */
  peek(identity: SwiftIdentity): SwiftToken | undefined {
    return this.#cache.get(this.#keyOf(identity));
  }

  async get(identity: SwiftIdentity): Promise<SwiftToken> {
    const key = this.#keyOf(identity);
    const cached = this.#cache.get(key);
    if (cached) {
      this.#opts.events?.cache?.('hit');
      if (this.#now() >= (this.#renewAt.get(cached) ?? Infinity) && !this.#renewing.has(key)) this.#renew(key, identity, cached);
      return cached;
    }
    const refused = this.#rejected.get(key);
    if (refused) throw refused;
    this.#opts.events?.cache?.('miss');
    const token = await this.#cache.fetch(key, { context: { identity } });
    if (!token) throw new UpstreamUnavailable('keystone', 'Keystone returned no token');
    return token;
  }

  /** Drops the cached token (Swift said 401: revoked or expired early). */
  invalidate(identity: SwiftIdentity): void {
    this.#cache.delete(this.#keyOf(identity));
  }

  async #post(kind: 'token' | 'ec2_token', path: string, body: string, okStatus: number, headers: Record<string, string> = {}): Promise<SwiftToken> {
    const started = this.#now();
    const report = (outcome: TokenCallOutcome) => this.#opts.events?.tokenCall?.(kind, outcome, (this.#now() - started) / 1000);
    const url = new URL(this.#base + path);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#opts.dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body,
        headersTimeout: this.#opts.timeoutMs,
        bodyTimeout: this.#opts.timeoutMs,
      });
    } catch (err) {
      report('unavailable');
      throw new UpstreamUnavailable('keystone', `Keystone is unreachable: ${(err as Error).message}`, { cause: err });
    }
    return readIssuedToken(response, okStatus, this.#opts, report);
  }

  #issue(identity: KeystoneIdentity): Promise<SwiftToken> {
    return this.#post('token', '/auth/tokens', JSON.stringify(authBody(identity)), 201);
  }

  /**
   * A token of the EC2 key's own user, scoped to its project. Keystone answers
   * /v3/ec2tokens only to a service or admin caller; a refused service token is
   * renewed once (a 401 for the key itself looks the same, and stays a 401).
   */
  async #issueEc2(identity: Ec2Identity): Promise<SwiftToken> {
    for (let attempt = 0; ; attempt++) {
      const service = await this.get(identity.service);
      const body = ec2TokenRequestBody({ access: identity.access, secret: identity.secret, now: new Date(this.#now()) });
      try {
        return await this.#post('ec2_token', '/ec2tokens', body, 200, { 'x-auth-token': service.token });
      } catch (err) {
        if (!(err instanceof IdentityRejected) || err.status !== 401 || attempt > 0) throw err;
        this.invalidate(identity.service);
      }
    }
  }
}
