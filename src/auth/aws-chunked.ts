// Decodes an `aws-chunked` request body on the fly, verifying each chunk's
// signature (chained from the request's seed signature) and the trailer:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
//
//   signed:   <hex-size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n[trailer]\r\n
//   unsigned: <hex-size>\r\n<data>\r\n ... 0\r\n[trailer]\r\n
//   trailer:  x-amz-checksum-crc32:<b64>\r\n[x-amz-trailer-signature:<sig>\r\n]
//
// Data is passed on as it arrives, never a whole chunk at a time; a bad chunk
// errors the stream, and the verifier after it (payload.ts) holds back the last
// bytes so an upload that fails here never completes in Swift.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { s3Error } from '../s3/errors.js';
import { signaturesEqual } from './compare.js';
import { EMPTY_SHA256, sha256Hex } from './sigv4-canonical.js';
import { signHex } from './signing-keys.js';

export interface ChunkSigning {
  readonly signingKey: Buffer;
  readonly amzDate: string;
  readonly scope: string;
  readonly seedSignature: string;
}

export interface AwsChunkedOptions {
  /** Verify chunk and trailer signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). */
  readonly signing?: ChunkSigning;
  /** Trailer header names the request announced in x-amz-trailer (lower case). */
  readonly trailerNames: readonly string[];
  /** x-amz-decoded-content-length: the body must decode to exactly this many bytes. */
  readonly decodedLength?: number;
}

/** A chunk header or trailer line longer than this is not aws-chunked. */
const MAX_LINE = 4096;

export function chunkStringToSign(s: ChunkSigning, previous: string, dataHash: string): string {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${s.amzDate}\n${s.scope}\n${previous}\n${EMPTY_SHA256}\n${dataHash}`;
}

/** Trailer lines as signed: `name:value\n` each, in the order sent. */
export function trailerStringToSign(s: ChunkSigning, previous: string, canonicalTrailer: string): string {
  return `AWS4-HMAC-SHA256-TRAILER\n${s.amzDate}\n${s.scope}\n${previous}\n${sha256Hex(canonicalTrailer)}`;
}

function malformed(why: string) {
  return s3Error('InvalidRequest', {}, `The aws-chunked request body is malformed: ${why}.`);
}

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  /** Trailer headers received (lower-case names), complete once the stream ends. */
  readonly trailers: Record<string, string> = {};
  #opts: AwsChunkedOptions;
  #state: State = 'header';
  #line = Buffer.alloc(0);
  #remaining = 0;
  #chunkSignature = '';
  #previous: string;
  #hash: Hash | undefined;
  #decoded = 0;
  #canonicalTrailer = '';
  #trailerSignature: string | undefined;

  constructor(opts: AwsChunkedOptions) {
    super();
    this.#opts = opts;
    this.#previous = opts.signing?.seedSignature ?? '';
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state !== 'done') return callback(s3Error('IncompleteBody', {}, 'The aws-chunked request body ended before its final chunk.'));
    callback();
  }

  #consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      if (this.#state === 'data') {
        const n = Math.min(this.#remaining, buf.length - pos);
        const piece = buf.subarray(pos, pos + n);
        this.#hash?.update(piece);
        this.#decoded += n;
        if (this.#opts.decodedLength !== undefined && this.#decoded > this.#opts.decodedLength) {
          throw s3Error('IncompleteBody', {}, 'The aws-chunked body is longer than x-amz-decoded-content-length.');
        }
        this.push(piece);
        this.#remaining -= n;
        pos += n;
        if (this.#remaining === 0) this.#state = 'data-crlf';
        continue;
      }
      if (this.#state === 'done') {
        // Some clients end the body with one more CRLF; anything else is not ours to take.
        if (buf.subarray(pos).toString('latin1').trim() !== '') throw malformed('data after the final chunk');
        return;
      }
      const nl = buf.indexOf(0x0a, pos);
      const end = nl < 0 ? buf.length : nl + 1;
      this.#line = Buffer.concat([this.#line, buf.subarray(pos, end)]);
      pos = end;
      if (this.#line.length > MAX_LINE) throw malformed('a chunk header or trailer line is too long');
      if (nl < 0) return;
      const line = this.#line.toString('latin1').replace(/\r?\n$/, '');
      this.#line = Buffer.alloc(0);
      this.#onLine(line);
    }
  }

  #onLine(line: string): void {
    switch (this.#state) {
      case 'header': return this.#onChunkHeader(line);
      case 'data-crlf':
        if (line !== '') throw malformed('a chunk is longer than its size');
        this.#verifyChunk();
        this.#state = 'header';
        return;
      case 'trailer': return this.#onTrailerLine(line);
      default: throw malformed(`unexpected line in state ${this.#state}`);
    }
  }

  #onChunkHeader(line: string): void {
    const m = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(line.trim());
    if (!m) throw malformed('bad chunk header');
    if (this.#opts.signing && m[2] === undefined) throw malformed('a chunk has no chunk-signature');
    const size = parseInt(m[1]!, 16);
    this.#chunkSignature = m[2] ?? '';
    this.#hash = this.#opts.signing ? createHash('sha256') : undefined;
    if (size > 0) {
      this.#remaining = size;
      this.#state = 'data';
      return;
    }
    this.#verifyChunk();
    if (this.#opts.decodedLength !== undefined && this.#decoded !== this.#opts.decodedLength) {
      throw s3Error('IncompleteBody', {}, 'The aws-chunked body is shorter than x-amz-decoded-content-length.');
    }
    this.#state = 'trailer';
  }

  #verifyChunk(): void {
    const signing = this.#opts.signing;
    if (!signing) return;
    const toSign = chunkStringToSign(signing, this.#previous, this.#hash!.digest('hex'));
    if (!signaturesEqual(signHex(signing.signingKey, toSign), this.#chunkSignature)) {
      throw s3Error('SignatureDoesNotMatch', { StringToSign: toSign, SignatureProvided: this.#chunkSignature },
        'The chunk signature we calculated does not match the signature you provided.');
    }
    this.#previous = this.#chunkSignature;
  }

  #onTrailerLine(line: string): void {
    if (line === '') return this.#endTrailer();
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('bad trailer line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      this.#trailerSignature = value;
      return;
    }
    if (!this.#opts.trailerNames.includes(name)) throw malformed(`trailer ${name} was not announced in x-amz-trailer`);
    this.trailers[name] = value;
    this.#canonicalTrailer += `${name}:${value}\n`;
  }

  #endTrailer(): void {
    for (const name of this.#opts.trailerNames) {
      if (this.trailers[name] === undefined) throw malformed(`the announced trailer ${name} is missing`);
    }
    const signing = this.#opts.signing;
    if (signing && this.#opts.trailerNames.length > 0) {
      const toSign = trailerStringToSign(signing, this.#previous, this.#canonicalTrailer);
      if (this.#trailerSignature === undefined || !signaturesEqual(signHex(signing.signingKey, toSign), this.#trailerSignature)) {
        throw s3Error('SignatureDoesNotMatch', { StringToSign: toSign, SignatureProvided: this.#trailerSignature ?? '' },
          'The trailer signature we calculated does not match the signature you provided.');
      }
    }
    this.#state = 'done';
  }
}
