// The Dispatcher adapter itself, with undici's own request(): bodies of every
// kind, an erroring request stream, aborts, close/destroy, unknown origins, and
// the controller handler protocol (an interceptor composed in front).
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { FakeSwift } from '../../helpers/fake-swift/index.js';

async function setup() {
  const fake = new FakeSwift();
  const u = fake.addUser({ name: 'u' });
  fake.putContainer(u.account, 'c');
  fake.putObject(u.account, 'c', 'big', Buffer.alloc(1_000_000, 3));
  const auth = await request(`${fake.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'u', domain: { id: 'default' }, password: u.password } } }, scope: { project: { id: u.projectId } } } }),
    dispatcher: fake.dispatcher,
  });
  await auth.body.dump();
  return { fake, u, token: String(auth.headers['x-subject-token']) };
}

describe('FakeDispatcher', () => {
  it('takes string, Buffer, Uint8Array and stream bodies, read fully', async () => {
    const { fake, u, token } = await setup();
    const bodies: [string, Dispatcher.DispatchOptions['body']][] = [
      ['s', 'text'], ['b', Buffer.from('buffer')], ['u', new Uint8Array([65, 66])], ['r', Readable.from([Buffer.from('str'), Buffer.from('eam')])],
    ];
    for (const [name, body] of bodies) {
      const res = await request(`${u.storageUrl}/c/${name}`, { method: 'PUT', headers: { 'x-auth-token': token }, body, dispatcher: fake.dispatcher });
      await res.body.dump();
      expect(res.statusCode).toBe(201);
    }
    expect(['s', 'b', 'u', 'r'].map((n) => fake.object(u.account, 'c', n)!.data.toString())).toEqual(['text', 'buffer', 'AB', 'stream']);
  });

  it('fails the call with the error of a request stream that errors, as undici does', async () => {
    const { fake, u, token } = await setup();
    const body = new Readable({ read() { this.destroy(Object.assign(new Error('client went away'), { code: 'EBODY' })); } });
    await expect(request(`${u.storageUrl}/c/x`, { method: 'PUT', headers: { 'x-auth-token': token }, body, dispatcher: fake.dispatcher })).rejects.toMatchObject({ code: 'EBODY' });
    expect(fake.object(u.account, 'c', 'x')).toBeUndefined();
  });

  it('refuses a Content-Length the body does not have', async () => {
    const { fake, u, token } = await setup();
    await expect(request(`${u.storageUrl}/c/x`, { method: 'PUT', headers: { 'x-auth-token': token, 'content-length': '10' }, body: 'short', dispatcher: fake.dispatcher })).rejects.toMatchObject({ code: 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' });
  });

  it('stops sending when the reader destroys the body', async () => {
    const { fake, u, token } = await setup();
    const res = await request(`${u.storageUrl}/c/big`, { headers: { 'x-auth-token': token }, dispatcher: fake.dispatcher });
    const errors: unknown[] = [];
    res.body.on('error', (e) => errors.push(e));
    res.body.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual([expect.objectContaining({ code: 'UND_ERR_ABORTED' })]);
    // The dispatcher holds nothing afterwards: close() resolves at once.
    await fake.dispatcher.close();
  });

  it('raises ENOTFOUND for an origin that is neither fake service', async () => {
    const { fake } = await setup();
    await expect(request('http://elsewhere.test:9/x', { dispatcher: fake.dispatcher })).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('refuses calls after close() and aborts those in flight on destroy()', async () => {
    const { fake, u, token } = await setup();
    fake.fail({ match: { method: 'HEAD' }, delayMs: 1_000 });
    const pending = request(u.storageUrl, { method: 'HEAD', headers: { 'x-auth-token': token }, dispatcher: fake.dispatcher });
    await new Promise((r) => setTimeout(r, 10));
    await fake.dispatcher.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
    await expect(request(u.storageUrl, { dispatcher: fake.dispatcher })).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
  });

  it('speaks the controller protocol too (an interceptor composed in front)', async () => {
    const { fake, u, token } = await setup();
    const seen: number[] = [];
    const composed = fake.dispatcher.compose((dispatch) => (opts, handler) => dispatch(opts, {
      onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
      onResponseStart: (c, status, headers, text) => { seen.push(status); handler.onResponseStart?.(c, status, headers, text); },
      onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
      onResponseEnd: (c, trailers) => handler.onResponseEnd?.(c, trailers),
      onResponseError: (c, err) => handler.onResponseError?.(c, err),
    }));
    const res = await request(`${u.storageUrl}/c/big`, { headers: { 'x-auth-token': token }, dispatcher: composed });
    expect((await res.body.arrayBuffer()).byteLength).toBe(1_000_000);
    expect(seen).toEqual([200]);
  });
});
