// Part numbers as S3 takes them in a query (UploadPart, GetObject/HeadObject
// with partNumber): 1..10000, further limited by the cluster's
// max_manifest_segments where parts become segments.
import { s3Error } from '../../s3/errors.js';

export const MAX_PARTS = 10_000;

export function parsePartNumber(value: string | undefined, maxParts = MAX_PARTS): number {
  const limit = Math.min(MAX_PARTS, maxParts);
  const n = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_PARTS)) {
    throw s3Error('InvalidArgument', { ArgumentName: 'partNumber', ArgumentValue: value }, 'Part number must be an integer between 1 and 10000, inclusive');
  }
  if (n > limit) {
    throw s3Error(
      'InvalidArgument',
      { ArgumentName: 'partNumber', ArgumentValue: value },
      `Part number must be an integer between 1 and ${limit}, inclusive: this Swift cluster allows at most ${limit} segments per object (max_manifest_segments).`,
    );
  }
  return n;
}
