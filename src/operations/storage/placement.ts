// Where a write of a class goes: into the bucket itself when the class is on
// the bucket's policy (its class then named on the object if it is not the
// bucket's own), else into the class's companion container behind a manifest.
import { requestedStorageClass } from '../../s3/storage-class.js';
import type { OperationContext } from '../context.js';
import { bucketPolicy, classesOf, classOfPolicy } from './bucket-class.js';

export interface Placement {
  /** The class to name (sealed) on what is written in the bucket; undefined: the bucket's own. */
  readonly storageClass?: string;
  /** The policy of the companion container the bytes go to; undefined: the bucket itself. */
  readonly policy?: string;
}

/** No class asked for, or the bucket's own: nothing to do (and no Swift call to find that out). */
export const IN_BUCKET: Placement = {};

/**
 * The placement for a class a request asks for (x-amz-storage-class), after
 * checking it is offered (InvalidStorageClass). Costs a (cached) container
 * HEAD only when a class is asked for and some class is outside the default policy.
 */
export async function placementFor(ctx: OperationContext, bucket: string, header: string | undefined): Promise<Placement> {
  const classes = classesOf(ctx);
  const storageClass = requestedStorageClass(header, classes);
  if (storageClass === undefined || !classes.tiered) return IN_BUCKET;
  return placementOf(ctx, bucket, storageClass);
}

/** The placement of an offered class in this bucket. */
export async function placementOf(ctx: OperationContext, bucket: string, storageClass: string): Promise<Placement> {
  const classes = classesOf(ctx);
  const own = await bucketPolicy(ctx, bucket);
  const policy = classes.policyOf.get(storageClass)!;
  if (policy === own || policy === '') return classOfPolicy(classes, own) === storageClass ? IN_BUCKET : { storageClass };
  return { storageClass, policy };
}
