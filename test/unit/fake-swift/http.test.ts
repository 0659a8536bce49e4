// The HTTP adapter (what the benchmark uses): the same fake on loopback sockets.
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSwift, serveFakeSwift, type FakeSwiftServer } from '../../helpers/fake-swift/index.js';

let server: FakeSwiftServer | undefined;
const agent = new Agent();
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serveFakeSwift', () => {
  it('serves Keystone and Swift on loopback, the catalog pointing at the socket', async () => {
    const fake = new FakeSwift();
    const u = fake.addUser({ name: 'u' });
    fake.putContainer(u.account, 'c');
    fake.putObject(u.account, 'c', 'k', 'over http');
    server = await serveFakeSwift(fake);
    const auth = await request(`${server.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, dispatcher: agent,
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'u', domain: { id: 'default' }, password: u.password } } }, scope: { project: { id: u.projectId } } } }),
    });
    const doc = (await auth.body.json()) as { token: { catalog: { type: string; endpoints: { url: string }[] }[] } };
    const storage = doc.token.catalog.find((s) => s.type === 'object-store')!.endpoints[0]!.url;
    expect(storage).toBe(`${server.swiftUrl}/v1/${u.account}`);
    const get = await request(`${storage}/c/k`, { headers: { 'x-auth-token': String(auth.headers['x-subject-token']) }, dispatcher: agent });
    expect([get.statusCode, await get.body.text()]).toEqual([200, 'over http']);
  });

  it('cuts a body by closing or resetting the connection', async () => {
    const fake = new FakeSwift();
    const u = fake.addUser({ name: 'u' });
    fake.putContainer(u.account, 'c', { 'x-container-read': '.r:*' });
    fake.putObject(u.account, 'c', 'big', Buffer.alloc(300_000, 1));
    server = await serveFakeSwift(fake);
    for (const [cutWith, code] of [['UND_ERR_SOCKET', 'UND_ERR_SOCKET'], ['ECONNRESET', 'ECONNRESET']] as const) {
      fake.fail({ match: { object: 'big' }, cutAfter: 100_000, cutWith });
      const res = await request(`${server.swiftUrl}/v1/${u.account}/c/big`, { dispatcher: agent });
      await expect(res.body.arrayBuffer()).rejects.toMatchObject({ code });
    }
  });
});
