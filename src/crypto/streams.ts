// Streaming encryption and decryption with bounded memory: one chunk in, one
// chunk out (a decrypting stream holds back only its latest chunk, below).
import { createHash, type Cipher, type Hash, type Hmac } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ctrAt } from './ctr.js';
import { macMatches, macText, plaintextMac } from './mac.js';

/**
 * Each side of a cipher stream buffers up to this much (Node's default is
 * 16 KiB): the stream is one more stage between the client and Swift, and at
 * 16 KiB it paused the body every few chunks. Bounded either way: per request
 * at most twice this, whatever the object's size.
 */
const STREAM_BUFFERING = { highWaterMark: 256 * 1024 } as const;

/** A full read whose plaintext MAC did not match: the stored bytes were changed outside the gateway. */
export class TamperedObject extends Error {
  readonly code = 'S3GW_SSE_MAC_MISMATCH';
  constructor() {
    super('the decrypted object does not match its stored MAC: its bytes were changed outside the gateway; the response was cut short');
  }
}

/** The plaintext's MD5 did not match the Content-MD5 the client sent. */
export class PlaintextDigestMismatch extends Error {
  readonly code = 'S3GW_SSE_CONTENT_MD5_MISMATCH';
  constructor() {
    super('the body does not match its Content-MD5');
  }
}

/**
 * Encrypts a plaintext body from its first byte, computing the plaintext's
 * MAC on the way (mac(), known once the stream has ended) and, when the
 * client sent Content-MD5, checking the plaintext's MD5 at the end (Swift
 * sees only ciphertext, so it cannot): a mismatch fails the stream, which
 * aborts the upload before Swift stores anything.
 */
export class EncryptingStream extends Transform {
  readonly #cipher: Cipher;
  readonly #mac: Hmac;
  readonly #md5: Hash | undefined;
  readonly #expectedMd5Hex: string | undefined;
  #macText: string | undefined;
  #md5Hex: string | undefined;
  digestFailed = false;

  /** `computeMd5`: keep the plaintext's MD5 (md5Hex()) even without a Content-MD5 to check: SSE-S3's ETag. */
  constructor(dataKey: Buffer, iv: Buffer, opts: { expectedMd5Hex?: string; computeMd5?: boolean } = {}) {
    super(STREAM_BUFFERING);
    this.#cipher = ctrAt(dataKey, iv, 0);
    this.#mac = plaintextMac(dataKey);
    this.#expectedMd5Hex = opts.expectedMd5Hex;
    this.#md5 = opts.expectedMd5Hex === undefined && !opts.computeMd5 ? undefined : createHash('md5');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#mac.update(chunk);
    this.#md5?.update(chunk);
    done(null, this.#cipher.update(chunk));
  }

  override _flush(done: TransformCallback): void {
    this.#macText = macText(this.#mac.digest());
    this.#md5Hex = this.#md5?.digest('hex');
    if (this.#expectedMd5Hex !== undefined && this.#md5Hex !== this.#expectedMd5Hex.toLowerCase()) {
      this.digestFailed = true;
      done(new PlaintextDigestMismatch());
      return;
    }
    done();
  }

  /** The plaintext's MAC (stored form), once the whole body has passed. */
  mac(): string {
    if (this.#macText === undefined) throw new Error('the body has not ended yet');
    return this.#macText;
  }

  /** The plaintext's MD5 (hex), once the whole body has passed; only when it was computed. */
  md5Hex(): string {
    if (this.#md5Hex === undefined) throw new Error('the body has not ended yet, or its MD5 was not asked for');
    return this.#md5Hex;
  }
}

/**
 * Decrypts ciphertext that starts at byte `offset` of the object. With
 * `expectedMac` (a read of the whole object) it recomputes the plaintext's
 * MAC and compares it at the end; it always holds back its latest chunk until
 * the next arrives, so when the MAC does not match, that last piece is never
 * sent and the stream fails instead: the client sees a body shorter than its
 * Content-Length, never a complete wrong one.
 */
export class DecryptingStream extends Transform {
  readonly #cipher: Cipher;
  readonly #mac: Hmac | undefined;
  readonly #expectedMac: string | undefined;
  #held: Buffer | undefined;

  constructor(dataKey: Buffer, iv: Buffer, offset: number, opts: { expectedMac?: string } = {}) {
    super(STREAM_BUFFERING);
    this.#cipher = ctrAt(dataKey, iv, offset);
    this.#expectedMac = opts.expectedMac;
    this.#mac = opts.expectedMac === undefined ? undefined : plaintextMac(dataKey);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const plain = this.#cipher.update(chunk);
    this.#mac?.update(plain);
    const out = this.#held;
    this.#held = plain;
    done(null, out);
  }

  override _flush(done: TransformCallback): void {
    if (this.#mac && !macMatches(this.#mac.digest(), this.#expectedMac!)) {
      done(new TamperedObject());
      return;
    }
    done(null, this.#held);
  }
}
