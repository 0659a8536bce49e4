// What every Swift handler shares: the store, the clock, the cluster's limits
// (the numbers /info publishes), the auth rules, and "look this object up as
// a subrequest with the caller's token would" (symlink targets, SLO segments,
// copy sources are all read that way in Swift, each authorised again).
import type { Clock } from './clock.js';
import { authorize, type AuthRules } from './keystoneauth.js';
import type { MetaLimits } from './metadata.js';
import type { Container, Store, StoredObject } from './model.js';
import { swiftStatus } from './responses.js';
import type { FakeRequest, FakeResponse, TokenIdentity } from './types.js';

export interface ClusterLimits extends MetaLimits {
  readonly maxFileSize: number;
  readonly accountListingLimit: number;
  readonly containerListingLimit: number;
  readonly maxObjectNameLength: number;
  readonly maxContainerNameLength: number;
  readonly maxManifestSegments: number;
  readonly maxManifestSize: number;
  readonly symloopMax: number;
}

export interface SwiftContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly rules: AuthRules;
  /** true: account stats follow every object write (a cluster with a container-updater); false: as the local stack. */
  readonly containerUpdater: boolean;
  limits(): ClusterLimits;
}

/** One Swift request, its path split (and unquoted) and its token resolved. */
export interface Call {
  readonly req: FakeRequest;
  readonly identity: TokenIdentity | undefined;
  readonly account: string;
  readonly container?: string;
  readonly object?: string;
}

/** Expired (X-Delete-At passed): the object server answers 404 although no expirer has removed it yet. */
export function expired(ctx: SwiftContext, o: StoredObject): boolean {
  return o.deleteAt !== undefined && o.deleteAt <= ctx.clock.seconds();
}

export interface Found {
  readonly container: Container;
  readonly object: StoredObject;
}

/**
 * An object read as Swift reads it for a subrequest: authorised with the
 * container's read ACL, then 404 for a missing container, object, or an
 * expired one. The response (401/403/404) when it cannot be read.
 */
export function lookup(ctx: SwiftContext, call: Call, account: string, container: string, object: string): Found | FakeResponse {
  const c = ctx.store.container(account, container);
  const auth = authorize({
    identity: call.identity,
    method: 'HEAD',
    account,
    container,
    object,
    ...(c?.read !== undefined ? { acl: c.read } : {}),
    ...(call.req.header('referer') !== undefined ? { referer: call.req.header('referer')! } : {}),
  }, ctx.rules);
  if ('status' in auth) return auth;
  const o = c?.objects.get(object);
  if (!c || !o || expired(ctx, o)) return swiftStatus(404);
  return { container: c, object: o };
}

/** `/container/object` (as in a manifest or X-Copy-From) split at its first slash, or undefined. */
export function splitContainerObject(path: string): [string, string] | undefined {
  const p = path.replace(/^\/+/, '');
  const slash = p.indexOf('/');
  if (slash <= 0 || slash === p.length - 1) return undefined;
  return [p.slice(0, slash), p.slice(slash + 1)];
}
