// The canonical request of AWS Signature Version 4, as S3 builds it, one small
// pure function per piece:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import { createHash } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/**
 * Percent-decodes to bytes. A `%` not followed by two hex digits stays as it is,
 * so decoding never throws (a malformed path is refused by request parsing).
 */
export function percentDecode(text: string, plusIsSpace: boolean): Buffer {
  const bytes: number[] = [];
  const utf8 = Buffer.from(text, 'utf8');
  for (let i = 0; i < utf8.length; i++) {
    const c = utf8[i]!;
    if (c === 0x25 && i + 2 < utf8.length && /^[0-9a-fA-F]{2}$/.test(utf8.subarray(i + 1, i + 3).toString('latin1'))) {
      bytes.push(parseInt(utf8.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else if (c === 0x2b && plusIsSpace) {
      bytes.push(0x20);
    } else {
      bytes.push(c);
    }
  }
  return Buffer.from(bytes);
}

/**
 * SigV4's UriEncode: every byte but the unreserved characters becomes `%XX`
 * with upper-case hex; `/` stays as it is in paths.
 */
export function uriEncode(bytes: Buffer | string, keepSlash: boolean): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let out = '';
  for (const b of buf) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && (UNRESERVED.test(ch) || (keepSlash && ch === '/'))) out += ch;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * The canonical URIs a correct client may have signed for a raw request path.
 * S3 quirk: S3 does not normalise the path (no `.`/`..` removal, `//` kept) and
 * does not encode it twice, unlike other services. botocore and the AWS SDK for
 * JavaScript v3 sign the path exactly as they send it, URI-encoded once, so the
 * strict form (decode, then UriEncode) equals the raw path for them. A client
 * that sends a character raw which UriEncode escapes (`+`, `!`, `(`, `*`, ...)
 * signs it raw too, so the raw path is the second candidate.
 */
export function canonicalUris(rawPath: string): string[] {
  const path = rawPath === '' ? '/' : rawPath;
  const strict = uriEncode(percentDecode(path, false), true);
  return strict === path ? [strict] : [strict, path];
}

/**
 * The canonical query string: each name and value decoded and UriEncoded, sorted
 * by name then value (byte order), `name=value` joined by `&`; a bare name has
 * an empty value. `exclude` drops a parameter (X-Amz-Signature of a presigned URL).
 * `plusIsSpace`: how to read a raw `+` (form encoding, as S3 reads the query, or literal).
 */
export function canonicalQuery(rawQuery: string, plusIsSpace: boolean, exclude?: string): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = uriEncode(percentDecode(eq < 0 ? part : part.slice(0, eq), plusIsSpace), false);
    const value = eq < 0 ? '' : uriEncode(percentDecode(part.slice(eq + 1), plusIsSpace), false);
    if (exclude !== undefined && name === exclude) continue;
    pairs.push([name, value]);
  }
  // Encoded strings are ASCII, so comparing UTF-16 code units is byte order.
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** A header value as SigV4 signs it: trimmed, inner runs of spaces collapsed to one. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** `name:value\n` for each signed header, in the order the client listed them. */
export function canonicalHeaders(headers: Readonly<Record<string, string>>, signed: readonly string[]): string {
  return signed.map((name) => `${name}:${canonicalHeaderValue(headers[name] ?? '')}\n`).join('');
}

export interface CanonicalRequestParts {
  readonly method: string;
  readonly uri: string;
  readonly query: string;
  readonly headers: string;
  readonly signedHeaders: string;
  readonly payloadHash: string;
}

export function canonicalRequest(p: CanonicalRequestParts): string {
  return `${p.method}\n${p.uri}\n${p.query}\n${p.headers}\n${p.signedHeaders}\n${p.payloadHash}`;
}

/** `20130524/us-east-1/s3/aws4_request` */
export function credentialScope(date: string, region: string, service = 's3'): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}
