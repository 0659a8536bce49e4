// The admin listener, on its own port and never on the S3 one:
//   /metrics  Prometheus exposition
//   /healthz  liveness: the process answers (200 as long as it runs)
//   /readyz   readiness: the last background checks of Keystone and Swift passed
//             (200), or which failed (503, JSON), or the gateway is stopping (503)
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { ReadinessReport } from './health.js';

/**
 * What the admin port shows: one process's Metrics and Readiness, or, with
 * workers, the primary's view of all of them (cluster/primary.ts).
 */
export interface AdminDeps {
  readonly metrics: { readonly registry: { metrics(): Promise<string>; readonly contentType: string } };
  readonly readiness: { report(): ReadinessReport | { readonly ready: boolean; readonly body: unknown } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body) + '\n');
}

export function createAdminServer(deps: AdminDeps): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    switch (path) {
      case '/metrics':
        deps.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text),
          (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
        );
        return;
      case '/healthz':
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('ok\n');
        return;
      case '/readyz': {
        const report = deps.readiness.report();
        json(res, report.ready ? 200 : 503, report.body);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /metrics, /healthz, /readyz\n');
    }
  });
}
