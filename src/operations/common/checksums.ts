// Flexible checksums kept with an object: the gateway's reserved item
// `checksum-<algorithm>` (sealed: see swift/sealed-state.ts), read back as
// `x-amz-checksum-*` when it verifies.
import { CHECKSUM_ALGORITHMS, checksumHeader, type ChecksumAlgorithm } from '../../s3/checksums.js';
import { decodePartChecksum, type ChecksumType, type PartChecksum } from '../../s3/multipart-checksums.js';
import type { ObjectRow } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
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

/** The type item of a multipart object's checksum (COMPOSITE or FULL_OBJECT); a single upload's has none and is FULL_OBJECT. */
const TYPE_ITEM = PREFIX + 'type';

/** The reserved items of a multipart object's checksum. */
export function objectChecksumItems(algorithm: ChecksumAlgorithm, value: string, type: ChecksumType): Reserved {
  return { [PREFIX + algorithm]: value, [TYPE_ITEM]: type };
}

/** An object's stored checksum: algorithm, value (a COMPOSITE one ends `-<parts>`), type. */
export function storedChecksum(reserved: Reserved): { algorithm: ChecksumAlgorithm; value: string; type: ChecksumType } | undefined {
  for (const algorithm of Object.keys(CHECKSUM_ALGORITHMS) as ChecksumAlgorithm[]) {
    const value = reserved[PREFIX + algorithm];
    if (value !== undefined) return { algorithm, value, type: reserved[TYPE_ITEM] === 'COMPOSITE' ? 'COMPOSITE' : 'FULL_OBJECT' };
  }
  return undefined;
}

/** `x-amz-checksum-*` and x-amz-checksum-type response headers for an object's (verified) reserved items. */
export function checksumResponseHeaders(reserved: Reserved): Record<string, string> {
  const stored = storedChecksum(reserved);
  return stored ? { [checksumHeader(stored.algorithm)]: stored.value, 'x-amz-checksum-type': stored.type } : {};
}

/** A part row's checksum, as the gateway keeps it in the part's Content-Type (SwiftStore.putObject listedChecksum). */
export function partChecksumOfRow(ctx: OperationContext, container: string, row: ObjectRow): PartChecksum | undefined {
  return decodePartChecksum(ctx.store.listedChecksumOfRow(container, row));
}

/** Response elements of a checksum (CompleteMultipartUpload, ListParts parts, GetObjectAttributes). */
export function checksumElements(c: PartChecksum | undefined): Record<string, string> {
  return c ? { [`Checksum${CHECKSUM_ALGORITHMS[c.algorithm].name}`]: c.value } : {};
}
