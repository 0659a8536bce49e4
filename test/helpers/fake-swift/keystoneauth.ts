// Who may do what in Swift: swift/common/middleware/keystoneauth.py's
// authorize() and authorize_anonymous(), with the local stack's settings
// (deploy/local/stack.sh): operator_roles = admin, member;
// project_reader_roles = reader; reseller_admin_role = ResellerAdmin;
// reseller_prefix AUTH_. Container ACLs (X-Container-Read / -Write) as
// swift/common/middleware/acl.py parses them.
import { pyUnquote } from './python.js';
import { swiftStatus } from './responses.js';
import type { FakeResponse, TokenIdentity } from './types.js';

export interface AuthRules {
  readonly operatorRoles: readonly string[];
  readonly projectReaderRoles: readonly string[];
  readonly resellerAdminRole: string;
  readonly systemReaderRoles: readonly string[];
  readonly resellerPrefix: string;
}

export const STACK_AUTH_RULES: AuthRules = {
  operatorRoles: ['admin', 'member'],
  projectReaderRoles: ['reader'],
  resellerAdminRole: 'reselleradmin',
  systemReaderRoles: [],
  resellerPrefix: 'AUTH_',
};

export interface AuthRequest {
  /** undefined: no token, or one authtoken refused (anonymous). */
  readonly identity: TokenIdentity | undefined;
  readonly method: string;
  readonly account: string;
  readonly container?: string;
  readonly object?: string;
  /** The container ACL the proxy set on the request (read ACL for GET/HEAD, write ACL for writes). */
  readonly acl?: string;
  readonly referer?: string;
}

/** Granted (swift_owner: may see and set ACLs), or the 401/403 to answer. */
export type AuthResult = { readonly owner: boolean } | FakeResponse;

/** acl.parse_acl_v1: `.r:` referrer designations and the rest (groups: `project:user`, roles). */
export function parseAcl(acl: string | undefined): { referrers: string[]; groups: string[] } {
  const referrers: string[] = [];
  const groups: string[] = [];
  for (const value of acl ? acl.split(',') : []) {
    if (value.startsWith('.r:')) referrers.push(value.slice(3));
    else groups.push(pyUnquote(value));
  }
  return { referrers, groups };
}

/** acl.clean_acl, as far as the fake stores ACLs: items trimmed, empty ones dropped. */
export function cleanAcl(value: string): string {
  return value.split(',').map((v) => v.trim()).filter(Boolean).join(',');
}

function referrerAllowed(referer: string | undefined, referrers: readonly string[]): boolean {
  if (referrers.length === 0) return false;
  let rhost = 'unknown';
  try {
    if (referer) rhost = new URL(referer).hostname || 'unknown';
  } catch {
    // not a URL: 'unknown'
  }
  let allow = false;
  for (let m of referrers) {
    if (m.startsWith('-')) {
      m = m.slice(1);
      if (m === rhost || (m.startsWith('.') && rhost.endsWith(m))) allow = false;
    } else if (m === '*' || m === rhost || (m.startsWith('.') && rhost.endsWith(m))) {
      allow = true;
    }
  }
  return allow;
}

function denied(req: AuthRequest): FakeResponse {
  // denied_response: 403 to a known user, 401 to an anonymous one.
  if (req.identity) return swiftStatus(403);
  return swiftStatus(401, [['Www-Authenticate', `Swift realm="${encodeURIComponent(req.account)}"`]]);
}

/** _authorize_unconfirmed_identity: true/false when a referrer ACL decides, undefined when none applies. */
function unconfirmed(req: AuthRequest, referrers: readonly string[], groups: readonly string[]): boolean | undefined {
  if (referrerAllowed(req.referer, referrers)) return Boolean(req.object) || groups.includes('.rlistings');
  return undefined;
}

export function authorize(req: AuthRequest, rules: AuthRules = STACK_AUTH_RULES): AuthResult {
  const { referrers, groups } = parseAcl(req.acl);
  const id = req.identity;
  if (!id) {
    if (!req.account.startsWith(rules.resellerPrefix)) return denied(req);
    return unconfirmed(req, referrers, groups) ? { owner: false } : denied(req);
  }
  const roles = id.roles.map((r) => r.toLowerCase());
  if (roles.includes(rules.resellerAdminRole)) return { owner: true };
  if (rules.systemReaderRoles.some((r) => roles.includes(r)) && (req.method === 'GET' || req.method === 'HEAD')) return { owner: false };
  // Not even an operator may DELETE its own account.
  if (!req.container && !req.object && req.method === 'DELETE') return denied(req);
  if (groups.length) {
    // Cross-tenant ACL: project:user with ids, names (both in the default domain) or '*'.
    const names = id.userDomainId === 'default' && id.projectDomainId === 'default';
    const tenants = [id.projectId, '*', ...(names ? [id.projectName] : [])];
    const users = [id.userId, '*', ...(names ? [id.userName] : [])];
    if (tenants.some((t) => users.some((u) => groups.includes(`${t}:${u}`)))) return { owner: false };
  }
  const byReferrer = unconfirmed(req, referrers, groups);
  if (byReferrer) return { owner: false };
  if (req.account !== `${rules.resellerPrefix}${id.projectId}`) return denied(req);
  if (rules.operatorRoles.some((r) => roles.includes(r))) return { owner: true };
  if (rules.projectReaderRoles.some((r) => roles.includes(r)) && (req.method === 'GET' || req.method === 'HEAD')) return { owner: false };
  if (byReferrer !== undefined) return denied(req);
  // A role named in the ACL.
  if (roles.some((r) => groups.some((g) => g.toLowerCase() === r))) return { owner: false };
  return denied(req);
}
