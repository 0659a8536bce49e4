// The request body as operations see it: decoded (aws-chunked), and verified
// while it streams (x-amz-content-sha256, x-amz-checksum-*), with its decoded
// length. A failed check errors the stream BEFORE its last bytes are passed on:
// the Swift upload then never receives Content-Length bytes, undici aborts it,
// and Swift stores nothing.
import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { badDigest, CHECKSUM_ALGORITHMS, checksumHeader, invalidChecksumValue, isWellFormedChecksum, requestChecksum, trailerNames, type ChecksumAlgorithm, type ChecksumClaim } from '../s3/checksums.js';
import type { Crc } from '../s3/crc.js';
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import { EMPTY_SHA256 } from './sigv4-canonical.js';
import type { V4Context } from './sigv4.js';

export interface PayloadChecks {
  /** Hex SHA-256 the whole body must have (x-amz-content-sha256). */
  readonly sha256?: string;
  readonly checksum?: ChecksumClaim;
  /** Where a trailer checksum's value is read once the body has ended. */
  readonly trailerValue?: () => string | undefined;
}

/**
 * Hashes what passes and holds back the latest piece until the end, where it
 * checks the hashes: a mismatch fails the stream before the last bytes leave.
 */
export class VerifyingStream extends Transform {
  #held: Buffer | undefined;
  #sha256: Hash | undefined;
  #crc: Crc | undefined;
  #checks: PayloadChecks;
  /** The base64 checksum computed, once the stream has ended successfully. */
  computedChecksum: string | undefined;

  constructor(checks: PayloadChecks) {
    super();
    this.#checks = checks;
    if (checks.sha256 !== undefined) this.#sha256 = createHash('sha256');
    if (checks.checksum) this.#crc = CHECKSUM_ALGORITHMS[checks.checksum.algorithm].create();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.#sha256?.update(chunk);
    this.#crc?.update(chunk);
    if (this.#held) this.push(this.#held);
    this.#held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#verify();
    } catch (err) {
      return callback(err as Error);
    }
    if (this.#held) this.push(this.#held);
    callback();
  }

  #verify(): void {
    const { sha256, checksum } = this.#checks;
    if (sha256 !== undefined) {
      const computed = this.#sha256!.digest('hex');
      if (computed !== sha256) {
        throw s3Error('XAmzContentSHA256Mismatch', { ClientComputedContentSHA256: sha256, S3ComputedContentSHA256: computed });
      }
    }
    if (checksum) {
      const expected = checksum.expected ?? this.#checks.trailerValue?.();
      if (expected === undefined) throw s3Error('InvalidRequest', {}, `The ${checksumHeader(checksum.algorithm)} trailer is missing.`);
      if (!isWellFormedChecksum(checksum.algorithm, expected)) throw invalidChecksumValue(checksum.algorithm);
      const computed = this.#crc!.digest().toString('base64');
      if (computed !== expected) throw badDigest(checksum.algorithm);
      this.computedChecksum = computed;
    }
  }
}

export interface PreparedBody {
  readonly body: Readable;
  /**
   * The first error of the body's decoding or verification (a bad chunk
   * signature, a malformed chunk, a checksum mismatch), once there is one. It
   * may happen before anyone reads the body; whoever reports the request's
   * failure asks here first, so the client gets that S3 error.
   */
  failure(): Error | undefined;
  /** Bytes the operation will read: x-amz-decoded-content-length for aws-chunked, else undefined (use Content-Length). */
  readonly decodedLength?: number;
  readonly checksum?: {
    readonly algorithm: ChecksumAlgorithm;
    /** The verified base64 value: known at once for a header checksum, after the body for a trailer. */
    value(): string | undefined;
  };
}

function hasBody(req: S3Request): boolean {
  const length = req.headers['content-length'];
  return length !== undefined ? length.trim() !== '0' : req.headers['transfer-encoding'] !== undefined;
}

function decodedContentLength(req: S3Request): number {
  const raw = req.headers['x-amz-decoded-content-length'];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) {
    throw s3Error('MissingContentLength', {}, 'You must provide the x-amz-decoded-content-length header with an aws-chunked body.');
  }
  return Number(raw.trim());
}

/**
 * Wraps the raw body in the decoders and verifiers the request's signing and
 * checksum headers call for. `checksumIsBody: false`: the request's
 * x-amz-checksum-* headers do not describe its body (CompleteMultipartUpload,
 * where they are the finished object's checksum; its operation reads them).
 */
export function prepareBody(req: S3Request, raw: Readable, v4: V4Context | undefined, opts: { checksumIsBody?: boolean } = {}): PreparedBody {
  const checksum = opts.checksumIsBody === false ? undefined : requestChecksum(req.headers);
  const payload = v4?.payload;
  let first: Error | undefined;
  // Every stage is listened to from the start: a stage can fail while nobody
  // reads yet (the first chunk is decoded as soon as it arrives), and an
  // 'error' with no listener would be an uncaught exception.
  const watch = (stream: Readable) => stream.on('error', (err: Error) => { first ??= err; });
  const failure = () => first;
  let body: Readable = raw;
  let decodedLength: number | undefined;
  let decoder: AwsChunkedDecoder | undefined;
  if (payload?.kind === 'streaming') {
    decodedLength = decodedContentLength(req);
    decoder = new AwsChunkedDecoder({
      signing: payload.signed ? { signingKey: v4!.signingKey, amzDate: v4!.amzDate, scope: v4!.scope, seedSignature: v4!.seedSignature } : undefined,
      trailerNames: payload.trailer ? trailerNames(req.headers) : [],
      decodedLength,
    });
    body = watch(raw.pipe(decoder));
    raw.once('error', (err) => decoder!.destroy(err));
  } else if (checksum?.location === 'trailer') {
    throw s3Error('InvalidRequest', {}, 'A checksum trailer needs a STREAMING-*-TRAILER x-amz-content-sha256 and an aws-chunked body.');
  }
  let sha256 = payload?.kind === 'sha256' ? payload.hash : undefined;
  // Most requests (GET, HEAD, DELETE) have no body and sign the empty hash:
  // nothing to verify, so no stream to wrap.
  if (sha256 === EMPTY_SHA256 && !hasBody(req)) sha256 = undefined;
  if (sha256 === undefined && !checksum && !decoder) return { body, failure };

  const checks: PayloadChecks = {
    sha256,
    checksum,
    trailerValue: checksum ? () => decoder?.trailers[checksumHeader(checksum.algorithm)] : undefined,
  };
  const verifier = new VerifyingStream(checks);
  body.once('error', (err) => verifier.destroy(err));
  body = watch(body.pipe(verifier));
  return {
    body,
    failure,
    decodedLength,
    checksum: checksum && {
      algorithm: checksum.algorithm,
      value: () => checksum.expected ?? verifier.computedChecksum,
    },
  };
}
