// Keystone's state as a test declares it: domains, projects, users, roles and
// their assignments (with the implied roles `keystone-manage bootstrap` makes:
// admin → member → reader), EC2 and application credentials, and the tokens
// issued, which a test may revoke or expire.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { TokenIdentity } from './types.js';

export interface Domain { readonly id: string; readonly name: string }
export interface Project { readonly id: string; readonly name: string; readonly domainId: string; enabled: boolean }
export interface User {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
  password: string;
  enabled: boolean;
  defaultProjectId: string | undefined;
}
export interface Role { readonly id: string; readonly name: string }
export interface Ec2Credential { readonly id: string; readonly access: string; readonly secret: string; readonly userId: string; readonly projectId: string }
export interface ApplicationCredential { readonly id: string; readonly name: string; readonly secret: string; readonly userId: string; readonly projectId: string; readonly roles: readonly string[] }

export interface Token {
  readonly id: string;
  readonly userId: string;
  readonly projectId: string | undefined;
  readonly methods: readonly string[];
  readonly roles: readonly Role[];
  readonly issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  readonly applicationCredential?: ApplicationCredential;
}

const hex = () => randomUUID().replace(/-/g, '');

/** Keystone files an EC2 credential under the SHA-256 (hex) of its access key (keystone.common.utils.hash_access_key). */
export function ec2CredentialId(access: string): string {
  return createHash('sha256').update(access).digest('hex');
}

export class IdentityStore {
  readonly domains = new Map<string, Domain>([['default', { id: 'default', name: 'Default' }]]);
  readonly projects = new Map<string, Project>();
  readonly users = new Map<string, User>();
  readonly roles = new Map<string, Role>();
  /** userId/projectId → role ids. */
  readonly assignments = new Map<string, Set<string>>();
  readonly ec2 = new Map<string, Ec2Credential>();
  readonly applicationCredentials = new Map<string, ApplicationCredential>();
  readonly tokens = new Map<string, Token>();
  /** prior role → the role it implies. */
  readonly implied = new Map<string, string>();

  constructor(readonly now: () => number, public tokenLifetimeMs = 3_600_000) {
    for (const name of ['admin', 'member', 'reader', 'service', 'ResellerAdmin']) this.role(name);
    this.implied.set(this.role('admin').id, this.role('member').id);
    this.implied.set(this.role('member').id, this.role('reader').id);
  }

  /** The role of that name, made if it does not exist. */
  role(name: string): Role {
    for (const r of this.roles.values()) if (r.name === name) return r;
    const role = { id: hex(), name };
    this.roles.set(role.id, role);
    return role;
  }

  addDomain(name: string, id = hex()): Domain {
    const domain = { id, name };
    this.domains.set(id, domain);
    return domain;
  }

  addProject(spec: { name: string; id?: string; domainId?: string; enabled?: boolean }): Project {
    const project = { id: spec.id ?? hex(), name: spec.name, domainId: spec.domainId ?? 'default', enabled: spec.enabled ?? true };
    this.projects.set(project.id, project);
    return project;
  }

  addUser(spec: { name: string; password: string; id?: string; domainId?: string; defaultProjectId?: string; enabled?: boolean }): User {
    const user = { id: spec.id ?? hex(), name: spec.name, domainId: spec.domainId ?? 'default', password: spec.password, enabled: spec.enabled ?? true, defaultProjectId: spec.defaultProjectId };
    this.users.set(user.id, user);
    return user;
  }

  grant(userId: string, projectId: string, roleName: string): void {
    const key = `${userId}/${projectId}`;
    let set = this.assignments.get(key);
    if (!set) this.assignments.set(key, (set = new Set()));
    set.add(this.role(roleName).id);
  }

  /** Removes an assignment; like Keystone, this revokes the user's tokens on that project. */
  revoke(userId: string, projectId: string, roleName: string): void {
    this.assignments.get(`${userId}/${projectId}`)?.delete(this.role(roleName).id);
    for (const t of this.tokens.values()) if (t.userId === userId && t.projectId === projectId) t.revoked = true;
  }

  /** The user's roles on the project, implied roles included. */
  rolesOn(userId: string, projectId: string): Role[] {
    const ids = new Set<string>();
    for (const id of this.assignments.get(`${userId}/${projectId}`) ?? []) {
      for (let r: string | undefined = id; r && !ids.has(r); r = this.implied.get(r)) ids.add(r);
    }
    return [...ids].map((id) => this.roles.get(id)!);
  }

  addEc2Credential(spec: { userId: string; projectId: string; access?: string; secret?: string }): Ec2Credential {
    const access = spec.access ?? hex();
    const cred = { id: ec2CredentialId(access), access, secret: spec.secret ?? hex(), userId: spec.userId, projectId: spec.projectId };
    this.ec2.set(cred.id, cred);
    return cred;
  }

  removeEc2Credential(access: string): void {
    this.ec2.delete(ec2CredentialId(access));
  }

  addApplicationCredential(spec: { userId: string; projectId: string; name?: string; id?: string; secret?: string; roles?: readonly string[] }): ApplicationCredential {
    const roles = spec.roles ?? this.rolesOn(spec.userId, spec.projectId).map((r) => r.name);
    const cred = { id: spec.id ?? hex(), name: spec.name ?? 'app-cred', secret: spec.secret ?? randomBytes(16).toString('base64url'), userId: spec.userId, projectId: spec.projectId, roles };
    this.applicationCredentials.set(cred.id, cred);
    return cred;
  }

  issue(userId: string, projectId: string | undefined, methods: readonly string[], applicationCredential?: ApplicationCredential): Token {
    const now = this.now();
    const roles = applicationCredential
      ? applicationCredential.roles.map((name) => this.role(name))
      : projectId ? this.rolesOn(userId, projectId) : [];
    // A Fernet token: a long url-safe string starting gAAAAA.
    const token: Token = {
      id: 'gAAAAAB' + randomBytes(135).toString('base64url'),
      userId,
      projectId,
      methods,
      roles,
      // Keystone keeps whole seconds (expires_at ends .000000Z).
      issuedAt: Math.floor(now / 1000) * 1000,
      expiresAt: Math.floor((now + this.tokenLifetimeMs) / 1000) * 1000,
      revoked: false,
      ...(applicationCredential ? { applicationCredential } : {}),
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The token if Keystone would accept it now: known, not revoked, not expired, its user and project enabled. */
  valid(id: string | undefined): Token | undefined {
    if (!id) return undefined;
    const t = this.tokens.get(id);
    if (!t || t.revoked || t.expiresAt <= this.now()) return undefined;
    if (!this.users.get(t.userId)?.enabled) return undefined;
    if (t.projectId && !this.projects.get(t.projectId)?.enabled) return undefined;
    return t;
  }

  /** Tokens Swift's authtoken validated, and when (its token cache). */
  readonly swiftCache = new Map<string, number>();

  /**
   * The token as Swift's authtoken middleware sees it. Swift quirk (of
   * keystonemiddleware): a validated token is cached (token_cache_time, 300 s
   * by default, in memcached on the local stack) and keeps working in Swift
   * after Keystone revoked it, until that entry ages out; its expiry still counts.
   */
  validForSwift(id: string | undefined, cacheMs: number): Token | undefined {
    if (!id) return undefined;
    const now = this.now();
    const seen = this.swiftCache.get(id);
    const t = this.tokens.get(id);
    if (seen !== undefined && now - seen < cacheMs && t && t.expiresAt > now) return t;
    const valid = this.valid(id);
    if (valid) this.swiftCache.set(id, now);
    else this.swiftCache.delete(id);
    return valid;
  }

  /** What authtoken tells Swift about a valid, project-scoped token. */
  identityOf(t: Token): TokenIdentity | undefined {
    const user = this.users.get(t.userId);
    const project = t.projectId ? this.projects.get(t.projectId) : undefined;
    if (!user || !project) return undefined;
    return {
      userId: user.id,
      userName: user.name,
      userDomainId: user.domainId,
      projectId: project.id,
      projectName: project.name,
      projectDomainId: project.domainId,
      roles: t.roles.map((r) => r.name),
    };
  }

  findUser(name: string, domain: { id?: string; name?: string }): User | undefined {
    const domainId = domain.id ?? [...this.domains.values()].find((d) => d.name === domain.name)?.id;
    for (const u of this.users.values()) if (u.name === name && u.domainId === domainId) return u;
    return undefined;
  }

  findProject(ref: { id?: string; name?: string; domain?: { id?: string; name?: string } }): Project | undefined {
    if (ref.id) return this.projects.get(ref.id);
    const domainId = ref.domain?.id ?? [...this.domains.values()].find((d) => d.name === ref.domain?.name)?.id;
    for (const p of this.projects.values()) if (p.name === ref.name && p.domainId === domainId) return p;
    return undefined;
  }
}
