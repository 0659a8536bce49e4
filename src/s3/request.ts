// Turns the raw HTTP request line and headers into an S3 request: which bucket,
// which key, which sub-resources. It works from the RAW url: WHATWG `new URL()`
// collapses `/./`, `/../` and `//`, which are legal inside S3 keys, and the client
// signed the raw path, not a normalised one.
import { s3Error } from './errors.js';

export interface S3Request {
  readonly method: string;
  /** Path exactly as received, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** Query exactly as received, without the `?` ('' when absent). */
  readonly rawQuery: string;
  /** Decoded query parameters; a parameter given without `=` has the value ''. First one wins. */
  readonly query: ReadonlyMap<string, string>;
  /** Lower-case header names; repeated headers joined with ',' (RFC 9110 §5.3). */
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case names of the headers that came more than once (joined in `headers`). */
  readonly repeatedHeaders: ReadonlySet<string>;
  /** Host name without port, lower case. */
  readonly host: string;
  readonly bucket?: string;
  readonly key?: string;
  /** True when the bucket came from the Host header (`bucket.<domain>`). */
  readonly virtualHosted: boolean;
}

export interface RawRequest {
  method: string;
  /** `req.url` of node:http: path and query as sent on the request line. */
  url: string;
  /** `req.rawHeaders` of node:http: [name, value, name, value, ...]. */
  rawHeaders: readonly string[];
}

/** Lower-cased header map from node's rawHeaders; duplicate values joined by ','. */
export function collectHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const seen = headers[name];
    headers[name] = seen === undefined ? value : `${seen},${value}`;
  }
  return headers;
}

/** Lower-case names that occur more than once in node's rawHeaders. */
export function repeatedHeaderNames(rawHeaders: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (seen.has(name)) repeated.add(name);
    else seen.add(name);
  }
  return repeated;
}

/** Percent-decoding that refuses malformed input with InvalidURI instead of throwing URIError. */
export function decodeComponent(text: string, plusIsSpace: boolean): string {
  const input = plusIsSpace ? text.replace(/\+/g, ' ') : text;
  if (!input.includes('%')) return input;
  try {
    return decodeURIComponent(input);
  } catch {
    throw s3Error('InvalidURI', {}, `Couldn't parse the specified URI: invalid percent-encoding.`);
  }
}

/**
 * Query parameters as S3 reads them: form decoding (`+` is a space, unless a
 * signature proved the client meant a literal `+`), the first occurrence wins,
 * a bare name means ''.
 */
export function parseQuery(rawQuery: string, plusIsSpace = true): Map<string, string> {
  const query = new Map<string, string>();
  if (rawQuery === '') return query;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), plusIsSpace);
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), plusIsSpace);
    if (!query.has(name)) query.set(name, value);
  }
  return query;
}

/**
 * The request with its query read with `+` as a literal plus: what a SigV4
 * client signed when its signature matches only that reading. Everything after
 * authentication must see the values that were signed, never another reading
 * of the same bytes.
 */
export function withLiteralPlus(req: S3Request): S3Request {
  return { ...req, query: parseQuery(req.rawQuery, false) };
}

/** The bucket named by a virtual-host style Host header, if any of our domains matches. */
export function bucketFromHost(host: string, domains: readonly string[]): string | undefined {
  for (const domain of domains) {
    if (host.length > domain.length + 1 && host.endsWith(domain) && host[host.length - domain.length - 1] === '.') {
      return host.slice(0, host.length - domain.length - 1);
    }
  }
  return undefined;
}

function hostName(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1); // IPv6 literal
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

export function parseRequest(raw: RawRequest, domains: readonly string[]): S3Request {
  const qmark = raw.url.indexOf('?');
  let rawPath = qmark < 0 ? raw.url : raw.url.slice(0, qmark);
  const rawQuery = qmark < 0 ? '' : raw.url.slice(qmark + 1);
  // An absolute-form request target (`GET http://host/path`) is legal HTTP/1.1.
  if (!rawPath.startsWith('/')) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(rawPath);
    if (!m) throw s3Error('InvalidURI');
    rawPath = m[1] ?? '/';
  }
  const headers = collectHeaders(raw.rawHeaders);
  const host = hostName(headers['host']);
  const query = parseQuery(rawQuery);
  const hostBucket = bucketFromHost(host, domains);

  let bucket: string | undefined;
  let key: string | undefined;
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    const rest = rawPath.slice(1);
    key = rest === '' ? undefined : decodeComponent(rest, false);
  } else {
    const rest = rawPath.slice(1);
    const slash = rest.indexOf('/');
    const rawBucket = slash < 0 ? rest : rest.slice(0, slash);
    const rawKey = slash < 0 ? '' : rest.slice(slash + 1);
    bucket = rawBucket === '' ? undefined : decodeComponent(rawBucket, false);
    key = rawKey === '' ? undefined : decodeComponent(rawKey, false);
  }
  return {
    method: raw.method.toUpperCase(),
    rawPath,
    rawQuery,
    query,
    headers,
    repeatedHeaders: repeatedHeaderNames(raw.rawHeaders),
    host,
    bucket,
    key,
    virtualHosted: hostBucket !== undefined,
  };
}
