// The fake Swift + Keystone as one object: the state a test declares (users,
// projects, roles, EC2 keys, containers, objects), the faults it injects, the
// record of every call, and `handle()`, which both adapters (the undici
// Dispatcher and the HTTP server) feed.
import { randomUUID } from 'node:crypto';
import { Clock, stampFromMs } from './clock.js';
import { FakeDispatcher } from './dispatcher.js';
import { Faults, recordOf, type FaultHandle, type FaultRule, type RecordedCall } from './faults.js';
import { IdentityStore, type ApplicationCredential, type Ec2Credential, type Project, type Token } from './identity.js';
import { Keystone, keystoneError } from './keystone.js';
import { Store, type StoredObject, type Container } from './model.js';
import { swiftStatus } from './responses.js';
import { finish, stackInfo, Swift, type InfoDocument } from './swift.js';
import { FakeRequest, FakeResponse, type Service, type TokenIdentity } from './types.js';

export const FAKE_KEYSTONE_ORIGIN = 'http://keystone.fake:5000';
export const FAKE_SWIFT_ORIGIN = 'http://swift.fake:8080';

export interface FakeSwiftOptions {
  /** The clock (ms): token expiry, X-Delete-At, timestamps. Default Date.now. */
  readonly now?: () => number;
  readonly keystoneOrigin?: string;
  readonly swiftOrigin?: string;
  readonly region?: string;
  /** Swift's /info (default: the local stack's); its numbers are the limits the fake enforces. */
  readonly info?: InfoDocument;
  /** Keystone's token lifetime (default one hour, Keystone's [token] expiration). */
  readonly tokenLifetimeMs?: number;
  /** Keep a record of every call (default true; a benchmark turns it off). */
  readonly record?: boolean;
  /**
   * Account listings and X-Account-Object-Count / -Bytes-Used follow every
   * object write, as in a cluster running the container-updater. Default
   * false: as the local stack, where they keep each container's counts as of
   * its last PUT.
   */
  readonly containerUpdater?: boolean;
  /**
   * How long Swift (keystonemiddleware's authtoken) trusts a token it has
   * validated, revoked or not: token_cache_time, default 300 s. 0: Swift asks
   * Keystone every time, so a revocation counts at once.
   */
  readonly swiftTokenCacheMs?: number;
}

export interface UserSpec {
  readonly name: string;
  readonly password?: string;
  readonly id?: string;
  readonly domainId?: string;
  /** The project (by name) the user gets `roles` on; made when missing. */
  readonly project?: string;
  readonly projectId?: string;
  /** Roles on that project (default ['member']). */
  readonly roles?: readonly string[];
  /** Give the user an EC2 credential on the project (true: generated access and secret). */
  readonly ec2?: boolean | { readonly access?: string; readonly secret?: string };
}

/** A declared user, with what a test needs to reach the fake as that user. */
export interface FakeUser {
  readonly userId: string;
  readonly userName: string;
  readonly password: string;
  readonly domainId: string;
  readonly projectId: string;
  readonly projectName: string;
  /** `AUTH_<project id>` */
  readonly account: string;
  readonly storageUrl: string;
  readonly ec2?: { readonly access: string; readonly secret: string };
  /** The identity the gateway's KeystoneTokens takes (src/swift/keystone.ts PasswordIdentity). */
  readonly identity: { readonly kind: 'password'; readonly username: string; readonly password: string; readonly userDomain: string; readonly userDomainIsId: true; readonly projectId: string };
}

/** What an adapter does with a call: write this answer (maybe cut), or fail the connection. */
export type Outcome =
  | { readonly kind: 'response'; readonly response: FakeResponse; readonly cutWith: 'ECONNRESET' | 'UND_ERR_SOCKET' }
  | { readonly kind: 'error'; readonly code: 'ECONNREFUSED' | 'ECONNRESET' }
  | { readonly kind: 'timeout' };

const SEEDER: TokenIdentity = { userId: 'fake-seeder', userName: 'fake-seeder', userDomainId: 'default', projectId: 'fake-seeder', projectName: 'fake-seeder', projectDomainId: 'default', roles: ['ResellerAdmin'] };

export class FakeSwift {
  readonly clock: Clock;
  readonly identities: IdentityStore;
  readonly store = new Store();
  readonly swift: Swift;
  readonly keystone: Keystone;
  readonly faults = new Faults();
  readonly calls: RecordedCall[] = [];
  keystoneOrigin: string;
  swiftOrigin: string;
  readonly region: string;
  readonly record: boolean;
  /** The fake as the undici Dispatcher the gateway's clients take (no sockets). */
  readonly dispatcher: FakeDispatcher = new FakeDispatcher(this);
  #seq = 0;

  constructor(opts: FakeSwiftOptions = {}) {
    this.clock = new Clock(opts.now ?? Date.now);
    this.identities = new IdentityStore(this.clock.now, opts.tokenLifetimeMs);
    this.keystoneOrigin = opts.keystoneOrigin ?? FAKE_KEYSTONE_ORIGIN;
    this.swiftOrigin = opts.swiftOrigin ?? FAKE_SWIFT_ORIGIN;
    this.region = opts.region ?? 'RegionOne';
    this.record = opts.record ?? true;
    this.swift = new Swift(this.store, this.clock, this.identities, opts.info ?? stackInfo(), () => this.keystoneOrigin, opts.containerUpdater ?? false, opts.swiftTokenCacheMs ?? 300_000);
    this.keystone = new Keystone(this.identities, () => ({ keystone: this.keystoneOrigin, swift: this.swiftOrigin, region: this.region }));
  }

  /** Keystone's v3 URL (the gateway's keystone.authUrl). */
  get authUrl(): string {
    return `${this.keystoneOrigin}/v3`;
  }

  storageUrl(projectId: string): string {
    return `${this.swiftOrigin}/v1/AUTH_${projectId}`;
  }

  /** Which fake service an origin is, if any. */
  serviceOf(origin: string): Service | undefined {
    const o = origin.replace(/\/+$/, '');
    if (o === this.swiftOrigin) return 'swift';
    if (o === this.keystoneOrigin) return 'keystone';
    return undefined;
  }

  // ----------------------------------------------------------------- Keystone --

  addProject(name: string, opts: { id?: string; domainId?: string; enabled?: boolean } = {}): Project {
    return this.identities.findProject({ name, domain: { id: opts.domainId ?? 'default' } }) ?? this.identities.addProject({ name, ...opts });
  }

  /** Declares a user with roles on a project (made if missing) and, if asked, an EC2 key. */
  addUser(spec: UserSpec): FakeUser {
    const projectName = spec.project ?? spec.name;
    const project = spec.projectId ? (this.identities.projects.get(spec.projectId) ?? this.identities.addProject({ name: projectName, id: spec.projectId })) : this.addProject(projectName);
    const password = spec.password ?? `${spec.name}-password`;
    const user = this.identities.addUser({ name: spec.name, password, defaultProjectId: project.id, ...(spec.id ? { id: spec.id } : {}), ...(spec.domainId ? { domainId: spec.domainId } : {}) });
    for (const role of spec.roles ?? ['member']) this.identities.grant(user.id, project.id, role);
    let ec2: Ec2Credential | undefined;
    if (spec.ec2) ec2 = this.identities.addEc2Credential({ userId: user.id, projectId: project.id, ...(typeof spec.ec2 === 'object' ? spec.ec2 : {}) });
    return {
      userId: user.id,
      userName: user.name,
      password,
      domainId: user.domainId,
      projectId: project.id,
      projectName: project.name,
      account: `AUTH_${project.id}`,
      storageUrl: this.storageUrl(project.id),
      ...(ec2 ? { ec2: { access: ec2.access, secret: ec2.secret } } : {}),
      identity: { kind: 'password', username: user.name, password, userDomain: user.domainId, userDomainIsId: true, projectId: project.id },
    };
  }

  grant(userId: string, projectId: string, role: string): void {
    this.identities.grant(userId, projectId, role);
  }

  /** Removes a role assignment (and, as Keystone does, revokes the user's tokens on that project). */
  revoke(userId: string, projectId: string, role: string): void {
    this.identities.revoke(userId, projectId, role);
  }

  addEc2Credential(userId: string, projectId: string, key: { access?: string; secret?: string } = {}): Ec2Credential {
    return this.identities.addEc2Credential({ userId, projectId, ...key });
  }

  removeEc2Credential(access: string): void {
    this.identities.removeEc2Credential(access);
  }

  addApplicationCredential(userId: string, projectId: string, opts: { roles?: readonly string[]; secret?: string; name?: string } = {}): ApplicationCredential {
    return this.identities.addApplicationCredential({ userId, projectId, ...opts });
  }

  /** Every token issued so far, newest last. */
  tokens(): Token[] {
    return [...this.identities.tokens.values()];
  }

  /**
   * Revokes a token in Keystone. Swift keeps taking it while its authtoken
   * cache holds it (see swiftTokenCacheMs); `{ swift: true }` drops it from
   * that cache too, so Swift refuses it at once.
   */
  revokeToken(id: string, opts: { swift?: boolean } = {}): void {
    const t = this.identities.tokens.get(id);
    if (t) t.revoked = true;
    if (opts.swift) this.identities.swiftCache.delete(id);
  }

  /** Empties Swift's authtoken cache: every token is checked with Keystone again. */
  flushSwiftTokenCache(): void {
    this.identities.swiftCache.clear();
  }

  /** Makes every token issued so far expire now (or the one given). */
  expireTokens(id?: string): void {
    const now = this.clock.now();
    for (const t of this.identities.tokens.values()) if (id === undefined || t.id === id) t.expiresAt = Math.min(t.expiresAt, now);
  }

  // -------------------------------------------------------------------- Swift --

  get info(): InfoDocument {
    return this.swift.info;
  }

  set info(info: InfoDocument) {
    this.swift.setInfo(info);
  }

  /** Makes an account exist (as a first write would; an account never written is faked by Swift as empty). */
  putAccount(account: string): void {
    this.#seed('PUT', `/v1/${encodeURIComponent(account)}`, {}, Buffer.alloc(0));
  }

  /** Seeds a container, through Swift's own rules (as a reseller admin). Throws unless Swift says 201/202. */
  putContainer(account: string, name: string, headers: Readonly<Record<string, string>> = {}): void {
    this.#seed('PUT', `/v1/${encodeURIComponent(account)}/${encodeURIComponent(name)}`, headers, Buffer.alloc(0));
  }

  /**
   * Seeds an object through Swift's own rules. `timestamp` (ms) backdates it
   * (its X-Timestamp, Last-Modified and listing last_modified).
   */
  putObject(account: string, container: string, name: string, body: Buffer | string, headers: Readonly<Record<string, string>> = {}, opts: { timestamp?: number } = {}): StoredObject {
    const path = `/v1/${encodeURIComponent(account)}/${encodeURIComponent(container)}/${name.split('/').map(encodeURIComponent).join('/')}`;
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    this.#seed('PUT', path, { 'content-length': String(data.length), ...headers }, data);
    const c = this.store.container(account, container)!;
    let o = c.objects.get(name)!;
    if (opts.timestamp !== undefined) c.objects.set(name, (o = { ...o, timestamp: stampFromMs(opts.timestamp) }));
    return o;
  }

  #seed(method: string, path: string, headers: Readonly<Record<string, string>>, body: Buffer): void {
    const account = this.store.account(decodeURIComponent(path.split('/')[2]!));
    const made = account.created === undefined;
    const req = new FakeRequest('swift', method, path, Object.entries(headers), body);
    const res = this.swift.handleAs(req, SEEDER);
    if (res.status >= 300) throw new Error(`seeding ${method} ${path}: Swift answered ${res.status} ${res.body.toString()}`);
    // As if the account's own (default-domain) project had made it.
    if (made && account.created !== undefined) account.projectDomainId = 'default';
  }

  container(account: string, name: string): Container | undefined {
    return this.store.container(account, name);
  }

  object(account: string, container: string, name: string): StoredObject | undefined {
    return this.store.container(account, container)?.objects.get(name);
  }

  // ------------------------------------------------------- faults and record --

  /** Injects a fault (see FaultRule); e.g. `fail({ match: { method: 'HEAD', container: 'b' }, status: 503 })`. */
  fail(rule: FaultRule): FaultHandle {
    return this.faults.add(rule);
  }

  /** The recorded calls to one service. */
  callsTo(origin: Service): RecordedCall[] {
    return this.calls.filter((c) => c.origin === origin);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // -------------------------------------------------------------------- calls --

  /**
   * One call, as an adapter hands it in: recorded, matched against the faults,
   * answered. `headersTimeoutMs` (the call's undici headersTimeout) turns a
   * longer injected delay into a timeout.
   */
  handle(req: FakeRequest, opts: { headersTimeoutMs?: number } = {}): Outcome | Promise<Outcome> {
    ++this.#seq;
    // (Without a record or a fault rule, no call is built: the benchmark serves tens of thousands a second.)
    const call = this.record || !this.faults.empty ? recordOf(this.#seq, req) : undefined;
    if (call && this.record) this.calls.push(call);
    const fault = call && this.faults.take(call);
    if (call && fault) call.fault = fault;
    if (!fault?.delayMs) return this.#answer(req, call, fault);
    // Answered synchronously unless delayed: an HTTP answer written in the request's own tick is cheaper.
    const limit = opts.headersTimeoutMs;
    if (limit !== undefined && limit > 0 && fault.delayMs >= limit) {
      return sleep(limit).then(() => {
        call!.outcome = 'UND_ERR_HEADERS_TIMEOUT';
        return { kind: 'timeout' } as const;
      });
    }
    return sleep(fault.delayMs).then(() => this.#answer(req, call, fault));
  }

  #answer(req: FakeRequest, call: RecordedCall | undefined, fault: FaultRule | undefined): Outcome {
    if (fault?.connection) {
      call!.outcome = fault.connection;
      return { kind: 'error', code: fault.connection };
    }
    let res: FakeResponse;
    if (fault?.status !== undefined) res = this.#faultResponse(req, fault);
    else res = req.service === 'swift' ? this.swift.handle(req) : this.keystone.handle(req);
    if (fault?.cutAfter !== undefined && fault.cutAfter < (res.cutAfter ?? Infinity)) {
      res.cutAfter = fault.cutAfter;
      res.cutWith = fault.cutWith ?? 'ECONNRESET';
    }
    if (call) call.outcome = res.status;
    return { kind: 'response', response: res, cutWith: res.cutWith ?? 'ECONNRESET' };
  }

  #faultResponse(req: FakeRequest, fault: FaultRule): FakeResponse {
    const status = fault.status!;
    let res: FakeResponse;
    if (req.service === 'keystone') res = keystoneError(status, fault.body?.toString() ?? 'Injected fault.');
    else res = swiftStatus(status);
    if (fault.body !== undefined) res.body = Buffer.from(fault.body);
    for (const [n, v] of Object.entries(fault.headers ?? {})) res.set(n, v);
    res.contentLength = undefined;
    if (req.service === 'swift') return finish(req, res, this.clock.now());
    res.add('x-openstack-request-id', `req-${randomUUID()}`);
    return res;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
