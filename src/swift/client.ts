// A Swift API client bound to Keystone tokens. One undici Dispatcher (passed in)
// carries every call, so connections to the proxy are pooled and kept alive.
// A 401 from Swift drops the cached token and retries once with a fresh one, when
// the request body can be sent again.
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CrossAccountTarget, PoolWaitTimeout, TokenRejected, UpstreamBusy, UpstreamUnavailable, accountOfStorageUrl, accountOfSwiftPath, isConnectionError } from './errors.js';
import type { SwiftLimits } from './info.js';
import type { SwiftIdentity, SwiftToken } from './keystone.js';
import { lenientRequest } from './lenient-http.js';
import { swiftPath } from './paths.js';

export interface TokenSource {
  get(identity: SwiftIdentity): Promise<SwiftToken>;
  /** The token as cached now, if any: lets the hot path skip a promise. */
  peek?(identity: SwiftIdentity): SwiftToken | undefined;
  invalidate(identity: SwiftIdentity): void;
}

export interface SwiftCall {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'COPY';
  readonly container?: string;
  readonly object?: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** A stream is sent once; a string or Buffer may be re-sent after a 401. */
  readonly body?: Readable | Buffer | string;
}

export interface SwiftResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable;
}

export interface SwiftEvents {
  /** busy: no pooled connection was free within swift.queueTimeoutMs (the call never went out). */
  call?(method: string, status: number | 'error' | 'aborted' | 'busy', seconds: number): void;
}

export interface SwiftClientOptions {
  readonly dispatcher: Dispatcher;
  readonly tokens: TokenSource;
  /** The cluster's limits (from /info) for a storage URL. */
  readonly limits: (storageUrl: string) => Promise<SwiftLimits>;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly events?: SwiftEvents;
  readonly now?: () => number;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** What a request handler sees: Swift for one identity, recording the transaction id. */
export interface SwiftSession {
  /** Who the calls act as; undefined for an anonymous session (no token sent). */
  readonly identity?: SwiftIdentity;
  /** The Swift account the calls go to (`AUTH_<project>`), when not the identity's own. */
  readonly targetAccount?: string;
  call(call: SwiftCall): Promise<SwiftResponse>;
  /** The token's account facts (project id and user name), fetching a token if needed. */
  account(): Promise<SwiftToken>;
  /** The same when the token is cached already; undefined otherwise (then ask account()). */
  accountNow?(): SwiftToken | undefined;
  /** Limits of the Swift cluster holding this account. */
  limits(): Promise<SwiftLimits>;
  /** The storage URL of the account the calls go to. */
  location(): Promise<string>;
}

/**
 * A storage URL with its account (the last path segment) replaced: the same
 * cluster and reseller prefix, another project's account. Swift then judges
 * the call by that container's ACLs (keystoneauth's cross-tenant rules).
 */
export function storageUrlOfAccount(storageUrl: string, account: string): string {
  const url = new URL(storageUrl);
  const parts = url.pathname.replace(/\/+$/, '').split('/');
  parts[parts.length - 1] = encodeURIComponent(account);
  url.pathname = parts.join('/');
  return url.toString().replace(/\/+$/, '');
}

/** An anonymous session has no token and so no account facts. */
export class NoIdentity extends Error {
  constructor() {
    super('An anonymous Swift session has no token');
    this.name = 'NoIdentity';
  }
}

export interface TransactionSink {
  transId: string;
  /** X-Trans-Id-Extra from the client, forwarded for log correlation. */
  readonly transIdExtra?: string;
}

export class SwiftClient {
  readonly #opts: SwiftClientOptions;
  readonly #now: () => number;

  constructor(opts: SwiftClientOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Swift as one identity. With `targetAccount`, the calls go to that account
   * with the identity's own token, so Swift decides by the container's ACLs
   * whether this identity may do them.
   */
  session(identity: SwiftIdentity, sink: TransactionSink, targetAccount?: string): SwiftSession {
    return {
      identity,
      targetAccount,
      call: (call) => this.call(identity, call, sink, targetAccount),
      account: () => this.#opts.tokens.get(identity),
      accountNow: () => this.#opts.tokens.peek?.(identity),
      limits: async () => this.#opts.limits((await this.#opts.tokens.get(identity)).storageUrl),
      location: async () => {
        const own = (await this.#opts.tokens.get(identity)).storageUrl;
        return targetAccount === undefined ? own : storageUrlOfAccount(own, targetAccount);
      },
    };
  }

  /**
   * Swift with no token at all, on `targetAccount` of the cluster that
   * `storageUrl` (any account's) names: only what the container's ACLs grant
   * everyone (`.r:*`, `.rlistings`) is allowed, and Swift enforces it.
   */
  anonymousSession(storageUrl: () => Promise<string>, targetAccount: string, sink: TransactionSink): SwiftSession {
    return {
      targetAccount,
      call: async (call) => this.#send({ storageUrl: storageUrlOfAccount(await storageUrl(), targetAccount) }, call, sink),
      account: () => Promise.reject(new NoIdentity()),
      limits: async () => this.#opts.limits(await storageUrl()),
      location: async () => storageUrlOfAccount(await storageUrl(), targetAccount),
    };
  }

  async call(identity: SwiftIdentity, call: SwiftCall, sink: TransactionSink, targetAccount?: string): Promise<SwiftResponse> {
    const replayable = !(call.body instanceof Readable);
    const at = (token: SwiftToken) => (targetAccount === undefined ? token : { token: token.token, storageUrl: storageUrlOfAccount(token.storageUrl, targetAccount) });
    let token = await this.#opts.tokens.get(identity);
    let response = await this.#send(at(token), call, sink);
    if (response.status === 401) {
      // Also on another account a 401 means a stale token: keystoneauth
      // answers a valid token it does not grant with 403.
      await discard(response);
      this.#opts.tokens.invalidate(identity);
      if (!replayable) throw new TokenRejected();
      token = await this.#opts.tokens.get(identity);
      response = await this.#send(at(token), call, sink);
    }
    return response;
  }

  async #send(target: { readonly token?: string; readonly storageUrl: string }, call: SwiftCall, sink: TransactionSink): Promise<SwiftResponse> {
    const url = new URL(target.storageUrl);
    const headers: Record<string, string> = target.token === undefined ? {} : { 'x-auth-token': target.token };
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value !== undefined) headers[name] = value;
    }
    if (sink.transIdExtra) headers['x-trans-id-extra'] = sink.transIdExtra;
    const started = this.#now();
    const path = swiftPath(url.pathname, call.container, call.object, call.query);
    let data: Pick<Dispatcher.ResponseData, 'statusCode' | 'headers' | 'body'> | { statusCode: number; headers: Record<string, string>; body: Readable };
    try {
      data = await this.#opts.dispatcher.request({
        origin: url.origin,
        path,
        method: call.method,
        headers,
        body: call.body ?? null,
        headersTimeout: this.#opts.headersTimeoutMs,
        bodyTimeout: this.#opts.bodyTimeoutMs,
      });
    } catch (err) {
      if ((err as Error).name === 'HTTPParserError' && (call.method === 'GET' || call.method === 'HEAD')) {
        // Swift quirk: see lenient-http.ts (s3api's `=5F` metadata names).
        data = await lenientRequest({ origin: url.origin, path, method: call.method, headers, timeoutMs: this.#opts.headersTimeoutMs }).catch((e: unknown) => {
          throw isConnectionError(e) ? new UpstreamUnavailable('swift', `Swift is unreachable: ${(e as Error).message}`, { cause: e }) : e;
        });
      } else {
        // Not a network error: the call failed on our side, mostly because its
        // request body did (the client went away or stalled, a checksum did
        // not match). Swift is fine; it is not counted as a Swift error.
        const upstream = isConnectionError(err);
        this.#opts.events?.call?.(call.method, err instanceof PoolWaitTimeout ? 'busy' : upstream ? 'error' : 'aborted', (this.#now() - started) / 1000);
        if (err instanceof PoolWaitTimeout) {
          throw new UpstreamBusy(`Every connection to Swift is busy: ${err.message}`, { cause: err });
        }
        if (upstream) {
          throw new UpstreamUnavailable('swift', `Swift is unreachable: ${(err as Error).message}`, { cause: err });
        }
        throw err;
      }
    }
    this.#opts.events?.call?.(call.method, data.statusCode, (this.#now() - started) / 1000);
    const responseHeaders = flattenHeaders(data.headers);
    const transId = responseHeaders['x-trans-id'] ?? responseHeaders['x-openstack-request-id'];
    if (transId) sink.transId = transId;
    const response = { status: data.statusCode, headers: responseHeaders, body: data.body };
    // Swift followed a symlink: its Content-Location names the target. One in
    // another account is never served, whatever the token could reach.
    const location = responseHeaders['content-location'];
    if (location !== undefined && accountOfSwiftPath(location) !== accountOfStorageUrl(url.pathname)) {
      await discard(response);
      throw new CrossAccountTarget(location);
    }
    return response;
  }
}

/** Reads a small Swift response body (listings, errors) as text. */
export async function readText(response: SwiftResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const ignore = () => {};

/**
 * Releases a response body that will not be read: destroyed at once, so its
 * connection is closed and freed instead of held until the body timeout. The
 * abort error this raises on the stream has nobody to tell.
 */
export function release(response: SwiftResponse): void {
  response.body.on('error', ignore);
  response.body.destroy();
}

/** Discards a response body so the connection can be reused. */
export async function discard(response: SwiftResponse): Promise<void> {
  response.body.resume();
  await new Promise<void>((resolve) => {
    if (response.body.readableEnded || response.body.destroyed) return resolve();
    response.body.once('end', resolve);
    response.body.once('close', resolve);
    response.body.once('error', () => resolve());
  });
}
