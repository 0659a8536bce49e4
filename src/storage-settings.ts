// The S3 storage classes this gateway offers (s3.storageClasses), checked
// against the storage policies Swift's /info lists: what the server and the
// lifecycle runner (transitions) both start from.
import type { Dispatcher } from 'undici';
import { ConfigError, type Config } from './config.js';
import type { StorageSettings } from './operations/context.js';
import { BucketPolicies } from './operations/storage/bucket-class.js';
import { resolveStorageClasses } from './operations/storage/policies.js';
import { fetchStoragePolicies } from './swift/info.js';

/**
 * s3.storageClasses checked against the policies Swift's /info lists: a
 * class on a policy the cluster lacks (or /info unreadable) stops start-up.
 * Unset: STANDARD only, and no storage-class lookups at all.
 */
export async function storageSettings(config: Config, dispatcher: Dispatcher, swiftOrigin: () => Promise<string>): Promise<StorageSettings | undefined> {
  if (!config.s3.storageClasses) return undefined;
  let policies;
  try {
    policies = await fetchStoragePolicies(dispatcher, await swiftOrigin());
  } catch (err) {
    throw new ConfigError(`Setting s3.storageClasses: the Swift cluster's storage policies could not be read from its /info (${(err as Error).message}); they are needed to check the mapping.`);
  }
  try {
    return { classes: resolveStorageClasses(config.s3.storageClasses, policies), bucketPolicies: new BucketPolicies() };
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

