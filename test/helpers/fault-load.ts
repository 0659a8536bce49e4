// A steady PUT → GET → HEAD load on a gateway while a test stops and starts a
// service under it (test/integration/faults-stopped-*.test.ts), and the
// checks of issue 19's invariant on what it saw: every request either
// succeeded with the right bytes or got a retryable 503 (or its connection
// was cut, which the client sees as an error, never as a whole answer);
// nothing else, and every object a PUT was told was stored reads back byte
// for byte.
import { createHash, randomBytes } from 'node:crypto';
import { rawS3, type Keys } from './raw-s3.js';

export type Outcome = number | 'cut';

export interface LoadRequest {
  readonly op: 'PUT' | 'GET' | 'HEAD';
  readonly key: string;
  readonly outcome: Outcome;
  /** A 200 whose bytes (GET) or length and ETag (HEAD) were not those stored: must never happen. */
  readonly wrong?: boolean;
  readonly code?: string;
  readonly at: number;
}

export interface Load {
  readonly requests: readonly LoadRequest[];
  /** Resolves once `n` more requests have ended (with any outcome). */
  more(n: number): Promise<void>;
  /** Resolves once `n` requests in a row have succeeded. */
  succeeding(n: number): Promise<void>;
  /** Ends the load (each worker finishes its request) and resolves with everything sent. */
  stop(): Promise<LoadResult>;
}

export interface LoadResult {
  readonly requests: readonly LoadRequest[];
  /** Every key PUT, its body, and the PUT's outcome. */
  readonly puts: ReadonlyMap<string, { readonly body: Buffer; readonly outcome: Outcome }>;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

export interface LoadOptions {
  readonly concurrency?: number;
  /** Each worker rests this long between its rounds: a long outage need not write thousands of objects to check. */
  readonly restMs?: number;
}

/** `concurrency` workers (8) each PUT a new key (4–64 KiB), GET it and HEAD it, until stopped. */
export function steadyLoad(url: string, keys: Keys, bucket: string, prefix: string, opts: LoadOptions = {}): Load {
  const { concurrency = 8, restMs = 0 } = opts;
  const requests: LoadRequest[] = [];
  const puts = new Map<string, { body: Buffer; outcome: Outcome }>();
  const waiters = new Set<() => void>();
  let streak = 0;
  let stopping = false;
  const record = (r: LoadRequest) => {
    requests.push(r);
    streak = r.outcome === 200 && !r.wrong ? streak + 1 : 0;
    for (const w of [...waiters]) w();
  };
  const send = async (method: LoadRequest['op'], key: string, body?: Buffer) => {
    try {
      const res = await rawS3(url, { keys, method, path: `/${bucket}/${key}`, body });
      return { res, outcome: res.status as Outcome };
    } catch {
      return { res: undefined, outcome: 'cut' as const };
    }
  };
  const codeOf = (text: string | undefined) => (text ? /<Code>([^<]*)<\/Code>/.exec(text)?.[1] : undefined);
  const worker = async (w: number) => {
    for (let i = 0; !stopping; i++) {
      const key = `${prefix}/w${w}-${i}`;
      const body = randomBytes(4096 + Math.floor(Math.random() * 60 * 1024));
      const put = await send('PUT', key, body);
      puts.set(key, { body, outcome: put.outcome });
      record({ op: 'PUT', key, outcome: put.outcome, code: codeOf(put.res?.text()), at: Date.now() });
      if (put.outcome !== 200) continue;
      const get = await send('GET', key);
      record({ op: 'GET', key, outcome: get.outcome, code: codeOf(get.res?.text()), at: Date.now(), wrong: get.outcome === 200 && !get.res!.body.equals(body) });
      const head = await send('HEAD', key);
      const rightHead = head.res?.headers['content-length'] === String(body.length) && head.res.headers['etag'] === `"${md5(body)}"`;
      record({ op: 'HEAD', key, outcome: head.outcome, at: Date.now(), wrong: head.outcome === 200 && !rightHead });
      if (restMs > 0) await new Promise((r) => setTimeout(r, restMs));
    }
  };
  const running = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return {
    requests,
    more: (n) => {
      const target = requests.length + n;
      return until(() => requests.length >= target);
    },
    succeeding: (n) => until(() => streak >= n),
    stop: async () => {
      stopping = true;
      await running;
      return { requests, puts };
    },
  };
}

/** The requests whose outcome breaks the invariant: neither 200 with the right bytes, nor 503 ServiceUnavailable, nor a cut connection. */
export function broken(requests: readonly LoadRequest[]): LoadRequest[] {
  return requests.filter((r) => r.wrong || !(r.outcome === 200 || r.outcome === 'cut' || (r.outcome === 503 && (r.op === 'HEAD' || r.code === 'ServiceUnavailable'))));
}

/** Outcome → count, for messages and the README. */
export function tally(requests: readonly LoadRequest[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of requests) t[`${r.op} ${r.outcome}`] = (t[`${r.op} ${r.outcome}`] ?? 0) + 1;
  return t;
}

/**
 * Reads back every key the load PUT: one told 200 must be there byte for byte;
 * one told 503 (or cut) is either absent or whole, never partial. Returns the
 * keys that break that.
 */
export async function unfaithful(url: string, keys: Keys, bucket: string, puts: LoadResult['puts']): Promise<string[]> {
  const bad: string[] = [];
  const entries = [...puts];
  for (let i = 0; i < entries.length; i += 8) {
    await Promise.all(entries.slice(i, i + 8).map(async ([key, { body, outcome }]) => {
      const res = await rawS3(url, { keys, method: 'GET', path: `/${bucket}/${key}` });
      const whole = res.status === 200 && res.body.equals(body);
      if (outcome === 200 ? !whole : !(whole || res.status === 404)) bad.push(`${key}: PUT ${outcome}, now GET ${res.status} (${res.body.length}/${body.length} bytes)`);
    }));
  }
  return bad;
}
