// Podman for the image tests, with the project's containers.conf (runc,
// cgroupfs, host networking, no default ulimits: deploy/podman/containers.conf)
// so the machine's own /etc/containers is never needed or changed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './process.js';

export const CONTAINERS_CONF = join(repoRoot, 'deploy', 'podman', 'containers.conf');
const env = () => ({ ...process.env, CONTAINERS_CONF });

export interface Ran { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly seconds: number }

/** `podman ...args`, to its end. */
export function podman(args: readonly string[], timeoutMs = 120_000): Promise<Ran> {
  return runCommand('podman', args, timeoutMs);
}

export function runCommand(command: string, args: readonly string[], timeoutMs: number, extraEnv: Record<string, string> = {}): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...env(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/**
 * Why podman cannot run a container on this machine at all (not installed, or
 * `podman info` fails), or undefined when it can. Decided once, synchronously,
 * so a test file can skip with this reason at collection time.
 */
export function podmanUnusable(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v podman']).status !== 0) return 'podman is not installed (scripts/ensure-test-packages.sh installs it as root)';
  const info = spawnSync('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'], { env: env(), encoding: 'utf8', timeout: 60_000 });
  if (info.status !== 0) return `podman cannot run here: \`podman info\` failed: ${(info.stderr || info.error?.message || '').trim().split('\n').slice(-3).join(' ')}`;
  return undefined;
}

/**
 * Runs `fn` while holding a machine-wide lock named `name` (a directory made
 * with mkdir, which is atomic; a holder that died is noticed by its pid). The
 * image and compose tests build the same Dockerfile: one after the other, the
 * second build takes every layer from podman's cache instead of running
 * `npm ci` and the TypeScript build again beside the first.
 */
export async function holding<T>(name: string, fn: () => Promise<T>, timeoutMs = 1_200_000): Promise<T> {
  const dir = join(tmpdir(), `s3gw-${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!holderAlive(dir)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the lock ${dir} was held for more than ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function holderAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    // Made, its pid not yet written: give the holder a moment.
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
