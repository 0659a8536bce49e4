// How the load generator authenticates each request, per target:
//  - S3 targets (the gateway, Swift's s3api) sign with AWS Signature Version 2
//    or Version 4 (the signing mode is a parameter, so SigV4 runs through the
//    gateway the day it verifies it);
//  - direct Swift sends a Keystone token.
// Written for the benchmark (the gateway's verifier is tested elsewhere against
// AWS's examples and botocore); the SigV4 signer is checked against AWS's
// published "GET Object" example in test/bench.
import { createHash, createHmac } from 'node:crypto';

export type SigningMode = 'v2' | 'v4';
export const SIGNING_MODES: readonly SigningMode[] = ['v2', 'v4'];

export interface S3Keys {
  readonly access: string;
  readonly secret: string;
}

/** One HTTP request before authentication: raw (already percent-encoded) path and query. */
export interface PlainRequest {
  readonly method: string;
  readonly path: string;
  /** Encoded query without `?`, '' when none. */
  readonly query: string;
  /** Lower-case names. The signer adds its headers here. */
  readonly headers: Record<string, string>;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * SigV2 string to sign. The benchmark sends no sub-resources and no x-amz-*
 * headers besides what it signs here, so the canonical resource is the path.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
 */
export function stringToSignV2(req: PlainRequest): string {
  const h = req.headers;
  const amz = Object.keys(h).filter((n) => n.startsWith('x-amz-')).sort().map((n) => `${n}:${h[n]!.trim()}\n`).join('');
  const date = h['x-amz-date'] !== undefined ? '' : (h['date'] ?? '');
  return `${req.method}\n${h['content-md5'] ?? ''}\n${h['content-type'] ?? ''}\n${date}\n${amz}${req.path}`;
}

/** Adds Date and `Authorization: AWS access:signature`. */
export function signV2(req: PlainRequest, keys: S3Keys, now: Date): void {
  req.headers['date'] ??= now.toUTCString();
  const signature = createHmac('sha1', keys.secret).update(stringToSignV2(req), 'utf8').digest('base64');
  req.headers['authorization'] = `AWS ${keys.access}:${signature}`;
}

/** `20130524T000000Z` */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Query parameters sorted by name then value, as SigV4 wants them (already encoded by the caller). */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((p) => (p.includes('=') ? p : `${p}=`))
    .sort((a, b) => {
      const [an = '', av = ''] = a.split('=', 2);
      const [bn = '', bv = ''] = b.split('=', 2);
      return an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0;
    })
    .join('&');
}

/** SigV4 canonical request; every header given is signed except Authorization and Content-Length. */
export function canonicalRequestV4(req: PlainRequest): { canonical: string; signedHeaders: string } {
  const names = Object.keys(req.headers).filter((n) => n !== 'authorization' && n !== 'content-length').sort();
  const headerLines = names.map((n) => `${n}:${req.headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const payload = req.headers['x-amz-content-sha256'] ?? UNSIGNED_PAYLOAD;
  return {
    canonical: `${req.method}\n${req.path}\n${canonicalQuery(req.query)}\n${headerLines}\n${signedHeaders}\n${payload}`,
    signedHeaders,
  };
}

const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string): Buffer {
  const id = `${secret}\n${day}\n${region}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac('AWS4' + secret, day), region), 's3'), 'aws4_request');
    signingKeys.set(id, key);
  }
  return key;
}

/**
 * Adds x-amz-date, x-amz-content-sha256 (when not given: UNSIGNED-PAYLOAD) and
 * the SigV4 Authorization header. The Host header must already be set.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 */
export function signV4(req: PlainRequest, keys: S3Keys, region: string, now: Date): void {
  const stamp = req.headers['x-amz-date'] ?? amzDate(now);
  req.headers['x-amz-date'] = stamp;
  req.headers['x-amz-content-sha256'] ??= UNSIGNED_PAYLOAD;
  const day = stamp.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const { canonical, signedHeaders } = canonicalRequestV4(req);
  const toSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  const signature = createHmac('sha256', signingKey(keys.secret, day, region)).update(toSign, 'utf8').digest('hex');
  req.headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${keys.access}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** How one target authenticates. */
export type Auth =
  | { readonly kind: 's3'; readonly mode: SigningMode; readonly keys: S3Keys; readonly region: string }
  | { readonly kind: 'swift-token'; readonly token: string };

/** Authenticates a request in place for its target. */
export function authenticate(req: PlainRequest, auth: Auth, host: string, now: Date): void {
  if (auth.kind === 'swift-token') {
    req.headers['x-auth-token'] = auth.token;
  } else if (auth.mode === 'v2') {
    signV2(req, auth.keys, now);
  } else {
    req.headers['host'] = host;
    signV4(req, auth.keys, auth.region, now);
  }
}

/** Percent-encodes an object name for a path, segment by segment (RFC 3986 unreserved kept). */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');
}
