// Lifecycle transitions (Transition, NoncurrentVersionTransition): moving a
// version's data to the Swift storage policy of another storage class, server
// side, with storage classes' own move (operations/storage/transition.ts,
// changeStorageClass), so a transition is exactly a CopyObject that changes
// the class. What it cannot do is reported, never silently skipped: a class
// this gateway does not map (s3.storageClasses), and versions of a versioned
// bucket (Swift would keep the old bytes as a new version: the move refuses).
import { isS3Error } from '../s3/errors.js';
import type { OperationContext } from '../operations/context.js';
import { changeStorageClass } from '../operations/storage/transition.js';
import type { Outcome } from './apply.js';

export async function transitionVersion(ctx: OperationContext, bucket: string, key: string, versionId: string | undefined, storageClass: string): Promise<Outcome> {
  try {
    await changeStorageClass(ctx, bucket, key, versionId, storageClass);
    return 'done';
  } catch (err) {
    if (!isS3Error(err)) throw err;
    switch (err.code) {
      case 'InvalidStorageClass':
      case 'NotImplemented':
        return 'unavailable';
      case 'NoSuchKey':
      case 'NoSuchVersion':
        return 'gone';
      case 'PreconditionFailed':
        return 'changed';
      default:
        throw err;
    }
  }
}
