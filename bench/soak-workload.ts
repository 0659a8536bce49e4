// The soak's mixed workload: each client owns the keys under its prefix and
// keeps what each of them must hold (MD5, size, and the bytes of small ones),
// so every answer can be checked as it comes and every object once more at
// the end. Operations, by weight: small and large PUT, GET (whole and
// ranged), HEAD, DELETE, listings, multipart uploads (some aborted) and
// copies. A 5xx or a wrong answer is a failure with its sample; a listing
// that lags the writes is only counted (Swift's container listings are
// updated asynchronously under load).
import { createHash, randomBytes } from 'node:crypto';
import { xmlValue, type Answer, type SoakClient } from './soak-client.js';

const MiB = 1024 * 1024;

export interface Expected {
  readonly md5: string;
  readonly size: number;
  readonly etag: string;
  /** Kept for small objects, to check ranges. */
  readonly bytes?: Buffer;
}

export interface Tally {
  readonly ops: Map<string, number>;
  readonly statuses: Map<string, number>;
  readonly failures: string[];
  failureCount: number;
  listingLags: number;
}

export const newTally = (): Tally => ({ ops: new Map(), statuses: new Map(), failures: [], failureCount: 0, listingLags: 0 });

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

type Op = 'put-small' | 'put-large' | 'get' | 'get-range' | 'head' | 'delete' | 'list' | 'multipart' | 'copy';
const WEIGHTS: readonly [Op, number][] = [
  ['put-small', 22], ['put-large', 3], ['get', 22], ['get-range', 8], ['head', 12], ['delete', 8], ['list', 8], ['multipart', 3], ['copy', 8], ['get', 6],
];
const TOTAL = WEIGHTS.reduce((n, [, w]) => n + w, 0);

function pick(): Op {
  let r = Math.random() * TOTAL;
  for (const [op, w] of WEIGHTS) if ((r -= w) < 0) return op;
  return 'get';
}

export class SoakClientLoop {
  readonly model = new Map<string, Expected>();
  #next = 0;

  constructor(
    readonly s3: SoakClient,
    readonly bucket: string,
    readonly prefix: string,
    readonly tally: Tally,
    readonly largeBytes: number,
  ) {}

  async run(until: number): Promise<void> {
    while (Date.now() < until) {
      const op = pick();
      this.tally.ops.set(op, (this.tally.ops.get(op) ?? 0) + 1);
      try {
        await this.#do(op);
      } catch (err) {
        this.#fail(op, `threw: ${(err as Error).message}`);
      }
    }
  }

  #fail(op: string, what: string): void {
    this.tally.failureCount++;
    if (this.tally.failures.length < 50) this.tally.failures.push(`${op}: ${what}`);
    // The first few as they happen, so a long run shows what goes wrong while it runs.
    if (this.tally.failureCount <= 5) process.stderr.write(`soak failure: ${op}: ${what.slice(0, 400)}\n`);
  }

  /** Counts the status; a 5xx or an unexpected one is a failure. */
  #check(op: string, a: Answer, ok: readonly number[]): boolean {
    const key = `${op} ${a.status}`;
    this.tally.statuses.set(key, (this.tally.statuses.get(key) ?? 0) + 1);
    if (ok.includes(a.status)) return true;
    this.#fail(op, `status ${a.status}${a.body ? ` ${a.body.toString('utf8').slice(0, 300)}` : ''}`);
    return false;
  }

  #anyKey(): string | undefined {
    const keys = [...this.model.keys()];
    return keys.length ? keys[Math.floor(Math.random() * keys.length)] : undefined;
  }

  #newKey(): string {
    return `${this.prefix}k${this.#next++ % 40}`;
  }

  async #put(key: string, body: Buffer, op: string): Promise<void> {
    const a = await this.s3.send({ method: 'PUT', bucket: this.bucket, key, body, keep: true });
    if (!this.#check(op, a, [200])) return;
    const etag = (a.headers['etag'] ?? '').replace(/"/g, '');
    if (etag !== md5(body)) this.#fail(op, `ETag ${etag} is not the body's MD5 ${md5(body)}`);
    this.model.set(key, { md5: md5(body), size: body.length, etag, ...(body.length <= 64 * 1024 ? { bytes: body } : {}) });
  }

  async #do(op: Op): Promise<void> {
    const b = this.bucket;
    switch (op) {
      case 'put-small':
        return this.#put(this.#newKey(), randomBytes(1 + Math.floor(Math.random() * 64 * 1024)), op);
      case 'put-large':
        return this.#put(this.#newKey(), randomBytes(this.largeBytes - Math.floor(Math.random() * MiB)), op);
      case 'get': {
        const key = this.#anyKey();
        if (!key) return;
        const want = this.model.get(key)!;
        const a = await this.s3.send({ method: 'GET', bucket: b, key });
        if (this.#check(op, a, [200]) && (a.md5 !== want.md5 || a.length !== want.size)) this.#fail(op, `${key}: ${a.length} bytes, MD5 ${a.md5}; expected ${want.size}, ${want.md5}`);
        return;
      }
      case 'get-range': {
        const key = [...this.model.entries()].find(([, e]) => e.bytes && e.size > 10)?.[0];
        if (!key) return;
        const want = this.model.get(key)!;
        const start = Math.floor(Math.random() * (want.size - 1));
        const end = Math.min(want.size - 1, start + Math.floor(Math.random() * 4096));
        const a = await this.s3.send({ method: 'GET', bucket: b, key, headers: { range: `bytes=${start}-${end}` }, keep: true });
        if (this.#check(op, a, [206]) && !a.body!.equals(want.bytes!.subarray(start, end + 1))) this.#fail(op, `${key} bytes=${start}-${end}: wrong bytes`);
        return;
      }
      case 'head': {
        const key = this.#anyKey();
        if (!key) return;
        const want = this.model.get(key)!;
        const a = await this.s3.send({ method: 'HEAD', bucket: b, key });
        if (this.#check(op, a, [200]) && (Number(a.headers['content-length']) !== want.size || (a.headers['etag'] ?? '').replace(/"/g, '') !== want.etag)) {
          this.#fail(op, `${key}: HEAD says ${a.headers['content-length']} bytes, ETag ${a.headers['etag']}; expected ${want.size}, ${want.etag}`);
        }
        return;
      }
      case 'delete': {
        const key = this.#anyKey();
        if (!key) return;
        const a = await this.s3.send({ method: 'DELETE', bucket: b, key });
        if (this.#check(op, a, [204])) this.model.delete(key);
        const after = await this.s3.send({ method: 'HEAD', bucket: b, key });
        this.#check('head-deleted', after, [404]);
        return;
      }
      case 'list': {
        const a = await this.s3.send({ method: 'GET', bucket: b, query: `list-type=2&prefix=${encodeURIComponent(this.prefix)}`, keep: true });
        if (!this.#check(op, a, [200])) return;
        const listed = new Set([...a.body!.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]));
        if (listed.size !== this.model.size || [...this.model.keys()].some((k) => !listed.has(k))) this.tally.listingLags++;
        return;
      }
      case 'multipart':
        return this.#multipart();
      case 'copy': {
        const from = this.#anyKey();
        if (!from) return;
        const want = this.model.get(from)!;
        let to = this.#newKey();
        // (A copy onto itself with nothing changed is S3's InvalidRequest.)
        if (to === from) to = this.#newKey();
        const a = await this.s3.send({ method: 'PUT', bucket: b, key: to, headers: { 'x-amz-copy-source': `/${b}/${encodeURIComponent(from)}` }, keep: true });
        if (!this.#check(op, a, [200])) return;
        const etag = xmlValue(a.body!.toString('utf8'), 'ETag')?.replace(/&quot;|"/g, '');
        if (etag !== want.md5) this.#fail(op, `${from} → ${to}: copy ETag ${etag}, expected ${want.md5}`);
        this.model.set(to, { md5: want.md5, size: want.size, etag: want.md5, ...(want.bytes ? { bytes: want.bytes } : {}) });
        return;
      }
    }
  }

  /** Three parts (5 MiB, 5 MiB, up to 1 MiB), completed; one upload in ten aborted instead. */
  async #multipart(): Promise<void> {
    const b = this.bucket;
    const key = this.#newKey();
    const created = await this.s3.send({ method: 'POST', bucket: b, key, query: 'uploads', keep: true });
    if (!this.#check('multipart-create', created, [200])) return;
    const uploadId = xmlValue(created.body!.toString('utf8'), 'UploadId')!;
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1 + Math.floor(Math.random() * MiB))];
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const a = await this.s3.send({ method: 'PUT', bucket: b, key, query: `partNumber=${i + 1}&uploadId=${encodeURIComponent(uploadId)}`, body: part });
      if (!this.#check('multipart-part', a, [200])) return this.#abort(key, uploadId);
      etags.push((a.headers['etag'] ?? '').replace(/"/g, ''));
    }
    if (Math.random() < 0.1) return this.#abort(key, uploadId);
    const doc = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${e}"</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await this.s3.send({ method: 'POST', bucket: b, key, query: `uploadId=${encodeURIComponent(uploadId)}`, body: Buffer.from(doc), keep: true });
    if (!this.#check('multipart-complete', done, [200]) || !done.body!.includes('<CompleteMultipartUploadResult')) {
      if (done.status === 200) this.#fail('multipart-complete', done.body!.toString('utf8').slice(0, 300));
      return this.#abort(key, uploadId);
    }
    const whole = Buffer.concat(parts);
    const etag = `${createHash('md5').update(Buffer.concat(etags.map((e) => Buffer.from(e, 'hex')))).digest('hex')}-${parts.length}`;
    this.model.set(key, { md5: md5(whole), size: whole.length, etag });
  }

  async #abort(key: string, uploadId: string): Promise<void> {
    const a = await this.s3.send({ method: 'DELETE', bucket: this.bucket, key, query: `uploadId=${encodeURIComponent(uploadId)}` });
    this.#check('multipart-abort', a, [204]);
  }
}
