// A TCP relay in front of a real service, which a test can stop and start again
// on the same port (the service "goes away" for one gateway without touching
// the shared stack), and switch at any moment between these network moods:
//   pass()      bytes flow as they come;
//   delay(ms)   every chunk, in both directions, is forwarded ms after the
//               previous one of its direction left (a slow link: latency that
//               also caps throughput), in order;
//   blackhole() connections are still accepted, but every byte is swallowed:
//               nothing is answered and nothing is closed by the relay, which
//               is what a network dropping packets looks like to a client.
//   freeze()    nothing is read any more: the sender's writes block once the
//               socket buffers are full, as when the peer's process hangs or
//               every packet is dropped before it is acknowledged. pass()
//               delivers what was held: nothing is lost.
// A connection that swallowed a byte stays dead after pass(): its request is
// lost midway, as on a real path whose state (a NAT or firewall entry) is gone;
// only the client giving up (closing) ends it, and then Swift's side is cut
// too. Connections that saw no byte while black-holed carry on.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Direction = 'up' | 'down';

export interface BlackholeOptions {
  /**
   * Black-holes only once this many more bytes went `direction` ('up': to the
   * service, 'down': back to the client; any connection, or the one of
   * `request`), the chunk that crosses it cut there: "mid-body" without racing
   * a timer.
   */
  readonly afterBytes?: number;
  readonly direction?: Direction;
  /**
   * Counts from the start of the next request whose `METHOD /path` (as sent,
   * percent-encoded) matches, on its connection only ('down': from the start
   * of its answer).
   */
  readonly request?: RegExp;
  /** 'connection': only the connection where it began dies (or stays frozen); the network stays as it is. */
  readonly scope?: 'all' | 'connection';
}

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted since the relay was made. */
  readonly connections: number;
  /** Client connections open now (dead ones included, until their client closes them). */
  readonly open: number;
  /** Bytes swallowed by the black hole, both directions. */
  readonly swallowed: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Forwards every chunk ms after the previous one of its direction. */
  delay(ms: number): void;
  /** Swallows every byte from now on (or after `afterBytes`); resolves once black-holing began. */
  blackhole(opts?: BlackholeOptions): Promise<void>;
  /** Stops reading (from now on, or after `afterBytes`); resolves once frozen. */
  freeze(opts?: BlackholeOptions): Promise<void>;
  /** Back to forwarding at once (dead connections, and ones frozen alone, stay so). */
  pass(): void;
}

type Mood = { readonly kind: 'pass' } | { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'blackhole' } | { readonly kind: 'freeze' };

interface Armed {
  remaining: number;
  readonly direction: Direction;
  readonly request?: RegExp;
  readonly scope: 'all' | 'connection';
  readonly effect: 'blackhole' | 'freeze';
  /** The connection `request` was seen on. */
  on?: number;
  readonly began: () => void;
}

const REQUEST_LINE = /(?:^|\r\n)([A-Z]+) (\S+) HTTP\/1\.1\r\n/g;

/** Where in chunk the first request line matching `match` starts, or -1. */
function requestStart(chunk: Buffer, match: RegExp): number {
  for (const m of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
    if (match.test(`${m[1]} ${m[2]}`)) return m.index + (m[0].startsWith('\r\n') ? 2 : 0);
  }
  return -1;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let connections = 0;
  let open = 0;
  let swallowed = 0;
  let mood: Mood = { kind: 'pass' };
  let armed: Armed | undefined;
  /** Every open connection's way to stop reading (a freeze of all) and to start again. */
  const controls = new Set<{ readonly halt: () => void; readonly thaw: () => void }>();

  const relay = (client: Socket) => {
    const id = ++connections;
    open++;
    const upstream = connect(targetPort, targetHost);
    let dead = false;
    /** Frozen on its own (scope 'connection'): pass() does not thaw it. */
    let frozenAlone = false;
    const held: Record<Direction, Buffer[]> = { up: [], down: [] };
    const ends: Record<Direction, Socket> = { up: upstream, down: client };
    const halt = () => {
      client.pause();
      upstream.pause();
    };
    const frozen = () => frozenAlone || mood.kind === 'freeze';
    // Per direction: the chain of chunks still waiting for their turn (delay).
    const queues: Record<Direction, Promise<void>> = { up: Promise.resolve(), down: Promise.resolve() };
    const pending: Record<Direction, number> = { up: 0, down: 0 };

    const swallow = (bytes: number) => {
      dead = true;
      swallowed += bytes;
    };
    const write = (to: Socket, chunk: Buffer) => {
      if (dead || mood.kind === 'blackhole') return swallow(chunk.length);
      if (frozen()) return void held[to === upstream ? 'up' : 'down'].push(chunk);
      if (!to.destroyed) to.write(chunk);
    };
    const forward = (direction: Direction, to: Socket, input: Buffer) => {
      let chunk = input;
      if (dead || mood.kind === 'blackhole') return swallow(chunk.length);
      if (frozen()) return void held[direction].push(Buffer.from(chunk));
      // A request to wait for is looked for in what goes up; bytes are then counted on its connection.
      let from = 0;
      if (armed?.request && armed.on === undefined) {
        from = direction === 'up' ? requestStart(chunk, armed.request) : -1;
        if (from >= 0) armed.on = id;
        if (armed.direction === 'down') from = -1;
      }
      if (armed && armed.direction === direction && from >= 0 && (armed.on === undefined || armed.on === id)) {
        if (chunk.length - from >= armed.remaining) {
          const through = chunk.subarray(0, from + armed.remaining);
          const trigger = armed;
          armed = undefined;
          if (through.length > 0) forward(direction, to, through);
          const rest = chunk.subarray(through.length);
          if (trigger.effect === 'freeze') {
            if (trigger.scope === 'all') freezeAll();
            else {
              frozenAlone = true;
              halt();
            }
            if (rest.length > 0) held[direction].push(Buffer.from(rest));
          } else {
            if (trigger.scope === 'all') mood = { kind: 'blackhole' };
            swallow(rest.length);
          }
          return trigger.began();
        }
        armed.remaining -= chunk.length - from;
      }
      if (mood.kind === 'pass' && pending[direction] === 0) return write(to, chunk);
      const wait = mood.kind === 'delay' ? mood.ms : 0;
      pending[direction]++;
      chunk = Buffer.from(chunk);
      queues[direction] = queues[direction].then(async () => {
        if (wait > 0) await sleep(wait);
        pending[direction]--;
        write(to, chunk);
      });
    };

    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    const thaw = () => {
      if (frozenAlone || dead) return;
      for (const direction of ['up', 'down'] as const) {
        for (const chunk of held[direction].splice(0)) forward(direction, ends[direction], chunk);
      }
      client.resume();
      upstream.resume();
    };
    const control = { halt, thaw };
    controls.add(control);
    if (mood.kind === 'freeze') halt();
    client.on('close', () => {
      open--;
      sockets.delete(client);
      controls.delete(control);
      upstream.destroy();
    });
    // The service hanging up reaches the client after the bytes it sent
    // before (delayed as they are), and never through the black hole. The
    // client hanging up cuts the service at once, bytes still queued dropped:
    // a request the client gave up on is never completed behind its back.
    upstream.on('close', () => {
      sockets.delete(upstream);
      void queues.down.then(() => {
        if (!dead && !frozen() && mood.kind !== 'blackhole') client.destroy();
      });
    });
    client.on('data', (chunk: Buffer) => forward('up', upstream, chunk));
    upstream.on('data', (chunk: Buffer) => forward('down', client, chunk));
  };

  const freezeAll = () => {
    mood = { kind: 'freeze' };
    for (const c of controls) c.halt();
  };
  const arm = (effect: Armed['effect'], opts: BlackholeOptions, now: () => void) => {
    if (opts.afterBytes === undefined && opts.request === undefined) {
      now();
      return Promise.resolve();
    }
    return new Promise<void>((began) => {
      armed = { remaining: opts.afterBytes ?? 0, direction: opts.direction ?? 'up', request: opts.request, scope: opts.scope ?? 'all', effect, began };
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(relay);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    get port() { return port; },
    get connections() { return connections; },
    get open() { return open; },
    get swallowed() { return swallowed; },
    stop,
    start: listen,
    close: stop,
    delay: (ms) => {
      mood = { kind: 'delay', ms };
    },
    blackhole: (opts = {}) => arm('blackhole', opts, () => {
      mood = { kind: 'blackhole' };
    }),
    freeze: (opts = {}) => arm('freeze', opts, freezeAll),
    pass: () => {
      mood = { kind: 'pass' };
      armed = undefined;
      for (const c of controls) c.thaw();
    },
  };
}
