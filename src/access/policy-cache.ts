// Parsed bucket policies, by bucket and text: a policy is parsed once per
// replica after it changes, not once per request.
import { LRUCache } from 'lru-cache';
import { parseBucketPolicy, type BucketPolicy } from './policy/index.js';

export class PolicyCache {
  readonly #parsed = new LRUCache<string, BucketPolicy>({ max: 10_000 });

  get(bucket: string, text: string): BucketPolicy {
    const key = `${bucket}\n${text}`;
    let policy = this.#parsed.get(key);
    if (policy === undefined) {
      policy = parseBucketPolicy(text, bucket);
      this.#parsed.set(key, policy);
    }
    return policy;
  }
}
