// A bound on how long a call waits for a connection of the pool. undici's
// Pool keeps at most `connections` sockets to an origin and queues every call
// beyond them, with no limit on the wait: its headersTimeout starts only once
// a call is written to a socket, and an AbortSignal marks a queued call
// without taking it out of the queue (it is dropped when a socket picks it
// up). With Swift black-holed, every socket then sits out its full
// swift.headersTimeoutMs, and the calls queued behind them wait one such
// period per `connections` calls ahead: a burst of 3× the pool ended after
// 3× the timeout. With this interceptor, a call still not on a socket after
// `waitMs` fails at once with PoolWaitTimeout (the caller answers 503
// SlowDown); when a socket later picks it up, it is dropped before a byte is
// written, and the socket serves the next call. The wait covers connecting
// too: a call is "on a socket" once undici starts writing it.
// undici's own view of the gap ("request timeout does not apply while in Pool
// queue"): https://github.com/nodejs/undici/issues/341; interceptors:
// https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatchercomposeinterceptors
import type { Dispatcher } from 'undici';
import { PoolWaitTimeout } from './errors.js';

type Controller = Dispatcher.DispatchController;
type Handler = Dispatcher.DispatchHandler;

/** Stands in for undici's controller when the call failed before undici gave it one. */
function settledController(reason: Error): Controller {
  return { aborted: true, paused: false, reason, abort: () => undefined, pause: () => undefined, resume: () => undefined };
}

class WaitBoundHandler implements Handler {
  readonly #inner: Handler;
  #timer: NodeJS.Timeout | undefined;
  /** The call already failed to the caller: whatever undici says later is not theirs to hear. */
  #expired: PoolWaitTimeout | undefined;

  constructor(inner: Handler, waitMs: number, origin: string) {
    this.#inner = inner;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expired = new PoolWaitTimeout(origin, waitMs);
      this.#inner.onResponseError?.(settledController(this.#expired), this.#expired);
    }, waitMs);
    this.#timer.unref();
  }

  #settle(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#settle();
    // undici quirk: controller.abort() here destroys the socket the call was
    // given (a fresh or kept-alive connection, lost for nothing); a throw
    // from the start callback fails only the call (client-h1.js writeH1:
    // errorRequest, then the next queued call goes out on the same socket).
    // An upload's body was destroyed with the error when the call expired,
    // and undici then aborts on its own before asking us (core/request.js
    // onConnect): that connection is closed and the pool opens another.
    if (this.#expired) throw this.#expired;
    this.#inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: Parameters<NonNullable<Handler['onRequestUpgrade']>>[2], socket: Parameters<NonNullable<Handler['onRequestUpgrade']>>[3]): void {
    if (!this.#expired) this.#inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: Parameters<NonNullable<Handler['onResponseStart']>>[2], statusMessage?: string): void {
    if (!this.#expired) this.#inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (!this.#expired) this.#inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Parameters<NonNullable<Handler['onResponseEnd']>>[1]): void {
    if (!this.#expired) this.#inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.#settle();
    if (!this.#expired) this.#inner.onResponseError?.(controller, error);
  }
}

/** An interceptor (Dispatcher.compose) failing a call not on a socket within waitMs; 0: no bound. */
export function connectionWait(waitMs: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => (waitMs > 0 ? dispatch(opts, new WaitBoundHandler(handler, waitMs, String(opts.origin ?? ''))) : dispatch(opts, handler));
}
