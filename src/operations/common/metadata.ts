// User metadata: S3's `x-amz-meta-<name>` ⇄ Swift's `X-Object-Meta-<name>`.
//
// Swift quirk: Swift (through WSGI) turns `_` in header names into `-`, so a name
// with `_` must be escaped. undici refuses `=` in header names, so the gateway
// writes `_` as `%5F` (and `%` as `%25` so the escape is reversible), and reads
// both `%5F` and Swift s3api's `=5F`, so objects written through either read back
// the same.
import { s3Error } from '../../s3/errors.js';
import { headerValueFromBytes, isSendableHeaderName } from '../../s3/header-values.js';
import { RESERVED_PREFIX } from '../../swift/sealed-state.js';

export const S3_META_PREFIX = 'x-amz-meta-';
export const SWIFT_OBJECT_META_PREFIX = 'x-object-meta-';
/** AWS: user-defined metadata is limited to 2 KB (names + values, UTF-8 bytes). */
export const MAX_METADATA_BYTES = 2048;
/**
 * Metadata names the gateway keeps for itself (swift/sealed-state.ts): stored
 * as X-Object-Meta-S3gw-*, never shown as `x-amz-meta-*`, never writable by a
 * client through the gateway.
 */
export const RESERVED_META_PREFIX = RESERVED_PREFIX;

export function encodeMetaName(name: string): string {
  // `=` is escaped too, so a literal `=5F` in a name cannot read back as `_`.
  return name.replace(/[%_=]/g, (c) => (c === '%' ? '%25' : c === '_' ? '%5F' : '%3D'));
}

/** One pass, so an escape never decodes twice; `=5F` is Swift s3api's escape of `_`. */
export function decodeMetaName(name: string): string {
  return name.replace(/%25|%5f|%3d|=5f/gi, (e) => {
    const code = e.slice(1).toLowerCase();
    return code === '25' ? '%' : code === '3d' ? '=' : '_';
  });
}

/** The `X-Object-Meta-*` headers for a request's `x-amz-meta-*` headers; enforces the size limit. */
export function metadataToSwift(headers: Readonly<Record<string, string>>, prefix = SWIFT_OBJECT_META_PREFIX): Record<string, string> {
  const out: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(S3_META_PREFIX)) continue;
    const metaName = name.slice(S3_META_PREFIX.length);
    if (metaName.startsWith(RESERVED_META_PREFIX)) {
      throw s3Error('InvalidArgument', { ArgumentName: name }, `Metadata names starting with ${RESERVED_META_PREFIX} are reserved by this gateway.`);
    }
    size += Buffer.byteLength(metaName, 'latin1') + Buffer.byteLength(value, 'latin1');
    out[prefix + encodeMetaName(metaName)] = value;
  }
  if (size > MAX_METADATA_BYTES) {
    throw s3Error('MetadataTooLarge', { Size: size, MaxSizeAllowed: MAX_METADATA_BYTES });
  }
  return out;
}

/**
 * `x-amz-meta-*` response headers for Swift's `X-Object-Meta-*` ones. Metadata
 * that cannot be sent as a header (a name that decodes to `a=b`, written
 * natively or through s3api; a control character in a value) is left out, as
 * Swift's s3api does, so the object stays readable.
 */
export function metadataFromSwift(headers: Readonly<Record<string, string>>, prefix = SWIFT_OBJECT_META_PREFIX): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(prefix)) continue;
    const metaName = decodeMetaName(name.slice(prefix.length));
    if (metaName.toLowerCase().startsWith(RESERVED_META_PREFIX)) continue;
    const header = S3_META_PREFIX + metaName;
    const sendable = headerValueFromBytes(value);
    if (!isSendableHeaderName(header) || sendable === undefined) continue;
    out[header] = sendable;
  }
  return out;
}
