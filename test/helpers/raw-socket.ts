// A plain TCP client for what node:http hides: interim 100 Continue answers,
// repeated headers, bodies that stall or stop halfway, and whether the server
// closed the connection.
import { connect, type Socket } from 'node:net';
import { signV2, stringToSignV2, type Keys } from './raw-s3.js';

export interface RawSocket {
  readonly socket: Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves once what was received matches (or the connection ended: then with what came). */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves when the server has closed the connection (or it was reset). */
  readonly closed: Promise<void>;
  write(data: string | Buffer): void;
}

export async function openSocket(port: number): Promise<RawSocket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  let text = '';
  const waiters = new Set<() => void>();
  let ended = false;
  const wake = () => { for (const w of [...waiters]) w(); };
  socket.on('data', (d: Buffer) => { text += d.toString('latin1'); wake(); });
  // A reset after the answer is still an end of the connection.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => { ended = true; wake(); resolve(); }));
  return {
    socket,
    received: () => text,
    closed,
    write: (data) => { socket.write(data); },
    waitFor: (pattern) =>
      new Promise<string>((resolve) => {
        const check = () => {
          if (pattern.test(text) || ended) {
            waiters.delete(check);
            resolve(text);
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/** The head of a SigV2-signed request, ending with the blank line; extra header lines as given. */
export function signedHead(method: string, path: string, keys: Keys | undefined, extra: string[] = [], secret?: string): string {
  const date = new Date().toUTCString();
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Date: ${date}`];
  if (keys) lines.push(`Authorization: AWS ${keys.access}:${signV2(secret ?? keys.secret, stringToSignV2(method, path, { date }))}`);
  return [...lines, ...extra, '', ''].join('\r\n');
}

/** The status codes of the responses in raw HTTP text, interim ones included, in order. */
export function statusLines(text: string): number[] {
  return [...text.matchAll(/(?:^|\r\n)HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
}
