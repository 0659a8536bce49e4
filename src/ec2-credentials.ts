// S3 keys that live in Keystone (`openstack ec2 credentials create`): the
// credential store the gateway asks after the credentials file.
// The first request of a key is checked by Keystone (/v3/s3tokens), which names
// the key's user, project and roles; the secret is then fetched and kept for
// credentials.secretCacheSeconds, so later requests are verified locally with no
// Keystone call. A deleted key, or a role taken away, counts from the next
// fetch, at most that long after.
import { LRUCache } from 'lru-cache';
import type { Credential, CredentialStore, SignatureProof } from './auth/credentials.js';
import type { KeystoneEc2 } from './swift/keystone-ec2.js';
import type { KeystoneIdentity, SwiftIdentity } from './swift/keystone.js';

export interface Ec2StoreOptions {
  readonly keystone: Pick<KeystoneEc2, 'validate' | 'secret' | 'credential'>;
  readonly service: KeystoneIdentity;
  readonly cacheSeconds: number;
  readonly maxEntries?: number;
  readonly events?: { cache?(event: 'hit' | 'miss' | 'eviction'): void };
}

/** Keystone is asked with at most this many of a request's candidate strings to sign. */
const MAX_PROOFS = 3;

export class KeystoneCredentialStore implements CredentialStore<SwiftIdentity> {
  readonly #opts: Ec2StoreOptions;
  readonly #cache: LRUCache<string, Credential<SwiftIdentity>>;
  readonly #pending = new Map<string, Promise<Credential<SwiftIdentity> | undefined>>();

  constructor(opts: Ec2StoreOptions) {
    this.#opts = opts;
    this.#cache = new LRUCache({
      max: opts.maxEntries ?? 10_000,
      ttl: Math.max(1, opts.cacheSeconds) * 1000,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') opts.events?.cache?.('eviction');
      },
    });
  }

  async lookup(accessKeyId: string, proof: () => SignatureProof): Promise<Credential<SwiftIdentity> | undefined> {
    const cached = this.#cache.get(accessKeyId);
    if (cached) {
      this.#opts.events?.cache?.('hit');
      return cached;
    }
    this.#opts.events?.cache?.('miss');
    // Concurrent first requests of one key share the Keystone calls of the first;
    // if that one's signature was bad, each of the others asks with its own.
    const pending = this.#pending.get(accessKeyId);
    if (pending) {
      const shared = await pending.catch(() => undefined);
      if (shared && this.#cache.has(accessKeyId)) return shared;
    }
    const work = this.#fetch(accessKeyId, proof());
    this.#pending.set(accessKeyId, work);
    try {
      return await work;
    } finally {
      if (this.#pending.get(accessKeyId) === work) this.#pending.delete(accessKeyId);
    }
  }

  async #fetch(accessKeyId: string, proof: SignatureProof): Promise<Credential<SwiftIdentity> | undefined> {
    const keystone = this.#opts.keystone;
    for (const stringToSign of proof.stringsToSign.slice(0, MAX_PROOFS)) {
      const owner = await keystone.validate(accessKeyId, stringToSign, proof.signature);
      if (!owner) continue;
      const secretKey = await keystone.secret(owner.userId, accessKeyId);
      if (secretKey === undefined) return undefined;
      const credential: Credential<SwiftIdentity> = {
        accessKeyId,
        secretKey,
        identity: { kind: 'delegated', service: this.#opts.service, ...owner },
      };
      this.#cache.set(accessKeyId, credential);
      return credential;
    }
    const stored = await keystone.credential(accessKeyId);
    if (!stored) return undefined;
    // Keystone holds the key but refused it. With its secret, verification tells
    // a bad signature (SignatureDoesNotMatch) from an owner who may not use the
    // project (no roles: AccessDenied). Nothing is cached.
    return {
      accessKeyId,
      secretKey: stored.secret,
      identity: { kind: 'delegated', service: this.#opts.service, userId: stored.userId, userName: stored.userId, projectId: stored.projectId, projectName: stored.projectId, roles: [] },
    };
  }
}
