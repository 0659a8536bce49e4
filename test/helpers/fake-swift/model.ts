// What the fake stores: accounts (one per Keystone project, `AUTH_<project id>`),
// their containers, and objects with their data, metadata, SLO manifests and
// symlinks. Plain data; the handlers hold the rules.
import { createHash } from 'node:crypto';
import type { Stamp } from './clock.js';
import { compareNames } from './python.js';

/** The SLO sysmeta the proxy keeps beside a manifest (X-Object-Sysmeta-Slo-Etag / -Size). */
export interface SloInfo {
  /** MD5 over the segments' ETags (hex, unquoted). */
  readonly etag: string;
  readonly size: number;
}

/** A symlink's target (X-Object-Sysmeta-Symlink-Target and -Target-Account). */
export interface SymlinkInfo {
  /** `container/object`, as given in X-Symlink-Target. */
  readonly target: string;
  readonly account?: string;
}

export interface StoredObject {
  readonly name: string;
  /** The object's bytes; for an SLO, the stored manifest (JSON). */
  readonly data: Buffer;
  /** MD5 of data, hex. */
  readonly etag: string;
  readonly contentType: string;
  /** X-Timestamp: of the PUT, or of the last POST. */
  readonly timestamp: Stamp;
  /** X-Object-Meta-* in the case Swift stores them (`X-Object-Meta-Color`). */
  readonly meta: readonly (readonly [string, string])[];
  /** The other headers the object server keeps (allowed_headers: Content-Disposition, Expires, ...). */
  readonly kept: readonly (readonly [string, string])[];
  /** X-Delete-At, in seconds. */
  readonly deleteAt?: number;
  readonly slo?: SloInfo;
  readonly symlink?: SymlinkInfo;
}

export function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** Names kept in code-point order, sorted again only after a change. */
class SortedNames<T> {
  readonly items = new Map<string, T>();
  #sorted: string[] | null = [];
  /** Bumped on every change: caches of listings key on it. */
  version = 0;

  get(name: string): T | undefined {
    return this.items.get(name);
  }

  set(name: string, item: T): void {
    if (!this.items.has(name)) this.#sorted = null;
    this.items.set(name, item);
    this.version++;
  }

  delete(name: string): boolean {
    const had = this.items.delete(name);
    if (had) {
      this.#sorted = null;
      this.version++;
    }
    return had;
  }

  names(): readonly string[] {
    this.#sorted ??= [...this.items.keys()].sort(compareNames);
    return this.#sorted;
  }

  get size(): number {
    return this.items.size;
  }
}

export class Container {
  readonly objects = new SortedNames<StoredObject>();
  /** X-Container-Meta-* by lower-case name: [name as stored, value]. */
  readonly meta = new Map<string, readonly [string, string]>();
  read: string | undefined;
  write: string | undefined;
  /** Its storage policy (X-Storage-Policy at creation, never changed after). */
  policy = 'Policy-0';
  /**
   * The object count and bytes the account has of this container. Swift quirk
   * (of a cluster without a container-updater, like the local stack): the
   * container server reports them to the account only on a container PUT, so
   * account listings and totals keep the values of the last PUT.
   */
  reported = { count: 0, bytes: 0 };
  /** Serialised listings, valid while `objects.version` is unchanged. */
  readonly listingCache = new Map<string, { version: number; body: Buffer }>();

  constructor(readonly name: string, readonly created: Stamp, public putTimestamp: Stamp) {}

  /**
   * X-Container-Bytes-Used. Swift quirk: an SLO manifest counts as the bytes
   * of its manifest (the container row's size), although its listing row
   * shows the whole large object (swift_bytes in the row's content type).
   */
  bytesUsed(): number {
    if (this.#used?.version === this.objects.version) return this.#used.bytes;
    let sum = 0;
    for (const o of this.objects.items.values()) sum += o.data.length;
    this.#used = { version: this.objects.version, bytes: sum };
    return sum;
  }

  #used: { version: number; bytes: number } | undefined;
}

/** The bytes a container listing (and its usage) shows for an object. */
export function objectBytes(o: StoredObject): number {
  if (o.slo) return o.slo.size;
  return o.data.length;
}

export class Account {
  readonly containers = new SortedNames<Container>();
  readonly meta = new Map<string, readonly [string, string]>();
  /** When the account database was made (the first write); Swift fakes an empty account before. */
  created: Stamp | undefined;
  /**
   * keystoneauth's X-Account-Sysmeta-Project-Domain-Id: the project domain of
   * the token that made the account (`_unknown` when another project's did).
   */
  projectDomainId: string | undefined;

  constructor(readonly name: string) {}
}

export class Store {
  readonly #accounts = new Map<string, Account>();

  /** The account, made on first use (account_autocreate = true). */
  account(name: string): Account {
    let account = this.#accounts.get(name);
    if (!account) this.#accounts.set(name, (account = new Account(name)));
    return account;
  }

  container(account: string, container: string): Container | undefined {
    return this.#accounts.get(account)?.containers.get(container);
  }
}
