// Readiness: is Keystone and Swift reachable? Checked in the background on an
// interval, never per probe, so a kubelet or load balancer probing often costs
// the upstreams nothing and a probe answers at once from the last results.
// Liveness (/healthz) is not here: it only says the process answers.
import type { Dispatcher } from 'undici';

export type Service = 'keystone' | 'swift';

export interface CheckResult {
  readonly ok: boolean;
  /** ISO time the check finished. */
  readonly checkedAt: string;
  readonly durationMs: number;
  /** The URL that was checked (never carries credentials). */
  readonly url?: string;
  readonly status?: number;
  readonly error?: string;
}

export interface ReadinessOptions {
  readonly dispatcher: Dispatcher;
  /** Keystone's auth URL: a GET answers its version document. */
  readonly keystoneUrl: string;
  /**
   * Where to GET for Swift. `fallbacks` are tried, in order, when the URL
   * answers 404 (a proxy without the healthcheck middleware still has /info).
   */
  readonly swiftUrl: () => Promise<{ url: string; fallbacks?: readonly string[] }>;
  /** 0 turns the checks off: /readyz then only reflects shutdown. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly onResult?: (service: Service, ok: boolean, seconds: number) => void;
  readonly now?: () => number;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly body: {
    readonly status: 'ready' | 'unavailable' | 'stopping';
    readonly failed?: readonly Service[];
    readonly checks: Partial<Record<Service, CheckResult>>;
  };
}

export class Readiness {
  readonly #opts: ReadinessOptions;
  readonly #now: () => number;
  readonly #results: Partial<Record<Service, CheckResult>> = {};
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopping = false;
  /** Swift's URL once a fallback answered, so later rounds go there directly. */
  #swiftResolved: string | undefined;

  constructor(opts: ReadinessOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Runs a first round now, then one every interval (each after the previous ended). */
  start(): void {
    if (this.#opts.intervalMs === 0) return;
    this.#running = true;
    const loop = () => {
      void this.checkNow().finally(() => {
        if (this.#running) this.#timer = setTimeout(loop, this.#opts.intervalMs).unref();
      });
    };
    loop();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** From now on the gateway is going away: not ready, whatever the upstreams say. */
  markStopping(): void {
    this.#stopping = true;
  }

  async checkNow(): Promise<void> {
    await Promise.all([
      this.#check('keystone', async () => this.#get(this.#opts.keystoneUrl)),
      this.#check('swift', async () => this.#checkSwift()),
    ]);
  }

  report(): ReadinessReport {
    const services: Service[] = this.#opts.intervalMs === 0 ? [] : ['keystone', 'swift'];
    const failed = services.filter((s) => !this.#results[s]?.ok);
    const checks = { ...this.#results };
    if (this.#stopping) return { ready: false, body: { status: 'stopping', failed, checks } };
    if (failed.length) return { ready: false, body: { status: 'unavailable', failed, checks } };
    return { ready: true, body: { status: 'ready', checks } };
  }

  async #check(service: Service, run: () => Promise<{ url: string; status: number }>): Promise<void> {
    const started = this.#now();
    let result: CheckResult;
    try {
      const { url, status } = await run();
      const ok = status >= 200 && status < 400;
      result = { ok, checkedAt: '', durationMs: 0, url, status, ...(ok ? {} : { error: `answered ${status}` }) };
    } catch (err) {
      result = { ok: false, checkedAt: '', durationMs: 0, error: describe(err) };
    }
    const ms = this.#now() - started;
    this.#results[service] = { ...result, checkedAt: new Date(this.#now()).toISOString(), durationMs: ms };
    this.#opts.onResult?.(service, result.ok, ms / 1000);
  }

  async #checkSwift(): Promise<{ url: string; status: number }> {
    if (this.#swiftResolved) return this.#get(this.#swiftResolved);
    const { url, fallbacks = [] } = await this.#opts.swiftUrl();
    let answer = await this.#get(url);
    for (const next of fallbacks) {
      if (answer.status !== 404) break;
      answer = await this.#get(next);
      if (answer.status !== 404) this.#swiftResolved = next;
    }
    return answer;
  }

  async #get(url: string): Promise<{ url: string; status: number }> {
    const target = new URL(url);
    const response = await this.#opts.dispatcher.request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: 'GET',
      headers: { accept: 'application/json' },
      headersTimeout: this.#opts.timeoutMs,
      bodyTimeout: this.#opts.timeoutMs,
      signal: AbortSignal.timeout(this.#opts.timeoutMs),
    });
    await response.body.dump();
    return { url: target.origin + target.pathname, status: response.statusCode };
  }
}

/** An error as one line: its message and the codes of its causes (no stack, no secrets: URLs only). */
function describe(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${e.message} (${code})` : e.message);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(': ');
}
