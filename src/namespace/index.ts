// What the pipeline needs of the bucket namespace (namespace.mode global).
import type { PolicyCache } from '../access/policy-cache.js';
import type { SwiftSession, TransactionSink } from '../swift/client.js';
import type { BucketRegistry } from './registry.js';
import type { BucketResolver } from './resolve.js';

export interface Namespace {
  readonly registry: BucketRegistry;
  readonly resolver: BucketResolver;
  /** A storage URL of the cluster (any account's): anonymous requests go to the bucket's account there. */
  readonly storageUrl: () => Promise<string>;
  /** The gateway's own identity as a container ACL entry (`<project>:<user>`), for what Swift cannot judge itself. */
  readonly delegate: () => Promise<string>;
  /** The same once known (after the first delegate()), without a promise. */
  readonly delegateNow: () => string | undefined;
  /** Swift as the gateway's own identity on a bucket's account: only for reads the gateway has judged itself (operations/common/delegation.ts). */
  readonly asGateway: (sink: TransactionSink, account: string) => SwiftSession;
  /** The account (`AUTH_x`) of a storage URL, parsed once per URL. */
  readonly accountOf: (storageUrl: string) => string;
  /** Swift with no token on a bucket's account: what Swift lets everyone do there. */
  readonly anonymousSession: (sink: TransactionSink, account: string) => SwiftSession;
  /** Parsed bucket policies of the registry's entries. */
  readonly policies: PolicyCache;
}

export { requesterNamespace } from './requester-namespace.js';
export type { BucketHome, Resident } from './resolve.js';
