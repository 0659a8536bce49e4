// A TCP relay between a gateway and Swift that can freeze one Swift request
// at a chosen moment, so a fault test kills the gateway exactly there rather
// than after a sleep that races:
//   'request'  — the request line never reaches Swift (killed before the call),
//   'body'     — the headers and the first N body bytes reach Swift, the rest
//                never does (killed mid-upload),
//   'response' — the whole request reaches Swift and Swift answers, but the
//                answer never reaches the gateway (killed after Swift acted).
// It can also answer one request itself with an error status (a full disk's
// 507, an overloaded proxy's 503): Swift never sees that request, and the
// connection goes on serving the next ones.
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
  /** Answers the next request matching with `status` instead of Swift; resolves once answered. */
  fail(match: RegExp, status: number, reason: string): Promise<void>;
  close(): Promise<void>;
}

interface Trigger {
  readonly match: RegExp;
  readonly at: HoldAt | 'answer';
  readonly answer?: { readonly status: number; readonly reason: string };
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
    // A request answered by the tap: read to its end (Content-Length or chunked), never forwarded.
    let swallowing: { readonly t: Trigger; head: string; remaining?: number; chunked?: boolean; tail: string } | undefined;

    const swallow = (bytes: Buffer) => {
      const sw = swallowing!;
      let body: Buffer = bytes;
      if (sw.remaining === undefined && !sw.chunked) {
        sw.head += bytes.toString('latin1');
        const end = sw.head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = /\r\ncontent-length: *(\d+)/i.exec(sw.head.slice(0, end));
        sw.chunked = /\r\ntransfer-encoding: *chunked/i.test(sw.head.slice(0, end));
        sw.remaining = length ? Number(length[1]) : 0;
        body = Buffer.from(sw.head.slice(end + 4), 'latin1');
      }
      let rest: Buffer = Buffer.alloc(0);
      if (sw.chunked) {
        sw.tail = (sw.tail + body.toString('latin1')).slice(-7);
        if (!sw.tail.endsWith('0\r\n\r\n')) return;
      } else {
        const used = Math.min(body.length, sw.remaining!);
        sw.remaining! -= used;
        rest = body.subarray(used);
        if (sw.remaining! > 0) return;
      }
      const { status, reason } = sw.t.answer!;
      const text = `<html><h1>${reason}</h1></html>`;
      client.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: ${text.length}\r\nX-Trans-Id: tx-tap-fault\r\n\r\n${text}`);
      swallowing = undefined;
      sw.t.held();
      if (rest.length > 0) upstream.write(rest);
    };

    client.on('data', (chunk: Buffer) => {
      if (frozen) return;
      if (swallowing) return swallow(chunk);
      const text = chunk.toString('latin1');
      if (allowance === Infinity && !seekHeaders && !holdAnswer) {
        for (const m of text.matchAll(REQUEST_LINE)) {
          const line = `${m[1]} ${m[2]}`;
          requests.push(line);
          const t = trigger;
          if (!t || !t.match.test(line)) continue;
          trigger = undefined;
          const start = m.index + (m[0].startsWith('\r\n') ? 2 : 0);
          if (t.at === 'answer') {
            if (start > 0) upstream.write(chunk.subarray(0, start));
            swallowing = { t, head: '', tail: '' };
            return swallow(chunk.subarray(start));
          }
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
    fail: (match, status, reason) => new Promise<void>((held) => {
      trigger = { match, at: 'answer', answer: { status, reason }, bodyBytes: 0, held };
    }),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
