// Flexible checksums through a multipart upload: the upload's declared
// algorithm and type (kept on its marker), each part's checksum (verified as
// it streams, kept sealed in the part's Content-Type where listings show it),
// and the object's checksum at completion.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums
import { Transform, type TransformCallback } from 'node:stream';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../s3/checksums.js';
import type { Crc } from '../../s3/crc.js';
import { s3Error } from '../../s3/errors.js';
import type { UploadChecksum } from '../../s3/multipart-checksums.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { Reserved } from '../../swift/sealed-state.js';

const ALGORITHM_ITEM = 'upload-checksum-algorithm';
const TYPE_ITEM = 'upload-checksum-type';

/** The marker's reserved items for an upload's checksum. */
export function uploadChecksumItems(c: UploadChecksum | undefined): Reserved {
  return c ? { [ALGORITHM_ITEM]: c.algorithm, [TYPE_ITEM]: c.type } : {};
}

/** The checksum an upload declared, from its marker. */
export function uploadChecksumOf(marker: ObjectInfo): UploadChecksum | undefined {
  const algorithm = marker.reserved[ALGORITHM_ITEM] as ChecksumAlgorithm | undefined;
  const type = marker.reserved[TYPE_ITEM];
  if (algorithm === undefined || !(algorithm in CHECKSUM_ALGORITHMS) || (type !== 'COMPOSITE' && type !== 'FULL_OBJECT')) return undefined;
  return { algorithm, type };
}

/** S3's answer to a part whose checksum is not the upload's algorithm. */
export function checksumTypeMismatch(expected: ChecksumAlgorithm, actual: ChecksumAlgorithm): never {
  throw s3Error('InvalidRequest', {}, `Checksum Type mismatch occurred, expected checksum Type: ${expected}, actual checksum Type: ${actual}`);
}

/**
 * Computes a checksum of what streams through: a part sent with no checksum
 * of its own to an upload that declared one gets it from the gateway, so the
 * object's checksum can be computed at completion.
 */
export class ChecksumTap extends Transform {
  readonly #crc: Crc;
  value: string | undefined;

  constructor(algorithm: ChecksumAlgorithm) {
    super();
    this.#crc = CHECKSUM_ALGORITHMS[algorithm].create();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.#crc.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.value = this.#crc.digest().toString('base64');
    callback();
  }
}
