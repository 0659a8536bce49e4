// Counts the body bytes of one HTTP exchange as they pass through node's
// streams, without changing how the handler reads or writes them.
// Headers, chunked framing and bodies node discards are not counted.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BodyBytes {
  /** Request body bytes the gateway has read so far. */
  readonly received: number;
  /** Response body bytes handed to node so far. */
  readonly sent: number;
}

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/** Starts counting; read the returned object once the response has ended. */
export function countBodyBytes(incoming: IncomingMessage, outgoing: ServerResponse): BodyBytes {
  const counts = { received: 0, sent: 0 };

  // A 'data' listener added with on() would switch the request into flowing
  // mode before the handler reads it. prependListener is EventEmitter's own and
  // does not: it only observes the chunks, whichever way the handler consumes
  // them (pipe, read(), async iteration all emit 'data').
  incoming.prependListener('data', (chunk: Buffer | string) => {
    counts.received += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  });

  // node drops the body of HEAD, 204 and 304 responses; so does the count.
  const hasBody = () => incoming.method !== 'HEAD' && outgoing.statusCode !== 204 && outgoing.statusCode !== 304;
  // end(chunk) writes through an internal function, not this.write, so each
  // byte is counted once.
  const write = outgoing.write;
  outgoing.write = function (this: ServerResponse, ...args: unknown[]): boolean {
    if (hasBody()) counts.sent += byteLength(args[0], args[1]);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof outgoing.write;
  const end = outgoing.end;
  outgoing.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (typeof args[0] !== 'function' && hasBody() && !this.writableEnded) counts.sent += byteLength(args[0], args[1]);
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof outgoing.end;

  return counts;
}
