// The real-client matrix: every client runs the same scenario through the
// gateway, once per signature version it can use. Each scenario step is a
// vitest test filed under an operation group (a column of the matrix); a group
// is ✓ only when every one of its steps passed in this run, and ✗ when any
// failed or never ran. Each row is merged into matrix-results.json when its
// tests end; scripts/matrix-table.mjs renders the README table from that file.
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { TestGateway } from '../../helpers/gateway.js';
import { keyPath, rawS3 } from '../../helpers/raw-s3.js';
import { purgeContainer, swiftDirect } from '../../helpers/swift-direct.js';

/** The operation groups, in the order of the table's columns. */
export const GROUPS = {
  bucket: 'make bucket, list buckets, remove bucket',
  put: 'put a small object with Content-Type and metadata',
  multipart: '20 MiB upload, really multipart',
  list: 'list with prefix and delimiter',
  head: 'HEAD with metadata',
  range: 'ranged GET',
  copy: 'server-side copy',
  download: 'download and compare bytes',
  sync: 'sync a directory up and down',
  acl: 'get/put ACL (owner, private)',
  presign: 'presigned URLs',
  delete: 'delete one object',
  multiDelete: 'delete many objects (the client\'s bulk delete)',
} as const;

export type Group = keyof typeof GROUPS;

export interface RowId {
  /** The client as people name it (aws CLI, boto3, ...). */
  readonly client: string;
  readonly version: string;
  readonly signing: 'SigV4' | 'SigV2';
  readonly addressing: 'path' | 'virtual-host';
  /** How this row's client was set up, in a few words (shown under the table). */
  readonly setup: string;
}

export type CellState = 'pass' | 'fail' | 'n/a';

export interface RowResult extends RowId {
  readonly ranAt: string;
  readonly cells: Record<Group, CellState>;
  /** Steps that failed or did not run, by group. */
  readonly failures: Partial<Record<Group, string[]>>;
  /** What the client does in each group (the commands or calls). */
  readonly how: Partial<Record<Group, string>>;
  /** Operations the client called that the gateway answered with NotImplemented. */
  readonly notImplemented: string[];
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const RESULTS_FILE = join(HERE, '..', 'matrix-results.json');

export const MiB = 1024 * 1024;
export const BIG_SIZE = 20 * MiB;

/**
 * One row of the matrix. `step` registers a vitest test in a group; the group
 * passes only if all its steps passed. Groups the client has no way to do are
 * declared with `notApplicable` and show as such, never as a silent blank.
 */
export class MatrixRow {
  #id: RowId;
  readonly #registered = new Map<Group, string[]>();
  readonly #passed = new Map<Group, Set<string>>();
  readonly #how: Partial<Record<Group, string>> = {};
  readonly #notApplicable = new Set<Group>();
  readonly #buckets: string[] = [];
  #gateway: () => TestGateway | undefined = () => undefined;

  constructor(id: RowId) {
    this.#id = id;
    afterAll(async () => {
      this.save();
      const gw = this.#gateway();
      // Only a failed run leaves buckets behind.
      if (gw) for (const b of this.#buckets) {
        await purgeContainer(gw.stack, 'demo', b);
        await purgeContainer(gw.stack, 'demo', `${b}+segments`);
      }
    });
  }

  /** The client's version, when only the client itself can tell it. */
  setVersion(version: string): void {
    this.#id = { ...this.#id, version };
  }

  /** The gateway this row talks to (for the NotImplemented log scan and cleanup). */
  usesGateway(gw: () => TestGateway | undefined): void {
    this.#gateway = gw;
  }

  /** A bucket this row creates (cleaned up if the row fails half-way). */
  bucket(name: string): string {
    this.#buckets.push(name);
    return name;
  }

  how(group: Group, text: string): void {
    this.#how[group] = text;
  }

  notApplicable(group: Group, why: string): void {
    this.#notApplicable.add(group);
    this.#how[group] = why;
  }

  step(group: Group, title: string, fn: () => Promise<void> | void, timeoutMs = 120_000): void {
    const list = this.#registered.get(group) ?? [];
    list.push(title);
    this.#registered.set(group, list);
    it(`[${group}] ${title}`, async () => {
      await fn();
      const passed = this.#passed.get(group) ?? new Set<string>();
      passed.add(title);
      this.#passed.set(group, passed);
    }, timeoutMs);
  }

  result(): RowResult {
    const cells = {} as Record<Group, CellState>;
    const failures: Partial<Record<Group, string[]>> = {};
    for (const group of Object.keys(GROUPS) as Group[]) {
      if (this.#notApplicable.has(group)) {
        cells[group] = 'n/a';
        continue;
      }
      const registered = this.#registered.get(group) ?? [];
      const passed = this.#passed.get(group) ?? new Set<string>();
      const missing = registered.filter((t) => !passed.has(t));
      // A group with no step at all was forgotten: that is a failure too.
      cells[group] = registered.length > 0 && missing.length === 0 ? 'pass' : 'fail';
      if (cells[group] === 'fail') failures[group] = registered.length === 0 ? ['no step was written for this group'] : missing;
    }
    const gw = this.#gateway();
    const mine = new Set(this.#buckets);
    const notImplemented = [...new Set((gw?.logs ?? [])
      .filter((l) => l['msg'] === 'request' && l['error'] === 'NotImplemented' && (l['bucket'] === undefined || mine.has(String(l['bucket']))))
      .map((l) => String(l['operation'])))].sort();
    return { ...this.#id, ranAt: new Date().toISOString(), cells, failures, how: this.#how, notImplemented };
  }

  save(): void {
    const row = this.result();
    withLock(() => {
      const all = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { rows: Record<string, RowResult> }) : { rows: {} };
      all.rows[rowKey(row)] = row;
      const sorted = Object.fromEntries(Object.entries(all.rows).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const tmp = `${RESULTS_FILE}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ groups: GROUPS, rows: sorted }, null, 2) + '\n');
      renameSync(tmp, RESULTS_FILE);
    });
  }
}

export function rowKey(id: RowId): string {
  return `${id.client} | ${id.signing} | ${id.addressing}`;
}

/** Test files run in parallel workers: merge into the results file under a lock (an atomic mkdir). */
function withLock(fn: () => void): void {
  const lock = `${RESULTS_FILE}.lock`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 30 s belongs to a worker that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30_000) rmSync(lock, { recursive: true, force: true });
      } catch { /* gone already */ }
      if (Date.now() > deadline) throw new Error(`could not lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ data

export interface MatrixData {
  readonly dir: string;
  /** A small text object (a few KiB). */
  readonly small: string;
  readonly smallBytes: Buffer;
  /** 20 MiB of pseudo-random bytes. */
  readonly big: string;
  readonly bigSha256: string;
  /** A directory of three small files for sync. */
  readonly syncDir: string;
}

/**
 * The scenario's input files, the same bytes for every worker (an AES-CTR
 * keystream under a fixed key), written once into a shared directory: each
 * worker writes a private copy and renames it in place, so a reader never sees
 * half a file.
 */
export function matrixData(): MatrixData {
  const dir = join(tmpdir(), 's3gw-matrix-data-v1');
  mkdirSync(join(dir, 'sync', 'sub'), { recursive: true });
  const ensure = (name: string, make: () => Buffer) => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      const tmp = `${path}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'w');
      writeSync(fd, make());
      closeSync(fd);
      renameSync(tmp, path);
    }
    return path;
  };
  const keystream = (seed: string, size: number) =>
    createCipheriv('aes-128-ctr', createHash('md5').update(seed).digest(), Buffer.alloc(16)).update(Buffer.alloc(size));
  const smallBytes = Buffer.from(Array.from({ length: 200 }, (_, i) => `line ${i}: the quick brown fox\n`).join(''));
  const small = ensure('small.txt', () => smallBytes);
  const big = ensure('big.bin', () => keystream('big', BIG_SIZE));
  ensure('sync/one.txt', () => Buffer.from('one\n'));
  ensure('sync/two.txt', () => Buffer.from('two two\n'));
  ensure('sync/sub/three.txt', () => Buffer.from('three three three\n'));
  return {
    dir,
    small,
    smallBytes,
    big,
    bigSha256: createHash('sha256').update(readFileSync(big)).digest('hex'),
    syncDir: join(dir, 'sync'),
  };
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
export const sha256File = (path: string) => sha256(readFileSync(path));

/** S3's ETag of `data` uploaded in parts of `chunk` bytes: MD5 of the parts' MD5s, then "-N". */
export function multipartEtag(data: Buffer, chunk: number): string {
  const digests: Buffer[] = [];
  for (let off = 0; off < data.length; off += chunk) digests.push(createHash('md5').update(data.subarray(off, off + chunk)).digest());
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}"`;
}

// ------------------------------------------------------------------ checks through the gateway and in Swift

const keysOf = (gw: TestGateway) => gw.stack.users.demo.ec2;

/**
 * The object was uploaded in parts of `chunk` bytes: HEAD answers S3's
 * multipart ETag for that part size, and Swift holds a Static Large Object.
 */
export async function expectMultipart(gw: TestGateway, bucket: string, key: string, data: Buffer, chunk: number): Promise<void> {
  const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/${keyPath(key)}`, keys: keysOf(gw) });
  expect(head.status).toBe(200);
  expect(head.headers['content-length']).toBe(String(data.length));
  expect(head.headers['etag']).toBe(multipartEtag(data, chunk));
  const direct = await swiftDirect(gw.stack, 'demo', 'HEAD', bucket, key);
  expect(direct.headers['x-static-large-object']).toBe('True');
}

/** HEAD through the gateway (SigV2 raw request): status and headers. */
export async function headObject(gw: TestGateway, bucket: string, key: string): Promise<Record<string, string>> {
  const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/${keyPath(key)}`, keys: keysOf(gw) });
  expect(head.status, `HEAD ${bucket}/${key}`).toBe(200);
  return head.headers;
}

/** The object's bytes, read back through the gateway. */
export async function getObject(gw: TestGateway, bucket: string, key: string): Promise<Buffer> {
  const res = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/${keyPath(key)}`, keys: keysOf(gw) });
  expect(res.status, `GET ${bucket}/${key}`).toBe(200);
  return res.body;
}

/** Object names in a Swift container (none when it does not exist). */
export async function swiftNames(gw: TestGateway, container: string): Promise<string[] | null> {
  const res = await swiftDirect(gw.stack, 'demo', 'GET', container, undefined, { query: { format: 'json' } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (JSON.parse(res.body.toString()) as { name: string }[]).map((r) => r.name);
}

/** The bucket and its segments container are gone from Swift. */
export async function expectBucketGone(gw: TestGateway, bucket: string): Promise<void> {
  expect((await swiftDirect(gw.stack, 'demo', 'HEAD', bucket)).status).toBe(404);
  expect((await swiftDirect(gw.stack, 'demo', 'HEAD', `${bucket}+segments`)).status).toBe(404);
}

/** Operations the gateway saw for a bucket (from its request log), e.g. to prove DeleteObjects was used. */
export function operationsOn(gw: TestGateway, bucket: string): string[] {
  return gw.logs.filter((l) => l['msg'] === 'request' && l['bucket'] === bucket).map((l) => String(l['operation']));
}

/** A fresh directory for one row's downloads. */
export function outDir(label: string): string {
  const dir = join(tmpdir(), `s3gw-matrix-${label}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * GET or PUT of a URL the way a browser would send it, but connected to the
 * gateway on loopback whatever its host (*.s3.test does not resolve).
 */
export function requestUrl(url: string, method = 'GET', body?: Buffer): Promise<{ status: number; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: u.host };
    if (body) headers['content-length'] = String(body.length);
    const req = httpRequest({ host: '127.0.0.1', port: u.port, method, path: u.pathname + u.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
