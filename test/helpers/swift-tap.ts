// A TCP relay between a gateway and Swift that can freeze one Swift request
// at a chosen moment, so a fault test kills the gateway exactly there rather
// than after a sleep that races:
//   'request'  — the request line never reaches Swift (killed before the call),
//   'body'     — the headers and the first N body bytes reach Swift, the rest
//                never does (killed mid-upload),
//   'response' — the whole request reaches Swift and Swift answers, but the
//                answer never reaches the gateway (killed after Swift acted).
// The gateway talks plain HTTP/1.1 to Swift without pipelining (undici's
// default), so on one connection a request's bytes are followed by its answer.
// When the gateway side closes, the Swift side is cut too, unforwarded bytes
// dropped: what Swift sees of a killed gateway.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type HoldAt = 'request' | 'body' | 'response';

export interface SwiftTap {
  readonly port: number;
  /** `METHOD /path` of every request seen, in order (paths as sent: percent-encoded). */
  readonly requests: string[];
  /**
   * Holds the next request whose `METHOD /path` matches, at `at` (after
   * `bodyBytes` of its body for 'body'); resolves once it is held.
   */
  hold(match: RegExp, at: HoldAt, bodyBytes?: number): Promise<void>;
  close(): Promise<void>;
}

interface Trigger {
  readonly match: RegExp;
  readonly at: HoldAt;
  readonly bodyBytes: number;
  readonly held: () => void;
}

const REQUEST_LINE = /(?:^|\r\n)([A-Z]+) (\S+) HTTP\/1\.1\r\n/g;

export async function swiftTap(targetHost: string, targetPort: number): Promise<SwiftTap> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let trigger: Trigger | undefined;

  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
      s.on('error', () => undefined);
    }
    // Bytes of the client's stream still let through before the hold (Infinity: no hold yet).
    let allowance = Infinity;
    let onceHeld: Trigger | undefined;
    let seekHeaders: Trigger | undefined;
    let headersFrom = 0;
    let holdAnswer: Trigger | undefined;
    let frozen = false;

    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      const text = chunk.toString('latin1');
      if (allowance === Infinity && !seekHeaders && !holdAnswer) {
        for (const m of text.matchAll(REQUEST_LINE)) {
          const line = `${m[1]} ${m[2]}`;
          requests.push(line);
          const t = trigger;
          if (!t || !t.match.test(line)) continue;
          trigger = undefined;
          const start = m.index + (m[0].startsWith('\r\n') ? 2 : 0);
          if (t.at === 'request') {
            allowance = start;
            onceHeld = t;
          } else if (t.at === 'response') {
            holdAnswer = t;
          } else {
            seekHeaders = t;
            headersFrom = start;
          }
          break;
        }
      }
      if (seekHeaders) {
        const end = text.indexOf('\r\n\r\n', headersFrom);
        headersFrom = 0;
        if (end !== -1) {
          allowance = end + 4 + seekHeaders.bodyBytes;
          onceHeld = seekHeaders;
          seekHeaders = undefined;
        }
      }
      const cut = Math.min(chunk.length, allowance);
      if (cut > 0) upstream.write(chunk.subarray(0, cut));
      if (allowance === Infinity) return;
      allowance -= cut;
      if (allowance === 0) {
        frozen = true;
        onceHeld!.held();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (holdAnswer && !chunk.toString('latin1', 0, 12).startsWith('HTTP/1.1 100')) {
        frozen = true;
        holdAnswer.held();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    requests,
    hold: (match, at, bodyBytes = 0) => new Promise<void>((held) => {
      trigger = { match, at, bodyBytes, held };
    }),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
