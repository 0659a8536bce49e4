// Turns a generated case into bytes on a socket: the Host header, Content-MD5,
// then the signature of its auth mode over everything generated, then one
// node:http request (which sends the path exactly as given).
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { Keys } from '../helpers/raw-s3.js';
import type { FuzzCase } from './arbitraries.js';
import { presignV2, presignV4, signV2, signV4, type WireRequest } from './sign.js';

export interface WireAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface Signers {
  readonly demo: Keys;
  readonly region: string;
}

/** The request as it is sent, signed as its auth mode says. */
export function wireRequest(c: FuzzCase, baseUrl: string, signers: Signers, now = new Date()): WireRequest {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...c.headers, host: c.hostBucket === undefined ? url.host : `${c.hostBucket}.localhost:${url.port}` };
  if (c.md5 === 'right') headers['content-md5'] = createHash('md5').update(c.body ?? Buffer.alloc(0)).digest('base64');
  if (c.md5 === 'wrong') headers['content-md5'] = createHash('md5').update('other').digest('base64');
  const req: WireRequest = { method: c.method, path: c.path === '' ? '/' : c.path, query: c.query, headers, body: c.body };
  const keys = signers.demo;
  const unix = Math.floor(now.getTime() / 1000);
  const v4 = { date: now, region: signers.region };
  switch (c.auth) {
    case 'v4': signV4(req, keys, v4); break;
    case 'v2': signV2(req, keys, now); break;
    case 'presigned-v4': presignV4(req, keys, { ...v4, expires: '300' }); break;
    case 'presigned-v2': presignV2(req, keys, String(unix + 300)); break;
    case 'anonymous': break;
    case 'bad-signature-v4': signV4(req, keys, v4); headers['authorization'] = headers['authorization']!.replace(/Signature=./, 'Signature=0'); break;
    case 'bad-signature-v2': signV2(req, { ...keys, secret: keys.secret + 'x' }, now); break;
    case 'unknown-key': signV4(req, { access: 'AKIDFUZZUNKNOWN0000', secret: 'x' }, v4); break;
    case 'skewed-date': signV4(req, keys, { ...v4, date: new Date(now.getTime() - 20 * 60_000) }); break;
    case 'bad-scope': signV4(req, keys, { ...v4, region: 'mars-east-9' }); break;
    case 'garbage-authorization': headers['authorization'] = ['AWS4-HMAC-SHA256', 'AWS ', 'AWS a:b:c', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=/,SignedHeaders=,Signature=', `AWS4-HMAC-SHA256 Credential=${keys.access}/2020/x, SignedHeaders=host, Signature=zz`][unix % 6]!; break;
    case 'expired-presigned': presignV4(req, keys, { date: new Date(now.getTime() - 3600_000), region: signers.region, expires: '60' }); break;
    case 'bad-expires-presigned': presignV4(req, keys, { ...v4, expires: ['0', '-1', '604801', 'abc', '99999999999999999999', ''][unix % 6]! }); break;
  }
  return req;
}

/** Sends one request; the answer, or the transport error as a string. */
export function send(baseUrl: string, req: WireRequest, chunked: boolean, timeoutMs: number): Promise<WireAnswer | string> {
  const url = new URL(baseUrl);
  const headers = { ...req.headers };
  if (req.body !== undefined) {
    if (chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(req.body.length);
  }
  return new Promise((resolve) => {
    const path = req.query === '' ? req.path : `${req.path}?${req.query}`;
    let r: ReturnType<typeof request>;
    try {
      r = request({ host: url.hostname, port: url.port, method: req.method, path, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => resolve(`response error: ${err.message}`));
      });
    } catch (err) {
      // node:http refused to send it (an invalid header character): not the gateway's business.
      resolve(`not sent: ${(err as Error).message}`);
      return;
    }
    r.on('timeout', () => { r.destroy(new Error(`no answer in ${timeoutMs} ms`)); });
    r.on('error', (err) => resolve(`transport error: ${err.message}`));
    r.end(req.body);
  });
}

/** The request for a report: everything but the secrets (the signature is cut). */
export function describeRequest(req: WireRequest, chunked: boolean): string {
  const headers = { ...req.headers };
  if (headers['authorization']) headers['authorization'] = headers['authorization'].replace(/(Signature=|:)[^:,\s]+$/, '$1<cut>');
  const query = req.query.replace(/((?:X-Amz-)?Signature=)[^&]*/g, '$1<cut>');
  const body = req.body === undefined ? '(none)' : `${req.body.length} bytes${chunked ? ', chunked' : ''}: ${JSON.stringify(req.body.subarray(0, 600).toString('latin1'))}`;
  return `${req.method} ${req.path}${query ? `?${query}` : ''}\n${Object.entries(headers).map(([k, v]) => `  ${k}: ${v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v}`).join('\n')}\n  body ${body}`;
}
