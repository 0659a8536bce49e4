// A short-lived cache of facts about buckets (does <bucket>+segments exist,
// the bucket's lock configuration, its storage policy) whose misses are
// shared: when an entry expires under load, every request that wants it
// waits on one Swift call instead of making its own (at c=64, 64 HEADs of
// the same container every time a 2-second entry expired). Only answers are
// shared: a lookup that fails (one requester's token refused, say) is not
// cached, and each request waiting on it then asks with its own.
import { LRUCache } from 'lru-cache';

export class SharedLookups<V extends NonNullable<unknown>> {
  readonly #cache: LRUCache<string, V>;
  readonly #ttlOf: ((value: V) => number) | undefined;
  readonly #asking = new Map<string, Promise<V>>();

  /** `ttlOf`: a lifetime per answer (a "no" kept shorter than a "yes"), else `ttlMs`. */
  constructor(opts: { readonly ttlMs: number; readonly max?: number; readonly ttlOf?: (value: V) => number }) {
    this.#cache = new LRUCache<string, V>({ max: opts.max ?? 10_000, ttl: opts.ttlMs });
    this.#ttlOf = opts.ttlOf;
  }

  get(key: string): V | undefined {
    return this.#cache.get(key);
  }

  set(key: string, value: V): void {
    this.#cache.set(key, value, this.#ttlOf ? { ttl: this.#ttlOf(value) } : undefined);
  }

  /** The cached answer, else the one a lookup under way gets, else `probe`'s. */
  async lookup(key: string, probe: () => Promise<V>): Promise<V> {
    const known = this.#cache.get(key);
    if (known !== undefined) return known;
    const asking = this.#asking.get(key);
    if (asking) return asking.catch(() => this.refresh(key, probe));
    const mine = this.refresh(key, probe).finally(() => this.#asking.delete(key));
    this.#asking.set(key, mine);
    return mine;
  }

  /** `probe`'s answer now (not the cache's, nor one asked before this call), kept for the next. */
  async refresh(key: string, probe: () => Promise<V>): Promise<V> {
    const value = await probe();
    this.set(key, value);
    return value;
  }
}
