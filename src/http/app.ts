// The HTTP application: Hono middleware around the S3 pipeline. The only module
// that knows Hono. Responses are written straight to node's ServerResponse (so
// object bodies stream without Web-stream conversion), and Hono is told so.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type MiddlewareHandler } from 'hono';
import { countBodyBytes, type BodyBytes } from './body-bytes.js';
import type { Logger } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import { serveS3, type PipelineDeps } from './pipeline.js';
import type { RequestContext } from '../s3/result.js';
import { generateTransId } from '../s3/trans-id.js';

type Env = { Bindings: HttpBindings; Variables: { s3: RequestContext; bytes: BodyBytes } };

/**
 * Gives each request its context, with a Swift-format id until Swift supplies
 * one, and starts counting its body bytes.
 */
function requestContext(now: () => number): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set('s3', { transId: generateTransId(now()) });
    c.set('bytes', countBodyBytes(c.env.incoming, c.env.outgoing));
    await next();
  };
}

/** Requests in flight, count, duration and body bytes by operation and status class. */
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
      const bytes = c.get('bytes');
      metrics.bytesReceived.inc({ operation }, bytes.received);
      metrics.bytesSent.inc({ operation }, bytes.sent);
    }
  };
}

/**
 * One JSON line per request. Fields are chosen one by one: no header, path,
 * query (a presigned URL's Signature lives there) or secret.
 */
function accessLog(log: Logger, now: () => number): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = now();
    const incoming = c.env.incoming;
    // Read before the response ends: node may detach the socket afterwards.
    const client = incoming.socket?.remoteAddress;
    try {
      await next();
    } finally {
      const s3 = c.get('s3');
      const bytes = c.get('bytes');
      const outgoing = c.env.outgoing;
      log.log('info', 'request', {
        transId: s3.transId,
        operation: s3.operation ?? 'unknown',
        method: incoming.method,
        bucket: s3.bucket,
        status: outgoing.statusCode,
        error: s3.errorCode,
        bytesIn: bytes.received,
        bytesOut: bytes.sent,
        durationMs: now() - started,
        accessKeyId: s3.accessKeyId,
        client,
      });
    }
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
