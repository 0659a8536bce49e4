// A minimal stand-in for Keystone and Swift, served from the benchmark's own
// process, to measure the gateway's CPU cost alone: canned answers to a token
// request, to /info, to object GET/HEAD and to a container listing (the same
// page of 1000 rows for any marker), with nothing behind them.
import { createServer, type Server } from 'node:http';

export const STAND_IN_PROJECT = 'standinproject';
export const STAND_IN_OBJECT_SIZE = 4096;
/** The container whose listing the stand-in serves. */
export const STAND_IN_LIST_CONTAINER = 'standin-list';
export const STAND_IN_LIST_ROWS = 1000;

/**
 * A Swift JSON listing page like the local stack's 10,000-key bucket gives:
 * `limit` rows (at most STAND_IN_LIST_ROWS + 2, so the gateway sees truncation),
 * serialised once.
 */
export function standInListing(rows: number): string {
  const out = [];
  for (let i = 0; i < rows; i++) {
    out.push({
      hash: (0x10000000 + i * 7919).toString(16).padStart(32, 'c'),
      last_modified: `2026-11-23T21:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.${String(100000 + i * 37).slice(-6)}`,
      bytes: 4096 + i,
      name: `key-${String(i).padStart(5, '0')}`,
      content_type: 'application/octet-stream',
    });
  }
  return JSON.stringify(out);
}

export interface StandIn {
  readonly url: string;
  /** Requests answered, by kind. */
  readonly served: Record<'token' | 'info' | 'object' | 'listing' | 'other', number>;
  close(): Promise<void>;
}

const LIST_URL = new RegExp(`^/v1/AUTH_[^/]+/${STAND_IN_LIST_CONTAINER}\\?(.*)$`);

export async function startStandIn(port = 0): Promise<StandIn> {
  const body = Buffer.alloc(STAND_IN_OBJECT_SIZE, 0x62);
  const etag = 'b1946ac92492d2347c6235b4d2611184';
  const lastModified = new Date(Date.UTC(2024, 0, 1)).toUTCString();
  const listings = new Map<number, Buffer>();
  const listing = (limit: number) => {
    const rows = Math.max(0, Math.min(limit, STAND_IN_LIST_ROWS + 2));
    let page = listings.get(rows);
    if (!page) listings.set(rows, (page = Buffer.from(standInListing(rows))));
    return page;
  };
  const served = { token: 0, info: 0, object: 0, listing: 0, other: 0 };
  let tx = 0;
  const token = () =>
    JSON.stringify({
      token: {
        expires_at: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
        user: { id: 'standinuser', name: 'standin' },
        project: { id: STAND_IN_PROJECT, name: 'standin' },
        roles: [{ name: 'member' }],
        catalog: [],
      },
    });
  const info = JSON.stringify({ swift: { max_file_size: 5368709122, account_listing_limit: 10000, container_listing_limit: 10000 } });

  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    req.resume();
    const transId = `tx${(++tx).toString(16).padStart(21, '0')}-standin`;
    if (req.method === 'POST' && url.endsWith('/auth/tokens')) {
      served.token++;
      req.on('end', () => {
        const text = token();
        res.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': 'standin-token', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
      return;
    }
    if (url === '/info') {
      served.info++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(info) });
      res.end(info);
      return;
    }
    // /v1/AUTH_<project>/<container>/<object>
    if ((req.method === 'GET' || req.method === 'HEAD') && /^\/v1\/AUTH_[^/]+\/[^/?]+\/[^?]+/.test(url)) {
      served.object++;
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
        etag,
        'last-modified': lastModified,
        'x-timestamp': '1704067200.00000',
        'x-trans-id': transId,
        'x-openstack-request-id': transId,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    // /v1/AUTH_<project>/standin-list?format=json&limit=N...
    const list = LIST_URL.exec(url);
    if (req.method === 'GET' && list) {
      served.listing++;
      const limit = Number(new URLSearchParams(list[1]).get('limit') ?? '10000');
      const page = listing(limit);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(page.length), 'x-trans-id': transId });
      res.end(page);
      return;
    }
    served.other++;
    res.writeHead(404, { 'content-length': '0', 'x-trans-id': transId });
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
