// Graceful shutdown of a real gateway process: on SIGTERM it stops accepting
// connections, reports not ready, lets a slow download in flight finish byte
// for byte, and exits 0; past shutdownGraceSeconds it cuts what is left.
import { createHash } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueBucket } from '../helpers/gateway.js';
import { eventually, startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, signV2, stringToSignV2, type Keys } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys: Keys = stack.users.demo.ec2;
const b = uniqueBucket('shutdown');
const SIZE = 32 * 1024 * 1024;
const big = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i += 4) big.writeUInt32LE(i, i);
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

beforeAll(async () => {
  const gw = await startGatewayProcess();
  try {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/big`, keys, body: big })).status).toBe(201);
  } finally {
    await gw.stop();
  }
});

afterAll(async () => {
  await purgeContainer(stack, 'demo', b);
});

/** GET /b/big, the client reading through a writer that takes `delayMs` per chunk (backpressure). */
function slowDownload(gw: GatewayProcess, delayMs: number) {
  const url = new URL(gw.url);
  const headers: Record<string, string> = { date: new Date().toUTCString() };
  headers.authorization = `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2('GET', `/${b}/big`, headers))}`;
  const chunks: Buffer[] = [];
  let received = 0;
  let response: IncomingMessage | undefined;
  const done = new Promise<{ complete: boolean; body: Buffer }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `/${b}/big`, headers, agent: false }, (res) => {
      response = res;
      expect(res.statusCode).toBe(200);
      const sink = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _enc, cb) {
          chunks.push(chunk);
          received += chunk.length;
          setTimeout(cb, delayMs);
        },
      });
      res.pipe(sink);
      sink.on('finish', () => resolve({ complete: res.complete, body: Buffer.concat(chunks) }));
      res.on('error', () => resolve({ complete: false, body: Buffer.concat(chunks) }));
      res.on('aborted', () => resolve({ complete: false, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
  return { done, received: () => received, response: () => response };
}

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

describe('SIGTERM', () => {
  it('refuses new connections, finishes the download in flight byte-complete, and exits 0', async () => {
    const gw = await startGatewayProcess({ env: { S3GW_SHUTDOWN_GRACE_SECONDS: '60' } });
    try {
      const download = slowDownload(gw, 4);
      await eventually(async () => download.received() >= 1024 * 1024, 20_000, 20);
      expect(await tryConnect(gw.port)).toBe('connected');

      gw.child.kill('SIGTERM');
      await eventually(async () => (await tryConnect(gw.port)) === 'ECONNREFUSED', 5000, 20);
      // Still in flight: the client has not read it all yet.
      expect(download.received()).toBeLessThan(SIZE);
      // The admin port stays up during the grace period and says "not ready".
      const ready = await fetch(`${gw.adminUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { status: string }).status).toBe('stopping');
      expect((await fetch(`${gw.adminUrl}/healthz`)).status).toBe(200);

      const { complete, body } = await download.done;
      expect(complete).toBe(true);
      expect(body.length).toBe(SIZE);
      expect(md5(body)).toBe(md5(big));
      const exit = await gw.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      const lines = gw.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.msg === 'stopped')).toMatchObject({ clean: true });
      // The download's access log line was written before the exit.
      expect(lines.find((l) => l.msg === 'request' && l.operation === 'GetObject')).toMatchObject({ status: 200, bytesOut: SIZE });
    } finally {
      await gw.stop();
    }
  });

  it('cuts a request still in flight when shutdownGraceSeconds is over, and exits 0', async () => {
    const gw = await startGatewayProcess({ env: { S3GW_SHUTDOWN_GRACE_SECONDS: '1' } });
    try {
      // A client that reads far too slowly to finish within the grace period.
      const download = slowDownload(gw, 200);
      await eventually(async () => download.received() > 0, 20_000, 20);
      const signalled = Date.now();
      gw.child.kill('SIGTERM');
      const exit = await gw.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(8000);
      download.response()?.destroy();
      const { body } = await download.done;
      expect(body.length).toBeLessThan(SIZE);
      const lines = gw.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.msg === 'stopped')).toMatchObject({ clean: false });
    } finally {
      await gw.stop();
    }
  });
});
