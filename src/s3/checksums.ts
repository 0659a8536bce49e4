// S3's flexible checksums on uploads: which one a request declares (a header
// or a trailer), whether its value is well formed, and the running digests.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-checksum-*, x-amz-sdk-checksum-algorithm)
import { createHash } from 'node:crypto';
import { crc32, crc32c, crc64nvme, type Crc } from './crc.js';
import { s3Error, type S3Error } from './errors.js';

export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';

function hashCrc(algorithm: 'sha1' | 'sha256'): Crc {
  const h = createHash(algorithm);
  return { update: (data) => void h.update(data), digest: () => h.digest() };
}

interface AlgorithmSpec {
  /** As S3 spells it in x-amz-sdk-checksum-algorithm and error messages. */
  readonly name: string;
  readonly bytes: number;
  readonly create: () => Crc;
}

export const CHECKSUM_ALGORITHMS: Readonly<Record<ChecksumAlgorithm, AlgorithmSpec>> = {
  crc32: { name: 'CRC32', bytes: 4, create: crc32 },
  crc32c: { name: 'CRC32C', bytes: 4, create: crc32c },
  crc64nvme: { name: 'CRC64NVME', bytes: 8, create: crc64nvme },
  sha1: { name: 'SHA1', bytes: 20, create: () => hashCrc('sha1') },
  sha256: { name: 'SHA256', bytes: 32, create: () => hashCrc('sha256') },
};

const ALGORITHMS = Object.keys(CHECKSUM_ALGORITHMS) as ChecksumAlgorithm[];

export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm}`;
}

/** The checksum a request declares: its value now (header) or after the body (trailer). */
export interface ChecksumClaim {
  readonly algorithm: ChecksumAlgorithm;
  readonly location: 'header' | 'trailer';
  /** The base64 value of a header checksum. */
  readonly expected?: string;
}

/** True when `value` is the base64 of exactly as many bytes as the algorithm produces. */
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  const bytes = CHECKSUM_ALGORITHMS[algorithm].bytes;
  return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length === Math.ceil(bytes / 3) * 4
    && Buffer.from(value, 'base64').length === bytes;
}

export function invalidChecksumValue(algorithm: ChecksumAlgorithm): S3Error {
  return s3Error('InvalidRequest', {}, `Value for ${checksumHeader(algorithm)} header is invalid.`);
}

export function badDigest(algorithm: ChecksumAlgorithm): S3Error {
  return s3Error('BadDigest', {}, `The ${CHECKSUM_ALGORITHMS[algorithm].name} you specified did not match the calculated checksum.`);
}

/** Names in an `x-amz-trailer` header, lower case. */
export function trailerNames(headers: Readonly<Record<string, string>>): string[] {
  const raw = headers['x-amz-trailer'];
  return raw === undefined ? [] : raw.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
}

/** The checksum a PutObject-like request declares, checked the way S3 checks it; undefined when none. */
export function requestChecksum(headers: Readonly<Record<string, string>>): ChecksumClaim | undefined {
  const inHeaders = ALGORITHMS.filter((a) => headers[checksumHeader(a)] !== undefined);
  const inTrailer = ALGORITHMS.filter((a) => trailerNames(headers).includes(checksumHeader(a)));
  if (inHeaders.length + inTrailer.length > 1) {
    throw s3Error('InvalidRequest', {}, 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  let claim: ChecksumClaim | undefined;
  if (inHeaders.length === 1) {
    const algorithm = inHeaders[0]!;
    const expected = headers[checksumHeader(algorithm)]!.trim();
    if (!isWellFormedChecksum(algorithm, expected)) throw invalidChecksumValue(algorithm);
    claim = { algorithm, location: 'header', expected };
  } else if (inTrailer.length === 1) {
    claim = { algorithm: inTrailer[0]!, location: 'trailer' };
  }
  const sdk = headers['x-amz-sdk-checksum-algorithm'];
  if (sdk !== undefined) {
    const named = ALGORITHMS.find((a) => CHECKSUM_ALGORITHMS[a].name === sdk.trim().toUpperCase());
    if (!named) {
      throw s3Error('InvalidRequest', {}, 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
    }
    if (!claim) {
      throw s3Error('InvalidRequest', {}, 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
    }
    if (claim.algorithm !== named) {
      throw s3Error('InvalidRequest', {}, `Value for x-amz-sdk-checksum-algorithm header is invalid: the request's checksum is ${CHECKSUM_ALGORITHMS[claim.algorithm].name}.`);
    }
  }
  return claim;
}

/** The base64 checksum of a whole buffer (tests, empty bodies). */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const c = CHECKSUM_ALGORITHMS[algorithm].create();
  c.update(data);
  return c.digest().toString('base64');
}
