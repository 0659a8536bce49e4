// @smithy/signature-v4 (the AWS SDK for JavaScript v3's signer) as an
// independent oracle: ~30 generated requests (methods, keys with odd
// characters, queries, headers, payload modes, presigned) that our verifier
// must accept, and tampered copies it must refuse. Chunked bodies are signed
// with smithy's string signing, decoded and verified by AwsChunkedDecoder.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from '../../../src/auth/aws-chunked.js';
import { StaticCredentialStore } from '../../../src/auth/credentials.js';
import { SigningKeyCache } from '../../../src/auth/signing-keys.js';
import { authenticate, type Authenticated } from '../../../src/auth/verify.js';
import { S3Error } from '../../../src/s3/errors.js';
import { parseRequest, type S3Request } from '../../../src/s3/request.js';
import { keyPath } from '../../helpers/raw-s3.js';
import { httpRequest, serializeQuery, signedChunkedUpload, signer } from '../../helpers/sigv4-client.js';

const KEYS = { access: 'AKIDORACLE', secret: 'oracle/secret+key=with/odd chars' };
const BASE = 'http://s3.test:9000';
const NOW = new Date(Date.UTC(2024, 1, 29, 12, 30, 45));
const store = new StaticCredentialStore([{ accessKeyId: KEYS.access, secretKey: KEYS.secret, identity: 'oracle' }]);
const opts = { maxSkewMs: 900_000, now: () => NOW.getTime(), acceptedRegions: ['us-east-1'], signingKeys: new SigningKeyCache() };

/** A small seeded PRNG (mulberry32), so every run checks the same cases. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEY_PARTS = ['a b', 'plus+sign', 'ü/ñ', '한글', 'x//y', '..', '.', 'tilde~', "q'uote", '(paren)', 'star*', 'bang!', 'pct%25', 'semi;colon', 'eq=', 'amp&', 'dollar$', 'at@', 'comma,', 'emoji😀'];
const QUERY = [['prefix', 'a b'], ['max-keys', '5'], ['delimiter', '/'], ['marker', 'ü+x'], ['acl', ''], ['response-content-type', 'text/plain; charset=utf-8'], ['x-id', 'GetObject'], ['list-type', '2']];
const METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'POST'];

interface Case {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly presigned: boolean;
  readonly plusInQuery: boolean;
}

function generate(n: number): Case[] {
  const rand = prng(20240229);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const key = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(KEY_PARTS)).join(rand() < 0.5 ? '/' : '');
    const query: Record<string, string> = {};
    for (let q = Math.floor(rand() * 3); q > 0; q--) {
      const [name, value] = pick(QUERY);
      query[name!] = value!;
    }
    const presigned = rand() < 0.3;
    const headers: Record<string, string> = {};
    if (rand() < 0.5) headers['x-amz-meta-note'] = pick(['  spaced   out  value ', 'plain', 'tab\tinside']);
    if (rand() < 0.4) headers['content-type'] = 'application/octet-stream';
    if (presigned) {
      // As @aws-sdk/s3-request-presigner does; smithy hoists it into the query.
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    } else {
      headers['x-amz-content-sha256'] = pick([
        'UNSIGNED-PAYLOAD', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      ]);
    }
    const method = pick(METHODS);
    cases.push({
      name: `#${i} ${method} ${presigned ? 'presigned' : 'header'} ${JSON.stringify(key)} ${Object.keys(query).join('&')}`,
      method, path: `/bucket-${i}/${keyPath(key)}`, query, headers, presigned, plusInQuery: rand() < 0.3,
    });
  }
  return cases;
}

/** Signs a case with smithy; returns the raw request line pieces and headers as a client sends them. */
async function signCase(c: Case): Promise<{ url: string; headers: Record<string, string> }> {
  const req = httpRequest(BASE, c.method, c.path + (Object.keys(c.query).length ? '?' + serializeQuery(c.query) : ''), c.headers);
  if (c.presigned) {
    const p = await signer(KEYS).presign(req, { expiresIn: 3600, signingDate: NOW });
    return { url: `${p.path}?${serializeQuery(p.query as Record<string, string>)}`, headers: p.headers as Record<string, string> };
  }
  const s = await signer(KEYS).sign(req, { signingDate: NOW });
  const q = serializeQuery(c.query);
  return { url: c.path + (q ? '?' + (c.plusInQuery ? q.replace(/%20/g, '+') : q) : ''), headers: s.headers as Record<string, string> };
}

function toRequest(method: string, url: string, headers: Record<string, string>): S3Request {
  return parseRequest({ method, url, rawHeaders: Object.entries(headers).flat() }, []);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('smithy-signed requests (oracle)', () => {
  const cases = generate(30);

  for (const c of cases) {
    it(`accepts ${c.name}`, async () => {
      const { url, headers } = await signCase(c);
      const result: Authenticated<string> = await authenticate(toRequest(c.method, url, headers), store, opts);
      expect(result.scheme).toBe(c.presigned ? 'sigv4-presigned' : 'sigv4');
    });
  }

  it('refuses every case with a changed signed header, path or query value', async () => {
    for (const c of cases) {
      const { url, headers } = await signCase(c);
      const signedHeader = c.presigned ? 'host' : 'x-amz-date';
      const changedHeader = { ...headers, [signedHeader]: c.presigned ? 'other.host:1' : '20240229T123046Z' };
      expect(await refusal(authenticate(toRequest(c.method, url, changedHeader), store, opts)), c.name).toBe('SignatureDoesNotMatch');
      const changedPath = url.replace(/^\/bucket-/, '/bucket-x');
      expect(await refusal(authenticate(toRequest(c.method, changedPath, headers), store, opts)), c.name).toBe('SignatureDoesNotMatch');
      const withQuery = url + (url.includes('?') ? '&' : '?') + 'tampered=1';
      expect(await refusal(authenticate(toRequest(c.method, withQuery, headers), store, opts)), c.name).toBe('SignatureDoesNotMatch');
      const otherMethod = c.method === 'GET' ? 'DELETE' : 'GET';
      expect(await refusal(authenticate(toRequest(otherMethod, url, headers), store, opts)), c.name).toBe('SignatureDoesNotMatch');
    }
  });

  it('refuses a changed query value', async () => {
    const c = { ...cases[0]!, query: { prefix: 'a b', 'max-keys': '5' }, presigned: false, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } };
    const { url, headers } = await signCase(c);
    expect(await refusal(authenticate(toRequest(c.method, url, headers), store, opts))).toBe('accepted');
    expect(await refusal(authenticate(toRequest(c.method, url.replace('max-keys=5', 'max-keys=6'), headers), store, opts))).toBe('SignatureDoesNotMatch');
  });
});

describe('smithy-signed aws-chunked bodies (oracle)', () => {
  const data = Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7) % 256));

  async function decodeUpload(trailer?: Record<string, string>, tamper?: (body: Buffer) => void): Promise<Buffer> {
    const encoded = keyPath('chunked key+ü');
    const { headers, body } = await signedChunkedUpload(BASE, KEYS, `/bucket/${encoded}`, data, 65536, { trailer, signingDate: NOW });
    tamper?.(body);
    const auth = await authenticate(toRequest('PUT', `/bucket/${encoded}`, headers), store, opts);
    const v4 = auth.v4!;
    const decoder = new AwsChunkedDecoder({
      signing: { signingKey: v4.signingKey, amzDate: v4.amzDate, scope: v4.scope, seedSignature: v4.seedSignature },
      trailerNames: Object.keys(trailer ?? {}),
      decodedLength: data.length,
    });
    const out: Buffer[] = [];
    await pipeline(Readable.from([body.subarray(0, 1000), body.subarray(1000)]), decoder, new Writable({ write(c, _e, cb) { out.push(c); cb(); } }));
    return Buffer.concat(out);
  }

  it('accepts a signed chunked body and decodes it', async () => {
    expect((await decodeUpload()).equals(data)).toBe(true);
    expect((await decodeUpload({ 'x-amz-checksum-crc32': 'AAAAAA==' })).equals(data)).toBe(true);
  });

  it('refuses one changed byte of a chunk', async () => {
    expect(await refusal(decodeUpload(undefined, (b) => { b[100_000] = b[100_000]! ^ 1; }))).toBe('SignatureDoesNotMatch');
  });

  it('refuses a changed trailer', async () => {
    const tamper = (b: Buffer) => { const at = b.indexOf('AAAAAA=='); b[at] = 'B'.charCodeAt(0); };
    expect(await refusal(decodeUpload({ 'x-amz-checksum-crc32': 'AAAAAA==' }, tamper))).toBe('SignatureDoesNotMatch');
  });
});
