// SigV4 signing keys: HMAC chain of date, region, service and "aws4_request".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key
// A key is valid for one (secret, date, region) for a whole day, so derived keys
// are cached: a busy client costs one HMAC per request instead of five.
import { createHash, createHmac } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function deriveSigningKey(secret: string, date: string, region: string, service = 's3'): Buffer {
  const kDate = hmac('AWS4' + secret, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** Hex HMAC-SHA256 of a string to sign with a signing key: the signature. */
export function signHex(signingKey: Buffer, toSign: string): string {
  return createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
}

export class SigningKeyCache {
  readonly #cache: LRUCache<string, Buffer>;

  constructor(maxEntries = 10_000) {
    this.#cache = new LRUCache({ max: maxEntries });
  }

  get(secret: string, date: string, region: string, service = 's3'): Buffer {
    // The cache key holds a digest of the secret, never the secret itself.
    const id = `${createHash('sha256').update(secret).digest('base64')}/${date}/${region}/${service}`;
    let key = this.#cache.get(id);
    if (!key) {
      key = deriveSigningKey(secret, date, region, service);
      this.#cache.set(id, key);
    }
    return key;
  }

  get size(): number {
    return this.#cache.size;
  }
}
