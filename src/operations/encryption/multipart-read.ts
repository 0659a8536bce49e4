// Reading an encrypted multipart object: each part was encrypted on its own
// (crypto/parts.ts), so the bytes Swift streams are decrypted part by part,
// each from its own counter block. The parts, their sizes, and each part's
// sealed text (nonce, MAC: multipart-state.ts) come from the object's SLO
// manifest and a listing of its parts: two calls per GET (one more per
// thousand parts), none per part.
// Before any byte is sent, the parts' texts must verify, each must name the
// ciphertext ETag the manifest records for its segment, and their digest
// must equal the object's sealed `sse-mac`; while streaming, the MAC of every
// part the read covers from its first byte to its last is checked (a whole
// GET, a partNumber read, a range spanning whole parts). A mismatch fails the
// stream before that part's last chunk is sent: the client sees a body
// shorter than its Content-Length, never a complete wrong one. A part the
// read covers only in part (a range starting or ending inside it) cannot be
// checked: its MAC is of all its bytes.
import { timingSafeEqual, type Cipher, type Hmac } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { ctrAt } from '../../crypto/ctr.js';
import { macMatches, plaintextMac } from '../../crypto/mac.js';
import { partCounterBlock, partsDigest, type PartSeal } from '../../crypto/parts.js';
import { TamperedObject } from '../../crypto/streams.js';
import { s3Error } from '../../s3/errors.js';
import type { ObjectInfo, ObjectRow } from '../../swift/store.js';
import { entryPath, objectManifest } from '../common/manifest.js';
import type { OperationContext } from '../context.js';
import { parsePartText } from './multipart-state.js';
import type { Decryption } from './read.js';

const TAMPERED_STATE = 'The object\'s encryption metadata does not verify (its parts or their records were changed outside the gateway): it cannot be decrypted.';

/** The rows of the parts' listing (name → Content-Type and ETag): where each part's sealed text is. */
async function partRows(ctx: OperationContext, container: string, prefix: string): Promise<Map<string, ObjectRow>> {
  const rows = new Map<string, ObjectRow>();
  for await (const page of ctx.store.listPages(container, { prefix }, { missingOk: true })) for (const row of page) if (row.name !== undefined) rows.set(row.name, row);
  return rows;
}

/** The object's parts in order, each with its number, size, nonce and MAC; S3's error when any does not verify. */
export async function encryptedParts(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, d: Decryption): Promise<PartSeal[]> {
  const found = await objectManifest(ctx, bucket, key, { versionId: info.versionId });
  if (found === 'plain' || found === 'missing') throw s3Error('AccessDenied', {}, TAMPERED_STATE);
  const parts: PartSeal[] = [];
  // Swift quirk: an SLO manifest records each segment's Content-Type without
  // its parameters, so the texts are read from a listing of the parts (one
  // call per thousand), all under <key>/<uploadId>/ in one container.
  const listings = new Map<string, Map<string, ObjectRow>>();
  for (const segment of found.parts) {
    const at = entryPath(segment);
    const size = segment.bytes ?? segment.size_bytes ?? 0;
    const n = at === undefined ? NaN : Number(/\/([0-9]{1,5})$/.exec(at.object)?.[1]);
    if (!at || !(n >= 1)) throw s3Error('AccessDenied', {}, TAMPERED_STATE);
    const prefix = `${at.container}/${at.object.slice(0, at.object.lastIndexOf('/') + 1)}`;
    let rows = listings.get(prefix);
    if (!rows) listings.set(prefix, (rows = await partRows(ctx, at.container, prefix.slice(at.container.length + 1))));
    const row = rows.get(at.object);
    const text = row && parsePartText(ctx.store.ssePartOf({ container: at.container, object: at.object, size }, row.content_type));
    // The text names the ciphertext it was written for: a part whose bytes were replaced (and the manifest rewritten for them) is refused here, before any byte.
    if (!text || row.bytes !== size || text.etag !== row.hash || text.etag !== segment.hash) throw s3Error('AccessDenied', {}, TAMPERED_STATE);
    parts.push({ partNumber: n, size, nonce: text.nonce, mac: text.mac });
  }
  const digest = Buffer.from(partsDigest(parts));
  const stored = Buffer.from(d.mac);
  if (digest.length !== stored.length || !timingSafeEqual(digest, stored)) throw s3Error('AccessDenied', {}, TAMPERED_STATE);
  return parts;
}

/** Decrypts the bytes of a multipart object from byte `offset` on, part by part. */
export class PartsDecryptingStream extends Transform {
  readonly #dataKey: Buffer;
  readonly #iv: Buffer;
  readonly #parts: readonly PartSeal[];
  /** Index of the part the next byte belongs to, and that part's first byte in the object. */
  #index = 0;
  #partStart = 0;
  #pos: number;
  #cipher: Cipher | undefined;
  /** The running MAC of the current part, when the read began at or before its first byte. */
  #mac: Hmac | undefined;
  #held: Buffer | undefined;

  constructor(dataKey: Buffer, iv: Buffer, parts: readonly PartSeal[], offset: number) {
    super();
    this.#dataKey = dataKey;
    this.#iv = iv;
    this.#parts = parts;
    this.#pos = offset;
    while (this.#index < parts.length && this.#partStart + parts[this.#index]!.size <= offset) this.#partStart += parts[this.#index++]!.size;
    this.#open(offset - this.#partStart);
  }

  /** Starts the current part at byte `inner` of it. */
  #open(inner: number): void {
    const part = this.#parts[this.#index];
    if (!part) {
      this.#cipher = undefined;
      this.#mac = undefined;
      return;
    }
    this.#cipher = ctrAt(this.#dataKey, partCounterBlock(this.#iv, part.partNumber, part.nonce), inner);
    this.#mac = inner === 0 ? plaintextMac(this.#dataKey) : undefined;
  }

  /** Ends the current part (all its bytes have passed): false when its MAC does not match. */
  #closePart(): boolean {
    const part = this.#parts[this.#index]!;
    const ok = this.#mac === undefined || macMatches(this.#mac.digest(), part.mac);
    this.#partStart += part.size;
    this.#index++;
    this.#open(0);
    return ok;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      const part = this.#parts[this.#index];
      if (!part || !this.#cipher) {
        done(new Error('Swift sent more bytes than the object\'s parts hold'));
        return;
      }
      const take = Math.min(chunk.length - at, this.#partStart + part.size - this.#pos);
      const plain = this.#cipher.update(chunk.subarray(at, at + take));
      this.#mac?.update(plain);
      out.push(plain);
      at += take;
      this.#pos += take;
      if (this.#pos === this.#partStart + part.size && !this.#closePart()) {
        done(new TamperedObject());
        return;
      }
    }
    const previous = this.#held;
    this.#held = Buffer.concat(out);
    done(null, previous);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.#held);
  }
}

/** Swift's ciphertext of a multipart object from byte `offset` on, decrypted (see above). */
export function partsDecryptedBody(body: Readable, d: Decryption, parts: readonly PartSeal[], offset: number): Readable {
  return pipeline(body, new PartsDecryptingStream(d.dataKey, d.iv, parts, offset), () => {});
}
