// The request body guard: idle means the client is silent, not that the gateway
// is slow; a client that goes away is ClientGone; the socket survives for the answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientGone, requestBody, type RequestBody } from '../../../src/http/request-body.js';
import { isS3Error } from '../../../src/s3/errors.js';

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly client: Socket;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server that hands over its first request once the head (and what came with it) is in. */
async function exchange(head: string, firstBytes = ''): Promise<Exchange> {
  let take: (e: { req: IncomingMessage; res: ServerResponse }) => void;
  const taken = new Promise<{ req: IncomingMessage; res: ServerResponse }>((r) => (take = r));
  server = createServer((req, res) => take({ req, res }));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  client.on('error', () => undefined);
  client.write(head + firstBytes);
  return { ...(await taken), client };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the body until it ends or fails; resolves with the bytes or the failure. */
function drain(body: RequestBody, slowMs = 0, onBytes: (bytes: number) => void = () => {}): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  return new Promise((resolve) => {
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _e, cb) {
        bytes += chunk.length;
        onBytes(bytes);
        setTimeout(cb, slowMs);
      },
    });
    body.stream.on('error', (error) => resolve({ bytes, error }));
    sink.on('finish', () => resolve({ bytes }));
    body.stream.pipe(sink);
  });
}

describe('requestBody', () => {
  it('hands on a body that has fully arrived as it is', async () => {
    const { req } = await exchange('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n', 'hello');
    await sleep(50);
    expect(requestBody(req, { idleTimeoutMs: 100 }).stream).toBe(req);
  });

  it('fails with RequestTimeout when the client stops sending while the gateway reads, and keeps the socket for the answer', async () => {
    const { req, res, client } = await exchange('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', 'abc');
    const body = requestBody(req, { idleTimeoutMs: 200 });
    const out = await drain(body);
    expect(out.bytes).toBe(3);
    expect(isS3Error(out.error) && out.error.code).toBe('RequestTimeout');
    expect(body.failure()).toBe(out.error);
    expect(req.socket.destroyed).toBe(false);
    let answer = '';
    client.on('data', (d: Buffer) => (answer += d.toString()));
    res.setHeader('connection', 'close');
    res.end('timed out');
    await new Promise((r) => client.once('close', r));
    expect(answer).toMatch(/^HTTP\/1\.1 200[\s\S]*timed out$/);
  });

  it('does not count time the gateway is the slow side (data waiting in node) as idleness', async () => {
    const { req, client } = await exchange('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n');
    const body = requestBody(req, { idleTimeoutMs: 100 });
    // The client sends 200 KB at once; the reader (Swift, say) takes each chunk
    // longer than the idle timeout, so node holds the rest meanwhile. The client
    // sends the last 100 KB as soon as the first 200 KB are read.
    client.write(Buffer.alloc(200_000, 1));
    let sent = false;
    const out = await drain(body, 150, (bytes) => {
      if (bytes >= 200_000 && !sent) {
        sent = true;
        client.write(Buffer.alloc(100_000, 2));
      }
    });
    expect(out.error).toBeUndefined();
    expect(out.bytes).toBe(300_000);
  });

  it('does not start the clock before the gateway reads (e.g. while it waits for Swift or sends 100 Continue)', async () => {
    const { req, client } = await exchange('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n');
    const body = requestBody(req, { idleTimeoutMs: 100 });
    await sleep(300);
    const reading = drain(body);
    client.write('data');
    expect(await reading).toEqual({ bytes: 4 });
  });

  it('fails with ClientGone, not a connection error, when the client goes away mid-body', async () => {
    const { req, client } = await exchange('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', 'abc');
    const body = requestBody(req, { idleTimeoutMs: 10_000 });
    const reading = drain(body);
    await sleep(50);
    client.destroy();
    const out = await reading;
    expect(out.error).toBeInstanceOf(ClientGone);
    expect((out.error as { code?: unknown }).code).toBeUndefined();
    expect((out.error as Error).cause).toBeUndefined();
    expect(body.failure()).toBe(out.error);
  });

  it('never fails when idleTimeoutMs is 0', async () => {
    const { req, client } = await exchange('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n', 'a');
    const body = requestBody(req, { idleTimeoutMs: 0 });
    const reading = drain(body);
    await sleep(150);
    client.write('b');
    expect(await reading).toEqual({ bytes: 2 });
  });
});
