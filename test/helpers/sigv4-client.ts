// SigV4 requests for the tests, signed by @smithy/signature-v4 (the AWS SDK for
// JavaScript v3's signer) as an independent oracle: the gateway's verifier is
// never used to sign. Chunk and trailer signatures are smithy's signing of the
// string to sign AWS documents (sigv4-streaming.html), built here by hand.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { Keys, RawResponse } from './raw-s3.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function signer(keys: Keys, region = 'us-east-1'): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: keys.access, secretAccessKey: keys.secret },
    region,
    service: 's3',
    sha256: Sha256,
    // S3: the path is signed as sent, encoded once.
    uriEscapePath: false,
    applyChecksum: false,
  });
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Splits `a=1&b` into smithy's decoded query map (values of repeated names as arrays). */
export function queryMap(rawQuery: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const part of rawQuery.split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** SigV4's UriEncode of a query component (what smithy does to query names and values). */
export function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function serializeQuery(query: Record<string, string | string[] | null | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value ?? '']) parts.push(`${encodeQueryPart(name)}=${encodeQueryPart(v)}`);
  }
  return parts.join('&');
}

export interface V4Request {
  readonly method: string;
  /** Raw path (percent-encoded as it goes on the wire) and optional query. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** x-amz-content-sha256 to sign: 'sha256' (default) hashes the body; or a literal value. */
  readonly payload?: 'sha256' | string;
  readonly region?: string;
  readonly signingDate?: Date;
  /** Host header; defaults to 127.0.0.1:<port>. */
  readonly host?: string;
}

/** A smithy HttpRequest for a raw path and query. */
export function httpRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>, host?: string): HttpRequest {
  const url = new URL(baseUrl);
  const q = path.indexOf('?');
  return {
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: q < 0 ? path : path.slice(0, q),
    query: q < 0 ? {} : queryMap(path.slice(q + 1)),
    headers: { host: host ?? url.host, ...headers },
  } as HttpRequest;
}

/** Signs the request's headers with SigV4 (Authorization header). */
export async function signV4Headers(baseUrl: string, keys: Keys, req: V4Request): Promise<Record<string, string>> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  const payload = req.payload ?? 'sha256';
  headers['x-amz-content-sha256'] = payload === 'sha256' ? sha256Hex(req.body ?? '') : payload;
  const signed = await signer(keys, req.region).sign(httpRequest(baseUrl, req.method, req.path, headers, req.host), { signingDate: req.signingDate });
  return signed.headers as Record<string, string>;
}

/** A presigned path+query for the request (smithy's presign; UNSIGNED-PAYLOAD). */
export async function presignV4(baseUrl: string, keys: Keys, method: string, path: string, expiresIn: number, signingDate?: Date, host?: string, region?: string): Promise<string> {
  // As @aws-sdk/s3-request-presigner does: sign UNSIGNED-PAYLOAD, which smithy hoists into the query.
  const req = httpRequest(baseUrl, method, path, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, host);
  const presigned = await signer(keys, region).presign(req, { expiresIn, signingDate });
  const q = serializeQuery(presigned.query as Record<string, string>);
  return `${presigned.path}?${q}`;
}

export function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: b, text: () => b.toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** Signs with SigV4 and sends. */
export async function rawS3v4(baseUrl: string, keys: Keys, req: V4Request): Promise<RawResponse> {
  const headers = await signV4Headers(baseUrl, keys, req);
  return send(baseUrl, req.method, req.path, headers, req.body);
}

export interface ChunkedBody {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Scope pieces smithy used for a request it signed. */
function scopeOf(authorization: string): { scope: string; seed: string } {
  const m = /Credential=[^/]+\/([^,]+),\s*SignedHeaders=[^,]+,\s*Signature=([0-9a-f]{64})/.exec(authorization)!;
  return { scope: m[1]!, seed: m[2]! };
}

/**
 * A signed aws-chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]): seed
 * signature by smithy over the headers, chunk signatures chained from it.
 */
export async function signedChunkedUpload(
  baseUrl: string, keys: Keys, path: string, data: Buffer, chunkSize: number,
  opts: { headers?: Record<string, string>; trailer?: Record<string, string>; signingDate?: Date } = {},
): Promise<ChunkedBody> {
  const sizes: number[] = [];
  for (let off = 0; off < data.length; off += chunkSize) sizes.push(Math.min(chunkSize, data.length - off));
  sizes.push(0);
  const trailerNames = Object.keys(opts.trailer ?? {});
  // Length of the encoded body, known before signing (it is a signed header).
  const sigLine = (size: number) => `${size.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n`;
  let encodedLength = sizes.reduce((n, s) => n + sigLine(s).length + s + (s > 0 || trailerNames.length === 0 ? 2 : 0), 0);
  const trailerText = (sig: string) => Object.entries(opts.trailer ?? {}).map(([n, v]) => `${n}:${v}\r\n`).join('') + `x-amz-trailer-signature:${sig}\r\n\r\n`;
  if (trailerNames.length > 0) encodedLength += trailerText('0'.repeat(64)).length;
  const headers: Record<string, string> = {
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
    'content-length': String(encodedLength),
    ...opts.headers,
  };
  if (trailerNames.length > 0) headers['x-amz-trailer'] = trailerNames.join(',');
  const mode = trailerNames.length > 0 ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const signed = await signV4Headers(baseUrl, keys, { method: 'PUT', path, headers, payload: mode, signingDate: opts.signingDate });
  const amzDate = signed['x-amz-date']!;
  const { scope, seed } = scopeOf(signed['authorization']!);
  const sign = signer(keys);
  const signingDate = opts.signingDate ?? new Date(Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15)));
  let previous = seed;
  const parts: Buffer[] = [];
  let off = 0;
  for (const size of sizes) {
    const piece = data.subarray(off, off + size);
    off += size;
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${sha256Hex(piece)}`;
    previous = await sign.sign(toSign, { signingDate });
    parts.push(Buffer.from(`${size.toString(16)};chunk-signature=${previous}\r\n`), piece);
    if (size > 0 || trailerNames.length === 0) parts.push(Buffer.from('\r\n'));
  }
  if (trailerNames.length > 0) {
    const canonical = Object.entries(opts.trailer!).map(([n, v]) => `${n}:${v}\n`).join('');
    const toSign = `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previous}\n${sha256Hex(canonical)}`;
    parts.push(Buffer.from(trailerText(await sign.sign(toSign, { signingDate }))));
  }
  const body = Buffer.concat(parts);
  if (body.length !== encodedLength) throw new Error(`encoded length ${body.length} != ${encodedLength}`);
  return { headers: signed, body };
}
