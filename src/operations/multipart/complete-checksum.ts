// The checksum of the object a CompleteMultipartUpload makes: from the parts'
// checksums kept beside them, checked against what the request states (each
// Part's Checksum<ALGORITHM> element, and the x-amz-checksum-<algorithm>
// header, which is the object's checksum: COMPOSITE `<base64>-<N>` or a
// FULL_OBJECT CRC, never the checksum of the XML body).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
import { CHECKSUM_ALGORITHMS, badDigest } from '../../s3/checksums.js';
import { s3Error } from '../../s3/errors.js';
import { objectChecksum, statedObjectChecksum, type PartChecksum, type UploadChecksum } from '../../s3/multipart-checksums.js';
import type { Reserved } from '../../swift/sealed-state.js';
import { checksumElements, objectChecksumItems } from '../common/checksums.js';
import type { RequestedPart } from './complete-body.js';

export interface StoredPartChecksum {
  readonly bytes: number;
  readonly checksum?: PartChecksum;
}

export interface CompletedChecksum {
  /** Reserved items of the object (its checksum and type). */
  readonly items: Reserved;
  /** ChecksumCRC32 (etc.) and ChecksumType elements of the answer. */
  readonly elements: Record<string, string>;
}

const name = (c: { algorithm: keyof typeof CHECKSUM_ALGORITHMS }) => CHECKSUM_ALGORITHMS[c.algorithm].name;

/**
 * Checks every stated part checksum against the stored one (InvalidPart, as
 * S3 answers a part that does not match), then computes the object's
 * checksum in the upload's algorithm and type and compares the stated one
 * (BadDigest). Without a declared upload checksum, a stated object checksum
 * is computed from the parts' checksums of its algorithm, which every part
 * must then have (minio-go sends one per part and the composite at the end).
 */
export function completedChecksum(
  upload: UploadChecksum | undefined,
  headers: Readonly<Record<string, string>>,
  requested: readonly RequestedPart[],
  stored: ReadonlyMap<number, StoredPartChecksum>,
  uploadId: string,
): CompletedChecksum | undefined {
  for (const part of requested) {
    const mine = stored.get(part.partNumber)?.checksum;
    if (part.checksum && (!mine || mine.algorithm !== part.checksum.algorithm || mine.value !== part.checksum.value)) {
      throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: part.partNumber },
        `Part ${part.partNumber}'s ${name(part.checksum)} checksum does not match the part that was uploaded.`);
    }
  }
  const stated = statedObjectChecksum(headers);
  if (upload && stated && stated.algorithm !== upload.algorithm) {
    throw s3Error('InvalidRequest', {}, `The upload was created using the ${name(upload)} checksum algorithm; the request states a ${name(stated)} checksum.`);
  }
  // A value without `-N` nor x-amz-checksum-type is of the upload's type (minio-go's composite CRC32C).
  if (upload && stated && stated.typeStated && stated.type !== upload.type) {
    throw s3Error('InvalidRequest', {}, `The upload was created with the ${upload.type} checksum type; the request states a ${stated.type} checksum.`);
  }
  const effective = upload ?? (stated && { algorithm: stated.algorithm, type: stated.type });
  // (With no upload checksum declared, a bare value is FULL_OBJECT for a CRC, as S3 reads it, and COMPOSITE for a SHA.)
  if (!effective) return undefined;
  if (effective.type === 'FULL_OBJECT' && !effective.algorithm.startsWith('crc')) {
    throw s3Error('InvalidRequest', {}, `The ${name(effective)} checksum algorithm does not support the FULL_OBJECT checksum type.`);
  }
  const parts = requested.map((part) => {
    const have = stored.get(part.partNumber)!;
    if (have.checksum?.algorithm !== effective.algorithm) {
      throw s3Error('InvalidRequest', {}, `Part ${part.partNumber} was uploaded without a ${name(effective)} checksum, so the object's ${name(effective)} checksum cannot be computed.`);
    }
    return { value: have.checksum.value, size: have.bytes };
  });
  const value = objectChecksum(effective, parts);
  // A COMPOSITE value may be stated with or without its `-<N>`.
  if (stated && stated.value !== value && `${stated.value}-${parts.length}` !== value) throw badDigest(stated.algorithm);
  return {
    items: objectChecksumItems(effective.algorithm, value, effective.type),
    elements: { ...checksumElements({ algorithm: effective.algorithm, value }), ChecksumType: effective.type },
  };
}
