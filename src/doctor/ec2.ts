// The doctor's try of Keystone EC2 credentials, as the gateway uses them: the
// service identity lists them (GET /v3/credentials?type=ec2, admin only),
// then asks /v3/ec2tokens for a token of one key's user with a signature
// made from that key's secret, and Swift is asked for that user's account.
// https://docs.openstack.org/api-ref/identity/v3/#list-credentials
import type { Config } from '../config.js';
import { ec2TokenRequestBody } from '../swift/ec2-token-request.js';
import { Unreachable, call, jsonOf } from './http.js';
import type { IssuedToken, Problem } from './keystone.js';

export interface Ec2Key { readonly access: string; readonly secret: string; readonly userId: string; readonly projectId: string }

/** Access keys are not secrets, but need not be printed whole either. */
export const shortKey = (access: string) => (access.length > 8 ? `${access.slice(0, 6)}…` : access);

export async function listEc2Keys(config: Config, service: IssuedToken): Promise<Ec2Key[] | Problem> {
  const url = `${config.keystone.authUrl.replace(/\/+$/, '')}/credentials?type=ec2`;
  let answer;
  try {
    answer = await call(url, { method: 'GET', headers: { 'x-auth-token': service.token, accept: 'application/json' }, timeoutMs: config.keystone.timeoutMs });
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return { problem: `Keystone: ${err.message}`, fix: 'check keystone.authUrl' };
  }
  if (answer.status === 403 || answer.status === 401) {
    return {
      problem: `Keystone refused the service identity reading EC2 credentials (HTTP ${answer.status}): its roles are ${service.roles.join(', ') || 'none'}, and reading other users' credentials takes admin`,
      fix: `openstack role add --user ${service.userName || '<service user>'} --project <its project> admin (or set credentials.keystone: false)`,
    };
  }
  if (answer.status !== 200) return { problem: `Keystone answered HTTP ${answer.status} to GET /v3/credentials`, fix: 'look at Keystone\'s log' };
  const list = (jsonOf(answer.text) as { credentials?: { type?: string; blob?: string; user_id?: string; project_id?: string }[] } | undefined)?.credentials ?? [];
  const keys: Ec2Key[] = [];
  for (const c of list) {
    const blob = jsonOf(c.blob ?? '') as { access?: unknown; secret?: unknown } | undefined;
    if (c.type === 'ec2' && typeof blob?.access === 'string' && typeof blob.secret === 'string' && c.user_id && c.project_id) {
      keys.push({ access: blob.access, secret: blob.secret, userId: c.user_id, projectId: c.project_id });
    }
  }
  return keys;
}

/** A token of the key's own user from /v3/ec2tokens, asked with the service token. */
export async function ec2Token(config: Config, service: IssuedToken, key: Ec2Key): Promise<IssuedToken | Problem> {
  const url = `${config.keystone.authUrl.replace(/\/+$/, '')}/ec2tokens`;
  let answer;
  try {
    answer = await call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': service.token },
      body: ec2TokenRequestBody({ access: key.access, secret: key.secret, now: new Date() }),
      timeoutMs: config.keystone.timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof Unreachable)) throw err;
    return { problem: `Keystone: ${err.message}`, fix: 'check keystone.authUrl' };
  }
  if (answer.status !== 200) {
    return {
      problem: `Keystone's /v3/ec2tokens refused EC2 key ${shortKey(key.access)} signed with its own secret (HTTP ${answer.status})`,
      fix: answer.status === 404 ? 'enable Keystone\'s EC2 extension (the ec2tokens route)' : 'the key\'s user or project may be disabled, or the service identity lacks the admin or service role',
    };
  }
  const t = (jsonOf(answer.text) as { token?: { project?: { id?: string }; user?: { name?: string }; roles?: { name?: string }[]; catalog?: IssuedToken['catalog'] } } | undefined)?.token;
  return {
    token: answer.headers.get('x-subject-token') ?? '',
    projectId: t?.project?.id ?? key.projectId,
    userName: t?.user?.name ?? key.userId,
    roles: (t?.roles ?? []).map((r) => r.name ?? '').filter(Boolean),
    catalog: t?.catalog ?? [],
  };
}
