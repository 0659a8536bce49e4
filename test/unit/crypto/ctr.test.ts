// AES-256-CTR at any offset: decrypting from byte o gives what a decryption of
// the whole ciphertext gives from o on, for sizes around block boundaries and
// random offsets; the counter's 128-bit carry; the streams' MAC and Content-MD5.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { counterAt, ctrAt } from '../../../src/crypto/ctr.js';
import { DecryptingStream, EncryptingStream, PlaintextDigestMismatch, TamperedObject } from '../../../src/crypto/streams.js';

const key = randomBytes(32);
const iv = randomBytes(16);

/** The reference: one OpenSSL CTR pass over the whole buffer from the IV. */
const whole = (data: Buffer, k = key, v = iv) => createCipheriv('aes-256-ctr', k, v).update(data);

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Feeds data through a transform in chunks of the given size. */
function through<T extends NodeJS.ReadWriteStream>(data: Buffer, stream: T, chunk = 1000): T {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += chunk) pieces.push(data.subarray(at, at + chunk));
  Readable.from(pieces).pipe(stream);
  return stream;
}

describe('counterAt', () => {
  it('adds floor(offset / 16) to the IV as a 128-bit big-endian number', () => {
    const zero = Buffer.alloc(16);
    expect(counterAt(zero, 0).equals(zero)).toBe(true);
    expect(counterAt(zero, 15).equals(zero)).toBe(true);
    expect(counterAt(zero, 16).toString('hex')).toBe('00000000000000000000000000000001');
    expect(counterAt(zero, 16 * 256).toString('hex')).toBe('00000000000000000000000000000100');
  });

  it('carries across bytes and wraps at 2^128, as OpenSSL increments', () => {
    const nearEnd = Buffer.from('000000000000000000000000ffffffff', 'hex');
    expect(counterAt(nearEnd, 16).toString('hex')).toBe('00000000000000000000000100000000');
    const top = Buffer.alloc(16, 0xff);
    expect(counterAt(top, 16).equals(Buffer.alloc(16))).toBe(true);
    // OpenSSL agrees: the second block after an all-ones counter uses counter 0.
    const data = randomBytes(48);
    const fromTop = whole(data, key, top);
    expect(ctrAt(key, top, 16).update(data.subarray(16)).equals(fromTop.subarray(16))).toBe(true);
  });

  it('refuses a wrong IV length or a negative offset', () => {
    expect(() => counterAt(Buffer.alloc(15), 0)).toThrow();
    expect(() => counterAt(iv, -1)).toThrow();
  });
});

describe('CTR at any offset equals slicing a full encryption', () => {
  const sizes = [0, 1, 15, 16, 17, 31, 32, 33, 255, 256, 257, 4095, 4096, 4097, 65_537];
  for (const size of sizes) {
    it(`size ${size}: every block boundary and random offsets`, () => {
      const data = randomBytes(size);
      const full = whole(data);
      const offsets = new Set([0, size, ...[1, 15, 16, 17, 32, 4096].filter((o) => o <= size)]);
      for (let i = 0; i < 20 && size > 0; i++) offsets.add(Math.floor(Math.random() * size));
      for (const o of offsets) {
        const part = ctrAt(key, iv, o).update(data.subarray(o));
        expect(part.equals(full.subarray(o))).toBe(true);
        // Decrypting is the same XOR: the ciphertext from o gives the plaintext from o.
        expect(ctrAt(key, iv, o).update(full.subarray(o)).equals(data.subarray(o))).toBe(true);
      }
    });
  }
});

describe('EncryptingStream and DecryptingStream', () => {
  it('round-trip in any chunking, and a range decrypts as a slice', async () => {
    const data = randomBytes(10_000);
    const enc = through(data, new EncryptingStream(key, iv), 777);
    const cipher = await collect(enc);
    expect(cipher.equals(whole(data))).toBe(true);
    const plain = await collect(through(cipher, new DecryptingStream(key, iv, 0, { expectedMac: enc.mac() }), 333));
    expect(plain.equals(data)).toBe(true);
    const from = 1234;
    const part = await collect(through(cipher.subarray(from, 5000), new DecryptingStream(key, iv, from), 100));
    expect(part.equals(data.subarray(from, 5000))).toBe(true);
  });

  it('a full read with a changed byte fails, and its last chunk is never given out', async () => {
    const data = randomBytes(5000);
    const enc = through(data, new EncryptingStream(key, iv));
    const cipher = await collect(enc);
    cipher.writeUInt8(cipher.readUInt8(10) ^ 1, 10);
    const dec = through(cipher, new DecryptingStream(key, iv, 0, { expectedMac: enc.mac() }), 1000);
    let out = 0;
    dec.on('data', (c: Buffer) => { out += c.length; });
    const err = await new Promise((resolve) => dec.on('error', resolve));
    expect(err).toBeInstanceOf(TamperedObject);
    expect(out).toBeLessThanOrEqual(4000);
  });

  it('the MAC depends on the data key: another key gives another MAC', async () => {
    const data = randomBytes(100);
    const a = through(data, new EncryptingStream(key, iv));
    const b = through(data, new EncryptingStream(randomBytes(32), iv));
    await collect(a);
    await collect(b);
    expect(a.mac()).not.toBe(b.mac());
  });

  it('checks Content-MD5 on the plaintext: a match passes, a mismatch fails the stream', async () => {
    const data = randomBytes(3000);
    const md5 = createHash('md5').update(data).digest('hex');
    expect((await collect(through(data, new EncryptingStream(key, iv, { expectedMd5Hex: md5 })))).length).toBe(3000);
    const bad = through(data, new EncryptingStream(key, iv, { expectedMd5Hex: '0'.repeat(32) }));
    bad.resume();
    const err = await new Promise((resolve) => bad.on('error', resolve));
    expect(err).toBeInstanceOf(PlaintextDigestMismatch);
    expect(bad.digestFailed).toBe(true);
  });
});
