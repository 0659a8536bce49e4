// Programs people point at an S3 endpoint and leave running (backup tools,
// sync, a FUSE mount, SDKs of other languages), each running its own scenario
// through the gateway against the local stack. Each step is a vitest test; a
// row records which steps passed in this run (or why the program cannot run on
// this machine) into test/clients/programs-results.json when its tests end,
// and scripts/matrix-table.mjs renders the README's table from that file.
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, it } from 'vitest';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const PROGRAMS_FILE = join(HERE, '..', 'programs-results.json');

export interface ProgramId {
  /** The program as people name it (restic, duplicity, ...). */
  readonly program: string;
  readonly version: string;
  /** What the row exercises, in a few words (shown in the table). */
  readonly what: string;
  /** How the program was pointed at the gateway. */
  readonly setup: string;
}

export interface ProgramResult extends ProgramId {
  readonly ranAt: string;
  readonly steps: { readonly title: string; readonly state: 'pass' | 'fail' }[];
  /** Set when the program cannot run on this machine: exactly why. */
  readonly cannotRun?: string;
}

export class ProgramRow {
  #id: ProgramId;
  readonly #steps: string[] = [];
  readonly #passed = new Set<string>();
  #cannotRun: string | undefined;

  constructor(id: ProgramId) {
    this.#id = id;
    afterAll(() => this.save());
  }

  setVersion(version: string): void {
    this.#id = { ...this.#id, version };
  }

  /** One step of the scenario: a test; the row shows it ✓ only if it passed in this run. */
  step(title: string, fn: () => Promise<void> | void, timeoutMs = 120_000): void {
    this.#steps.push(title);
    it(title, async () => {
      await fn();
      this.#passed.add(title);
    }, timeoutMs);
  }

  /** The program cannot run here: the reason goes into the table, and the test shows as skipped (never as passed). */
  cannotRun(reason: string): void {
    this.#cannotRun = reason;
    it.skip(`cannot run here: ${reason}`, () => undefined);
  }

  result(): ProgramResult {
    return {
      ...this.#id,
      ranAt: new Date().toISOString(),
      steps: this.#steps.map((title) => ({ title, state: this.#passed.has(title) ? 'pass' : 'fail' })),
      ...(this.#cannotRun ? { cannotRun: this.#cannotRun } : {}),
    };
  }

  save(): void {
    const row = this.result();
    withLock(() => {
      const all = existsSync(PROGRAMS_FILE) ? (JSON.parse(readFileSync(PROGRAMS_FILE, 'utf8')) as { rows: Record<string, ProgramResult> }) : { rows: {} };
      all.rows[row.program] = row;
      const sorted = Object.fromEntries(Object.entries(all.rows).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const tmp = `${PROGRAMS_FILE}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ rows: sorted }, null, 2) + '\n');
      renameSync(tmp, PROGRAMS_FILE);
    });
  }
}

/** Test files run in parallel workers: merge under a lock (an atomic mkdir). */
function withLock(fn: () => void): void {
  const lock = `${PROGRAMS_FILE}.lock`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
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

// ------------------------------------------------------------------ the backup tree

export const LARGE_SIZE = 24 * 1024 * 1024;

/**
 * What the backup tools back up: 120 small files in nested directories (a few
 * bytes to a few KiB, some empty) and one 24 MiB file, the same bytes in every
 * run (AES-CTR keystreams under fixed keys). Written once per worker into its
 * own directory, so a program may change it.
 */
export function makeTree(label: string): string {
  const dir = join(tmpdir(), `s3gw-programs-${label}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const bytes = (seed: string, size: number) => createCipheriv('aes-128-ctr', createHash('md5').update(seed).digest(), Buffer.alloc(16)).update(Buffer.alloc(size));
  for (let i = 0; i < 120; i++) {
    const sub = join(dir, `d${i % 6}`, i % 4 === 0 ? 'deeper' : '');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file-${i}.txt`), i % 17 === 0 ? Buffer.alloc(0) : bytes(`small-${i}`, 1 + ((i * 397) % 6000)));
  }
  writeFileSync(join(dir, 'large.bin'), bytes('large', LARGE_SIZE));
  return dir;
}

/** Every file under dir (relative path → SHA-256), to compare trees byte for byte. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
