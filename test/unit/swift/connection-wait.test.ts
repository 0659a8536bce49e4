// The bound on waiting for a pooled connection (src/swift/connection-wait.ts),
// against a real undici Agent of one connection and a local HTTP server that
// answers only when the test says so: a call queued behind a held connection
// fails after the wait, is never sent, and the pool serves on afterwards.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionWait } from '../../../src/swift/connection-wait.js';
import { PoolWaitTimeout, isConnectionError } from '../../../src/swift/errors.js';

let server: Server;
let origin: string;
let agent: Agent;
let connections = 0;
const seen: string[] = [];
const held: ServerResponse[] = [];

beforeEach(async () => {
  seen.length = 0;
  held.length = 0;
  connections = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url!);
    if (req.url === '/hold') held.push(res);
    else res.end('ok');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = new Agent({ connections: 1, pipelining: 1 });
});

afterEach(async () => {
  for (const res of held) res.end();
  await agent.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const get = (d: Dispatcher, path: string) => d.request({ origin, path, method: 'GET' });

describe('connectionWait', () => {
  it('fails a call still queued after waitMs with PoolWaitTimeout, and never sends it', async () => {
    const pool = agent.compose(connectionWait(150));
    const first = get(pool, '/hold');
    await expect.poll(() => seen).toEqual(['/hold']);
    const started = performance.now();
    const err = await get(pool, '/queued').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoolWaitTimeout);
    expect(isConnectionError(err)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(1000);
    held[0]!.end('released');
    expect(await (await first).body.text()).toBe('released');
    // The connection is free again: the next call goes out on it and is answered; the expired one
    // never went, and dropping it did not cost the connection.
    expect(await (await get(pool, '/next')).body.text()).toBe('ok');
    expect(seen).toEqual(['/hold', '/next']);
    expect(connections).toBe(1);
  });

  it('drops a queued upload too: its body stream ended with the error, nothing of it sent, the pool serving on', async () => {
    const pool = agent.compose(connectionWait(100));
    const first = get(pool, '/hold');
    await expect.poll(() => seen).toEqual(['/hold']);
    const body = new PassThrough();
    body.write('part of an upload');
    const closed = new Promise<unknown>((resolve) => body.on('close', () => resolve(body.errored)));
    const err = await pool.request({ origin, path: '/upload', method: 'PUT', body }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PoolWaitTimeout);
    expect(await closed).toBeInstanceOf(PoolWaitTimeout);
    held[0]!.end('released');
    await (await first).body.text();
    expect(await (await get(pool, '/next')).body.text()).toBe('ok');
    expect(seen).toEqual(['/hold', '/next']);
    // undici closes the connection such a call lands on (its body errored: core/request.js onConnect); the pool opens another.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('leaves a call that got its connection in time alone, however long its answer takes', async () => {
    const pool = agent.compose(connectionWait(100));
    const slow = get(pool, '/hold');
    await expect.poll(() => seen).toEqual(['/hold']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    held[0]!.end('late');
    expect(await (await slow).body.text()).toBe('late');
  });

  it('waits as long as it takes with 0', async () => {
    const pool = agent.compose(connectionWait(0));
    const first = get(pool, '/hold');
    await expect.poll(() => seen).toEqual(['/hold']);
    const queued = get(pool, '/queued');
    await new Promise((resolve) => setTimeout(resolve, 300));
    held[0]!.end('released');
    await (await first).body.text();
    expect(await (await queued).body.text()).toBe('ok');
  });
});
