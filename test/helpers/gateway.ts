// Starts the real gateway wiring (src/server.ts) in this process, on free ports,
// against the local stack's Keystone and Swift. Options change only what a test
// is about (dialect, upstream URLs through a fault-injecting proxy, ...).
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/observe/log.js';
import type { Metrics } from '../../src/observe/metrics.js';
import type { Limits } from '../../src/operations/context.js';
import { start } from '../../src/server.js';
import { loadStack, type Stack, type StackStorageUser } from './stack.js';

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly adminUrl: string;
  readonly metrics: Metrics;
  readonly stack: Stack;
  /** Every log line written, as parsed JSON objects. */
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface GatewayOptions {
  readonly dialect?: 'ucloud' | 'aws';
  readonly authUrl?: string;
  readonly storageUrl?: string;
  readonly domains?: readonly string[];
  readonly env?: Record<string, string>;
  readonly limits?: Partial<Limits>;
}

export function credentialsFor(users: readonly StackStorageUser[]) {
  return {
    credentials: users.map((u) => ({
      accessKey: u.ec2.access,
      secretKey: u.ec2.secret,
      keystone: { username: u.username, password: u.password, userDomainId: u.domain, projectId: u.projectId },
    })),
  };
}

export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const stack = loadStack();
  const dir = mkdtempSync(join(tmpdir(), 's3gw-test-'));
  writeFileSync(join(dir, 'credentials.json'), JSON.stringify(credentialsFor([stack.users.demo, stack.users.alt])));
  const config = loadConfig({
    env: {
      S3GW_LISTEN_HOST: '127.0.0.1',
      S3GW_LISTEN_PORT: '0',
      S3GW_ADMIN_HOST: '127.0.0.1',
      S3GW_ADMIN_PORT: '0',
      S3GW_S3_DOMAINS: (opts.domains ?? ['localhost', 's3.test']).join(','),
      S3GW_S3_DIALECT: opts.dialect ?? 'ucloud',
      S3GW_KEYSTONE_AUTH_URL: opts.authUrl ?? stack.keystone.authUrl,
      S3GW_KEYSTONE_REGION: stack.keystone.region,
      ...(opts.storageUrl ? { S3GW_KEYSTONE_STORAGE_URL: opts.storageUrl } : {}),
      S3GW_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      S3GW_LOG_LEVEL: 'debug',
      ...opts.env,
    },
  });
  const logs: Record<string, unknown>[] = [];
  const log: Logger = { log: (level, msg, fields) => logs.push({ level, msg, ...fields }) };
  const running = await start(config, log, { limits: opts.limits });
  const port = (running.s3.address() as AddressInfo).port;
  const adminPort = (running.admin.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    metrics: running.metrics,
    stack,
    logs,
    stop: async () => { await running.stop(1000); },
  };
}

/** A unique, valid bucket name for one test. */
export function uniqueBucket(label: string): string {
  return `t-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase().slice(0, 63);
}
