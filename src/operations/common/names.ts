// S3 naming rules for buckets and keys.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
import { s3Error } from '../../s3/errors.js';

/**
 * Rules for creating a bucket: 3–63 characters, lower-case letters, digits, dots
 * and hyphens, starting and ending with a letter or digit, not an IP address,
 * no `..`, and not one of the reserved prefixes and suffixes.
 */
export function isValidNewBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.endsWith('-s3alias') || name.endsWith('--ol-s3')) return false;
  return true;
}

/**
 * Rules for addressing an existing bucket. Legacy S3 names (upper case, `_`) and
 * containers made through Swift directly stay reachable; what Swift itself could
 * never hold, or what would reach the hidden segments containers, is refused.
 */
export function checkBucketName(name: string): void {
  if (name.length < 3 || name.length > 255 || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw s3Error('InvalidBucketName', { BucketName: name });
  }
}

/** A UTF-16 surrogate without its pair: text no UTF-8 can carry (`&#xD800;` in an XML body). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkKey(key: string, maxBytes: number): void {
  if (LONE_SURROGATE.test(key)) {
    throw s3Error('InvalidArgument', { ArgumentName: 'Key' }, 'The key is not valid Unicode: it holds an unpaired surrogate.');
  }
  if (Buffer.byteLength(key, 'utf8') > maxBytes) {
    throw s3Error('KeyTooLongError', { Size: Buffer.byteLength(key, 'utf8'), MaxSizeAllowed: maxBytes });
  }
}
