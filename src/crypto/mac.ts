// What detects tampering with an encrypted object's bytes, CTR having no
// authentication of its own: an HMAC-SHA256 of the PLAINTEXT, computed while
// encrypting, under a MAC key derived from the object's data key (HKDF, RFC
// 5869), so only someone holding the data key can compute or check it. It is
// not a plain digest of the plaintext (the object's MD5, say): that would let
// anyone who can read Swift confirm a guessed plaintext. A full read recomputes
// it over what it decrypted and compares at the end; a range read cannot.
import { createHmac, hkdfSync, timingSafeEqual, type Hmac } from 'node:crypto';

const MAC_INFO = 's3gw sse plaintext mac v1';

/** The MAC key of an object's data key (never the data key itself). */
export function macKeyOf(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), MAC_INFO, 32));
}

/** A running HMAC of plaintext bytes under an object's data key. */
export function plaintextMac(dataKey: Buffer): Hmac {
  return createHmac('sha256', macKeyOf(dataKey));
}

/** The stored form of a MAC (base64url, no padding). */
export const macText = (mac: Buffer): string => mac.toString('base64url');

/** Whether a computed MAC equals the stored text (constant time). */
export function macMatches(mac: Buffer, stored: string): boolean {
  const expected = Buffer.from(stored, 'base64url');
  return expected.length === mac.length && timingSafeEqual(expected, mac);
}
