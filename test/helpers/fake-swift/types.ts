// The fake's own request and response: what either adapter (the undici
// Dispatcher, the node:http server) hands in and writes out. Bodies are whole
// Buffers: requests are read fully before they are answered.
import { parseQs } from './python.js';

export type Service = 'keystone' | 'swift';

export class FakeRequest {
  readonly method: string;
  /** The path as sent, without the query string (still percent-encoded). */
  readonly path: string;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
  /** The query as swob reads it (parse_qsl, last value wins). */
  readonly query: ReadonlyMap<string, string>;
  /** Header names as sent, in order. */
  readonly headerList: readonly (readonly [string, string])[];
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;

  constructor(readonly service: Service, method: string, target: string, headerList: readonly (readonly [string, string])[], body: Buffer) {
    this.method = method.toUpperCase();
    const q = target.indexOf('?');
    this.path = q < 0 ? target : target.slice(0, q);
    this.rawQuery = q < 0 ? '' : target.slice(q + 1);
    this.query = parseQs(this.rawQuery);
    this.headerList = headerList;
    const headers = new Map<string, string>();
    for (const [name, value] of headerList) {
      const key = name.toLowerCase();
      const prev = headers.get(key);
      headers.set(key, prev === undefined ? value : `${prev}, ${value}`);
    }
    this.headers = headers;
    this.body = body;
  }

  header(name: string): string | undefined {
    return this.headers.get(name);
  }
}

export class FakeResponse {
  /** Names in the case Swift writes them, in order. */
  readonly headers: [string, string][] = [];
  /** Written as Content-Length when set (a HEAD answers the length of what a GET would send). */
  contentLength: number | undefined;
  /**
   * Where the body ends early: the connection is cut after this many bytes
   * (an SLO segment that vanished after the first one, or an injected fault).
   */
  cutAfter: number | undefined;
  /** How a cut shows to the client: a reset, or the server closing the connection (undici: other side closed). */
  cutWith: 'ECONNRESET' | 'UND_ERR_SOCKET' | undefined;
  /** Written as it is, without the proxy's X-Trans-Id and Date (eventlet's own answers). */
  bare = false;
  /** Sent without Content-Length: chunked (Swift streams bulk deletes' reports), or Keystone's 204. */
  noContentLength = false;

  constructor(public status: number, public body: Buffer = EMPTY, headers: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of headers) this.headers.push([name, value]);
  }

  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [n, v] of this.headers) if (n.toLowerCase() === lower) return v;
    return undefined;
  }

  /** Sets a header, replacing one of the same name. */
  set(name: string, value: string | number): this {
    this.remove(name);
    this.headers.push([name, String(value)]);
    return this;
  }

  add(name: string, value: string): this {
    this.headers.push([name, value]);
    return this;
  }

  remove(name: string): this {
    const lower = name.toLowerCase();
    for (let i = this.headers.length - 1; i >= 0; i--) if (this.headers[i]![0].toLowerCase() === lower) this.headers.splice(i, 1);
    return this;
  }
}

export const EMPTY = Buffer.alloc(0);

/** Who a valid token belongs to (what keystonemiddleware's authtoken tells keystoneauth). */
export interface TokenIdentity {
  readonly userId: string;
  readonly userName: string;
  readonly userDomainId: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly projectDomainId: string;
  /** Role names as Keystone issued them (implied roles included). */
  readonly roles: readonly string[];
}
