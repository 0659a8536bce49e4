// Which headers cross between S3 and Swift for objects. Only what is named here
// reaches Swift: a client can never send X-Auth-Token, X-Object-Manifest,
// X-Copy-From, X-Delete-At or any other Swift control through the gateway.
import { s3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import { metadataFromSwift } from './metadata.js';

/** Content headers S3 stores with an object and Swift keeps (object-server allowed_headers). */
export const STORED_CONTENT_HEADERS = [
  'content-type', 'content-encoding', 'content-disposition', 'cache-control', 'expires', 'content-language',
] as const;

/** Conditional and range headers of GetObject/HeadObject, passed to Swift as they are. */
export const READ_CONDITION_HEADERS = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'] as const;

/** The `response-*` query overrides of GetObject and the header each replaces. */
export const RESPONSE_OVERRIDES: Readonly<Record<string, string>> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

export function pick(headers: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** S3 ETags are quoted; Swift quotes some (SLO) and not others. */
export function quoteEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  return `"${etag.replace(/^"|"$/g, '')}"`;
}

/** Content-MD5 (base64 of 16 bytes) → the hex MD5 Swift checks in its ETag request header. */
export function contentMd5ToHex(value: string): string {
  const trimmed = value.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== 16 || !/^[A-Za-z0-9+/]{22}==$/.test(trimmed)) {
    throw s3Error('InvalidDigest', { 'Content-MD5': value });
  }
  return bytes.toString('hex');
}

/** The S3 response headers of an object, from what Swift's GET/HEAD said about it. */
export function objectResponseHeaders(info: ObjectInfo): Record<string, string | undefined> {
  return {
    'content-length': String(info.length),
    'content-range': info.contentRange,
    'accept-ranges': 'bytes',
    etag: quoteEtag(info.etag),
    'last-modified': info.lastModified,
    'content-type': info.contentType,
    ...info.contentHeaders,
    ...metadataFromSwift(info.userMetadata),
  };
}
