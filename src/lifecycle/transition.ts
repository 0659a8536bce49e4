// Lifecycle transitions (Transition, NoncurrentVersionTransition): moving a
// version's data to the Swift storage policy of another storage class. The
// move itself belongs to storage classes (operations/storage/transition.ts,
// changeStorageClass), which this branch does not have yet: until it does,
// every due transition is reported as not possible, never silently skipped.
// This is the one call site to change when it lands.
import type { OperationContext } from '../operations/context.js';
import type { Outcome } from './apply.js';

export async function transitionVersion(_ctx: OperationContext, _bucket: string, _key: string, _versionId: string | undefined, _storageClass: string): Promise<Outcome> {
  return 'unavailable';
}
