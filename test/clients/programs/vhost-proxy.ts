// A forward HTTP proxy for virtual-host style tests: programs whose resolver
// cannot be taught that *.s3.test is loopback (Go's, in rclone) send their
// requests for http://BUCKET.s3.test:PORT/... here (HTTP_PROXY), and it
// passes them, Host header untouched (it is signed), to the gateway.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VhostProxy {
  readonly url: string;
  /** Host headers seen, in order. */
  readonly hosts: string[];
  close(): Promise<void>;
}

export async function vhostProxy(gatewayPort: number): Promise<VhostProxy> {
  const hosts: string[] = [];
  const server: Server = createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    const target = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = request({ host: '127.0.0.1', port: gatewayPort, method: req.method, path: target.pathname + target.search, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hosts,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
