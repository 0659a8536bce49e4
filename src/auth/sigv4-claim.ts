// What a SigV4 request claims: access key, credential scope, signed headers,
// signature, date, and how its payload is protected. Parsed from the
// Authorization header or from the X-Amz-* query parameters of a presigned URL,
// with S3's error codes and messages for malformed input:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
import { s3Error, type S3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import { ALGORITHM } from './sigv4-canonical.js';

/** AWS: a presigned URL is valid for at most seven days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

export type PayloadMode =
  | { readonly kind: 'sha256'; readonly hash: string }
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'streaming'; readonly signed: boolean; readonly trailer: boolean };

export interface V4Claim {
  readonly accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** `YYYYMMDDTHHMMSSZ`: x-amz-date (or X-Amz-Date), the request's signing time. */
  readonly amzDate: string;
  /** Seconds a presigned URL stays valid; undefined for header authentication. */
  readonly expiresSeconds?: number;
  /** The x-amz-content-sha256 value the client signed (UNSIGNED-PAYLOAD for a presigned URL without one). */
  readonly payloadHash: string;
  readonly payload: PayloadMode;
}

const AMZ_DATE = /^\d{8}T\d{6}Z$/;

/** Both forms of auth fail with their own code and message prefix. */
function failure(presigned: boolean, detail: string, details: Record<string, string> = {}): S3Error {
  return presigned
    ? s3Error('AuthorizationQueryParametersError', details, `Error parsing the X-Amz-Credential parameter; ${detail}`)
    : s3Error('AuthorizationHeaderMalformed', details, `The authorization header is malformed; ${detail}`);
}

interface Scope {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
}

/** `AK/20130524/us-east-1/s3/aws4_request`, checked against the regions this gateway answers for. */
export function parseCredential(credential: string, amzDate: string, acceptedRegions: readonly string[], presigned: boolean): Scope {
  const parts = credential.split('/');
  if (parts.length < 5 || parts.slice(0, -4).join('/') === '') {
    throw failure(presigned, 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [scopeDate, region, service, terminal] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (terminal !== 'aws4_request') {
    throw failure(presigned, `incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  }
  if (service !== 's3') {
    throw failure(presigned, `incorrect service "${service}". This endpoint belongs to "s3".`);
  }
  if (!acceptedRegions.includes(region)) {
    throw failure(presigned, `the region '${region}' is wrong; expecting '${acceptedRegions[0]}'`, { Region: acceptedRegions[0]! });
  }
  if (!/^\d{8}$/.test(scopeDate) || scopeDate !== amzDate.slice(0, 8)) {
    throw failure(presigned, 'Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  return { accessKeyId, scopeDate, region, service };
}

/** `host;range;x-amz-date`: lower-case names, host required. */
function parseSignedHeaders(value: string, presigned: boolean): string[] {
  const names = value.split(';').map((n) => n.trim().toLowerCase());
  if (names.some((n) => n === '')) throw failure(presigned, 'the SignedHeaders are mal-formed.');
  if (!names.includes('host')) {
    // S3 quirk: SigV4 requires the Host header to be signed.
    throw s3Error('AccessDenied', { HeadersNotSigned: 'host' }, 'There were headers present in the request which were not signed');
  }
  return names;
}

/** How the body is protected, from x-amz-content-sha256 (header auth) or UNSIGNED-PAYLOAD. */
export function payloadMode(value: string): PayloadMode {
  switch (value) {
    case 'UNSIGNED-PAYLOAD': return { kind: 'unsigned' };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': return { kind: 'streaming', signed: true, trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': return { kind: 'streaming', signed: true, trailer: true };
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER': return { kind: 'streaming', signed: false, trailer: true };
  }
  if (/^[0-9a-f]{64}$/i.test(value)) return { kind: 'sha256', hash: value.toLowerCase() };
  if (value.startsWith('STREAMING-AWS4-ECDSA')) {
    throw s3Error('NotImplemented', {}, 'AWS Signature Version 4A (ECDSA) is not supported by this gateway.');
  }
  throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value },
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.');
}

/** The x-amz-* headers a request sent without signing them, but for those named in `exempt`. */
function unsignedAmzHeaders(req: S3Request, signed: readonly string[], exempt: readonly string[] = []): string[] {
  return Object.keys(req.headers).filter((n) => n.startsWith('x-amz-') && !signed.includes(n) && !exempt.includes(n));
}

function refuseUnsigned(unsigned: readonly string[]): void {
  if (unsigned.length > 0) {
    throw s3Error('AccessDenied', { HeadersNotSigned: unsigned.join(', ') }, 'There were headers present in the request which were not signed');
  }
}

/**
 * S3 quirk: a presigned URL binds only the headers it lists, so every other
 * x-amz-* header is refused (an unsigned x-amz-copy-source would turn a
 * presigned PUT into a copy of anything the signer can read). S3 tolerates an
 * unsigned x-amz-content-sha256: it only states the payload's hash, which the
 * gateway then verifies.
 */
const PRESIGNED_UNSIGNED_OK = ['x-amz-content-sha256'];

/** The claim of an `Authorization: AWS4-HMAC-SHA256 ...` header. */
export function headerClaim(req: S3Request, header: string, acceptedRegions: readonly string[]): V4Claim {
  const rest = header.trim().slice(ALGORITHM.length);
  const fields = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!/^\s/.test(rest) || !credential || !signedHeaders || !signature) {
    throw s3Error('AuthorizationHeaderMalformed', {},
      'The authorization header is malformed; it must be "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".');
  }
  const amzDate = amzDateOf(req);
  const scope = parseCredential(credential, amzDate, acceptedRegions, false);
  const signed = parseSignedHeaders(signedHeaders, false);
  refuseUnsigned(unsignedAmzHeaders(req, signed));
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (payloadHash === undefined) {
    // S3 quirk: header-signed S3 requests must say how their payload is protected.
    throw s3Error('InvalidRequest', {}, 'Missing required header for this request: x-amz-content-sha256');
  }
  return { ...scope, signedHeaders: signed, signature, amzDate, payloadHash, payload: payloadMode(payloadHash) };
}

/** x-amz-date, or the Date header in SigV4's basic ISO 8601 form. */
function amzDateOf(req: S3Request): string {
  const amz = req.headers['x-amz-date'];
  if (amz !== undefined) {
    if (!AMZ_DATE.test(amz.trim())) {
      throw s3Error('AccessDenied', {}, 'AWS authentication requires a valid Date or x-amz-date header');
    }
    return amz.trim();
  }
  const ms = Date.parse(req.headers['date'] ?? '');
  if (Number.isNaN(ms)) throw s3Error('AccessDenied', {}, 'AWS authentication requires a valid Date or x-amz-date header');
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The claim of a presigned URL (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...`). */
export function queryClaim(req: S3Request, acceptedRegions: readonly string[]): V4Claim {
  const q = req.query;
  const algorithm = q.get('X-Amz-Algorithm');
  const credential = q.get('X-Amz-Credential');
  const signature = q.get('X-Amz-Signature');
  const amzDate = q.get('X-Amz-Date');
  const signedHeaders = q.get('X-Amz-SignedHeaders');
  const expires = q.get('X-Amz-Expires');
  if (!algorithm || !credential || !signature || !amzDate || !signedHeaders || expires === undefined) {
    throw s3Error('AuthorizationQueryParametersError', {},
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (algorithm !== ALGORITHM) {
    throw s3Error('AuthorizationQueryParametersError', {}, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  if (!AMZ_DATE.test(amzDate)) {
    throw s3Error('AuthorizationQueryParametersError', {}, 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  }
  if (!/^\d+$/.test(expires)) {
    throw s3Error('AuthorizationQueryParametersError', {}, 'X-Amz-Expires should be a number');
  }
  const expiresSeconds = Number(expires);
  if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw s3Error('AuthorizationQueryParametersError', {}, `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES_SECONDS}`);
  }
  const scope = parseCredential(credential, amzDate, acceptedRegions, true);
  const signed = parseSignedHeaders(signedHeaders, true);
  refuseUnsigned(unsignedAmzHeaders(req, signed, PRESIGNED_UNSIGNED_OK));
  // S3 quirk: a presigned URL's payload is UNSIGNED-PAYLOAD unless the client sent
  // an x-amz-content-sha256 header, or the query parameter the AWS SDK for
  // JavaScript v3 hoists it into (X-Amz-Content-Sha256=UNSIGNED-PAYLOAD).
  const payloadHash = req.headers['x-amz-content-sha256'] ?? q.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  return { ...scope, signedHeaders: signed, signature, amzDate, expiresSeconds, payloadHash, payload: payloadMode(payloadHash) };
}
