// Failure injection and the call record, seen through the gateway's clients.
import { Readable } from 'node:stream';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { UpstreamUnavailable } from '../../../src/swift/errors.js';
import { rig } from './helpers.js';

function setup() {
  const r = rig();
  const u = r.fake.addUser({ name: 'u' });
  r.fake.putContainer(u.account, 'c');
  r.fake.putObject(u.account, 'c', 'big', Buffer.alloc(200_000, 7));
  return { r, u };
}

describe('faults', () => {
  it('answers the next matching call with a status and Swift\'s body for it, then recovers', async () => {
    const { r, u } = setup();
    const rule = r.fake.fail({ match: { method: 'HEAD', container: 'c' }, status: 503 });
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'big' })).status).toBe(200);
    const failed = await r.call(u, { method: 'HEAD', container: 'c' });
    expect([failed.status, failed.headers['x-trans-id']]).toEqual([503, expect.stringMatching(/^tx[0-9a-f]{21}-[0-9a-f]{10}$/)]);
    expect(rule.used).toBe(1);
    expect((await r.call(u, { method: 'HEAD', container: 'c' })).status).toBe(204);
  });

  it('applies N times or always, by query key or path, to Keystone too', async () => {
    const { r, u } = setup();
    r.fake.fail({ match: { query: 'multipart-manifest' }, status: 500, times: 2 });
    const get = () => r.call(u, { method: 'GET', container: 'c', object: 'big', query: { 'multipart-manifest': 'get' } });
    expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([500, 500, 200]);
    const always = r.fake.fail({ match: { origin: 'keystone', path: /\/auth\/tokens$/ }, status: 503, times: 'always' });
    r.tokens.invalidate(u.identity);
    await expect(r.tokens.get(u.identity)).rejects.toBeInstanceOf(UpstreamUnavailable);
    always.remove();
    expect((await r.tokens.get(u.identity)).projectId).toBe(u.projectId);
  });

  it('fails at the connection with the errors undici raises', async () => {
    const { r, u } = setup();
    await r.tokens.get(u.identity);
    r.fake.fail({ match: { origin: 'swift' }, connection: 'ECONNREFUSED' });
    const refused = await r.call(u, { method: 'HEAD' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamUnavailable);
    expect((refused as Error).cause).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect', message: 'connect ECONNREFUSED swift.fake:8080' });
    r.fake.fail({ match: { origin: 'swift' }, connection: 'ECONNRESET' });
    expect(((await r.call(u, { method: 'HEAD' }).catch((e: unknown) => e)) as Error).cause).toMatchObject({ code: 'ECONNRESET', message: 'read ECONNRESET' });
  });

  it('cuts a GET body part-way (a reset, or the other side closing)', async () => {
    const { r, u } = setup();
    for (const [cutWith, code] of [[undefined, 'ECONNRESET'], ['UND_ERR_SOCKET', 'UND_ERR_SOCKET']] as const) {
      r.fake.fail({ match: { method: 'GET', object: 'big' }, cutAfter: 70_000, ...(cutWith ? { cutWith } : {}) });
      const res = await r.swift.call(u.identity, { method: 'GET', container: 'c', object: 'big' }, { transId: '' });
      expect(res.headers['content-length']).toBe('200000');
      let read = 0;
      await expect((async () => { for await (const c of res.body) read += (c as Buffer).length; })()).rejects.toMatchObject({ code });
      expect(read).toBe(70_000);
    }
  });

  it('delays an answer, and a delay past headersTimeout fails as undici\'s HeadersTimeoutError', async () => {
    const { r, u } = setup();
    const token = (await r.tokens.get(u.identity)).token;
    r.fake.fail({ match: { method: 'HEAD' }, delayMs: 30 });
    const started = Date.now();
    const slow = await request(u.storageUrl, { method: 'HEAD', headers: { 'x-auth-token': token }, dispatcher: r.fake.dispatcher });
    expect([slow.statusCode, Date.now() - started >= 25]).toEqual([204, true]);
    r.fake.fail({ match: { method: 'HEAD' }, delayMs: 1_000 });
    await expect(request(u.storageUrl, { method: 'HEAD', headers: { 'x-auth-token': token }, headersTimeout: 20, dispatcher: r.fake.dispatcher })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
  });
});

describe('the call record', () => {
  it('keeps each call\'s method, path, query, headers and outcome', async () => {
    const { r, u } = setup();
    r.fake.clearCalls();
    await r.call(u, { method: 'PUT', container: 'c', object: 'a b/ü', body: Readable.from([Buffer.from('xy')]), headers: { 'x-object-meta-k': 'v' } });
    const call = r.fake.callsTo('swift').at(-1)!;
    expect(call).toMatchObject({ method: 'PUT', path: `/v1/${u.account}/c/a%20b/%C3%BC`, container: 'c', object: 'a b/ü', bodyLength: 2, outcome: 201 });
    expect(call.headers).toMatchObject({ 'x-object-meta-k': 'v', 'transfer-encoding': 'chunked', host: 'swift.fake:8080' });
    expect(call.headers['x-auth-token']).toMatch(/^gAAAAA/);
    expect(r.fake.calls.map((c) => `${c.origin} ${c.method} ${c.path}`)).toEqual(['keystone POST /v3/auth/tokens', `swift PUT ${call.path}`]);
  });
});
