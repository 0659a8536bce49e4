// Data-key wrapping (AES-256-GCM bound to bucket/key), the customer-key
// digest, and the MAC key derivation.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { macKeyOf, macMatches } from '../../../src/crypto/mac.js';
import { customerKeyDigest, customerKeyDigestKey, unwrapKey, wrapKey } from '../../../src/crypto/wrap.js';

const kek = randomBytes(32);
const dataKey = randomBytes(32);

describe('wrapKey / unwrapKey', () => {
  it('unwraps with the same key and name', () => {
    const wrapped = wrapKey(kek, dataKey, 'b/k');
    expect(wrapped.startsWith('v1.')).toBe(true);
    expect(unwrapKey(kek, wrapped, 'b/k')!.equals(dataKey)).toBe(true);
  });

  it('a random nonce makes each wrapping different', () => {
    expect(wrapKey(kek, dataKey, 'b/k')).not.toBe(wrapKey(kek, dataKey, 'b/k'));
  });

  it('another key, another object name, or a changed byte does not unwrap', () => {
    const wrapped = wrapKey(kek, dataKey, 'b/k');
    expect(unwrapKey(randomBytes(32), wrapped, 'b/k')).toBeUndefined();
    expect(unwrapKey(kek, wrapped, 'b/other')).toBeUndefined();
    const raw = Buffer.from(wrapped.slice(3), 'base64url');
    raw.writeUInt8(raw.readUInt8(20) ^ 1, 20);
    expect(unwrapKey(kek, 'v1.' + raw.toString('base64url'), 'b/k')).toBeUndefined();
    expect(unwrapKey(kek, 'v2.' + wrapped.slice(3), 'b/k')).toBeUndefined();
    expect(unwrapKey(kek, 'v1.AAAA', 'b/k')).toBeUndefined();
  });
});

describe('customer key digests', () => {
  it('are stable per gateway secret and differ across secrets and keys', () => {
    const secret = customerKeyDigestKey(Buffer.from('integrity'));
    const key = randomBytes(32);
    expect(customerKeyDigest(secret, key)).toBe(customerKeyDigest(customerKeyDigestKey(Buffer.from('integrity')), key));
    expect(customerKeyDigest(secret, key)).not.toBe(customerKeyDigest(customerKeyDigestKey(Buffer.from('other')), key));
    expect(customerKeyDigest(secret, key)).not.toBe(customerKeyDigest(secret, randomBytes(32)));
    // Neither the secret nor the key is the digest key itself.
    expect(secret.equals(Buffer.from('integrity'))).toBe(false);
  });
});

describe('MAC keys', () => {
  it('are derived, not the data key, and macMatches compares exactly', () => {
    expect(macKeyOf(dataKey).equals(dataKey)).toBe(false);
    const mac = randomBytes(32);
    expect(macMatches(mac, mac.toString('base64url'))).toBe(true);
    expect(macMatches(mac, randomBytes(32).toString('base64url'))).toBe(false);
    expect(macMatches(mac, '')).toBe(false);
  });
});
