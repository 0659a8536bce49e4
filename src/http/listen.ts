// The S3 listener: the Hono app served by @hono/node-server on node's http
// server, with the socket settings an S3 endpoint needs.
import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Dialect } from '../s3/dialect.js';
import type { createApp } from './app.js';
import type { ConnectionLimit } from './connection-limit.js';
import { answerClientError, unreadableUrlResponse } from './unreadable-request.js';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly connections: ConnectionLimit;
  /** For the errors of requests refused below the pipeline (unreadable-request.ts). */
  readonly dialect: Dialect;
}

export function listenS3(app: ReturnType<typeof createApp>, opts: ListenOptions): Server {
  // overrideGlobalObjects: false keeps the platform's Response. node-server's
  // lightweight one takes a cached path that ignores RESPONSE_ALREADY_SENT and
  // writes headers a second time (seen with @hono/node-server 2.1.9).
  // getRequestListener rather than serve(): only it takes an errorHandler, for
  // the requests node-server cannot turn into a URL (a Host header new URL()
  // refuses), which it would otherwise answer with an empty 400.
  const listener = getRequestListener(app.fetch, {
    hostname: opts.host,
    autoCleanupIncoming: false,
    overrideGlobalObjects: false,
    errorHandler: (err) => unreadableUrlResponse(err, opts.dialect),
  });
  const s3 = createServer(listener);
  s3.listen(opts.port, opts.host);
  // What node's own parser refuses (an unknown method, a malformed request
  // line) gets an S3 error too, not node's bare `400 Bad Request`.
  s3.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket, opts.dialect));
  // No cap on a whole request: a big upload over a slow link takes long, and S3
  // allows it. What S3 does not allow is silence inside a body: that is
  // s3.bodyIdleTimeoutSeconds, enforced per request (request-body.ts).
  s3.requestTimeout = 0;
  s3.keepAliveTimeout = 65_000;
  s3.on('connection', (socket: Socket) => opts.connections.track(socket));
  // With a 'checkContinue' listener node no longer answers `Expect:
  // 100-continue` by itself: the pipeline sends 100 Continue once the request
  // is signed and accepted, and a refused request gets its error instead,
  // its body never invited.
  s3.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => s3.emit('request', req, res));
  // Any other Expect value: node would answer a bare 417 Expectation Failed
  // with no S3 error body (Swift's s3api, through eventlet, a bare 400 HTML
  // page). The request is served as if the header were not there, which RFC
  // 9110 §10.1.1 allows (a 417 there is a MAY), and no client is refused for it.
  s3.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => s3.emit('request', req, res));
  return s3;
}
