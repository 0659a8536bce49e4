// Signs a generated request the way a correct client would, after the fuzzer
// chose every byte of it, so most fuzzed requests get past authentication and
// reach the operations. Written from AWS's pages, not from the gateway's code:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html (SigV2)
// Paths the signer cannot read (invalid escapes) are signed as sent: the
// gateway then refuses them or not, and either is a well-formed answer.
import { createHash, createHmac } from 'node:crypto';
import type { Keys } from '../helpers/raw-s3.js';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Decodes valid `%XX` escapes to bytes, keeps everything else (as S3 reads a query). */
function decodeLenient(text: string): Buffer {
  const out: number[] = [];
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
    if (bytes[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) { out.push(parseInt(hex, 16)); i += 2; } else out.push(bytes[i]!);
  }
  return Buffer.from(out);
}

/** SigV4 UriEncode of bytes (unreserved characters kept). */
function uriEncode(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) s += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  return s;
}

export function canonicalQueryV4(rawQuery: string): string {
  const pairs = rawQuery.split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    return [uriEncode(decodeLenient(eq < 0 ? p : p.slice(0, eq))), eq < 0 ? '' : uriEncode(decodeLenient(p.slice(eq + 1)))] as const;
  });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function signingKey(secret: string, day: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
}

export interface WireRequest {
  method: string;
  /** Raw path, as sent. */
  path: string;
  /** Raw query without `?` ('' for none). */
  query: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface V4Options {
  readonly date: Date;
  readonly region: string;
  /** x-amz-content-sha256: the body's hash unless given. */
  readonly payload?: string;
}

/** Adds x-amz-date, x-amz-content-sha256 and an Authorization header (SigV4). */
export function signV4(req: WireRequest, keys: Keys, opts: V4Options): void {
  const stamp = amzDate(opts.date);
  req.headers['x-amz-date'] ??= stamp;
  req.headers['x-amz-content-sha256'] ??= opts.payload ?? sha256(req.body ?? Buffer.alloc(0));
  const names = Object.keys(req.headers).map((n) => n.toLowerCase())
    .filter((n) => n === 'host' || n.startsWith('x-amz-') || n === 'content-md5' || n === 'content-type').sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) lower[k.toLowerCase()] = v;
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signed = names.join(';');
  const canonical = `${req.method}\n${req.path}\n${canonicalQueryV4(req.query)}\n${canonicalHeaders}\n${signed}\n${lower['x-amz-content-sha256']}`;
  const scope = `${stamp.slice(0, 8)}/${opts.region}/s3/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256(canonical)}`;
  const signature = createHmac('sha256', signingKey(keys.secret, stamp.slice(0, 8), opts.region)).update(toSign).digest('hex');
  req.headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${keys.access}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
}

/** Appends SigV4 query authentication (a presigned URL), UNSIGNED-PAYLOAD, host signed. */
export function presignV4(req: WireRequest, keys: Keys, opts: V4Options & { expires: string }): void {
  const stamp = amzDate(opts.date);
  const scope = `${stamp.slice(0, 8)}/${opts.region}/s3/aws4_request`;
  const auth = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(`${keys.access}/${scope}`)}`
    + `&X-Amz-Date=${stamp}&X-Amz-Expires=${encodeURIComponent(opts.expires)}&X-Amz-SignedHeaders=host`;
  req.query = req.query ? `${req.query}&${auth}` : auth;
  const canonical = `${req.method}\n${req.path}\n${canonicalQueryV4(req.query)}\nhost:${req.headers['host']!.trim()}\n\nhost\nUNSIGNED-PAYLOAD`;
  const toSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256(canonical)}`;
  const signature = createHmac('sha256', signingKey(keys.secret, stamp.slice(0, 8), opts.region)).update(toSign).digest('hex');
  req.query += `&X-Amz-Signature=${signature}`;
}

// The sub-resources SigV2 signs (RESTAuthentication.html), plus those S3 added later.
const V2_SUBRESOURCES = new Set(['acl', 'cors', 'delete', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy',
  'requestPayment', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website', 'object-lock',
  'retention', 'legal-hold', 'restore', 'select', 'attributes', 'encryption', 'replication', 'accelerate', 'ownershipControls',
  'publicAccessBlock', 'policyStatus', 'analytics', 'inventory', 'metrics', 'intelligent-tiering',
  'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding']);

function v2Resource(path: string, rawQuery: string): string {
  const subs = rawQuery.split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    return [eq < 0 ? p : p.slice(0, eq), eq < 0 ? undefined : decodeLenient(p.slice(eq + 1).replace(/\+/g, ' ')).toString('utf8')] as const;
  }).filter(([n]) => V2_SUBRESOURCES.has(n)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return path + (subs.length ? '?' + subs.map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join('&') : '');
}

function v2StringToSign(req: WireRequest, dateSlot: string): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) lower[k.toLowerCase()] = v;
  const amz = Object.keys(lower).filter((k) => k.startsWith('x-amz-')).sort().map((k) => `${k}:${lower[k]!.trim()}\n`).join('');
  return `${req.method}\n${lower['content-md5'] ?? ''}\n${lower['content-type'] ?? ''}\n${dateSlot}\n${amz}${v2Resource(req.path, req.query)}`;
}

/** Adds a Date header (unless the request has one) and `Authorization: AWS access:signature`. */
export function signV2(req: WireRequest, keys: Keys, date: Date): void {
  req.headers['date'] ??= date.toUTCString();
  const dateSlot = req.headers['x-amz-date'] !== undefined ? '' : req.headers['date'];
  const signature = createHmac('sha1', keys.secret).update(v2StringToSign(req, dateSlot), 'utf8').digest('base64');
  req.headers['authorization'] = `AWS ${keys.access}:${signature}`;
}

/** Appends SigV2 query authentication: AWSAccessKeyId, Expires (seconds since the epoch), Signature. */
export function presignV2(req: WireRequest, keys: Keys, expires: string): void {
  const signature = createHmac('sha1', keys.secret).update(v2StringToSign(req, expires), 'utf8').digest('base64');
  const auth = `AWSAccessKeyId=${encodeURIComponent(keys.access)}&Expires=${encodeURIComponent(expires)}&Signature=${encodeURIComponent(signature)}`;
  req.query = req.query ? `${req.query}&${auth}` : auth;
}
