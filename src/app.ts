// The HTTP application: Hono middleware around the S3 pipeline. The only module
// that knows Hono. Responses are written straight to node's ServerResponse (so
// object bodies stream without Web-stream conversion), and Hono is told so.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { serveS3, type PipelineDeps } from './pipeline.js';
import type { RequestContext } from './s3/result.js';
import { generateTransId } from './s3/trans-id.js';

type Env = { Bindings: HttpBindings; Variables: { s3: RequestContext } };

/** Gives each request its context, with a Swift-format id until Swift supplies one. */
function requestContext(now: () => number): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('s3', { transId: generateTransId(now()) });
    await next();
  };
}

/** Requests in flight, count and duration by operation and status class. */
function requestMetrics(metrics: Metrics): MiddlewareHandler<Env> {
  return async (c, next) => {
    const end = metrics.requestDuration.startTimer();
    metrics.inFlight.inc();
    try {
      await next();
    } finally {
      metrics.inFlight.dec();
      const operation = c.get('s3').operation ?? 'unknown';
      const status = c.env.outgoing.statusCode;
      metrics.requests.inc({ operation, status_class: `${Math.floor(status / 100)}xx` });
      end({ operation });
    }
  };
}

/** One JSON line per request. Fields are chosen one by one: no header, query or secret. */
function accessLog(log: Logger, now: () => number): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = now();
    const incoming = c.env.incoming;
    await next();
    const s3 = c.get('s3');
    const outgoing = c.env.outgoing;
    log.log('info', 'request', {
      transId: s3.transId,
      operation: s3.operation,
      method: incoming.method,
      status: outgoing.statusCode,
      bytesIn: Number(incoming.headers['content-length'] ?? 0),
      bytesOut: Number(outgoing.getHeader('content-length') ?? 0),
      durationMs: now() - started,
      accessKeyId: s3.accessKeyId,
      client: incoming.socket?.remoteAddress,
    });
  };
}

export interface AppDeps extends PipelineDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
}

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.use(requestContext(deps.now));
  app.use(requestMetrics(deps.metrics));
  app.use(accessLog(deps.log, deps.now));
  app.all('*', async (c) => {
    await serveS3(c.env.incoming, c.env.outgoing, deps, c.get('s3'));
    return RESPONSE_ALREADY_SENT;
  });
  return app;
}
