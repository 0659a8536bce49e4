// The doctor's Keystone questions, each answered in words: is authUrl a
// Keystone v3 endpoint, does an identity get a token (and if not, is it the
// password, the project or the domain), and where its Swift account is.
// https://docs.openstack.org/api-ref/identity/v3/#password-authentication-with-scoped-authorization
import type { Config } from '../config.js';
import { authBody, storageUrlFromCatalog, type KeystoneIdentity } from '../swift/keystone.js';
import { Unreachable, call, jsonOf } from './http.js';

export interface IssuedToken {
  readonly token: string;
  readonly projectId: string;
  readonly userName: string;
  readonly roles: readonly string[];
  readonly catalog: readonly CatalogEntry[];
}

interface CatalogEntry { type?: string; endpoints?: { interface?: string; region?: string; region_id?: string; url?: string }[] }

/** A problem in plain words and how to fix it. */
export interface Problem { readonly problem: string; readonly fix: string }

const base = (config: Config) => config.keystone.authUrl.replace(/\/+$/, '');

/** undefined when authUrl answers as Keystone v3; else what is wrong with it. */
export async function checkEndpoint(config: Config): Promise<{ version: string } | Problem> {
  const url = base(config);
  const setting = 'keystone.authUrl';
  let answer;
  try {
    answer = await call(url, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: config.keystone.timeoutMs });
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return { problem: `Keystone: ${err.message}`, fix: `check the host and port in ${setting} (${url}); Keystone usually listens on port 5000` };
  }
  const doc = jsonOf(answer.text) as { version?: { id?: string }; versions?: { values?: { id?: string }[] } } | undefined;
  if (doc?.version?.id?.startsWith('v3')) return { version: doc.version.id };
  if (answer.status === 300 || doc?.versions) {
    return { problem: `${url} is Keystone's root (it lists versions), not its v3 endpoint`, fix: `set ${setting} to ${url}/v3` };
  }
  if (doc?.version?.id) return { problem: `${url} is Keystone ${doc.version.id}; the gateway needs the v3 API`, fix: `set ${setting} to the /v3 endpoint` };
  return {
    problem: `${url} answers HTTP ${answer.status}, but not as Keystone (no version document)`,
    fix: `${setting} must be Keystone's v3 endpoint, e.g. http://keystone:5000/v3 (is this Swift's or another service's port?)`,
  };
}

function describe(identity: KeystoneIdentity): string {
  if (identity.kind === 'application_credential') return `application credential ${identity.id}`;
  const project = identity.projectId ? `project id ${identity.projectId}` : `project "${identity.projectName}" (domain ${identity.projectDomain ?? identity.userDomain})`;
  return `user "${identity.username}" (domain ${identity.userDomain}) scoped to ${project}`;
}

/** A token for the identity, or why Keystone refused it (told apart by a second, unscoped try). */
export async function issueToken(config: Config, identity: KeystoneIdentity, setting: string): Promise<IssuedToken | Problem> {
  const url = `${base(config)}/auth/tokens`;
  const post = (body: unknown) =>
    call(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), timeoutMs: config.keystone.timeoutMs });
  let answer;
  try {
    answer = await post(authBody(identity));
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return { problem: `Keystone: ${err.message}`, fix: 'check keystone.authUrl' };
  }
  if (answer.status === 201) {
    const t = (jsonOf(answer.text) as { token?: { project?: { id?: string }; user?: { name?: string }; roles?: { name?: string }[]; catalog?: CatalogEntry[] } } | undefined)?.token;
    return {
      token: answer.headers.get('x-subject-token') ?? '',
      projectId: t?.project?.id ?? '',
      userName: t?.user?.name ?? '',
      roles: (t?.roles ?? []).map((r) => r.name ?? '').filter(Boolean),
      catalog: t?.catalog ?? [],
    };
  }
  const said = (jsonOf(answer.text) as { error?: { message?: string } } | undefined)?.error?.message;
  if (answer.status >= 500) return { problem: `Keystone failed (HTTP ${answer.status}) when ${describe(identity)} logged in`, fix: 'look at Keystone\'s own log' };
  if (identity.kind === 'application_credential') {
    return { problem: `Keystone refused ${describe(identity)} (HTTP ${answer.status}): a wrong secret, or the credential expired or was deleted`, fix: `check ${setting}; \`openstack application credential list\` shows the valid ones` };
  }
  // Wrong password, or right password and no role on the project? An unscoped login tells.
  const unscoped = { auth: { identity: (authBody(identity) as { auth: { identity: unknown } }).auth.identity } };
  const second = await post(unscoped).catch(() => undefined);
  if (second?.status === 201) {
    return {
      problem: `${describe(identity)}: the password is right, but Keystone will not scope a token to that project: the project does not exist in that domain, or the user has no role on it`,
      fix: `check the project name and domain in ${setting}; give the user a role there: openstack role add --user ${identity.username} --project <project> member`,
    };
  }
  return {
    problem: `Keystone refused ${describe(identity)} (HTTP ${answer.status}${said ? `: ${said}` : ''}): a wrong password, no such user in that domain, or a disabled user`,
    fix: `check the username, password and user domain in ${setting} (\`openstack user show <name> --domain <domain>\`)`,
  };
}

/** The Swift account URL of a token, by the gateway's own rule (storageUrl template, else the catalog). */
export function storageUrlOf(config: Config, token: IssuedToken): { url: string } | Problem {
  if (config.keystone.storageUrl) return { url: config.keystone.storageUrl.replace('{project_id}', token.projectId) };
  const found = storageUrlFromCatalog(token.catalog, config.keystone.interface, config.keystone.region);
  if (found) return { url: found };
  const offered = token.catalog.filter((s) => s.type === 'object-store').flatMap((s) => s.endpoints ?? [])
    .map((e) => `${e.interface ?? '?'} in ${e.region_id ?? e.region ?? '?'}`);
  if (offered.length === 0) {
    return { problem: 'Keystone\'s catalog has no object-store (Swift) endpoint', fix: 'register Swift in Keystone (openstack endpoint create object-store ...), or set keystone.storageUrl to http://swift:8080/v1/AUTH_{project_id}' };
  }
  return {
    problem: `Keystone's catalog has no object-store endpoint for interface "${config.keystone.interface}"${config.keystone.region ? ` in region "${config.keystone.region}"` : ''}; it offers: ${[...new Set(offered)].join(', ')}`,
    fix: 'set keystone.interface and keystone.region to one of those (or keystone.storageUrl)',
  };
}

export const isProblem = (x: object): x is Problem => 'problem' in x;
