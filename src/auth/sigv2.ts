// AWS Signature Version 2 for S3 ("REST authentication"), header and query forms:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
// Each step is a small pure function; verify.ts strings them together.
import { createHmac } from 'node:crypto';
import type { S3Request } from '../s3/request.js';

/**
 * Sub-resources that belong in the canonical resource: the union of the lists
 * Swift's s3api (ALLOWED_SUB_RESOURCES) and botocore (HmacV1Auth.QSAOfInterest)
 * sign. Signing every one a client might sign means an unsupported sub-resource
 * reaches the router and gets NotImplemented, not SignatureDoesNotMatch.
 */
export const SIGNED_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'defaultObjectAcl', 'delete', 'inventory', 'lifecycle',
  'location', 'logging', 'metrics', 'notification', 'object-lock', 'partNumber', 'policy',
  'replication', 'requestPayment', 'restore', 'select', 'select-type', 'storageClass', 'tagging',
  'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding',
  'response-content-language', 'response-content-type', 'response-expires',
]);

/** `x-amz-*` headers, lower-cased, sorted, values unfolded and trimmed, one per line. */
export function canonicalAmzHeaders(headers: Readonly<Record<string, string>>): string {
  const names = Object.keys(headers).filter((n) => n.startsWith('x-amz-')).sort();
  let out = '';
  for (const name of names) {
    // Repeated headers were already joined with ',' (s3/request.ts); a single
    // value keeps its inner whitespace, as botocore and AWS sign it.
    const value = headers[name]!.replace(/\s*\r?\n\s*/g, ' ').trim();
    out += `${name}:${value}\n`;
  }
  return out;
}

/** `?name=value&name2` for the signed sub-resources present, sorted by name, values decoded. */
export function canonicalSubResources(query: ReadonlyMap<string, string>): string {
  const names = [...query.keys()].filter((n) => SIGNED_SUB_RESOURCES.has(n)).sort();
  if (names.length === 0) return '';
  return '?' + names.map((n) => (query.get(n) === '' ? n : `${n}=${query.get(n)}`)).join('&');
}

/**
 * The canonical resources a correct client may have signed. Path-style requests
 * sign the raw path; virtual-hosted ones sign `/bucket` + raw path.
 * S3 quirk: current boto3 with `signature_version='s3'` signs a bucket-level
 * request as `/bucket/` while sending `/bucket`, and other clients sign the path
 * they send, so a bucket-level resource is accepted with or without the slash.
 */
export function canonicalResources(req: S3Request): string[] {
  const path = req.virtualHosted ? `/${encodeBucket(req.bucket!)}${req.rawPath}` : req.rawPath;
  const sub = canonicalSubResources(req.query);
  const resources = [path + sub];
  if (req.bucket !== undefined && req.key === undefined) {
    const alternate = path.endsWith('/') ? path.slice(0, -1) : path + '/';
    if (alternate !== '') resources.push(alternate + sub);
  }
  return resources;
}

function encodeBucket(bucket: string): string {
  return encodeURIComponent(bucket);
}

export interface StringToSignParts {
  readonly method: string;
  readonly contentMd5: string;
  readonly contentType: string;
  /** Date header, '' when x-amz-date is present, or the Expires of a presigned URL. */
  readonly date: string;
  readonly amzHeaders: string;
  readonly resource: string;
}

export function stringToSign(p: StringToSignParts): string {
  return `${p.method}\n${p.contentMd5}\n${p.contentType}\n${p.date}\n${p.amzHeaders}${p.resource}`;
}

/** Base64 HMAC-SHA1 of the string to sign. */
export function signV2(secret: string, toSign: string): string {
  return createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
}

/** The parts of a request's string to sign that do not depend on the resource form. */
export function stringToSignBase(req: S3Request, presignedExpires?: string): Omit<StringToSignParts, 'resource'> {
  const h = req.headers;
  // With x-amz-date present the Date line is empty (it is signed among the x-amz-* headers).
  const date = presignedExpires ?? (h['x-amz-date'] !== undefined ? '' : (h['date'] ?? ''));
  return {
    method: req.method,
    contentMd5: (h['content-md5'] ?? '').trim(),
    contentType: (h['content-type'] ?? '').trim(),
    date: date.trim(),
    amzHeaders: canonicalAmzHeaders(h),
  };
}
