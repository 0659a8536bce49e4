// Runs the built gateway (dist/main.js) as its own process, for tests that need
// a second, separate instance or the real command line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialsFor } from './gateway.js';
import { loadStack } from './stack.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startGatewayProcess(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const stack = loadStack();
  const dir = mkdtempSync(join(tmpdir(), 's3gw-proc-'));
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify(credentialsFor([stack.users.demo, stack.users.alt])));
  const port = await freePort();
  const adminPort = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'dist/main.js')], {
    env: {
      ...process.env,
      S3GW_LISTEN_HOST: '127.0.0.1',
      S3GW_LISTEN_PORT: String(port),
      S3GW_ADMIN_HOST: '127.0.0.1',
      S3GW_ADMIN_PORT: String(adminPort),
      S3GW_KEYSTONE_AUTH_URL: stack.keystone.authUrl,
      S3GW_KEYSTONE_REGION: stack.keystone.region,
      S3GW_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway process did not start:\n${output}`)), 15_000);
    const check = () => {
      if (output.includes('"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
