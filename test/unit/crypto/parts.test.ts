// The counter layout of encrypted multipart parts (crypto/parts.ts) and the
// part-by-part decryption of a multipart object (operations/encryption/
// multipart-read.ts): no two parts' counters meet, every offset decrypts,
// and a changed part fails a read that covers it whole.
import { createCipheriv, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { counterAt } from '../../../src/crypto/ctr.js';
import { macText, plaintextMac } from '../../../src/crypto/mac.js';
import { MAX_PART_NUMBER, newPartNonce, partCounterBlock, partsDigest, type PartSeal } from '../../../src/crypto/parts.js';
import { TamperedObject } from '../../../src/crypto/streams.js';
import { PartsDecryptingStream } from '../../../src/operations/encryption/multipart-read.js';

const big = (b: Buffer): bigint => BigInt('0x' + b.toString('hex'));
/** Blocks in S3's largest part (5 GiB). */
const MAX_PART_BLOCKS = (5n * 1024n ** 3n) / 16n;

describe('partCounterBlock', () => {
  const iv = randomBytes(16);
  const nonce = newPartNonce();

  it('puts the part number times 2^40 in the low half and the nonce XOR the IV in the high half', () => {
    const block = partCounterBlock(iv, 3, nonce);
    expect(block.readBigUInt64BE(8)).toBe(3n << 40n);
    const high = Buffer.from(nonce, 'hex').map((x, i) => x ^ iv[i]!);
    expect(block.subarray(0, 8).equals(Buffer.from(high))).toBe(true);
  });

  it('leaves room for a 5 GiB part below the next part\'s first block, and the last part never carries into the high half', () => {
    for (const n of [1, 2, 9_999]) {
      const lastOfN = big(counterAt(partCounterBlock(iv, n, nonce), Number((MAX_PART_BLOCKS - 1n) * 16n)));
      expect(lastOfN < big(partCounterBlock(iv, n + 1, nonce))).toBe(true);
    }
    const last = counterAt(partCounterBlock(iv, MAX_PART_NUMBER, nonce), Number((MAX_PART_BLOCKS - 1n) * 16n));
    expect(last.subarray(0, 8).equals(partCounterBlock(iv, 1, nonce).subarray(0, 8))).toBe(true);
  });

  it('gives two uploads of one part number different counters (their nonces)', () => {
    expect(partCounterBlock(iv, 1, newPartNonce()).equals(partCounterBlock(iv, 1, newPartNonce()))).toBe(false);
  });

  it('refuses part numbers S3 does not have and malformed nonces', () => {
    expect(() => partCounterBlock(iv, 0, nonce)).toThrow();
    expect(() => partCounterBlock(iv, 10_001, nonce)).toThrow();
    expect(() => partCounterBlock(iv, 1, 'xyz')).toThrow();
  });
});

describe('partsDigest', () => {
  const a: PartSeal = { partNumber: 1, size: 5, nonce: '00'.repeat(8), mac: 'm1' };
  const b: PartSeal = { partNumber: 2, size: 1, nonce: '11'.repeat(8), mac: 'm2' };
  it('changes with the order, a size, a nonce or a MAC', () => {
    const d = partsDigest([a, b]);
    expect(partsDigest([b, a])).not.toBe(d);
    expect(partsDigest([a, { ...b, size: 2 }])).not.toBe(d);
    expect(partsDigest([a, { ...b, nonce: '22'.repeat(8) }])).not.toBe(d);
    expect(partsDigest([a, { ...b, mac: 'm3' }])).not.toBe(d);
    expect(partsDigest([a])).not.toBe(d);
    expect(partsDigest([a, b])).toBe(d);
  });
});

/** Parts encrypted as UploadPart does: each from its own counter block, its MAC of the plaintext. */
function encryptParts(key: Buffer, iv: Buffer, plain: Buffer[]): { seals: PartSeal[]; ciphertext: Buffer } {
  const seals: PartSeal[] = [];
  const out: Buffer[] = [];
  plain.forEach((p, i) => {
    const nonce = newPartNonce();
    const c = createCipheriv('aes-256-ctr', key, partCounterBlock(iv, i + 1, nonce));
    out.push(Buffer.concat([c.update(p), c.final()]));
    seals.push({ partNumber: i + 1, size: p.length, nonce, mac: macText(plaintextMac(key).update(p).digest()) });
  });
  return { seals, ciphertext: Buffer.concat(out) };
}

/** Streams `bytes` in chunks of `chunk` through the decryptor; the plaintext, or the error. */
async function decrypt(key: Buffer, iv: Buffer, seals: PartSeal[], bytes: Buffer, offset: number, chunk = 7): Promise<Buffer | Error> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const stream = Readable.from(chunks).pipe(new PartsDecryptingStream(key, iv, seals, offset));
  const got: Buffer[] = [];
  try {
    for await (const c of stream) got.push(c as Buffer);
  } catch (err) {
    return err as Error;
  }
  return Buffer.concat(got);
}

describe('PartsDecryptingStream', () => {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const plain = [randomBytes(100), randomBytes(37), randomBytes(1)];
  const whole = Buffer.concat(plain);
  const { seals, ciphertext } = encryptParts(key, iv, plain);

  it('decrypts the whole object and every range, from any offset and chunking', async () => {
    for (const [from, to] of [[0, whole.length], [0, 100], [99, 102], [100, 137], [5, 138], [137, 138], [120, 125]] as const) {
      for (const chunk of [1, 7, 64, 1000]) {
        const got = await decrypt(key, iv, seals, ciphertext.subarray(from, to), from, chunk);
        expect(got, `${from}-${to}/${chunk}`).toEqual(whole.subarray(from, to));
      }
    }
  });

  it('fails a read covering a changed part whole, without sending that part\'s last chunk', async () => {
    const changed = Buffer.from(ciphertext);
    changed[110] = changed[110]! ^ 1;
    expect(await decrypt(key, iv, seals, changed, 0, 1000)).toBeInstanceOf(TamperedObject);
    // A read of part 2 alone (partNumber=2) checks it too.
    expect(await decrypt(key, iv, seals, changed.subarray(100, 137), 100)).toBeInstanceOf(TamperedObject);
    // A range ending inside the changed part cannot be checked: it decrypts (with the changed bit).
    const partial = await decrypt(key, iv, seals, changed.subarray(100, 120), 100);
    expect(partial).toEqual(Buffer.from(whole.subarray(100, 120)).fill(whole[110]! ^ 1, 10, 11));
  });

  it('fails when Swift sends more bytes than the parts hold', async () => {
    expect(await decrypt(key, iv, seals, Buffer.concat([ciphertext, Buffer.alloc(3)]), 0)).toBeInstanceOf(Error);
  });
});
