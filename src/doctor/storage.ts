// The doctor's storage-class question: does every Swift storage policy that
// s3.storageClasses names exist in the cluster (Swift's /info), as the
// gateway itself checks at start.
// https://docs.openstack.org/swift/latest/overview_policies.html
import type { Config } from '../config.js';
import { resolveStorageClasses } from '../operations/storage/policies.js';
import { policiesFromInfo } from '../swift/info.js';
import { Unreachable, call, jsonOf } from './http.js';
import type { Problem } from './keystone.js';

/** Each offered class and its policy, or why the mapping would stop the gateway. */
export async function checkStorageClasses(config: Config, swiftOrigin: string): Promise<{ classes: string[] } | Problem> {
  let answer;
  try {
    answer = await call(`${swiftOrigin}/info`, { method: 'GET', timeoutMs: config.health.timeoutMs || 2000 });
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return { problem: `Swift's /info: ${err.message}`, fix: 'the gateway reads the storage policies from /info at start: make it reachable' };
  }
  const body = answer.status === 200 ? jsonOf(answer.text) : undefined;
  if (body === undefined || body === null || typeof body !== 'object') {
    return { problem: `${swiftOrigin}/info answered HTTP ${answer.status} without its capabilities`, fix: 'the gateway reads the storage policies from /info at start: look at the Swift proxy\'s configuration (expose_info)' };
  }
  try {
    const resolved = resolveStorageClasses(config.s3.storageClasses, policiesFromInfo(body as Parameters<typeof policiesFromInfo>[0]));
    return { classes: [...resolved.policyOf].map(([cls, policy]) => `${cls} → ${policy}`) };
  } catch (err) {
    return { problem: (err as Error).message, fix: 'name a policy of the cluster (or one of its aliases) in s3.storageClasses, or add the policy to Swift\'s swift.conf and rings' };
  }
}
