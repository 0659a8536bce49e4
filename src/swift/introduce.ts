// Showing a new token to Swift once, before it is used. Swift's authtoken
// middleware validates a token it has not cached with Keystone, and does so
// for EVERY request that arrives before the first validation finished: 200
// concurrent first requests on a brand-new token were 150–185 validations in
// Keystone's log and a p99 of 11–26 s here (issue 21's cold start). One HEAD
// of the token's own account, alone, makes authtoken validate it once and
// cache it (memcached, shared by every proxy worker); the burst that follows
// finds it there. Whatever Swift answers (even 403: the validation is done by
// then), the token is used; a slow or failing Swift only bounds the wait.
import type { Dispatcher } from 'undici';
import type { SwiftToken } from './keystone-token.js';

export interface IntroduceOptions {
  readonly dispatcher: Dispatcher;
  /** Longest wait for Swift's answer before the token is handed out anyway. */
  readonly timeoutMs: number;
  /** Swift's answer, for the call metrics (status 0: no answer). */
  readonly onAnswer?: (status: number, seconds: number) => void;
}

export function tokenIntroducer(opts: IntroduceOptions): (token: SwiftToken) => Promise<void> {
  return async (token) => {
    const url = new URL(token.storageUrl);
    const started = performance.now();
    let status = 0;
    try {
      const res = await opts.dispatcher.request({
        origin: url.origin, path: url.pathname, method: 'HEAD', headers: { 'x-auth-token': token.token },
        headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, signal: AbortSignal.timeout(opts.timeoutMs),
      });
      status = res.statusCode;
      await res.body.dump();
    } catch {
      // Unreachable or slow: the requests themselves will say so.
    } finally {
      opts.onAnswer?.(status, (performance.now() - started) / 1000);
    }
  };
}
