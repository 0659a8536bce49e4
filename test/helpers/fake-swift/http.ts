// The fake over HTTP (for the benchmark, or any test that needs a real
// socket): one node:http server for Keystone and one for Swift, on free
// loopback ports. Listening makes them the fake's origins, so the catalog of
// the tokens it issues points at them. Over a socket a connection fault can
// only be a reset: ECONNREFUSED shows as ECONNRESET to the client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FakeSwift, Outcome } from './fake.js';
import { reason } from './responses.js';
import { FakeRequest, type Service } from './types.js';

export interface FakeSwiftServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly keystoneUrl: string;
  readonly swiftUrl: string;
  /** Keystone's v3 URL (the gateway's keystone.authUrl). */
  readonly authUrl: string;
  close(): Promise<void>;
}

function reset(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function serve(fake: FakeSwift, service: Service): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => {});
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      // No body: answer at once.
      req.resume();
      answer(fake, service, req, res, Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(fake, service, req, res, Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

function answer(fake: FakeSwift, service: Service, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const outcome = fake.handle(new FakeRequest(service, req.method ?? 'GET', req.url ?? '/', headers, body));
  if (outcome instanceof Promise) void outcome.then((o) => write(req, res, o));
  else write(req, res, outcome);
}

function write(req: IncomingMessage, res: ServerResponse, outcome: Outcome): void {
  if (outcome.kind !== 'response') return reset(req.socket);
  const r = outcome.response;
  const out: string[] = [];
  for (const [n, v] of r.headers) out.push(n, v);
  if (!r.noContentLength) out.push('Content-Length', String(r.contentLength ?? r.body.length));
  res.writeHead(r.status, reason(r.status), out);
  const data = req.method === 'HEAD' ? Buffer.alloc(0) : r.body;
  if (r.cutAfter !== undefined && r.cutAfter < data.length) {
    // Once the bytes before the cut have left, close (FIN: undici's "other side closed") or reset (RST).
    res.write(data.subarray(0, r.cutAfter), () => setTimeout(() => {
      if (outcome.cutWith === 'UND_ERR_SOCKET') req.socket.destroy();
      else reset(req.socket);
    }, 20));
    return;
  }
  res.end(data);
}

function listen(server: Server, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
  });
}

/** Serves the fake on two loopback ports and points its origins (and so its catalog) at them. */
export async function serveFakeSwift(fake: FakeSwift, host = '127.0.0.1'): Promise<FakeSwiftServer> {
  const keystone = serve(fake, 'keystone');
  const swift = serve(fake, 'swift');
  const [keystoneUrl, swiftUrl] = await Promise.all([listen(keystone, host), listen(swift, host)]);
  fake.keystoneOrigin = keystoneUrl;
  fake.swiftOrigin = swiftUrl;
  const close = (s: Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
  return { keystoneUrl, swiftUrl, authUrl: `${keystoneUrl}/v3`, close: async () => { await Promise.all([close(keystone), close(swift)]); } };
}
