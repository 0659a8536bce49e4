// S3 storage classes: the names S3 knows, which of them this gateway offers
// (the operator's map of class → Swift storage policy, s3.storageClasses),
// and the x-amz-storage-class header of PutObject, CopyObject and
// CreateMultipartUpload checked against it.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html#AmazonS3-PutObject-request-header-StorageClass
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
import { s3Error } from './errors.js';

/** Every class S3's API names (PutObject's StorageClass values). */
export const S3_STORAGE_CLASSES: readonly string[] = [
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE',
  'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
];

export const DEFAULT_STORAGE_CLASS = 'STANDARD';

/**
 * The classes this gateway offers, each on one Swift storage policy (by the
 * policy's name as /info gives it, aliases resolved). Several classes may
 * share a policy; a policy's own class (what a bucket in that policy is) is
 * the first class mapped to it, STANDARD for the cluster's default policy.
 */
export interface StorageClasses {
  /** class → policy name. Always holds STANDARD. */
  readonly policyOf: ReadonlyMap<string, string>;
  /** policy name → the class of a bucket (container) in that policy. */
  readonly classOfPolicy: ReadonlyMap<string, string>;
  /** The cluster's default policy (where STANDARD lives unless configured). */
  readonly defaultPolicy: string;
  /** Some class lives outside the default policy (otherwise nothing here costs a Swift call). */
  readonly tiered: boolean;
}

/** The mapping from a validated class → policy table (names already resolved against /info). */
export function storageClassesOf(policyOf: ReadonlyMap<string, string>, defaultPolicy: string): StorageClasses {
  const map = new Map(policyOf);
  if (!map.has(DEFAULT_STORAGE_CLASS)) map.set(DEFAULT_STORAGE_CLASS, defaultPolicy);
  const classOfPolicy = new Map<string, string>();
  // STANDARD first: a bucket in STANDARD's policy is STANDARD, whatever else shares it.
  classOfPolicy.set(map.get(DEFAULT_STORAGE_CLASS)!, DEFAULT_STORAGE_CLASS);
  for (const [cls, policy] of map) if (!classOfPolicy.has(policy)) classOfPolicy.set(policy, cls);
  const tiered = [...map.values()].some((p) => p !== defaultPolicy) || map.get(DEFAULT_STORAGE_CLASS) !== defaultPolicy;
  return { policyOf: map, classOfPolicy, defaultPolicy, tiered };
}

/** What a gateway without s3.storageClasses offers: STANDARD, wherever Swift puts a new container. */
export const STANDARD_ONLY: StorageClasses = {
  policyOf: new Map([[DEFAULT_STORAGE_CLASS, '']]),
  classOfPolicy: new Map(),
  defaultPolicy: '',
  tiered: false,
};

/**
 * The class a request's x-amz-storage-class asks for, undefined when it
 * names none. A class S3 does not know, and one it knows that this gateway
 * does not map to a policy, are both InvalidStorageClass (400): the answer
 * S3 gives for a class a bucket cannot hold (an Outposts class elsewhere),
 * and what MinIO and Ceph RGW answer for classes their deployment lacks.
 * Class names are case-sensitive in S3 (`standard` is refused).
 */
export function requestedStorageClass(value: string | undefined, classes: StorageClasses): string | undefined {
  if (value === undefined) return undefined;
  const storageClass = value.trim();
  if (classes.policyOf.has(storageClass)) return storageClass;
  const offered = [...classes.policyOf.keys()].join(', ');
  throw s3Error('InvalidStorageClass', { StorageClassRequested: storageClass },
    S3_STORAGE_CLASSES.includes(storageClass) ? `The storage class ${storageClass} is not offered here; these are: ${offered}.` : 'The storage class you specified is not valid.');
}

/** The x-amz-storage-class response header: S3 gives it for every class but STANDARD (HeadObject, GetObject). */
export function storageClassHeader(storageClass: string): Record<string, string> {
  return storageClass === DEFAULT_STORAGE_CLASS ? {} : { 'x-amz-storage-class': storageClass };
}
