// Barbican's URL from the Keystone catalog (service type `key-manager`), when
// encryption.barbican.url does not name it: GET /v3/auth/catalog with the
// gateway's service token, once; a failed lookup is not remembered, so the next
// request asks again.
// https://docs.openstack.org/api-ref/identity/v3/#get-service-catalog
import type { Dispatcher } from 'undici';
import { keyManagerUnavailable } from './errors.js';

interface CatalogEndpoint { interface?: string; region?: string; region_id?: string; url?: string }
interface CatalogEntry { type?: string; endpoints?: CatalogEndpoint[] }

/** The first endpoint of a service type on an interface (and region, when given). */
export function endpointFromCatalog(catalog: readonly CatalogEntry[], type: string, iface: string, region?: string): string | undefined {
  for (const service of catalog) {
    if (service.type !== type) continue;
    for (const ep of service.endpoints ?? []) {
      if (ep.interface !== iface) continue;
      if (region && ep.region_id !== region && ep.region !== region) continue;
      if (ep.url) return ep.url;
    }
  }
  return undefined;
}

export interface CatalogLookupOptions {
  /** Keystone v3, e.g. http://keystone:5000/v3 */
  readonly authUrl: string;
  readonly interface: string;
  readonly region?: string;
  readonly token: () => Promise<string>;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

/** A function answering Barbican's base URL (without /v1), looked up once and then kept. */
export function keyManagerFromCatalog(opts: CatalogLookupOptions): () => Promise<string> {
  let found: Promise<string> | undefined;
  const lookup = async (): Promise<string> => {
    const url = new URL(`${opts.authUrl.replace(/\/+$/, '')}/auth/catalog`);
    let response: Dispatcher.ResponseData;
    try {
      response = await opts.dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: 'GET',
        headers: { accept: 'application/json', 'x-auth-token': await opts.token() },
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
    } catch (err) {
      throw keyManagerUnavailable('Keystone cannot be reached for the key-manager endpoint', err);
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw keyManagerUnavailable(`Keystone answered ${response.statusCode} to the catalog request`);
    }
    const body = (await response.body.json()) as { catalog?: CatalogEntry[] };
    const endpoint = endpointFromCatalog(body.catalog ?? [], 'key-manager', opts.interface, opts.region);
    if (!endpoint) throw keyManagerUnavailable(`no key-manager endpoint (interface ${opts.interface}) in the Keystone catalog; set encryption.barbican.url`);
    return endpoint.replace(/\/+$/, '');
  };
  return () => {
    found ??= lookup().catch((err: unknown) => {
      found = undefined;
      throw err;
    });
    return found;
  };
}
