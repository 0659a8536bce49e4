// The doctor's Swift questions: does the health check answer, and does an
// account answer to a token (and if not, whose fault it is).
// https://docs.openstack.org/api-ref/object-store/#show-account-metadata
import type { Config } from '../config.js';
import { Unreachable, call } from './http.js';
import type { Problem } from './keystone.js';

/** HEAD of the account: its container count, or why Swift refused. */
export async function headAccount(config: Config, storageUrl: string, token: string, roles: readonly string[], who: string): Promise<{ containers: number } | Problem> {
  let answer;
  try {
    answer = await call(storageUrl, { method: 'HEAD', headers: { 'x-auth-token': token }, timeoutMs: config.swift.headersTimeoutMs });
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return {
      problem: `Swift at ${storageUrl}: ${err.message}`,
      fix: 'the catalog\'s URL is not reachable from where the gateway runs: choose another keystone.interface (internal?) or set keystone.storageUrl',
    };
  }
  if (answer.status >= 200 && answer.status < 300) return { containers: Number(answer.headers.get('x-account-container-count') ?? 0) };
  if (answer.status === 401) {
    return { problem: `Swift did not accept ${who}'s Keystone token (HTTP 401) at ${storageUrl}`, fix: 'Swift\'s proxy must use this Keystone (authtoken + keystoneauth in its pipeline, the same auth URL)' };
  }
  if (answer.status === 403) {
    return {
      problem: `Swift refused ${who} on its own account (HTTP 403): its roles (${roles.join(', ') || 'none'}) include none of Swift's operator_roles`,
      fix: `give it a role Swift's keystoneauth lists in operator_roles, usually member: openstack role add --user <user> --project <project> member`,
    };
  }
  return { problem: `Swift answered HTTP ${answer.status} to HEAD ${storageUrl} for ${who}`, fix: 'look at the Swift proxy\'s log' };
}

/** GET of Swift's health check (swift.healthUrl, else /healthcheck at the storage URL's origin). */
export async function checkSwiftHealth(config: Config, storageUrl: string | undefined): Promise<{ url: string } | Problem> {
  const origin = config.keystone.storageUrl ? new URL(config.keystone.storageUrl).origin : storageUrl ? new URL(storageUrl).origin : undefined;
  const url = config.swift.healthUrl ?? (origin ? `${origin}/healthcheck` : undefined);
  if (!url) return { problem: 'no Swift URL is known (no identity got a storage URL)', fix: 'fix the identity problems above, or set swift.healthUrl' };
  try {
    const answer = await call(url, { method: 'GET', timeoutMs: config.health.timeoutMs || 2000 });
    if (answer.status === 200) return { url };
    const fix = config.swift.healthUrl
      ? 'swift.healthUrl must name Swift\'s /healthcheck (the healthcheck middleware first in the proxy pipeline)'
      : 'put healthcheck in the Swift proxy\'s pipeline, or set swift.healthUrl to a URL that answers 200';
    return { problem: `${url} answered HTTP ${answer.status}, so the gateway's /readyz would report Swift down`, fix };
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return { problem: `Swift's health check: ${err.message}`, fix: config.swift.healthUrl ? 'check swift.healthUrl' : 'set swift.healthUrl to a URL of Swift the gateway can reach' };
  }
}
