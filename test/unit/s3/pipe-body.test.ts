// pipeBody: streamed object bodies reach the client whole, and a failure on
// either side cuts both (as stream/promises' pipeline did), on a loopback server.
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeBody } from '../../../src/s3/render.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Serves one handler; returns the port. */
async function serve(handler: (res: ServerResponse) => void): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** GETs /, resolving with the bytes received and whether the response ended or broke. */
function fetchBody(port: number, abortAfterBytes?: number): Promise<{ bytes: number; outcome: 'end' | 'error' | 'aborted' }> {
  return new Promise((resolve) => {
    let bytes = 0;
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (abortAfterBytes !== undefined && bytes >= abortAfterBytes) {
          req.destroy();
          resolve({ bytes, outcome: 'aborted' });
        }
      });
      res.on('end', () => resolve({ bytes, outcome: 'end' }));
      res.on('error', () => resolve({ bytes, outcome: 'error' }));
    });
    req.on('error', () => resolve({ bytes, outcome: 'error' }));
    req.end();
  });
}

describe('pipeBody', () => {
  it('sends the whole body and resolves once the response has finished', async () => {
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(16 * 1024, 0x61));
    let settled: Promise<void> | undefined;
    const port = await serve((res) => {
      res.writeHead(200, { 'content-length': String(64 * 16 * 1024) });
      settled = pipeBody(Readable.from(chunks), res);
    });
    const got = await fetchBody(port);
    await expect(settled).resolves.toBeUndefined();
    expect(got).toEqual({ bytes: 64 * 16 * 1024, outcome: 'end' });
  });

  it('rejects and cuts the response when the upstream body fails midway', async () => {
    let settled: Promise<void> | undefined;
    let source: PassThrough | undefined;
    const port = await serve((res) => {
      res.writeHead(200, { 'content-length': '100000' });
      source = new PassThrough();
      settled = pipeBody(source, res);
      settled.catch(() => {}); // awaited by the test after the client is done
      source.write(Buffer.alloc(1000));
      setTimeout(() => source!.destroy(new Error('swift went away')), 20);
    });
    const got = await fetchBody(port);
    await expect(settled).rejects.toThrow('swift went away');
    expect(got.outcome).toBe('error');
    expect(got.bytes).toBeLessThan(100000);
  });

  it('rejects and destroys the upstream body when the client goes away', async () => {
    let settled: Promise<void> | undefined;
    let source: PassThrough | undefined;
    const port = await serve((res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      source = new PassThrough();
      settled = pipeBody(source, res);
      settled.catch(() => {}); // awaited by the test after the client is done
      source.write(Buffer.alloc(64 * 1024));
    });
    await fetchBody(port, 1);
    await expect(settled).rejects.toThrow();
    expect(source!.destroyed).toBe(true);
  });

  it('rejects when the upstream body closes before its end without an error', async () => {
    let settled: Promise<void> | undefined;
    const port = await serve((res) => {
      res.writeHead(200, { 'content-length': '5000' });
      const source = new PassThrough();
      settled = pipeBody(source, res);
      settled.catch(() => {}); // awaited by the test after the client is done
      source.write(Buffer.alloc(100));
      setTimeout(() => source.destroy(), 20);
    });
    const got = await fetchBody(port);
    await expect(settled).rejects.toThrow(/Premature close/);
    expect(got.outcome).toBe('error');
  });
});
