// The bucket registry: S3 bucket names are global, Swift containers belong to
// an account. One small object per bucket name, in a container of the
// gateway's own account, says which account holds it. Every gateway replica
// reads the same objects, so they agree; each keeps what it read for a
// bounded time (namespace.cacheSeconds), so a change made through one replica
// shows in the others within that time.
//
// A name is claimed with an election Swift can hold: every claimant writes a
// claim object of its own (`<bucket>/<account>/<nonce>`, its record as the
// body), then lists the name's claims. A claimant that sees only its own has
// won; one that sees others withdraws (deletes its claim) and, if the name is
// still free, tries again after a random pause. Two claimants can never both
// see only their own: whichever listed second listed after the other's claim
// was written (Swift adds an object to its container's listing before the PUT
// returns, on a healthy cluster: see the README for the one exception).
// If-None-Match: * cannot do this: Swift checks it when a PUT starts, so two
// PUTs that overlap both succeed.
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SwiftStore } from '../swift/store.js';
import { decodeRecord, encodeRecord, type BucketRecord, type BucketSettings } from './record.js';

export interface RegistryEvents {
  /** One per lookup: answered from the cache, or read from Swift. */
  lookup?(outcome: 'hit' | 'miss'): void;
  /** A registry object that is not a record (written by hand?): treated as absent. */
  unreadable?(bucket: string): void;
}

export interface RegistryOptions {
  /** Swift as the gateway's own identity, on its own account. */
  readonly store: SwiftStore;
  readonly container: string;
  /** How long a read entry is trusted. */
  readonly ttlMs: number;
  /** How long "no such name" is trusted (short: a bucket made elsewhere shows soon). */
  readonly absentTtlMs: number;
  readonly maxEntries: number;
  readonly events?: RegistryEvents;
}

type Claimed = { readonly won: true; readonly record: BucketRecord } | { readonly won: false; readonly record: BucketRecord | undefined };

/** What the cache holds: a record, or the knowledge that the name is free. */
interface Entry {
  readonly record?: BucketRecord;
}

/** One claim object: `<bucket>/<account>/<nonce>`. */
interface Claim {
  readonly object: string;
  readonly account: string;
}

const ELECTION_ROUNDS = 6;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class BucketRegistry {
  readonly #opts: RegistryOptions;
  readonly #cache: LRUCache<string, Entry>;

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
    this.#cache = new LRUCache<string, Entry>({
      max: opts.maxEntries,
      ttl: opts.ttlMs,
      // forget() during a read of the same name must not fail the requests
      // waiting for that read: they get what it read.
      ignoreFetchAbort: true,
      // Concurrent misses for one name share one Swift read.
      fetchMethod: async (bucket, _stale, { options }) => {
        const record = await this.#current(bucket);
        if (record === undefined) options.ttl = opts.absentTtlMs;
        return { record };
      },
    });
  }

  /** The claims of a name, as the registry's container lists them now. */
  async #claims(bucket: string): Promise<Claim[]> {
    let rows;
    try {
      rows = await this.#opts.store.listObjects(this.#opts.container, { prefix: `${bucket}/`, limit: 100 });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return []; // no registry container yet
      throw err;
    }
    return rows.flatMap((row) => {
      const [, account] = (row.name ?? '').split('/');
      return account ? [{ object: row.name!, account }] : [];
    });
  }

  async #read(claim: Claim, bucket: string): Promise<BucketRecord | undefined> {
    const doc = await this.#opts.store.readDocument(this.#opts.container, claim.object);
    if (doc === undefined) return undefined;
    const record = decodeRecord(doc.text);
    if (record === undefined || record.account !== claim.account) {
      this.#opts.events?.unreadable?.(bucket);
      return undefined;
    }
    return record;
  }

  /**
   * The record of a name's one claim. While an election is on (more than one
   * claim), its losers withdraw within moments: look again a few times.
   */
  async #current(bucket: string): Promise<BucketRecord | undefined> {
    let claims = await this.#claims(bucket);
    for (let round = 0; claims.length > 1 && round < ELECTION_ROUNDS; round++) {
      await sleep(20 + Math.random() * 40);
      claims = await this.#claims(bucket);
    }
    // Still several (a claimant died mid-election): the oldest registration holds.
    let best: BucketRecord | undefined;
    for (const claim of claims) {
      const record = await this.#read(claim, bucket);
      if (record && (best === undefined || record.registered < best.registered)) best = record;
    }
    return best;
  }

  /** The account holding a bucket name, if any has registered it. */
  async lookup(bucket: string): Promise<BucketRecord | undefined> {
    // The hot path: a name read within the TTL costs a map lookup, no promise of lru-cache's fetch.
    const cached = this.#cache.get(bucket);
    this.#opts.events?.lookup?.(cached ? 'hit' : 'miss');
    if (cached) return cached.record;
    const entry = await this.#cache.fetch(bucket);
    return entry?.record;
  }

  /** The record of a name as this replica read it within the TTL, without asking Swift (undefined: not known now). */
  peek(bucket: string): BucketRecord | undefined {
    const record = this.#cache.get(bucket)?.record;
    if (record !== undefined) this.#opts.events?.lookup?.('hit');
    return record;
  }

  /** Drops what this replica knows of a name (after it changed here). */
  forget(bucket: string): void {
    this.#cache.delete(bucket);
  }

  async #write(object: string, record: BucketRecord): Promise<void> {
    const text = encodeRecord(record);
    if ((await this.#opts.store.writeDocument(this.#opts.container, object, text)) === 'written') return;
    // The first registration ever: make the registry's container (PUT is idempotent).
    await this.#opts.store.putContainer(this.#opts.container);
    if ((await this.#opts.store.writeDocument(this.#opts.container, object, text)) === 'no-container') {
      throw new Error(`the registry container ${this.#opts.container} vanished while it was written`);
    }
  }

  /**
   * Registers a name for `record.account` unless an account already has it.
   * `won` false: the name was taken, by the record returned (which may be the
   * same account's, e.g. a bucket created twice).
   */
  async claim(bucket: string, record: BucketRecord): Promise<Claimed> {
    this.forget(bucket);
    for (let round = 0; round < ELECTION_ROUNDS; round++) {
      const before = await this.#claims(bucket);
      if (before.length > 0) {
        const holder = await this.#current(bucket);
        if (holder !== undefined) {
          this.#cache.set(bucket, { record: holder });
          return { won: false, record: holder };
        }
      }
      const mine = `${bucket}/${record.account}/${randomUUID()}`;
      await this.#write(mine, record);
      const after = await this.#claims(bucket);
      if (after.length === 1 && after[0]!.object === mine) {
        this.#cache.set(bucket, { record });
        return { won: true, record };
      }
      await this.#opts.store.deleteObject(this.#opts.container, mine);
      await sleep(Math.random() * 100 * (round + 1));
    }
    throw new RegistryBusy(bucket);
  }

  /** Frees a name, if it is `account`'s (a bucket deleted by its owner). */
  async release(bucket: string, account: string): Promise<void> {
    this.forget(bucket);
    for (const claim of await this.#claims(bucket)) {
      if (claim.account === account) await this.#opts.store.deleteObject(this.#opts.container, claim.object);
    }
    this.forget(bucket);
  }

  /**
   * Changes the settings kept for a bucket of `account`. Swift has no
   * compare-and-swap for object PUTs: two changes at the same moment (two
   * PutBucketPolicy calls) end with the one Swift stores last, as in S3.
   * Undefined when the bucket is not registered to that account.
   */
  async updateSettings(bucket: string, account: string, change: (settings: BucketSettings) => BucketSettings): Promise<BucketRecord | undefined> {
    const claim = (await this.#claims(bucket)).find((c) => c.account === account);
    const current = claim && (await this.#read(claim, bucket));
    if (!claim || !current) return undefined;
    const next = { ...current, settings: change(current.settings) };
    await this.#write(claim.object, next);
    this.#cache.set(bucket, { record: next });
    return next;
  }

  /** Every registered name (for the namespace command and tests), in name order. */
  async *names(): AsyncGenerator<string> {
    let last: string | undefined;
    for await (const page of this.#opts.store.listPages(this.#opts.container, {}, { missingOk: true })) {
      for (const row of page) {
        const name = (row.name ?? '').split('/')[0]!;
        if (name !== last) yield name;
        last = name;
      }
    }
  }
}

/** An election that did not settle (claimants kept colliding): the client retries. */
export class RegistryBusy extends Error {
  constructor(readonly bucket: string) {
    super(`the bucket name ${bucket} is being claimed by others at this moment`);
    this.name = 'RegistryBusy';
  }
}
