// The Barbican provider's failure modes that the real Barbican cannot be made
// to show on demand (a refused token, a 5xx, a payload of the wrong size),
// against a tiny in-test HTTP server; the rest runs against the stack's
// Barbican in test/integration/kms-barbican.test.ts.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarbicanProvider, type BarbicanOptions } from '../../../src/kms/barbican.js';
import { barbicanSecretId } from '../../../src/kms/barbican-key-id.js';
import { keyManagerFromCatalog } from '../../../src/kms/catalog.js';
import { S3Error } from '../../../src/s3/errors.js';

const UUID = '0b5c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';
const ctx = { bucket: 'b', key: 'k' };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.writeHead(500).end();
const seen: { url: string; token: string | undefined; accept: string | undefined }[] = [];
let server: Server;
let base: string;
const dispatcher = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', token: req.headers['x-auth-token'] as string | undefined, accept: req.headers.accept });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await dispatcher.close();
  await new Promise((resolve) => server.close(resolve));
});

function provider(extra: Partial<BarbicanOptions> = {}): { provider: BarbicanProvider; invalidated: () => number } {
  let invalidations = 0;
  let tokenNo = 0;
  const p = new BarbicanProvider({
    endpoint: async () => base,
    token: async () => `tok-${tokenNo}`,
    invalidateToken: () => {
      invalidations++;
      tokenNo++;
    },
    dispatcher,
    cacheSeconds: 300,
    timeoutMs: 2000,
    ...extra,
  });
  return { provider: p, invalidated: () => invalidations };
}

async function rejection(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected an S3Error');
}

describe('barbicanSecretId', () => {
  it('takes a bare uuid, an href and an ARN-shaped id, and only their uuid', () => {
    expect(barbicanSecretId(UUID.toUpperCase())).toBe(UUID);
    expect(barbicanSecretId(`http://barbican:9311/v1/secrets/${UUID}`)).toBe(UUID);
    expect(barbicanSecretId(`https://kms.example.com/key-manager/v1/secrets/${UUID}/`)).toBe(UUID);
    expect(barbicanSecretId(`arn:aws:kms:RegionOne:123:key/${UUID}`)).toBe(UUID);
    for (const bad of ['', 'alias/aws/s3', `${UUID}x`, `http://barbican/v1/orders/${UUID}`, `http://barbican/v1/secrets/${UUID}/payload`]) {
      expect(barbicanSecretId(bad), bad).toBeUndefined();
    }
  });
});

describe('BarbicanProvider', () => {
  it('fetches the payload as octet-stream with the service token, from the configured Barbican whatever host an href names', async () => {
    const kek = randomBytes(32);
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(kek);
    seen.length = 0;
    const { provider: p } = provider();
    const dataKey = randomBytes(32);
    const { keyId, wrapped } = await p.wrap(dataKey, ctx, `http://evil.example:1/v1/secrets/${UUID}`);
    expect(keyId).toBe(UUID);
    expect(seen).toEqual([{ url: `/v1/secrets/${UUID}/payload`, token: 'tok-0', accept: 'application/octet-stream' }]);
    expect(await p.unwrap(wrapped, ctx, keyId)).toEqual(dataKey);
    expect(seen.length).toBe(1); // cached
  });

  it('renews a token Barbican refuses (401) once, then succeeds', async () => {
    const kek = randomBytes(32);
    handler = (req, res) => (req.headers['x-auth-token'] === 'tok-0' ? res.writeHead(401).end('{}') : res.writeHead(200).end(kek));
    const { provider: p, invalidated } = provider();
    await p.wrap(randomBytes(32), ctx, UUID);
    expect(invalidated()).toBe(1);
  });

  it('answers a token refused twice, a 5xx and an unreachable Barbican with 503 ServiceUnavailable', async () => {
    handler = (_req, res) => res.writeHead(401).end();
    expect((await rejection(provider().provider.wrap(randomBytes(32), ctx, UUID))).status).toBe(503);
    handler = (_req, res) => res.writeHead(500).end('{"code": 500, "title": "Internal Server Error"}');
    const err = await rejection(provider().provider.wrap(randomBytes(32), ctx, UUID));
    expect([err.code, err.status]).toEqual(['ServiceUnavailable', 503]);
    expect(err.message).toMatch(/key manager is unavailable/);
    const down = provider({ endpoint: async () => 'http://127.0.0.1:1' });
    expect((await rejection(down.provider.wrap(randomBytes(32), ctx, UUID))).code).toBe('ServiceUnavailable');
  });

  it('answers 404 with KMS.NotFoundException and remembers it briefly; 403 with AccessDenied', async () => {
    handler = (_req, res) => res.writeHead(404).end('{"code": 404}');
    seen.length = 0;
    const { provider: p } = provider();
    for (let i = 0; i < 3; i++) expect((await rejection(p.unwrap('g1.x', ctx, UUID))).code).toBe('KMS.NotFoundException');
    expect(seen.length).toBe(1);
    handler = (_req, res) => res.writeHead(403).end('{"code": 403}');
    const err = await rejection(provider().provider.wrap(randomBytes(32), ctx, UUID));
    expect([err.code, err.status]).toEqual(['AccessDenied', 403]);
  });

  it('refuses a secret whose payload is not 32 bytes, and a key id that is no secret reference, without calling Barbican', async () => {
    handler = (_req, res) => res.writeHead(200).end(randomBytes(16));
    expect((await rejection(provider().provider.wrap(randomBytes(32), ctx, UUID))).code).toBe('InvalidArgument');
    seen.length = 0;
    expect((await rejection(provider().provider.wrap(randomBytes(32), ctx, 'alias/aws/s3'))).code).toBe('KMS.NotFoundException');
    expect((await rejection(provider().provider.wrap(randomBytes(32), ctx))).message).toMatch(/defaultKeyId is not set/);
    expect(seen.length).toBe(0);
  });

  it('keeps using a cached key while Barbican is down, until cacheSeconds pass; then 503', async () => {
    let now = 1_000_000;
    const kek = randomBytes(32);
    handler = (_req, res) => res.writeHead(200).end(kek);
    const { provider: p } = provider({ cacheSeconds: 60, now: () => now, defaultKeyId: UUID });
    const { wrapped } = await p.wrap(randomBytes(32), ctx);
    handler = (_req, res) => res.writeHead(503).end();
    now += 59_000;
    expect((await p.unwrap(wrapped, ctx, UUID)).length).toBe(32);
    now += 2_000;
    expect((await rejection(p.unwrap(wrapped, ctx, UUID))).status).toBe(503);
  });

  it('shares one Barbican call among concurrent requests for an uncached key', async () => {
    const kek = randomBytes(32);
    handler = (_req, res) => setTimeout(() => res.writeHead(200).end(kek), 50);
    seen.length = 0;
    const { provider: p } = provider();
    await Promise.all(Array.from({ length: 5 }, () => p.wrap(randomBytes(32), ctx, UUID)));
    expect(seen.length).toBe(1);
  });
});

describe('keyManagerFromCatalog', () => {
  it('finds the key-manager endpoint of the interface and region, once; a failed lookup is retried', async () => {
    let calls = 0;
    handler = (req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        catalog: [
          { type: 'object-store', endpoints: [{ interface: 'public', region_id: 'R', url: 'http://swift' }] },
          { type: 'key-manager', endpoints: [
            { interface: 'internal', region_id: 'R', url: 'http://internal:9311' },
            { interface: 'public', region_id: 'Other', url: 'http://other:9311' },
            { interface: 'public', region_id: 'R', url: 'http://barbican:9311/' },
          ] },
        ],
      }));
    };
    seen.length = 0;
    const lookup = keyManagerFromCatalog({ authUrl: `${base}/v3`, interface: 'public', region: 'R', token: async () => 'svc', dispatcher, timeoutMs: 2000 });
    expect((await rejection(lookup())).code).toBe('ServiceUnavailable');
    expect(await lookup()).toBe('http://barbican:9311');
    expect(await lookup()).toBe('http://barbican:9311');
    expect(calls).toBe(2);
    expect(seen[1]).toEqual({ url: '/v3/auth/catalog', token: 'svc', accept: 'application/json' });
  });
});
