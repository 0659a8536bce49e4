// s3.storageClasses resolved against the cluster's storage policies (Swift's
// /info `swift.policies`), once at start: a class mapped to a policy the
// cluster does not have stops the gateway with a message saying which.
// https://docs.openstack.org/swift/latest/overview_policies.html
import { storageClassesOf, type StorageClasses } from '../../s3/storage-class.js';
import type { StoragePolicy } from '../../swift/info.js';

/** Policy names that would make a companion container `<bucket>+<policy>` one of the gateway's other hidden containers. */
const RESERVED_SUFFIXES = new Set(['segments', 'locks', 'tags']);

function describe(policies: readonly StoragePolicy[]): string {
  return policies.map((p) => {
    const aliases = p.aliases.filter((a) => a !== p.name);
    return `${p.name}${p.isDefault ? ' (default)' : ''}${aliases.length > 0 ? ` (alias ${aliases.join(', ')})` : ''}`;
  }).join(', ');
}

/**
 * The classes offered, each on a policy by its name (an alias resolved to
 * it). Throws an Error naming the setting, the class and the policies the
 * cluster has when a policy is unknown.
 */
export function resolveStorageClasses(configured: Readonly<Record<string, string>> | undefined, policies: readonly StoragePolicy[]): StorageClasses {
  const byName = new Map<string, StoragePolicy>();
  for (const p of policies) for (const name of [p.name, ...p.aliases]) byName.set(name.toLowerCase(), p);
  const fallback = policies.find((p) => p.isDefault) ?? policies[0];
  if (!fallback) throw new Error('Swift\'s /info lists no storage policy');
  const map = new Map<string, string>();
  for (const [cls, wanted] of Object.entries(configured ?? {})) {
    const policy = byName.get(wanted.toLowerCase());
    if (!policy) {
      throw new Error(`Setting s3.storageClasses: ${cls} maps to the Swift storage policy "${wanted}", which this Swift cluster does not have. Its policies are: ${describe(policies)}.`);
    }
    if (RESERVED_SUFFIXES.has(policy.name.toLowerCase())) {
      throw new Error(`Setting s3.storageClasses: the Swift storage policy "${policy.name}" cannot hold a class here: its companion containers (<bucket>+${policy.name}) would be the gateway's own hidden containers.`);
    }
    map.set(cls, policy.name);
  }
  return storageClassesOf(map, fallback.name);
}
