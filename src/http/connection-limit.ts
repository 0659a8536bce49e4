// listen.maxConnectionsPerClient: how many connections one client address may
// hold open. Each slow upload holds a connection here and one to Swift (from a
// pool shared by everyone), so one address must not take them all.
//
// A connection over the limit is still accepted: its first request is answered
// 503 SlowDown and the connection is closed (pipeline.ts). Every S3 SDK and
// tool backs off and retries on SlowDown (it is S3's own throttling answer),
// whereas a connection refused or reset at accept reads as a network failure
// (a PUT then fails with EPIPE/ECONNRESET mid-body, and some clients do not
// retry it, or retry at once without backing off).
import type { Socket } from 'node:net';

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack listener) and `10.0.0.1` are one client. */
export function clientAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class ConnectionLimit {
  readonly #limit: number;
  readonly #open = new Map<string, number>();
  readonly #over = new WeakSet<Socket>();
  readonly #onOver: (client: string) => void;

  /** limit 0: no limit. onOver is told of each connection over the limit. */
  constructor(limit: number, onOver: (client: string) => void = () => {}) {
    this.#limit = limit;
    this.#onOver = onOver;
  }

  /** Counts a new connection until it closes; marks it when its address is over the limit. */
  track(socket: Socket): void {
    if (this.#limit <= 0) return;
    const client = clientAddress(socket);
    const open = (this.#open.get(client) ?? 0) + 1;
    this.#open.set(client, open);
    if (open > this.#limit) {
      this.#over.add(socket);
      this.#onOver(client);
    }
    socket.once('close', () => {
      const left = (this.#open.get(client) ?? 1) - 1;
      if (left <= 0) this.#open.delete(client);
      else this.#open.set(client, left);
    });
  }

  /** False for a connection that was over the limit when it was opened. */
  admits(socket: Socket | null | undefined): boolean {
    return !socket || !this.#over.has(socket);
  }

  /** Open connections of one address (for tests and diagnostics). */
  openFrom(client: string): number {
    return this.#open.get(client) ?? 0;
  }
}
