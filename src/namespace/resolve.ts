// Which account a request's bucket lives in. In namespace.mode `global` the
// registry answers for every name; buckets that exist in an account without
// being registered (made by Swift's s3api or the Swift API) are registered on
// their owner's first access, and a name registered to another account stays
// usable by its owner, who still has the container, through signed requests
// (logged and counted: two projects then "own" one name, and anonymous and
// other projects' requests reach only the registered one).
import { LRUCache } from 'lru-cache';
import type { SwiftStore } from '../swift/store.js';
import type { BucketOwnerInfo, BucketRecord } from './record.js';
import type { BucketRegistry } from './registry.js';

export type BucketHome =
  /** The requester's own account (also for a name nobody has: the operation says NoSuchBucket). */
  | { readonly kind: 'own'; readonly record?: BucketRecord }
  /** Another account's bucket: the requester acts there only as its ACLs and policy allow. */
  | { readonly kind: 'foreign'; readonly record: BucketRecord }
  /** An anonymous request for a name nobody registered. */
  | { readonly kind: 'unknown' };

/** A signed request's requester: its own account, and Swift as itself there. */
export interface Resident {
  readonly account: string;
  readonly owner: BucketOwnerInfo;
  readonly store: SwiftStore;
}

export interface ResolverEvents {
  /** A name registered to one account is also a container of another's, which uses its own. */
  conflict?(bucket: string, registeredTo: string, usedBy: string): void;
  /** A bucket found unregistered in its owner's account was registered. */
  adopted?(bucket: string, account: string): void;
  /** Registering it failed (Swift unreachable, a busy election): the request goes on; a later one tries again. */
  adoptionFailed?(bucket: string, err: unknown): void;
}

export class BucketResolver {
  /** account/bucket → whether that account has such a container (only asked for names registered elsewhere or not at all). */
  readonly #local = new LRUCache<string, boolean>({ max: 10_000, ttl: 30_000 });
  /** account/bucket → the registration running for it. */
  readonly #adopting = new Map<string, Promise<void>>();

  constructor(private readonly registry: BucketRegistry, private readonly events: ResolverEvents = {}, private readonly now: () => number = Date.now) {}

  async #hasLocally(bucket: string, who: Resident): Promise<boolean> {
    const key = `${who.account}/${bucket}`;
    const known = this.#local.get(key);
    if (known !== undefined) return known;
    const exists = await who.store.containerExists(bucket);
    this.#local.set(key, exists);
    return exists;
  }

  /** The home of `bucket` for a signed request by `who`, or an anonymous one (undefined). */
  async resolve(bucket: string, who: Resident | undefined): Promise<BucketHome> {
    const record = await this.registry.lookup(bucket);
    if (who === undefined) return record === undefined ? { kind: 'unknown' } : { kind: 'foreign', record };
    if (record?.account === who.account) return { kind: 'own', record };
    if (record !== undefined) {
      if (!(await this.#hasLocally(bucket, who))) return { kind: 'foreign', record };
      this.events.conflict?.(bucket, record.account, who.account);
      return { kind: 'own' };
    }
    if (await this.#hasLocally(bucket, who)) await this.#adopt(bucket, who);
    return { kind: 'own' };
  }

  /**
   * Registers a bucket found unregistered in its owner's account: once per
   * name at a time in this replica (the first requests of a bucket come in
   * bursts), and never at the cost of the request, which is its owner's either way.
   */
  async #adopt(bucket: string, who: Resident): Promise<void> {
    const key = `${who.account}/${bucket}`;
    let running = this.#adopting.get(key);
    if (running === undefined) {
      running = (async () => {
        const claimed = await this.registry.claim(bucket, { account: who.account, owner: who.owner, registered: new Date(this.now()).toISOString(), settings: {} });
        if (claimed.won) this.events.adopted?.(bucket, who.account);
        else if (claimed.record !== undefined && claimed.record.account !== who.account) this.events.conflict?.(bucket, claimed.record.account, who.account);
      })().catch((err: unknown) => this.events.adoptionFailed?.(bucket, err)).finally(() => this.#adopting.delete(key));
      this.#adopting.set(key, running);
    }
    await running;
  }

  /** Forgets what this replica knew of a name in an account (after it was created or deleted here). */
  forgetLocal(bucket: string, account: string): void {
    this.#local.delete(`${account}/${bucket}`);
  }
}
