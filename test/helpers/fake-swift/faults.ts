// Failure injection and the call record. A rule matches calls by origin,
// method, container, object, a query key or the path, and answers the next N
// of them (or all) with a status (Swift's or Keystone's usual body for it), a
// connection failure, a body cut part-way, or a delay first. Every call is
// recorded (method, path, query, headers) so a test can assert what reached
// Swift and Keystone.
import { pyUnquote } from './python.js';
import type { FakeRequest, Service } from './types.js';

export interface FaultMatch {
  readonly origin?: Service;
  readonly method?: string;
  /** The Swift container of the path (decoded). */
  readonly container?: string;
  /** The Swift object of the path (decoded). */
  readonly object?: string;
  /** A query parameter the call carries (e.g. `multipart-manifest`). */
  readonly query?: string;
  /** The raw path, or a pattern it must match (e.g. /^\/v3\/ec2tokens/). */
  readonly path?: string | RegExp;
}

export interface FaultAction {
  /** Wait this long before answering (or failing). A delay past the call's headersTimeout fails it the way undici does. */
  readonly delayMs?: number;
  /** Answer this status instead of the fake's own answer. */
  readonly status?: number;
  /** The body of that answer (default: the service's usual body for the status). */
  readonly body?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Fail at the connection: the Dispatcher raises the error undici raises (code ECONNREFUSED / ECONNRESET). */
  readonly connection?: 'ECONNREFUSED' | 'ECONNRESET';
  /** Send the real answer but cut its body after this many bytes. */
  readonly cutAfter?: number;
  /** How a cut shows: a reset (`read ECONNRESET`, the default) or undici's `other side closed` (UND_ERR_SOCKET). */
  readonly cutWith?: 'ECONNRESET' | 'UND_ERR_SOCKET';
}

export interface FaultRule extends FaultAction {
  readonly match?: FaultMatch;
  /** How many matching calls it applies to: a number (default 1) or 'always'. */
  readonly times?: number | 'always';
  /** Let this many matching calls through first (to fail the n-th of several alike). */
  readonly skip?: number;
}

export interface RecordedCall {
  readonly seq: number;
  readonly origin: Service;
  readonly method: string;
  /** The path as sent (percent-encoded), without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyLength: number;
  readonly account?: string;
  readonly container?: string;
  readonly object?: string;
  /** What it was answered: a status, or the connection error raised. */
  outcome?: number | 'ECONNREFUSED' | 'ECONNRESET' | 'UND_ERR_HEADERS_TIMEOUT';
  /** The fault rule that applied, if any. */
  fault?: FaultRule;
}

/** Account, container and object of a Swift path (`/v1/<account>/<container>/<object>`), decoded. */
export function swiftTarget(path: string): { account?: string; container?: string; object?: string } {
  const parts = path.split('/');
  if (parts[1] !== 'v1') return {};
  const out: { account?: string; container?: string; object?: string } = {};
  if (parts[2]) out.account = pyUnquote(parts[2]);
  if (parts[3]) out.container = pyUnquote(parts[3]);
  if (parts.length > 4 && parts.slice(4).join('/') !== '') out.object = pyUnquote(parts.slice(4).join('/'));
  return out;
}

export function recordOf(seq: number, req: FakeRequest): RecordedCall {
  return {
    seq,
    origin: req.service,
    method: req.method,
    path: req.path,
    query: Object.fromEntries(req.query),
    headers: Object.fromEntries(req.headers),
    bodyLength: req.body.length,
    ...(req.service === 'swift' ? swiftTarget(req.path) : {}),
  };
}

function matches(m: FaultMatch | undefined, call: RecordedCall): boolean {
  if (!m) return true;
  if (m.origin !== undefined && m.origin !== call.origin) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== call.method) return false;
  if (m.container !== undefined && m.container !== call.container) return false;
  if (m.object !== undefined && m.object !== call.object) return false;
  if (m.query !== undefined && !(m.query in call.query)) return false;
  if (m.path !== undefined && !(typeof m.path === 'string' ? m.path === call.path : m.path.test(call.path))) return false;
  return true;
}

export interface FaultHandle {
  /** Calls it still applies to (Infinity for 'always'). */
  readonly remaining: number;
  /** How many calls it has applied to. */
  readonly used: number;
  remove(): void;
}

export class Faults {
  readonly #rules: { rule: FaultRule; remaining: number; used: number; skip: number }[] = [];

  /** Adds a rule; rules are tried in the order added, the first that matches applies. */
  add(rule: FaultRule): FaultHandle {
    const entry = { rule, remaining: rule.times === 'always' ? Infinity : (rule.times ?? 1), used: 0, skip: rule.skip ?? 0 };
    this.#rules.push(entry);
    const rules = this.#rules;
    return {
      get remaining() { return entry.remaining; },
      get used() { return entry.used; },
      remove() {
        const i = rules.indexOf(entry);
        if (i >= 0) rules.splice(i, 1);
      },
    };
  }

  clear(): void {
    this.#rules.length = 0;
  }

  get empty(): boolean {
    return this.#rules.length === 0;
  }

  /** The rule for this call, if any (and counts it). */
  take(call: RecordedCall): FaultRule | undefined {
    for (let i = 0; i < this.#rules.length; i++) {
      const entry = this.#rules[i]!;
      if (!matches(entry.rule.match, call)) continue;
      if (entry.skip > 0) {
        entry.skip--;
        continue;
      }
      entry.used++;
      if (--entry.remaining <= 0) this.#rules.splice(i, 1);
      return entry.rule;
    }
    return undefined;
  }
}
