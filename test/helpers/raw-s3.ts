// Raw S3 requests over node:http, signed with Signature Version 2 by a small
// signer written for the tests (the gateway's own is checked against AWS's
// published examples and botocore in the unit tests). node:http sends the path
// exactly as given, so keys with `..`, `//` or odd bytes reach the gateway raw.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  text(): string;
}

export interface Keys {
  readonly access: string;
  readonly secret: string;
}

export interface RawRequest {
  readonly method: string;
  /** Raw path (already percent-encoded) and query, e.g. `/bucket/a%20b?acl`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** Sign with these keys; omit for an anonymous request. */
  readonly keys?: Keys;
  /** Date header value; defaults to now. */
  readonly date?: string;
  /** Host header (virtual-host style tests); defaults to 127.0.0.1:<port>. */
  readonly host?: string;
  /** Canonical resource override, when the signer must sign something else than the path. */
  readonly resource?: string;
  /** Send the body chunked, without Content-Length. */
  readonly chunked?: boolean;
}

const SUB_RESOURCES = new Set(['acl', 'object-lock', 'delete', 'location', 'uploads', 'uploadId', 'partNumber', 'versionId', 'versioning', 'tagging',
  'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'policy', 'cors', 'lifecycle', 'website', 'logging', 'versions']);

/** SigV2 string to sign for a path-style request (or the given resource). */
export function stringToSignV2(method: string, path: string, headers: Record<string, string>, resource?: string): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  const amz = Object.keys(lower).filter((k) => k.startsWith('x-amz-')).sort().map((k) => `${k}:${lower[k]!.trim()}\n`).join('');
  let canonical = resource;
  if (canonical === undefined) {
    const [rawPath, rawQuery = ''] = path.split('?');
    const subs = rawQuery.split('&').filter(Boolean).map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [p, undefined] as const : [p.slice(0, eq), decodeURIComponent(p.slice(eq + 1).replace(/\+/g, ' '))] as const;
    }).filter(([name]) => SUB_RESOURCES.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    canonical = rawPath! + (subs.length ? '?' + subs.map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join('&') : '');
  }
  const date = lower['x-amz-date'] !== undefined ? '' : (lower['date'] ?? '');
  return `${method}\n${lower['content-md5'] ?? ''}\n${lower['content-type'] ?? ''}\n${date}\n${amz}${canonical}`;
}

export function signV2(secret: string, toSign: string): string {
  return createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
}

export function rawS3(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { date: req.date ?? new Date().toUTCString(), ...req.headers };
  if (req.chunked) headers['transfer-encoding'] = 'chunked';
  else if (req.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  if (req.keys) {
    const toSign = stringToSignV2(req.method, req.path, headers, req.resource);
    headers['authorization'] = `AWS ${req.keys.access}:${signV2(req.keys.secret, toSign)}`;
  }
  headers['host'] = req.host ?? url.host;
  return new Promise((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body, text: () => body.toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!);
}

/** The text of one element of an XML document (first occurrence), entities decoded. */
export function xmlValue(xml: string, element: string): string | undefined {
  const m = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml);
  return m?.[1] === undefined ? undefined : unescapeXml(m[1]);
}

/** Every text of one element of an XML document, entities decoded. */
export function xmlValues(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((m) => unescapeXml(m[1]!));
}

/** Encodes an S3 key for a request path, segment by segment (keeps `/`, encodes everything else). */
export function keyPath(key: string): string {
  return key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
}
