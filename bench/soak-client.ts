// The soak's S3 client: SigV4-signed requests (sub-resources included, which
// the benchmark's SigV2 signer leaves out) over one undici Agent, answering
// status, headers and either the whole body or its MD5 and length, so a
// 64 MiB GET is checked without being held.
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import { encodeKey, signV4, type S3Keys } from './signing.js';

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body, when asked to keep it (small answers). */
  readonly body?: Buffer;
  readonly md5: string;
  readonly length: number;
}

export interface SendOptions {
  readonly method: string;
  /** Bucket and key, unencoded; key undefined for a bucket request. */
  readonly bucket: string;
  readonly key?: string;
  /** Already encoded, without `?`. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Keep the body (XML answers, small objects); else only its MD5 and length. */
  readonly keep?: boolean;
}

export class SoakClient {
  readonly #origin: string;
  readonly #host: string;
  readonly #keys: S3Keys;
  readonly #agent: Agent;

  constructor(origin: string, keys: S3Keys, connections: number) {
    this.#origin = origin;
    this.#host = new URL(origin).host;
    this.#keys = keys;
    this.#agent = new Agent({ connections, keepAliveTimeout: 30_000 });
  }

  async send(o: SendOptions): Promise<Answer> {
    const path = `/${o.bucket}${o.key === undefined ? '' : `/${encodeKey(o.key)}`}`;
    const query = o.query ?? '';
    const headers: Record<string, string> = { ...(o.headers ?? {}), host: this.#host };
    if (o.body) {
      headers['content-length'] = String(o.body.length);
      headers['x-amz-content-sha256'] = createHash('sha256').update(o.body).digest('hex');
    }
    signV4({ method: o.method, path, query, headers }, this.#keys, 'us-east-1', new Date());
    const res = await request(`${this.#origin}${path}${query ? `?${query}` : ''}`, {
      method: o.method as 'GET', headers, body: o.body ?? null, dispatcher: this.#agent, headersTimeout: 120_000, bodyTimeout: 120_000,
    });
    const hash = createHash('md5');
    const kept: Buffer[] = [];
    let length = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      length += chunk.length;
      if (o.keep) kept.push(chunk);
    }
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    return { status: res.statusCode, headers: flat, ...(o.keep ? { body: Buffer.concat(kept) } : {}), md5: hash.digest('hex'), length };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** The first `<tag>` value of an XML text. */
export function xmlValue(text: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];
}
