// Failures of the Swift/Keystone side that callers must tell apart.

/** Keystone or Swift could not be reached or answered 5xx: the client should retry. */
export class UpstreamUnavailable extends Error {
  constructor(readonly service: 'keystone' | 'swift', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamUnavailable';
  }
}

/**
 * Every connection of the pool to Swift was busy for longer than
 * swift.queueTimeoutMs: the gateway is at its configured concurrency (or
 * Swift holds every connection without answering). S3's answer to "too many
 * requests now" is 503 SlowDown, which every SDK backs off and retries.
 */
export class UpstreamBusy extends UpstreamUnavailable {
  constructor(message: string, options?: { cause?: unknown }) {
    super('swift', message, options);
    this.name = 'UpstreamBusy';
  }
}

/** A call that found no free pooled connection within its wait (swift/connection-wait.ts). */
export class PoolWaitTimeout extends Error {
  readonly code = 'S3GW_POOL_WAIT_TIMEOUT';
  constructor(readonly origin: string, readonly waitMs: number) {
    super(`no connection to ${origin} was free within ${waitMs} ms`);
    this.name = 'PoolWaitTimeout';
  }
}

/** Keystone refused the identity (wrong password, disabled user, no role on the project). */
export class IdentityRejected extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'IdentityRejected';
  }
}

/**
 * Swift answered a call with a status that call does not expect. Raised by the
 * typed Swift layer (store.ts) for every such answer, with the body already
 * released; operations translate it to an S3 error through their family's
 * status table. `detail` holds the start of a short error text (a 400's
 * reason), `reason` what the layer recognised in it.
 */
export class SwiftError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly container: string | undefined,
    readonly object: string | undefined,
    readonly detail = '',
    readonly reason?: 'segment',
  ) {
    super(`Swift answered ${status} to ${method} ${container ?? '(account)'}${object === undefined ? '' : '/' + object}${detail ? `: ${detail.slice(0, 200)}` : ''}`);
    this.name = 'SwiftError';
  }
}

/** A Swift token was refused (401) for a request whose body cannot be sent twice. */
export class TokenRejected extends Error {
  constructor() {
    super('Swift refused the cached token and the request body cannot be replayed');
    this.name = 'TokenRejected';
  }
}

/**
 * Swift answered with an object that lives in another account (a symlink with
 * X-Symlink-Target-Account, followed by Swift: its Content-Location names the
 * target). The gateway never serves such an object, whatever token it used.
 */
export class CrossAccountTarget extends Error {
  constructor(readonly location: string) {
    super('Swift resolved the object into another account');
    this.name = 'CrossAccountTarget';
  }
}

function decoded(segment: string | undefined): string | undefined {
  if (segment === undefined || segment === '') return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The account (`AUTH_x`) of a path as Swift's middlewares write it: `/v1/<account>/...`. */
export function accountOfSwiftPath(path: string): string | undefined {
  return decoded(path.split('/')[2]);
}

/** The account of a storage URL's path: its last segment (the URL may sit under a path prefix). */
export function accountOfStorageUrl(pathname: string): string | undefined {
  return decoded(pathname.replace(/\/+$/, '').split('/').pop());
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'S3GW_POOL_WAIT_TIMEOUT',
]);

/** True for network-level errors of undici/node that mean "the service is not there right now". */
export function isConnectionError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
