// Swift's per-object metadata limits, checked before any object is written, so
// a client learns which limit its metadata crossed instead of a bare
// InvalidArgument. Swift counts each X-Object-Meta-<name> header: the name
// after the prefix as sent (so after encodeMetaName's escapes) and the value, in
// bytes (swift/common/constraints.py check_metadata); the cluster's values come
// from /info (max_meta_count, max_meta_name_length, max_meta_value_length,
// max_meta_overall_size). S3's own 2 KB limit (MetadataTooLarge) is metadata.ts's.
import { s3Error, type S3Error } from '../../s3/errors.js';
import type { SwiftLimits } from '../../swift/info.js';
import { RESERVED_META_PREFIX, S3_META_PREFIX, SWIFT_OBJECT_META_PREFIX, decodeMetaName } from './metadata.js';

export type MetadataLimits = Pick<SwiftLimits, 'maxMetaCount' | 'maxMetaNameLength' | 'maxMetaValueLength' | 'maxMetaOverallSize'>;

/**
 * The reserved X-Object-Meta-S3gw-* items one object may carry besides its
 * user metadata: the multipart upload id (s3gw-upload-id + 48 bytes = 62), one
 * checksum (at most s3gw-checksum-sha256 + 44 = 64), and the seal over them
 * (s3gw-seal + 25 = 34; see seal.ts). They are counted as headroom whether the
 * object has them yet or not: a later step (CompleteMultipartUpload, a trailer
 * checksum added by POST) must never cross a limit the upload passed.
 */
export const RESERVED_META_HEADROOM = { items: 3, bytes: 160 } as const;

const bytes = (text: string) => Buffer.byteLength(text, 'latin1');

/** The S3 header a Swift metadata header came from: `x-object-meta-foo%5Fbar` → `x-amz-meta-foo_bar`. */
function s3Name(swiftHeader: string, prefix: string): string {
  return S3_META_PREFIX + decodeMetaName(swiftHeader.slice(prefix.length).toLowerCase());
}

function nameTooLong(name: string, limit?: number, size?: number): S3Error {
  const detail = size === undefined || limit === undefined
    ? 'is longer than this Swift cluster allows'
    : `is ${size} bytes as Swift stores it; this Swift cluster allows ${limit}`;
  return s3Error('InvalidArgument', { ArgumentName: name }, `The metadata name ${name} ${detail}.`);
}

function valueTooLong(name: string, limit: number, size?: number): S3Error {
  return s3Error('InvalidArgument', { ArgumentName: name },
    `The metadata value of ${name} is ${size === undefined ? `more than ${limit}` : size} bytes; this Swift cluster allows ${limit}.`);
}

function tooMany(limit: number, count?: number, name?: string): S3Error {
  const reserved = `, ${RESERVED_META_HEADROOM.items} of them kept for the gateway's own use`;
  return s3Error('InvalidArgument', { ArgumentName: name ?? 'x-amz-meta-*' },
    `${count === undefined ? 'Too many' : count} metadata items; this Swift cluster allows ${limit} per object${count === undefined ? '' : reserved}.`);
}

function tooLarge(limit: number, size?: number): S3Error {
  return s3Error('MetadataTooLarge', { MaxSizeAllowed: limit, ...(size === undefined ? {} : { Size: size }) },
    `Your metadata headers are ${size === undefined ? `more than ${limit}` : size} bytes as Swift stores them; this Swift cluster allows ${limit} per object.`);
}

/**
 * Throws the S3 error for the first of Swift's limits the user metadata in
 * these Swift headers would cross, counting the reserved headroom in.
 */
export function checkMetadataLimits(swiftHeaders: Readonly<Record<string, string | undefined>>, limits: MetadataLimits, prefix = SWIFT_OBJECT_META_PREFIX): void {
  const countLimit = limits.maxMetaCount - RESERVED_META_HEADROOM.items;
  let count = 0;
  let size = RESERVED_META_HEADROOM.bytes;
  for (const [header, value] of Object.entries(swiftHeaders)) {
    if (value === undefined || !header.startsWith(prefix)) continue;
    const key = header.slice(prefix.length);
    if (key.toLowerCase().startsWith(RESERVED_META_PREFIX)) continue;
    const name = s3Name(header, prefix);
    if (key === '') throw s3Error('InvalidArgument', { ArgumentName: S3_META_PREFIX }, 'A metadata name cannot be empty.');
    if (bytes(key) > limits.maxMetaNameLength) throw nameTooLong(name, limits.maxMetaNameLength, bytes(key));
    if (bytes(value) > limits.maxMetaValueLength) throw valueTooLong(name, limits.maxMetaValueLength, bytes(value));
    count++;
    size += bytes(key) + bytes(value);
    if (count > countLimit) throw tooMany(limits.maxMetaCount, count + RESERVED_META_HEADROOM.items, name);
  }
  if (size > limits.maxMetaOverallSize) throw tooLarge(limits.maxMetaOverallSize, size);
}

/**
 * The same errors from the text of Swift's 400 (constraints.py), should Swift
 * refuse metadata after all (a cluster whose limits changed since /info was
 * read, or headers written by another path). Undefined for other 400s.
 */
export function swiftMetadataError(text: string): S3Error | undefined {
  const body = text.trim();
  let m = /^Metadata name too long: (x-\w+-meta-)(\S*)/i.exec(body);
  if (m) return nameTooLong(s3Name(m[1]! + m[2]!, m[1]!));
  m = /^Metadata value longer than (\d+): (x-\w+-meta-)(\S*)/i.exec(body);
  if (m) return valueTooLong(s3Name(m[2]! + m[3]!, m[2]!), Number(m[1]));
  m = /^Too many metadata items; max (\d+)/i.exec(body);
  if (m) return tooMany(Number(m[1]));
  m = /^Total metadata too large; max (\d+)/i.exec(body);
  if (m) return tooLarge(Number(m[1]));
  if (/^Metadata name cannot be empty/i.test(body)) return s3Error('InvalidArgument', { ArgumentName: S3_META_PREFIX }, 'A metadata name cannot be empty.');
  return undefined;
}
