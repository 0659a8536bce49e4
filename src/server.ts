// Builds the real dependencies from a Config and serves the S3 API and the
// admin endpoints. main.ts is the command line around it; tests start it directly.
import { serve } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import { Agent } from 'undici';
import { createApp } from './app.js';
import { StaticCredentialStore } from './auth/credentials.js';
import { SigningKeyCache } from './auth/signing-keys.js';
import type { Config } from './config.js';
import { loadCredentialsFile } from './credentials-file.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics.js';
import { DEFAULT_LIMITS, type Limits } from './operations/context.js';
import { DIALECTS } from './s3/dialect.js';
import { SwiftClient } from './swift/client.js';
import { SwiftInfo } from './swift/info.js';
import { KeystoneTokens } from './swift/keystone.js';

export interface Running {
  readonly metrics: Metrics;
  readonly s3: Server;
  readonly admin: Server;
  stop(graceMs: number): Promise<void>;
}

/** Builds and starts everything from a loaded config. Also used by tests that want a real process's wiring. */
/** What tests may change beyond the config file. */
export interface StartOverrides {
  readonly limits?: Partial<Limits>;
}

export async function start(config: Config, log: Logger, overrides: StartOverrides = {}): Promise<Running> {
  const credentials = loadCredentialsFile(config.credentials.file);
  const metrics = new Metrics();
  metrics.collectProcessMetrics();
  const dispatcher = new Agent({ connections: config.swift.connections, keepAliveTimeout: 30_000, pipelining: 1 });
  const tokens = new KeystoneTokens({
    authUrl: config.keystone.authUrl,
    dispatcher,
    interface: config.keystone.interface,
    region: config.keystone.region,
    storageUrlTemplate: config.keystone.storageUrl,
    safetyMarginMs: config.keystone.tokenSafetyMarginSeconds * 1000,
    maxEntries: config.keystone.cacheSize,
    timeoutMs: config.keystone.timeoutMs,
    events: {
      tokenCall: (outcome, seconds) => {
        metrics.keystoneCalls.inc({ kind: 'token', outcome });
        metrics.keystoneDuration.observe({ kind: 'token' }, seconds);
      },
      cache: (event) => metrics.cacheEvents.inc({ cache: 'token', event }),
    },
  });
  const info = new SwiftInfo(dispatcher);
  const swift = new SwiftClient({
    dispatcher,
    tokens,
    limits: (storageUrl) => info.limits(storageUrl),
    headersTimeoutMs: config.swift.headersTimeoutMs,
    bodyTimeoutMs: config.swift.bodyTimeoutMs,
    events: {
      call: (method, status, seconds) => {
        metrics.swiftRequests.inc({ method, status: String(status) });
        metrics.swiftDuration.observe({ method }, seconds);
      },
    },
  });
  const app = createApp({
    domains: config.s3.domains,
    region: config.s3.region,
    acceptedRegions: config.s3.acceptedRegions,
    signingKeys: new SigningKeyCache(config.keystone.cacheSize),
    dialect: DIALECTS[config.s3.dialect],
    maxSkewMs: config.s3.maxSkewSeconds * 1000,
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
    credentials: new StaticCredentialStore(credentials),
    swift,
    metrics,
    log,
    now: Date.now,
  });

  // overrideGlobalObjects: false keeps the platform's Response. node-server's
  // lightweight one takes a cached path that ignores RESPONSE_ALREADY_SENT and
  // writes headers a second time (seen with @hono/node-server 2.1.9).
  const s3 = serve({
    fetch: app.fetch,
    hostname: config.listen.host,
    port: config.listen.port,
    autoCleanupIncoming: false,
    overrideGlobalObjects: false,
  }) as Server;
  // Slow clients may take long between bytes of a big upload; S3 allows it.
  s3.requestTimeout = 0;
  s3.keepAliveTimeout = 65_000;
  const admin = createServer((req, res) => {
    if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (err) => res.writeHead(500).end(String(err)),
      );
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404).end();
    }
  });
  await Promise.all([
    new Promise<void>((resolve, reject) => { s3.once('listening', resolve); s3.once('error', reject); }),
    new Promise<void>((resolve, reject) => { admin.once('error', reject); admin.listen(config.admin.port, config.admin.host, resolve); }),
  ]);
  log.log('info', 'listening', {
    s3: `http://${config.listen.host}:${config.listen.port}`,
    admin: `http://${config.admin.host}:${config.admin.port}`,
    dialect: config.s3.dialect,
    domains: config.s3.domains,
    credentials: credentials.length,
  });

  return {
    metrics,
    s3,
    admin,
    async stop(graceMs: number) {
      const closed = new Promise<void>((resolve) => s3.close(() => resolve()));
      s3.closeIdleConnections();
      const timer = setTimeout(() => s3.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      admin.close();
      await dispatcher.close();
    },
  };
}

