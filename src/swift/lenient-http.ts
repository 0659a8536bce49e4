// A minimal HTTP/1.1 client for one case undici cannot read: Swift quirk —
// Swift's s3api stores `_` in metadata names as `=5F`, and `=` is not a legal
// header-name character, so llhttp (undici's and node's parser, even in lenient
// mode) rejects such a response with "Invalid header token". The Swift client
// repeats those GET/HEAD requests here, on a fresh connection closed afterwards.
import { connect } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';

export interface LenientResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

export interface LenientRequest {
  readonly origin: string;
  readonly path: string;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const HEAD_LIMIT = 256 * 1024;

/** Parses a response head; header names are lower-cased and kept even when not HTTP tokens. */
export function parseResponseHead(head: string): { statusCode: number; headers: Record<string, string> } {
  const lines = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status) throw new Error('Malformed HTTP status line from Swift');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { statusCode: Number(status[1]), headers };
}

export function lenientRequest(req: LenientRequest): Promise<LenientResponse> {
  const url = new URL(req.origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80) });
    socket.setTimeout(req.timeoutMs, () => socket.destroy(new Error('Swift did not answer in time')));
    let head = Buffer.alloc(0);
    let settled = false;
    const fail = (err: Error) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('Swift closed the connection before the response head')));
    const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
    for (const [name, value] of Object.entries(req.headers)) lines.push(`${name}: ${value}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');

    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > HEAD_LIMIT) socket.destroy(new Error('Swift response head too large'));
        return;
      }
      socket.off('data', onData);
      let parsed;
      try {
        parsed = parseResponseHead(head.subarray(0, end).toString('latin1'));
      } catch (err) {
        socket.destroy(err as Error);
        return;
      }
      if (parsed.headers['transfer-encoding']?.includes('chunked')) {
        socket.destroy(new Error('Chunked Swift responses are not read by the lenient client'));
        return;
      }
      const body = new PassThrough();
      const rest = head.subarray(end + 4);
      const length = req.method === 'HEAD' ? 0 : Number(parsed.headers['content-length'] ?? NaN);
      let remaining = Number.isFinite(length) ? length : Infinity;
      const push = (data: Buffer) => {
        const take = data.subarray(0, Math.min(data.length, remaining));
        remaining -= take.length;
        if (take.length) body.write(take);
        if (remaining === 0) {
          body.end();
          socket.destroy();
        }
      };
      settled = true;
      socket.setTimeout(0);
      socket.on('data', push);
      socket.on('end', () => (remaining === Infinity ? body.end() : body.destroy(new Error('Swift closed the connection mid-body'))));
      socket.on('error', (err) => body.destroy(err));
      body.on('close', () => socket.destroy());
      if (remaining === 0) {
        body.end();
        socket.destroy();
      } else if (rest.length) push(rest);
      resolve({ statusCode: parsed.statusCode, headers: parsed.headers, body });
    };
    socket.on('data', onData);
  });
}
