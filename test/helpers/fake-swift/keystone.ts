// Keystone v3's answers to what the gateway asks: POST /v3/auth/tokens
// (password, application credential), POST /v3/ec2tokens, GET
// /v3/credentials/{id}, and the version document a health check reads. The
// order of checks and the statuses follow keystone/api/auth.py,
// keystone/api/_shared/EC2_S3_Resource.py and the default policies.
import { randomUUID } from 'node:crypto';
import { checkSignature, checkTimestamp, type Ec2Credentials } from './ec2-signature.js';
import { ec2CredentialId, type IdentityStore, type Token } from './identity.js';
import { pyJson } from './python.js';
import { FakeRequest, FakeResponse } from './types.js';

export interface KeystoneOrigins {
  readonly keystone: string;
  readonly swift: string;
  readonly region: string;
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' };
const UNAUTHORIZED = 'The request you have made requires authentication.';
const BAD_REQUEST = 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

/**
 * Keystone's error document (compact JSON and a newline, as flask writes it).
 * Keystone quirk: every 401 says the same words whatever went wrong (a
 * SecurityError hides its reason unless insecure_debug is on).
 */
export function keystoneError(status: number, message: string, origins?: KeystoneOrigins): FakeResponse {
  const body = JSON.stringify({ error: { code: status, message: status === 401 ? UNAUTHORIZED : message, title: TITLES[status] ?? 'Error' } }) + '\n';
  const res = new FakeResponse(status, Buffer.from(body), [['Content-Type', 'application/json']]);
  if (status === 401 && origins) res.add('WWW-Authenticate', `Keystone uri="${origins.keystone}/v3"`);
  return res;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function domainRef(value: unknown): { id?: string; name?: string } {
  const d = obj(value) ?? {};
  return { ...(typeof d['id'] === 'string' ? { id: d['id'] } : {}), ...(typeof d['name'] === 'string' ? { name: d['name'] } : {}) };
}

function json(status: number, value: unknown, headers: [string, string][] = []): FakeResponse {
  return new FakeResponse(status, Buffer.from(pyJson(value)), [['Content-Type', 'application/json'], ...headers]);
}

/** `2026-12-01T14:24:28.000000Z`: Keystone's token times. */
function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

export class Keystone {
  constructor(readonly store: IdentityStore, readonly origins: () => KeystoneOrigins) {}

  handle(req: FakeRequest): FakeResponse {
    const res = this.#route(req);
    res.add('Vary', 'X-Auth-Token');
    res.add('x-openstack-request-id', `req-${randomUUID()}`);
    return res;
  }

  #route(req: FakeRequest): FakeResponse {
    const path = req.path.replace(/\/+$/, '');
    if (path === '/v3/auth/tokens' && req.method === 'POST') return this.#authenticate(req);
    if (path === '/v3/auth/tokens' && (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE')) return this.#validate(req);
    if (path === '/v3/ec2tokens') return req.method === 'POST' ? this.#ec2tokens(req) : keystoneError(405, 'The method is not allowed for the requested URL.');
    const cred = /^\/v3\/credentials\/([^/]+)$/.exec(path);
    if (cred && req.method === 'GET') return this.#credential(req, decodeURIComponent(cred[1]!));
    if (path === '/v3' || path === '') return this.#versions(path);
    return keystoneError(404, 'The resource could not be found.');
  }

  #versions(path: string): FakeResponse {
    const v3 = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z', links: [{ rel: 'self', href: `${this.origins().keystone}/v3/` }], 'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }] };
    return path === '' ? json(300, { versions: { values: [v3] } }) : json(200, { version: v3 });
  }

  #body(req: FakeRequest): Record<string, unknown> | FakeResponse {
    try {
      const value: unknown = JSON.parse(req.body.toString('utf8'));
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // fall through
    }
    return keystoneError(400, `Expecting to find valid JSON in request body. ${BAD_REQUEST}`);
  }

  #authenticate(req: FakeRequest): FakeResponse {
    const body = this.#body(req);
    if (body instanceof FakeResponse) return body;
    const auth = obj(body['auth']);
    if (!auth) return keystoneError(400, `Expecting to find auth in request body. ${BAD_REQUEST}`);
    const identity = obj(auth['identity']);
    const methods = identity?.['methods'];
    if (!identity || !Array.isArray(methods) || methods.length === 0) return keystoneError(400, `Expecting to find identity in auth. ${BAD_REQUEST}`);
    const s = this.store;
    let userId: string;
    let projectId: string | undefined;
    let appCred;
    let from: Token | undefined;
    if (methods.includes('application_credential')) {
      const ac = obj(identity['application_credential']) ?? {};
      appCred = ac['id'] ? s.applicationCredentials.get(String(ac['id'])) : [...s.applicationCredentials.values()].find((c) => c.name === ac['name']);
      if (!appCred || appCred.secret !== ac['secret']) return keystoneError(401, 'Invalid application credential', this.origins());
      userId = appCred.userId;
      projectId = appCred.projectId;
    } else if (methods.includes('password')) {
      const u = obj(obj(identity['password'])?.['user']) ?? {};
      const user = u['id'] ? s.users.get(String(u['id'])) : s.findUser(String(u['name']), domainRef(u['domain']));
      if (!user || !user.enabled || user.password !== u['password']) return keystoneError(401, 'Invalid username or password', this.origins());
      userId = user.id;
    } else if (methods.includes('token')) {
      const id = String(obj(identity['token'])?.['id'] ?? '');
      const t = s.valid(id);
      if (!t) return s.tokens.has(id) ? keystoneError(404, 'Failed to validate token') : keystoneError(401, 'Invalid token', this.origins());
      from = t;
      userId = t.userId;
      projectId = t.projectId;
    } else {
      return keystoneError(401, 'Unsupported authentication method', this.origins());
    }
    if (!appCred) {
      const scope = obj(auth['scope']);
      const projectRef = obj(scope?.['project']);
      if (projectRef) {
        const project = s.findProject({ id: projectRef['id'] as string | undefined, name: projectRef['name'] as string | undefined, domain: domainRef(projectRef['domain']) });
        if (!project) return keystoneError(401, 'Could not find project', this.origins());
        projectId = project.id;
      } else if (scope === undefined && projectId === undefined) {
        // No scope: the user's default project, when the user has a role there (else unscoped).
        const dflt = s.users.get(userId)!.defaultProjectId;
        if (dflt && s.rolesOn(userId, dflt).length) projectId = dflt;
      }
      if (projectId !== undefined) {
        if (!s.projects.get(projectId)?.enabled || s.rolesOn(userId, projectId).length === 0) {
          return keystoneError(401, 'User has no access to project', this.origins());
        }
      }
    }
    // A token from a token keeps its methods (and its expiry: it cannot outlive the first).
    const names = from ? [...new Set([...from.methods, ...methods.map(String)])] : methods.map(String);
    const token = s.issue(userId, projectId, names, appCred);
    if (from) token.expiresAt = from.expiresAt;
    return json(201, this.tokenDocument(token), [['X-Subject-Token', token.id]]);
  }

  /** GET/HEAD (validate) and DELETE (revoke) /v3/auth/tokens: for admins, services and the token's own user. */
  #validate(req: FakeRequest): FakeResponse {
    const caller = this.store.valid(req.header('x-auth-token'));
    if (!caller) return keystoneError(401, UNAUTHORIZED, this.origins());
    const id = req.header('x-subject-token') ?? '';
    const known = this.store.tokens.get(id);
    const subject = this.store.valid(id);
    const action = req.method === 'DELETE' ? 'revoke_token' : 'validate_token';
    // The subject token is read (and validated) first: the policy's target is its user.
    if (!known) return keystoneError(404, 'Could not recognize Fernet token');
    if (!subject) return keystoneError(404, 'Failed to validate token');
    const privileged = caller.roles.some((r) => r.name === 'admin' || (action === 'validate_token' && r.name === 'service'));
    if (!privileged && subject.userId !== caller.userId) {
      return keystoneError(403, `You are not authorized to perform the requested action: identity:${action}.`);
    }
    if (req.method === 'DELETE') {
      subject.revoked = true;
      const res = new FakeResponse(204);
      res.noContentLength = true;
      return res;
    }
    return json(200, this.tokenDocument(subject), [['X-Subject-Token', subject.id]]);
  }

  /** The `token` document: user, project, roles, expiry and the catalog with Swift's endpoints. */
  tokenDocument(t: Token): unknown {
    const s = this.store;
    const user = s.users.get(t.userId)!;
    const domain = (id: string) => ({ id, name: s.domains.get(id)?.name ?? id });
    const o = this.origins();
    const doc: Record<string, unknown> = {
      methods: t.methods,
      user: { domain: domain(user.domainId), id: user.id, name: user.name, password_expires_at: null },
      audit_ids: [Buffer.from(t.id.slice(-16)).toString('base64url').slice(0, 22)],
      expires_at: keystoneTime(t.expiresAt),
      issued_at: keystoneTime(t.issuedAt),
    };
    if (t.projectId) {
      const p = s.projects.get(t.projectId)!;
      doc['project'] = { domain: domain(p.domainId), id: p.id, name: p.name };
      doc['is_domain'] = false;
      doc['roles'] = t.roles.map((r) => ({ id: r.id, name: r.name }));
      const endpoint = (iface: string, url: string) => ({ id: `${iface}-${url}`.slice(0, 32), interface: iface, region_id: o.region, url, region: o.region });
      const swift = `${o.swift}/v1/AUTH_${p.id}`;
      doc['catalog'] = [
        { endpoints: ['public', 'internal', 'admin'].map((i) => endpoint(i, `${o.keystone}/v3`)), id: 'identity', type: 'identity', name: 'keystone' },
        { endpoints: ['public', 'internal'].map((i) => endpoint(i, swift)), id: 'object-store', type: 'object-store', name: 'swift' },
      ];
    }
    if (t.applicationCredential) doc['application_credential'] = { id: t.applicationCredential.id, name: t.applicationCredential.name, restricted: true };
    return { token: doc };
  }

  /** POST /v3/ec2tokens: a token of the key's own user on the key's project. */
  #ec2tokens(req: FakeRequest): FakeResponse {
    const s = this.store;
    const caller = s.valid(req.header('x-auth-token'));
    if (!caller) return keystoneError(401, UNAUTHORIZED, this.origins());
    // Policy identity:ec2tokens_validate = rule:service_or_admin.
    if (!caller.roles.some((r) => r.name === 'admin' || r.name === 'service')) {
      return keystoneError(403, 'You are not authorized to perform the requested action: identity:ec2tokens_validate.');
    }
    if (req.body.length === 0) return keystoneError(400, 'request must include a request body');
    const body = this.#body(req);
    if (body instanceof FakeResponse) return body;
    const c = (body['credentials'] ?? body['credential'] ?? body['ec2Credentials'] ?? {}) as Ec2Credentials;
    if (typeof c !== 'object' || c.access === undefined) return keystoneError(401, 'EC2 Signature not supplied', this.origins());
    const access = String(c.access);
    const cred = [...s.ec2.values()].find((e) => e.access === access);
    if (!cred) return keystoneError(404, `Could not find credential: ${ec2CredentialId(access)}.`);
    const refused = checkSignature(cred.secret, c);
    if (refused) return keystoneError(401, refused, this.origins());
    const user = s.users.get(cred.userId);
    const project = s.projects.get(cred.projectId);
    if (!user?.enabled || !project?.enabled) return keystoneError(401, 'User or project disabled', this.origins());
    const stale = checkTimestamp(c.params, s.now());
    if (stale) return keystoneError(401, stale, this.origins());
    if (s.rolesOn(user.id, project.id).length === 0) return keystoneError(401, 'User not valid for project.', this.origins());
    const token = s.issue(user.id, project.id, ['ec2credential']);
    return json(200, this.tokenDocument(token), [['X-Subject-Token', token.id]]);
  }

  /** GET /v3/credentials/{id}: policy admin_required or the credential's owner (or a system reader). */
  #credential(req: FakeRequest, id: string): FakeResponse {
    const s = this.store;
    const caller = s.valid(req.header('x-auth-token'));
    if (!caller) return keystoneError(401, UNAUTHORIZED, this.origins());
    const cred = s.ec2.get(id);
    const admin = caller.roles.some((r) => r.name === 'admin');
    if (!admin && cred?.userId !== caller.userId) {
      return keystoneError(403, 'You are not authorized to perform the requested action: identity:get_credential.');
    }
    if (!cred) return keystoneError(404, `Could not find credential: ${id}.`);
    return json(200, {
      credential: {
        id: cred.id,
        user_id: cred.userId,
        project_id: cred.projectId,
        type: 'ec2',
        // Keystone stores the blob as Python's json.dumps of a dict.
        blob: pyJson({ access: cred.access, secret: cred.secret, trust_id: null }),
        links: { self: `${this.origins().keystone}/v3/credentials/${cred.id}` },
      },
    });
  }
}
