// Flexible checksums kept with an object: written as reserved Swift metadata
// (`X-Object-Meta-S3gw-Checksum-<algorithm>`), read back as `x-amz-checksum-*`.
import { CHECKSUM_ALGORITHMS, checksumHeader, type ChecksumAlgorithm } from '../s3/checksums.js';
import { checksumMetaHeader } from './metadata.js';

export function storedChecksumHeaders(algorithm: ChecksumAlgorithm, value: string): Record<string, string> {
  return { [checksumMetaHeader(algorithm)]: value };
}

/** `x-amz-checksum-*` response headers for the (verified: see seal.ts) checksum metadata of a Swift object, if any. */
export function checksumResponseHeaders(swift: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algorithm of Object.keys(CHECKSUM_ALGORITHMS) as ChecksumAlgorithm[]) {
    const value = swift[checksumMetaHeader(algorithm)];
    if (value !== undefined) {
      out[checksumHeader(algorithm)] = value;
      out['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
  }
  return out;
}
