// Wires the namespace from the gateway's own identity: its registry lives in
// that identity's Swift account, and its storage URL tells anonymous requests
// where the cluster is.
import { PolicyCache } from '../access/policy-cache.js';
import { accountOfStorageUrl } from '../swift/errors.js';
import type { SwiftClient, TransactionSink } from '../swift/client.js';
import type { KeystoneIdentity } from '../swift/keystone.js';
import type { Sealer } from '../swift/sealed-state.js';
import { SwiftStore } from '../swift/store.js';
import type { Namespace } from './index.js';
import { BucketRegistry, type RegistryEvents } from './registry.js';
import { BucketResolver, type ResolverEvents } from './resolve.js';

export interface NamespaceOptions {
  readonly swift: SwiftClient;
  readonly identity: KeystoneIdentity;
  readonly seal: Sealer;
  readonly container: string;
  readonly cacheSeconds: number;
  readonly events?: RegistryEvents & ResolverEvents;
  readonly now?: () => number;
}

/** The registry's own calls carry no client's transaction: their ids are not reported to one. */
const NO_CLIENT: TransactionSink = { transId: '' };

export function buildNamespace(opts: NamespaceOptions): Namespace {
  const session = opts.swift.session(opts.identity, NO_CLIENT);
  const registry = new BucketRegistry({
    store: new SwiftStore(session, opts.seal),
    container: opts.container,
    ttlMs: opts.cacheSeconds * 1000,
    absentTtlMs: Math.min(opts.cacheSeconds, 5) * 1000,
    maxEntries: 100_000,
    events: opts.events,
  });
  let delegate: Promise<string> | undefined;
  let known: string | undefined;
  // Storage URLs are as many as projects with keys here: a plain map, emptied if it ever grows past that.
  const accounts = new Map<string, string>();
  return {
    accountOf: (storageUrl) => {
      let account = accounts.get(storageUrl);
      if (account === undefined) {
        account = accountOfStorageUrl(new URL(storageUrl).pathname) ?? '';
        if (accounts.size >= 10_000) accounts.clear();
        accounts.set(storageUrl, account);
      }
      return account;
    },
    registry,
    resolver: new BucketResolver(registry, opts.events, opts.now),
    storageUrl: async () => (await session.account()).storageUrl,
    asGateway: (sink, account) => opts.swift.session(opts.identity, sink, account),
    anonymousSession: (sink, account) => opts.swift.anonymousSession(async () => (await session.account()).storageUrl, account, sink),
    policies: new PolicyCache(),
    // The gateway's own project and user never change: asked of Keystone once.
    delegate: () => (delegate ??= session.account().then((token) => (known = `${token.projectId}:${token.userId}`), (err: unknown) => {
      delegate = undefined;
      throw err;
    })),
    delegateNow: () => known,
  };
}
