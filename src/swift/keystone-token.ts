// Reading a token Keystone issued (POST /v3/auth/tokens answers 201,
// POST /v3/ec2tokens answers 200; both carry the id in X-Subject-Token and the
// token document in the body): project, user, roles, expiry and the Swift
// storage URL from the catalog (or the configured template).
import type { Dispatcher } from 'undici';
import { IdentityRejected, UpstreamUnavailable } from './errors.js';

export interface SwiftToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly storageUrl: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly userId: string;
  readonly userName: string;
  readonly roles: readonly string[];
}

interface CatalogEndpoint { interface?: string; region?: string; region_id?: string; url?: string }
interface CatalogEntry { type?: string; endpoints?: CatalogEndpoint[] }
interface TokenBody {
  token?: {
    expires_at?: string;
    user?: { id?: string; name?: string };
    project?: { id?: string; name?: string };
    roles?: { name?: string }[];
    catalog?: CatalogEntry[];
  };
}

export function storageUrlFromCatalog(catalog: readonly CatalogEntry[], iface: string, region?: string): string | undefined {
  for (const service of catalog) {
    if (service.type !== 'object-store') continue;
    for (const ep of service.endpoints ?? []) {
      if (ep.interface !== iface) continue;
      if (region && ep.region_id !== region && ep.region !== region) continue;
      if (ep.url) return ep.url;
    }
  }
  return undefined;
}

/** Where the storage URL of a token comes from. */
export interface StorageUrlRule {
  readonly interface: 'public' | 'internal' | 'admin';
  readonly region?: string;
  /** `http://swift:8080/v1/AUTH_{project_id}`: used instead of the catalog when set. */
  readonly storageUrlTemplate?: string;
}

export type TokenCallOutcome = 'ok' | 'rejected' | 'unavailable';

/**
 * The SwiftToken of Keystone's answer. 5xx → UpstreamUnavailable (retry);
 * any other status but `okStatus`, or a token without a project scope or an
 * object-store endpoint → IdentityRejected. `report` learns the outcome.
 */
export async function readIssuedToken(
  response: Dispatcher.ResponseData,
  okStatus: number,
  rule: StorageUrlRule,
  report: (outcome: TokenCallOutcome) => void,
): Promise<SwiftToken> {
  if (response.statusCode >= 500) {
    await response.body.dump();
    report('unavailable');
    throw new UpstreamUnavailable('keystone', `Keystone answered ${response.statusCode}`);
  }
  if (response.statusCode !== okStatus) {
    await response.body.dump();
    report('rejected');
    throw new IdentityRejected(response.statusCode, `Keystone refused the Swift identity (${response.statusCode})`);
  }
  const header = response.headers['x-subject-token'];
  const tokenId = Array.isArray(header) ? header[0] : header;
  const body = (await response.body.json()) as TokenBody;
  const t = body.token ?? {};
  const projectId = t.project?.id;
  if (!tokenId || !projectId || !t.expires_at) {
    report('rejected');
    throw new IdentityRejected(response.statusCode, 'Keystone issued a token without a project scope');
  }
  const storageUrl = rule.storageUrlTemplate
    ? rule.storageUrlTemplate.replaceAll('{project_id}', projectId)
    : storageUrlFromCatalog(t.catalog ?? [], rule.interface, rule.region);
  if (!storageUrl) {
    report('rejected');
    throw new IdentityRejected(response.statusCode, `No object-store endpoint (interface ${rule.interface}) in the Keystone catalog`);
  }
  report('ok');
  return {
    token: tokenId,
    expiresAt: Date.parse(t.expires_at),
    storageUrl,
    projectId,
    projectName: t.project?.name ?? projectId,
    userId: t.user?.id ?? '',
    userName: t.user?.name ?? '',
    roles: (t.roles ?? []).map((r) => r.name ?? '').filter(Boolean),
  };
}
