// Wrapping an object's data key under a key-encryption key (for SSE-C, the
// customer's key): AES-256-GCM with a random 96-bit nonce, and the object's
// name as additional data, so a wrapped key copied onto another object does
// not unwrap there. GCM authenticates: a wrong key-encryption key, or a
// changed wrapped key, fails to unwrap rather than giving a wrong data key.
// Stored form: `v1.` + base64url(nonce ‖ ciphertext ‖ tag).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1.';

/**
 * The one AES-256-GCM envelope of the gateway's data keys (SSE-C here, the
 * key providers' kms/envelope.ts too): a random 96-bit nonce, the additional
 * data given, a 128-bit tag. Answers nonce ‖ ciphertext ‖ tag.
 */
export function sealDataKey(kek: Buffer, dataKey: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
}

/** The data key sealDataKey sealed, or undefined when this KEK and additional data do not open it. */
export function openDataKey(kek: Buffer, raw: Buffer, aad: Buffer): Buffer | undefined {
  if (raw.length <= NONCE_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function wrapKey(kek: Buffer, dataKey: Buffer, aad: string): string {
  return VERSION + sealDataKey(kek, dataKey, Buffer.from(aad, 'utf8')).toString('base64url');
}

/** The data key wrapKey wrapped, or undefined when this key and name do not unwrap it. */
export function unwrapKey(kek: Buffer, wrapped: string, aad: string): Buffer | undefined {
  if (!wrapped.startsWith(VERSION)) return undefined;
  return openDataKey(kek, Buffer.from(wrapped.slice(VERSION.length), 'base64url'), Buffer.from(aad, 'utf8'));
}

/**
 * The key that makes digests of customer keys, derived from the gateway's
 * integrity secret (HKDF), so a digest is useless without that secret.
 */
export function customerKeyDigestKey(integrityKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', integrityKey, Buffer.alloc(0), 's3gw sse-c key digest v1', 32));
}

/**
 * What the gateway stores to recognise an SSE-C key: an HMAC-SHA256 under its
 * own derived secret, never the key or its plain MD5 (which anyone reading
 * Swift could test guesses against). base64url.
 */
export function customerKeyDigest(digestKey: Buffer, customerKey: Buffer): string {
  return createHmac('sha256', digestKey).update(customerKey).digest('base64url');
}
