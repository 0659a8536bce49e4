// The request body as the pipeline hands it to an operation: not read before
// the request is accepted, cut off when the client goes quiet, and, when it
// fails, saying whether the client went away or stalled, so neither is ever
// taken for a Swift failure. The HTTP side of the gateway; operations see a
// plain Readable.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { s3Error } from '../s3/errors.js';

/**
 * The client closed or reset its connection before its request body ended.
 * Deliberately without the socket error as its cause: an ECONNRESET in the
 * chain would read as "Swift unreachable" to swift/errors.ts.
 */
export class ClientGone extends Error {
  constructor(detail?: string) {
    super(`the client closed the connection before the request body ended${detail ? ` (${detail})` : ''}`);
    this.name = 'ClientGone';
  }
}

/** How long the rest of a refused body may take to arrive when no idle limit is set. */
const DISCARD_IDLE_MS = 30_000;

export interface BodyOptions {
  /** Longest wait for the next byte while the gateway is reading (0: no limit). */
  readonly idleTimeoutMs: number;
  readonly now?: () => number;
}

export interface RequestBody {
  readonly stream: Readable;
  /** Why the body failed, once it has: a ClientGone, or S3's RequestTimeout for a stalled client. */
  failure(): Error | undefined;
  /**
   * For an answer given while the body was being read (a browser upload whose
   * policy failed after its fields, an upload Swift refused midway): reads and
   * drops the rest, when its Content-Length says it is at most maxBytes, so
   * the connection stays usable. Closing it instead with bytes still arriving
   * makes the kernel reset it, and a client still sending (curl, browsers)
   * then loses the answer. False when the body was never started (a refusal
   * before reading closes the connection), failed (stalled, cut), is too
   * long, or has no length.
   */
  discardRest(maxBytes: number): boolean;
}

/**
 * Pulls from node's IncomingMessage on demand, the way pipe() would, and adds
 * what pipe() lacks: the source's errors and early close become this stream's
 * (as ClientGone), and a client that sends nothing for idleTimeoutMs while we
 * wait for it fails the stream with RequestTimeout. Destroying this stream
 * never destroys the socket: the pipeline still answers on it.
 */
class IncomingBody extends Readable {
  readonly #src: IncomingMessage;
  readonly #idleMs: number;
  readonly #now: () => number;
  #started = false;
  #lastData = 0;
  #received = 0;
  #timer: NodeJS.Timeout | undefined;
  failure: Error | undefined;

  constructor(src: IncomingMessage, opts: BodyOptions) {
    super();
    this.#src = src;
    this.#idleMs = opts.idleTimeoutMs;
    this.#now = opts.now ?? Date.now;
    src.on('error', this.#onSourceError);
    src.on('close', this.#onSourceClose);
    // A failure nobody reads any more (the request was answered already) must
    // not become an uncaught 'error'.
    this.on('error', () => undefined);
  }

  override _read(): void {
    if (!this.#started) {
      this.#started = true;
      this.#lastData = this.#now();
      this.#src.on('data', this.#onData);
      this.#src.on('end', this.#onEnd);
      this.#arm(this.#idleMs);
    }
    this.#src.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#stop();
    callback(err);
  }

  #onData = (chunk: Buffer) => {
    this.#lastData = this.#now();
    this.#received += chunk.length;
    if (!this.push(chunk)) this.#src.pause();
  };

  discardRest(maxBytes: number): boolean {
    const src = this.#src;
    const declared = Number(src.headers['content-length'] ?? Number.NaN);
    if (!this.#started || this.failure || src.complete || src.destroyed || !Number.isSafeInteger(declared) || declared - this.#received > maxBytes) return false;
    this.#stop();
    this.destroy();
    // Flowing with no 'data' listener: node reads the rest and drops it. A
    // client that stops sending it loses the connection after the idle limit.
    const stalled = setTimeout(() => src.socket?.destroy(), this.#idleMs > 0 ? this.#idleMs : DISCARD_IDLE_MS);
    stalled.unref();
    src.once('end', () => clearTimeout(stalled)).once('close', () => clearTimeout(stalled));
    src.resume();
    return true;
  }

  #onEnd = () => {
    this.#stop();
    this.push(null);
  };

  #onSourceError = (err: Error) => this.#fail(new ClientGone(err.message));

  #onSourceClose = () => {
    if (!this.#src.complete) this.#fail(new ClientGone());
  };

  #fail(err: Error): void {
    if (this.failure || this.destroyed || this.readableEnded) return;
    this.failure = err;
    this.destroy(err);
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const src = this.#src;
    src.off('data', this.#onData).off('end', this.#onEnd).off('error', this.#onSourceError).off('close', this.#onSourceClose);
    // Left flowing without a 'data' listener, the rest would be read and lost;
    // paused, it stays in the socket (the connection closes after the answer).
    if (!src.complete) src.pause();
  }

  #arm(ms: number): void {
    if (this.#idleMs <= 0) return;
    this.#timer = setTimeout(this.#check, ms);
    this.#timer.unref();
  }

  /**
   * Idle means: nothing arrived for idleMs while nothing was left to pass on.
   * Bytes waiting, in node's buffer or in ours, mean the gateway is the slow
   * side (Swift applies backpressure): that time is not the client's, and its
   * clock starts again once the backlog is gone.
   */
  #check = () => {
    this.#timer = undefined;
    if (this.destroyed || this.#src.complete) return;
    if (this.#src.readableLength > 0 || this.readableLength > 0) {
      this.#lastData = this.#now();
      return this.#arm(this.#idleMs);
    }
    const quiet = this.#now() - this.#lastData;
    if (quiet < this.#idleMs) return this.#arm(this.#idleMs - quiet);
    this.#fail(s3Error('RequestTimeout', {}, 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.'));
  };
}

/**
 * The body of an accepted request. A body that has fully arrived already (all
 * requests without one, and small uploads) is handed on as it is: there is
 * nothing left to wait for.
 */
export function requestBody(incoming: IncomingMessage, opts: BodyOptions): RequestBody {
  if (incoming.complete) return { stream: incoming, failure: () => undefined, discardRest: () => false };
  const stream = new IncomingBody(incoming, opts);
  return { stream, failure: () => stream.failure, discardRest: (maxBytes) => stream.discardRest(maxBytes) };
}
