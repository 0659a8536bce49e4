// The Swift proxy's front: /info and /healthcheck, the /v1/<account>/<container>/<object>
// path, the token (keystonemiddleware's authtoken: an unknown, revoked or
// expired token is anonymous, and keystoneauth then answers 401), and what
// every answer carries (X-Trans-Id, X-Openstack-Request-Id, Date).
import { account, container } from './containers.js';
import type { IdentityStore } from './identity.js';
import { STACK_AUTH_RULES, type AuthRules } from './keystoneauth.js';
import type { Store } from './model.js';
import { bulkDelete, deleteObject, postObject, putObject } from './object-write.js';
import { getOrHeadObject } from './object-read.js';
import { pyUnquote } from './python.js';
import { swiftStatus, swiftText, transId } from './responses.js';
import type { Call, ClusterLimits, SwiftContext } from './swift-context.js';
import type { Clock } from './clock.js';
import { FakeResponse, type FakeRequest, type TokenIdentity } from './types.js';

/** The parts of /info the fake serves; everything else is copied from the local stack's answer. */
export type InfoDocument = Record<string, Record<string, unknown>>;

/** /info of the local stack (Swift 2.30.1 as deploy/local/stack.sh configures it), trimmed to what matters. */
export function stackInfo(): InfoDocument {
  return {
    swift: {
      version: '2.30.1', strict_cors_mode: true, policies: [{ name: 'Policy-0', aliases: 'Policy-0', default: true }, { name: 'ec21', aliases: 'ec21, cold' }],
      allow_account_management: true, account_autocreate: true, max_file_size: 2147483648, max_meta_name_length: 128,
      max_meta_value_length: 256, max_meta_count: 90, max_meta_overall_size: 4096, max_header_size: 8192,
      max_object_name_length: 1024, container_listing_limit: 10000, account_listing_limit: 10000,
      max_account_name_length: 256, max_container_name_length: 256, extra_header_count: 0,
    },
    symlink: { symloop_max: 2, static_links: true },
    slo: { max_manifest_segments: 10000, max_manifest_size: 8388608, yield_frequency: 10, min_segment_size: 1, allow_async_delete: false },
    account_quotas: {},
    container_quotas: {},
    bulk_delete: { max_deletes_per_request: 10000, max_failed_deletes: 1000 },
  };
}

export function limitsOf(info: InfoDocument): ClusterLimits {
  const s = info['swift'] ?? {};
  const slo = info['slo'] ?? {};
  const n = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  return {
    maxFileSize: n(s['max_file_size'], 5368709122),
    accountListingLimit: n(s['account_listing_limit'], 10000),
    containerListingLimit: n(s['container_listing_limit'], 10000),
    maxObjectNameLength: n(s['max_object_name_length'], 1024),
    maxContainerNameLength: n(s['max_container_name_length'], 256),
    maxMetaNameLength: n(s['max_meta_name_length'], 128),
    maxMetaValueLength: n(s['max_meta_value_length'], 256),
    maxMetaCount: n(s['max_meta_count'], 90),
    maxMetaOverallSize: n(s['max_meta_overall_size'], 4096),
    maxHeaderSize: n(s['max_header_size'], 8192),
    maxManifestSegments: n(slo['max_manifest_segments'], 1000),
    maxManifestSize: n(slo['max_manifest_size'], 8388608),
    symloopMax: n(info['symlink']?.['symloop_max'], 2),
  };
}

export class Swift implements SwiftContext {
  readonly rules: AuthRules = STACK_AUTH_RULES;
  #limits: ClusterLimits;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly identity: IdentityStore,
    public info: InfoDocument,
    readonly keystoneOrigin: () => string,
    readonly containerUpdater = false,
    /** authtoken's token_cache_time. */
    readonly tokenCacheMs = 300_000,
  ) {
    this.#limits = limitsOf(info);
  }

  /** Replaces /info (and so the limits the fake enforces). */
  setInfo(info: InfoDocument): void {
    this.info = info;
    this.#limits = limitsOf(info);
  }

  limits(): ClusterLimits {
    return this.#limits;
  }

  handle(req: FakeRequest): FakeResponse {
    const token = this.identity.validForSwift(req.header('x-auth-token') ?? req.header('x-storage-token'), this.tokenCacheMs);
    return this.handleAs(req, token ? this.identity.identityOf(token) : undefined);
  }

  /** Answers as if the request's token were `identity`'s (undefined: anonymous). */
  handleAs(req: FakeRequest, identity: TokenIdentity | undefined): FakeResponse {
    const res = this.#route(req, identity);
    if (res.status === 401 && !res.headers.some(([n, v]) => n.toLowerCase() === 'www-authenticate' && v.startsWith('Keystone'))) {
      // authtoken (delay_auth_decision) adds its own challenge to keystoneauth's.
      res.add('WWW-Authenticate', `Keystone uri="${this.keystoneOrigin()}"`);
    }
    return finish(req, res, this.clock.now());
  }

  #route(req: FakeRequest, identity: TokenIdentity | undefined): FakeResponse {
    if (req.path === '/info') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return swiftStatus(405, [['Allow', 'HEAD, GET, OPTIONS']]);
      const body = Buffer.from(JSON.stringify(this.info));
      const res = new FakeResponse(200, body, [['Content-Type', 'application/json; charset=UTF-8']]);
      res.contentLength = body.length;
      return res;
    }
    if (req.path === '/healthcheck') return swiftText(200, 'OK');
    const parts = req.path.split('/');
    // split_path(path, 1, 4, rest_with_last=True): '', version, account, container, object...
    if (parts[1] !== 'v1') return swiftStatus(400);
    const acct = parts[2] ? pyUnquote(parts[2]) : '';
    if (!acct) return swiftText(412, 'Bad URL', 'text/html; charset=UTF-8');
    const cont = parts.length > 3 && parts[3] !== '' ? pyUnquote(parts[3]!) : undefined;
    const objRaw = parts.length > 4 ? parts.slice(4).join('/') : '';
    const obj = objRaw !== '' ? pyUnquote(objRaw) : undefined;
    if (cont === undefined && parts.length > 4 && objRaw !== '') return swiftStatus(400);
    const call: Call = { req, identity, account: acct, ...(cont !== undefined ? { container: cont } : {}), ...(obj !== undefined ? { object: obj } : {}) };
    if (obj !== undefined) {
      switch (req.method) {
        case 'GET':
        case 'HEAD':
          return getOrHeadObject(this, call);
        case 'PUT':
          return putObject(this, call);
        case 'POST':
          return postObject(this, call);
        case 'DELETE':
          return deleteObject(this, call);
        default:
          return swiftStatus(405, [['Allow', 'HEAD, GET, PUT, POST, DELETE, OPTIONS']]);
      }
    }
    if (cont !== undefined) return container(this, call);
    // The bulk middleware answers before the proxy's account controller does.
    if (req.method === 'POST' && req.query.has('bulk-delete') && this.info['bulk_delete']) return bulkDelete(this, call);
    return account(this, call);
  }
}

/** The headers every proxy answer has; a HEAD sends no body but the length a GET would. */
export function finish(req: FakeRequest, res: FakeResponse, nowMs: number): FakeResponse {
  const length = res.contentLength ?? res.body.length;
  if (req.method === 'HEAD') {
    res.body = Buffer.alloc(0);
    res.contentLength = res.contentLength ?? 0;
  } else {
    res.contentLength = length;
  }
  if (res.bare) return res;
  const id = transId(nowMs, req.header('x-trans-id-extra'));
  res.set('X-Trans-Id', id);
  res.set('X-Openstack-Request-Id', id);
  res.set('Date', httpNow(nowMs));
  return res;
}

let dateSecond = -1;
let dateText = '';

/** The Date header, formatted once a second (as node's own server does). */
function httpNow(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
