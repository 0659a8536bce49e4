// S3 keys that live in Keystone (`openstack ec2 credentials create`): the
// credential store the gateway asks after the credentials file.
// The first request of a key costs ONE Keystone call: the credential read
// (GET /v3/credentials/{sha256(access)}), which tells an unknown key at once
// and otherwise gives its user, project and secret; the signature is then
// verified locally like any other. What it names is kept for
// credentials.secretCacheSeconds, so a deleted key stops working within that
// time. An unknown key is remembered for credentials.unknownKeyCacheSeconds,
// and keys not seen before are asked about at most
// credentials.keystoneLookupsPerSecond: an unauthenticated client can never
// load Keystone faster than that.
import { LRUCache } from 'lru-cache';
import type { Credential, CredentialStore } from '../auth/credentials.js';
import { s3Error } from '../s3/errors.js';
import type { KeystoneEc2 } from '../swift/keystone-ec2.js';
import type { KeystoneIdentity, SwiftIdentity } from '../swift/keystone.js';

export interface Ec2StoreOptions {
  readonly keystone: Pick<KeystoneEc2, 'credential'>;
  readonly service: KeystoneIdentity;
  readonly cacheSeconds: number;
  readonly unknownKeyCacheSeconds: number;
  /** Credential reads per second for keys not in either cache (a token bucket of that size). */
  readonly lookupsPerSecond: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
  readonly events?: { cache?(event: 'hit' | 'miss' | 'eviction'): void; throttled?(): void };
}

/** A token bucket: `rate` tokens a second, at most `rate` saved up. */
export class RateLimit {
  #tokens: number;
  #at: number;

  constructor(private readonly rate: number, private readonly now: () => number) {
    this.#tokens = rate;
    this.#at = now();
  }

  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.rate, this.#tokens + ((t - this.#at) / 1000) * this.rate);
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export class KeystoneCredentialStore implements CredentialStore<SwiftIdentity> {
  readonly #opts: Ec2StoreOptions;
  readonly #now: () => number;
  readonly #known: LRUCache<string, Credential<SwiftIdentity>>;
  readonly #unknown: LRUCache<string, true>;
  readonly #pending = new Map<string, Promise<Credential<SwiftIdentity> | undefined>>();
  readonly #limit: RateLimit;

  constructor(opts: Ec2StoreOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    // ttlResolution 0: read the clock on every check (an expiry must count at once).
    const perf = { now: () => this.#now() };
    this.#known = new LRUCache({
      max: opts.maxEntries ?? 10_000,
      ttl: Math.max(1, opts.cacheSeconds) * 1000,
      ttlResolution: 0,
      perf,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') opts.events?.cache?.('eviction');
      },
    });
    this.#unknown = new LRUCache({ max: opts.maxEntries ?? 10_000, ttl: Math.max(1, opts.unknownKeyCacheSeconds) * 1000, ttlResolution: 0, perf });
    this.#limit = new RateLimit(Math.max(1, opts.lookupsPerSecond), this.#now);
  }

  async lookup(accessKeyId: string): Promise<Credential<SwiftIdentity> | undefined> {
    const cached = this.#known.get(accessKeyId);
    if (cached) {
      this.#opts.events?.cache?.('hit');
      return cached;
    }
    if (this.#unknown.has(accessKeyId)) return undefined;
    this.#opts.events?.cache?.('miss');
    // Concurrent first requests of one key share one Keystone call.
    let work = this.#pending.get(accessKeyId);
    if (!work) {
      if (!this.#limit.take()) {
        this.#opts.events?.throttled?.();
        throw s3Error('SlowDown', {}, 'Too many requests with access keys this gateway has not seen lately; please retry.');
      }
      work = this.#read(accessKeyId);
      this.#pending.set(accessKeyId, work);
      void work.finally(() => this.#pending.delete(accessKeyId)).catch(() => {});
    }
    return work;
  }

  async #read(accessKeyId: string): Promise<Credential<SwiftIdentity> | undefined> {
    const stored = await this.#opts.keystone.credential(accessKeyId);
    if (!stored) {
      this.#unknown.set(accessKeyId, true);
      return undefined;
    }
    const credential: Credential<SwiftIdentity> = {
      accessKeyId,
      secretKey: stored.secret,
      identity: {
        kind: 'ec2',
        service: this.#opts.service,
        access: accessKeyId,
        secret: stored.secret,
        userId: stored.userId,
        projectId: stored.projectId,
        readAt: this.#now(),
      },
    };
    this.#known.set(accessKeyId, credential);
    return credential;
  }
}
