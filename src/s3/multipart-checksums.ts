// Checksums of multipart uploads: the algorithm and type an upload declares
// (CreateMultipartUpload), the finished object's checksum from its parts'
// (COMPOSITE: the checksum of the parts' checksums, `<base64>-<N>`;
// FULL_OBJECT: the CRC of the whole object, combined from the parts' CRCs),
// and the checksum a CompleteMultipartUpload request states for that object.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html (x-amz-checksum-algorithm, x-amz-checksum-type)
import { CHECKSUM_ALGORITHMS, checksumHeader, isWellFormedChecksum, type ChecksumAlgorithm } from './checksums.js';
import { combineCrcs } from './crc-combine.js';
import { s3Error } from './errors.js';

export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

export interface UploadChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly type: ChecksumType;
}

const ALGORITHMS = Object.keys(CHECKSUM_ALGORITHMS) as ChecksumAlgorithm[];

/** An algorithm by the name S3 spells (CRC32, CRC64NVME, ...), any case; undefined when it is none. */
export function algorithmNamed(name: string): ChecksumAlgorithm | undefined {
  return ALGORITHMS.find((a) => CHECKSUM_ALGORITHMS[a].name === name.trim().toUpperCase());
}

const isCrc = (a: ChecksumAlgorithm): a is 'crc32' | 'crc32c' | 'crc64nvme' => a.startsWith('crc');

/**
 * The checksum a CreateMultipartUpload asks for; undefined when none.
 * S3: SHA1 and SHA256 are COMPOSITE only, CRC64NVME is FULL_OBJECT only,
 * CRC32 and CRC32C are either (COMPOSITE unless told); a type needs an algorithm.
 */
export function uploadChecksum(headers: Readonly<Record<string, string>>): UploadChecksum | undefined {
  const rawAlgorithm = headers['x-amz-checksum-algorithm'];
  const rawType = headers['x-amz-checksum-type'];
  if (rawAlgorithm === undefined) {
    if (rawType !== undefined) throw s3Error('InvalidRequest', {}, 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return undefined;
  }
  const algorithm = algorithmNamed(rawAlgorithm);
  if (!algorithm) {
    throw s3Error('InvalidRequest', {}, 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
  }
  const type = rawType === undefined ? (algorithm === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE') : rawType.trim().toUpperCase();
  if (type !== 'COMPOSITE' && type !== 'FULL_OBJECT') {
    throw s3Error('InvalidRequest', {}, 'Value for x-amz-checksum-type header is invalid: it must be COMPOSITE or FULL_OBJECT.');
  }
  if ((type === 'FULL_OBJECT' && !isCrc(algorithm)) || (type === 'COMPOSITE' && algorithm === 'crc64nvme')) {
    throw s3Error('InvalidRequest', {}, `The ${CHECKSUM_ALGORITHMS[algorithm].name} checksum algorithm does not support the ${type} checksum type.`);
  }
  return { algorithm, type };
}

/** A part's (or any single body's) checksum: algorithm and base64 value. */
export interface PartChecksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly value: string;
}

/** How a part's checksum is kept beside it in Swift: `<algorithm>.<hex>` (no `+`, `/` or `=` in a Content-Type parameter). */
export function encodePartChecksum(c: PartChecksum): string {
  return `${c.algorithm}.${Buffer.from(c.value, 'base64').toString('hex')}`;
}

export function decodePartChecksum(text: string | undefined): PartChecksum | undefined {
  const m = text === undefined ? null : /^([a-z0-9]+)\.([0-9a-f]+)$/.exec(text);
  const algorithm = m ? ALGORITHMS.find((a) => a === m[1]) : undefined;
  if (!m || !algorithm || m[2]!.length !== CHECKSUM_ALGORITHMS[algorithm].bytes * 2) return undefined;
  return { algorithm, value: Buffer.from(m[2]!, 'hex').toString('base64') };
}

/**
 * The finished object's checksum from its parts' checksums (base64) and
 * sizes, in part order. COMPOSITE: `base64(H(c1 ‖ c2 ‖ …))-N`; FULL_OBJECT: the CRC
 * of the whole object.
 */
export function objectChecksum(upload: UploadChecksum, parts: readonly { value: string; size: number }[]): string {
  if (upload.type === 'FULL_OBJECT') {
    if (!isCrc(upload.algorithm)) throw new Error(`FULL_OBJECT ${upload.algorithm}`);
    return combineCrcs(upload.algorithm, parts.map((p) => ({ crc: Buffer.from(p.value, 'base64'), length: p.size }))).toString('base64');
  }
  const h = CHECKSUM_ALGORITHMS[upload.algorithm].create();
  for (const p of parts) h.update(Buffer.from(p.value, 'base64'));
  return `${h.digest().toString('base64')}-${parts.length}`;
}

/** The object checksum a CompleteMultipartUpload states in x-amz-checksum-* (and x-amz-checksum-type), if any. */
export interface StatedChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** The value as sent: `<base64>-<N>` (COMPOSITE) or `<base64>` (FULL_OBJECT). */
  readonly value: string;
  readonly type: ChecksumType;
  /**
   * Whether the request says the type (a `-N` suffix, or x-amz-checksum-type).
   * minio-go sends a COMPOSITE value without `-N` and without the type header.
   */
  readonly typeStated: boolean;
}

/**
 * Reads CompleteMultipartUpload's x-amz-checksum-<algorithm> header: the
 * checksum of the object being made, never of the XML body. A `-N` suffix
 * marks a COMPOSITE value; x-amz-checksum-type, when sent, must agree.
 */
export function statedObjectChecksum(headers: Readonly<Record<string, string>>): StatedChecksum | undefined {
  const named = ALGORITHMS.filter((a) => headers[checksumHeader(a)] !== undefined);
  if (named.length > 1) throw s3Error('InvalidRequest', {}, 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const rawType = headers['x-amz-checksum-type']?.trim().toUpperCase();
  if (rawType !== undefined && rawType !== 'COMPOSITE' && rawType !== 'FULL_OBJECT') {
    throw s3Error('InvalidRequest', {}, 'Value for x-amz-checksum-type header is invalid: it must be COMPOSITE or FULL_OBJECT.');
  }
  if (named.length === 0) return undefined;
  const algorithm = named[0]!;
  const value = headers[checksumHeader(algorithm)]!.trim();
  const m = /^([^-]*)(?:-([1-9][0-9]{0,4}))?$/.exec(value);
  if (!m || !isWellFormedChecksum(algorithm, m[1]!)) {
    throw s3Error('InvalidRequest', {}, `Value for ${checksumHeader(algorithm)} header is invalid.`);
  }
  // A bare value: FULL_OBJECT for a CRC, COMPOSITE for a SHA (which has no other type).
  const composite = m[2] !== undefined || rawType === 'COMPOSITE' || (rawType === undefined && algorithm.startsWith('sha'));
  const type = composite ? 'COMPOSITE' : 'FULL_OBJECT';
  if (rawType !== undefined && rawType !== type) {
    throw s3Error('InvalidRequest', {}, `The ${checksumHeader(algorithm)} value is a ${type} checksum, but x-amz-checksum-type says ${rawType}.`);
  }
  return { algorithm, value, type, typeStated: m[2] !== undefined || rawType !== undefined };
}
