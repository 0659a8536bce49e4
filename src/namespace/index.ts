// What the pipeline needs of the bucket namespace (namespace.mode global).
import type { BucketRegistry } from './registry.js';
import type { BucketResolver } from './resolve.js';

export interface Namespace {
  readonly registry: BucketRegistry;
  readonly resolver: BucketResolver;
  /** A storage URL of the cluster (any account's): anonymous requests go to the bucket's account there. */
  readonly storageUrl: () => Promise<string>;
}

export { requesterNamespace } from './requester-namespace.js';
export type { BucketHome, Resident } from './resolve.js';
