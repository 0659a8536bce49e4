// Flexible checksums kept with an object: the gateway's reserved item
// `checksum-<algorithm>` (sealed: see swift/sealed-state.ts), read back as
// `x-amz-checksum-*` when it verifies.
import { CHECKSUM_ALGORITHMS, checksumHeader, type ChecksumAlgorithm } from '../../s3/checksums.js';
import type { Reserved } from '../../swift/sealed-state.js';

const PREFIX = 'checksum-';

/** The reserved item that keeps a checksum. */
export function checksumItem(algorithm: ChecksumAlgorithm, value: string): Reserved {
  return { [PREFIX + algorithm]: value };
}

/** Only the checksums of an object's reserved items (what a copy carries over). */
export function checksumItems(reserved: Reserved): Reserved {
  return Object.fromEntries(Object.entries(reserved).filter(([name]) => name.startsWith(PREFIX)));
}

/** `x-amz-checksum-*` response headers for an object's (verified) reserved items. */
export function checksumResponseHeaders(reserved: Reserved): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algorithm of Object.keys(CHECKSUM_ALGORITHMS) as ChecksumAlgorithm[]) {
    const value = reserved[PREFIX + algorithm];
    if (value !== undefined) {
      out[checksumHeader(algorithm)] = value;
      out['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
  }
  return out;
}
