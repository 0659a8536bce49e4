// Starts the real gateway wiring (src/server.ts) in this process, on free ports,
// against the local stack's Keystone and Swift. Options change only what a test
// is about (dialect, upstream URLs through a fault-injecting proxy, ...); the
// settings are stack.ts's, as S3GW_* variables for loadConfig.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/observe/log.js';
import type { Metrics } from '../../src/observe/metrics.js';
import type { Limits } from '../../src/operations/context.js';
import { start } from '../../src/server.js';
import { credentialOf, gatewayEnv, loadStack, writeCredentialsFile, type Stack } from './stack.js';

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
  /** Also Keystone EC2 credentials, looked up with the stack's service user. */
  readonly keystoneEc2?: boolean;
  /** S3GW_* settings over the generated ones. */
  readonly env?: Record<string, string>;
  readonly limits?: Partial<Limits>;
  /** s3.storageClasses: S3 class → Swift storage policy of the stack ({ STANDARD_IA: 'ec21' }). */
  readonly storageClasses?: Readonly<Record<string, string>>;
}

export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const stack = loadStack();
  const dir = mkdtempSync(join(tmpdir(), 's3gw-test-'));
  const credentialsFile = writeCredentialsFile(join(dir, 'credentials.json'), [stack.users.demo, stack.users.alt].map(credentialOf));
  const generated = gatewayEnv(stack, {
    domains: opts.domains ?? ['localhost', 's3.test'],
    dialect: opts.dialect,
    authUrl: opts.authUrl,
    storageUrl: opts.storageUrl,
    keystoneEc2: opts.keystoneEc2,
    storageClasses: opts.storageClasses,
    credentialsFile,
    logLevel: 'debug',
  });
  // The stack is plain HTTP: test gateways take SSE-C keys over it (S3 and the gateway's default refuse them).
  const config = loadConfig({ env: { ...generated, S3GW_ENCRYPTION_CUSTOMER_KEYS_OVER_HTTP: 'true', ...opts.env } });
  const logs: Record<string, unknown>[] = [];
  const log: Logger = { log: (level, msg, fields) => logs.push({ level, msg, ...fields }) };
  const running = await start(config, log, { limits: opts.limits });
  const port = (running.s3.address() as AddressInfo).port;
  const adminPort = (running.admin!.address() as AddressInfo).port;
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
