// The gateway as a real process (`node dist/main.js --config ...`), the way an
// operator runs it: a config file and a credentials file in a temp dir, for the
// local stack (both written by stack.ts). Captures stdout/stderr; reads the
// bound ports from the 'listening' log line.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStack, writeGatewayFiles, type SettingValue, type Stack } from './stack.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainJs = join(repoRoot, 'dist', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when a source file is newer than dist/main.js (one builder at a time). */
export function ensureBuilt(): void {
  const stale = () => {
    try {
      return statSync(mainJs).mtimeMs < newestMtime(join(repoRoot, 'src'));
    } catch {
      return true;
    }
  };
  if (!stale()) return;
  const lock = join(repoRoot, 'dist.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 2 minutes`);
      execFileSync('sleep', ['0.5']);
    }
  }
  try {
    if (stale()) execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    rmdirSync(lock);
  }
}

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/main.js ...args` to its end (for --help, --version, bad configs). */
export function runGateway(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ProcessResult> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not exit within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface GatewayProcess {
  readonly url: string;
  readonly adminUrl: string;
  readonly port: number;
  readonly adminPort: number;
  readonly stack: Stack;
  readonly dir: string;
  readonly configFile: string;
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ProcessOptions {
  /** Other settings of the generated config file, by path: { 'health.intervalMs': 0 }. */
  readonly settings?: Readonly<Record<string, SettingValue>>;
  readonly env?: Record<string, string>;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** keystone.authUrl in the config file; the stack's by default. */
  readonly authUrl?: string;
  /** Also accept the stack's Keystone EC2 keys (and so, with the service identity, the global namespace). */
  readonly keystoneEc2?: boolean;
  /** Start on this existing config file (a restart: a new process on another's config) instead of writing one; the other options but env are then ignored. */
  readonly configFile?: string;
}

/** Writes a config + credentials for the local stack and starts the gateway process on free ports. */
export async function startGatewayProcess(opts: ProcessOptions = {}): Promise<GatewayProcess> {
  ensureBuilt();
  const stack = loadStack();
  const dir = opts.configFile ? dirname(opts.configFile) : mkdtempSync(join(tmpdir(), 's3gw-proc-'));
  const configFile = opts.configFile
    ?? writeGatewayFiles(dir, stack, { authUrl: opts.authUrl, logLevel: opts.logLevel, settings: opts.settings, keystoneEc2: opts.keystoneEc2 }).configFile;
  const child = spawn(process.execPath, [mainJs, '--config', configFile], {
    cwd: dir,
    // One process unless a test asks for workers (S3GW_WORKERS, test/ops/workers.test.ts): the
    // others test one process's behaviour, and a variable survives their config rewrites.
    env: { PATH: process.env.PATH ?? '', S3GW_WORKERS: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = await new Promise<{ s3: string; admin: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start; stdout: ${out}; stderr: ${err}`)), 20_000);
    const look = () => {
      for (const line of out.split('\n')) {
        if (!line.includes('"msg":"listening"')) continue;
        clearTimeout(timer);
        child.stdout!.off('data', look);
        const parsed = JSON.parse(line) as { s3: string; admin: string };
        resolve(parsed);
        return;
      }
    };
    child.stdout!.on('data', look);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}) before listening; stdout: ${out}; stderr: ${err}`));
    });
  });
  const port = Number(new URL(listening.s3).port);
  const adminPort = Number(new URL(listening.admin).port);
  return {
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    port,
    adminPort,
    stack,
    dir,
    configFile,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}

/** Polls fn until it returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
