// The fake as an undici Dispatcher, so the gateway's own clients (SwiftClient,
// KeystoneTokens, KeystoneEc2, SwiftInfo) run against it in-process, with no
// socket. It speaks both handler protocols undici 7 uses: the classic one
// (onConnect / onHeaders / onData / onComplete / onError, what
// `dispatcher.request()` passes: lib/api/api-request.js) and the controller
// one (onRequestStart / onResponseStart / ...). Failures look like undici's:
// ECONNREFUSED and ECONNRESET as node's socket errors, a cut body as
// `read ECONNRESET` or SocketError('other side closed'), HeadersTimeoutError.
import { Readable } from 'node:stream';
import { Dispatcher, errors } from 'undici';
import type { FakeSwift } from './fake.js';
import { reason } from './responses.js';
import { FakeRequest } from './types.js';

const CHUNK = 64 * 1024;

/** One handler, whichever protocol it speaks. */
interface Sink {
  start(abort: (reason?: Error) => void): void;
  headers(status: number, headers: readonly (readonly [string, string])[], resume: () => void, statusText: string): boolean;
  data(chunk: Buffer): boolean;
  complete(): void;
  error(err: Error): void;
}

function sinkOf(handler: Dispatcher.DispatchHandler): Sink {
  if (typeof handler.onRequestStart === 'function') {
    let paused = false;
    let resumeFn: () => void = () => {};
    let abortFn: (reason?: Error) => void = () => {};
    let aborted = false;
    let why: Error | null = null;
    const controller = {
      abort(reason?: Error) { aborted = true; why = reason ?? null; abortFn(reason); },
      pause() { paused = true; },
      resume() { if (paused) { paused = false; resumeFn(); } },
      get paused() { return paused; },
      get aborted() { return aborted; },
      get reason() { return why; },
    } as unknown as Dispatcher.DispatchController;
    return {
      start(abort) { abortFn = abort; handler.onRequestStart!(controller, {}); },
      headers(status, headers, resume, statusText) {
        resumeFn = resume;
        const obj: Record<string, string | string[]> = {};
        for (const [n, v] of headers) {
          const k = n.toLowerCase();
          const prev = obj[k];
          obj[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        handler.onResponseStart?.(controller, status, obj, statusText);
        return !paused;
      },
      data(chunk) { handler.onResponseData?.(controller, chunk); return !paused; },
      complete() { handler.onResponseEnd?.(controller, {}); },
      error(err) { handler.onResponseError?.(controller, err); },
    };
  }
  return {
    start(abort) { handler.onConnect?.(abort); },
    headers(status, headers, resume, statusText) {
      const raw: Buffer[] = [];
      for (const [n, v] of headers) raw.push(Buffer.from(n, 'latin1'), Buffer.from(v, 'latin1'));
      return handler.onHeaders?.(status, raw, resume, statusText) !== false;
    },
    data(chunk) { return handler.onData?.(chunk) !== false; },
    complete() { handler.onComplete?.([]); },
    error(err) {
      if (!handler.onError) throw err;
      handler.onError(err);
    },
  };
}

/** undici's headers option in any of its forms, as [name, value] pairs. */
function headerPairs(headers: Dispatcher.DispatchOptions['headers']): [string, string][] {
  const out: [string, string][] = [];
  if (!headers) return out;
  const push = (n: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) for (const x of v) out.push([n, String(x)]);
    else out.push([n, String(v)]);
  };
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) push(String(headers[i]), headers[i + 1]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function' && !(headers.constructor === Object)) {
    for (const [n, v] of headers as Iterable<[string, string | string[] | undefined]>) push(n, v);
  } else {
    for (const [n, v] of Object.entries(headers)) push(n, v);
  }
  return out;
}

async function readBody(body: Dispatcher.DispatchOptions['body']): Promise<{ bytes: Buffer; streamed: boolean }> {
  if (body === undefined || body === null) return { bytes: Buffer.alloc(0), streamed: false };
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), streamed: false };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength), streamed: false };
  if (body instanceof Readable || typeof (body as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return { bytes: Buffer.concat(chunks), streamed: true };
  }
  throw new errors.InvalidArgumentError('the fake Swift takes a string, Buffer, Uint8Array or stream body');
}

function connectionError(code: 'ECONNREFUSED' | 'ECONNRESET' | 'ENOTFOUND', url: URL): Error {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (code === 'ECONNREFUSED') return Object.assign(new Error(`connect ECONNREFUSED ${url.hostname}:${port}`), { errno: -111, code, syscall: 'connect', address: url.hostname, port });
  if (code === 'ENOTFOUND') return Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { errno: -3008, code, syscall: 'getaddrinfo', hostname: url.hostname });
  return Object.assign(new Error('read ECONNRESET'), { errno: -104, code, syscall: 'read' });
}

export class FakeDispatcher extends Dispatcher {
  readonly #fake: FakeSwift;
  #closed = false;
  #destroyed = false;
  readonly #inFlight = new Set<(err: Error) => void>();
  readonly #idle: (() => void)[] = [];

  constructor(fake: FakeSwift) {
    super();
    this.#fake = fake;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const sink = sinkOf(handler);
    if (this.#destroyed || this.#closed) {
      queueMicrotask(() => sink.error(this.#destroyed ? new errors.ClientDestroyedError() : new errors.ClientClosedError()));
      return false;
    }
    void this.#run(opts, sink);
    return true;
  }

  async #run(opts: Dispatcher.DispatchOptions, sink: Sink): Promise<void> {
    let done = false;
    let abortReason: Error | undefined;
    let wake: (() => void) | undefined;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      this.#inFlight.delete(kill);
      if (err) sink.error(err);
      if (this.#inFlight.size === 0) for (const f of this.#idle.splice(0)) f();
    };
    const kill = (err: Error) => { abortReason = err; wake?.(); finish(err); };
    this.#inFlight.add(kill);
    await Promise.resolve();
    sink.start((r) => kill(r ?? new errors.RequestAbortedError()));
    if (done) return;
    try {
      const origin = new URL(String(opts.origin ?? ''));
      const service = this.#fake.serviceOf(origin.origin);
      if (!service) return finish(connectionError('ENOTFOUND', origin));
      if (typeof opts.path !== 'string' || !opts.path.startsWith('/')) throw new errors.InvalidArgumentError('path must be an absolute URL or start with a slash');
      let path = opts.path;
      if (opts.query) path += (path.includes('?') ? '&' : '?') + new URLSearchParams(opts.query as Record<string, string>).toString();
      const headers = headerPairs(opts.headers);
      const { bytes, streamed } = await readBody(opts.body);
      if (done) return;
      // What undici puts on the wire besides the caller's headers (lib/dispatcher/client-h1.js writeH1):
      // host; a Content-Length from the body itself (a null body is 0, sent for PUT/POST/PATCH), the
      // caller's only for a stream (else chunked); a mismatch fails the request.
      const method = String(opts.method).toUpperCase();
      const expectsPayload = method === 'PUT' || method === 'POST' || method === 'PATCH';
      const declaredAt = headers.findIndex(([n]) => n.toLowerCase() === 'content-length');
      const declared = declaredAt >= 0 ? Number(headers[declaredAt]![1]) : undefined;
      if (declaredAt >= 0) headers.splice(declaredAt, 1);
      let length: number | undefined = streamed ? declared : bytes.length;
      if (length === 0 && !expectsPayload) length = undefined;
      if (declared !== undefined && ((streamed && declared !== bytes.length) || (!streamed && length !== undefined && length > 0 && declared !== length))) {
        throw new errors.RequestContentLengthMismatchError();
      }
      if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.unshift(['host', origin.host]);
      if (length !== undefined) headers.push(['content-length', String(length)]);
      else if (streamed) headers.push(['transfer-encoding', 'chunked']);
      const req = new FakeRequest(service, method, path, headers, bytes);
      const timeout = opts.headersTimeout ?? 300_000;
      const outcome = await this.#fake.handle(req, { headersTimeoutMs: timeout === 0 ? undefined : timeout });
      if (done) return;
      if (outcome.kind === 'timeout') return finish(new errors.HeadersTimeoutError());
      if (outcome.kind === 'error') return finish(connectionError(outcome.code, origin));
      const res = outcome.response;
      const headerList: [string, string][] = [...res.headers];
      if (!res.noContentLength) headerList.push(['Content-Length', String(res.contentLength ?? res.body.length)]);
      let paused = false;
      const resume = () => { paused = false; wake?.(); };
      paused = !sink.headers(res.status, headerList, resume, reason(res.status));
      const body = req.method === 'HEAD' ? Buffer.alloc(0) : res.body;
      const end = res.cutAfter === undefined ? body.length : Math.min(res.cutAfter, body.length);
      for (let at = 0; at < end && !done; at += CHUNK) {
        while (paused && !done) await new Promise<void>((r) => (wake = r));
        if (done) return;
        // Give the reader a turn between chunks, as a socket would.
        await new Promise<void>((r) => setImmediate(r));
        if (done) return;
        paused = !sink.data(body.subarray(at, Math.min(at + CHUNK, end)));
      }
      if (done) return;
      if (res.cutAfter !== undefined && res.cutAfter < body.length) {
        // The bytes before the cut reach the reader first, as they would over a network.
        await new Promise<void>((r) => setTimeout(r, 5));
        if (done) return;
        return finish(outcome.cutWith === 'UND_ERR_SOCKET' ? new errors.SocketError('other side closed') : connectionError('ECONNRESET', origin));
      }
      done = true;
      this.#inFlight.delete(kill);
      sink.complete();
      if (this.#inFlight.size === 0) for (const f of this.#idle.splice(0)) f();
    } catch (err) {
      if (!done) finish(abortReason ?? (err as Error));
    }
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    const idle = this.#inFlight.size === 0 ? Promise.resolve() : new Promise<void>((r) => this.#idle.push(r));
    if (callback) void idle.then(callback);
    else return idle;
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' || !a ? new errors.ClientDestroyedError() : a;
    const callback = typeof a === 'function' ? a : b;
    this.#destroyed = true;
    this.#closed = true;
    for (const kill of [...this.#inFlight]) kill(err);
    if (callback) queueMicrotask(callback);
    else return Promise.resolve();
  }
}
