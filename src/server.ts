// Builds the real dependencies from a Config and serves the S3 API and the
// admin endpoints. main.ts is the command line around it; tests start it directly.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { createAdminServer } from './observe/admin.js';
import { createApp } from './http/app.js';
import { listenS3 } from './http/listen.js';
import { SigningKeyCache } from './auth/signing-keys.js';
import type { Config } from './config.js';
import { storageSettings } from './storage-settings.js';
import { ConnectionLimit } from './http/connection-limit.js';
import { customerKeyDigestKey } from './crypto/wrap.js';
import { buildKeyProviders } from './kms/index.js';
import { buildCredentialStores, integrityKeyOf, serviceIdentityOf } from './credentials/stores.js';
import { buildNamespace } from './namespace/build.js';
import { buildBackend } from './backend.js';
import { Readiness } from './observe/health.js';
import { errorFields, type Logger } from './observe/log.js';
import { Metrics } from './observe/metrics.js';
import { DEFAULT_LIMITS, type Limits } from './operations/context.js';
import { KnownContainers } from './operations/common/segments.js';
import { BucketLocks } from './operations/lock/bucket-config.js';
import { Sealer } from './swift/sealed-state.js';
import { DIALECTS } from './s3/dialect.js';

export interface Running {
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly s3: Server;
  /** Undefined in a worker process: the primary serves the admin port. */
  readonly admin: Server | undefined;
  /**
   * Stops accepting S3 connections, reports not-ready, lets requests in flight
   * finish for up to graceMs, then cuts what is left. Resolves true when
   * everything finished in time.
   */
  stop(graceMs: number): Promise<boolean>;
  /**
   * Serves the credentials file's keys from `path` from now on; returns how
   * many. Throws the file's ConfigError (and keeps the keys in use) when it
   * does not load; undefined when the gateway started without a credentials file.
   */
  reloadCredentials(path: string): number | undefined;
}

/** What tests may change beyond the config file. */
export interface StartOverrides {
  readonly limits?: Partial<Limits>;
  /** false in a worker process (cluster/): no admin listener, the primary has it. */
  readonly admin?: boolean;
}

/** Builds and starts everything from a loaded config. Also used by tests that want a real process's wiring. */
export async function start(config: Config, log: Logger, overrides: StartOverrides = {}): Promise<Running> {
  const metrics = new Metrics();
  metrics.collectProcessMetrics();
  // The first storage URL any token brings tells the readiness check where
  // Swift is, when no URL is configured.
  let seenStorageUrl: string | undefined;
  const { dispatcher, tokens, swift } = buildBackend(config, { metrics, onToken: (token) => { seenStorageUrl ??= token.storageUrl; } });
  const credentials = buildCredentialStores(config, { dispatcher, tokens, metrics });
  const integrity = integrityKeyOf(config, credentials);
  if (integrity.derived) {
    log.log('warn', 's3.integrityKey is not set: the metadata seal key is derived from a secret; set it so that key survives that secret changing', { derivedFrom: integrity.derived });
  }
  const seal = new Sealer(integrity.key);
  const namespace = config.namespace.mode !== 'global' ? undefined : buildNamespace({
    swift,
    identity: credentials.serviceIdentity ?? serviceIdentityOf(config),
    seal,
    container: config.namespace.registryContainer,
    cacheSeconds: config.namespace.cacheSeconds,
    events: {
      // Bound once: the hit is counted on every request to a bucket.
      lookup: ((hit, miss) => (outcome: 'hit' | 'miss') => (outcome === 'hit' ? hit : miss).inc())(
        metrics.cacheEvents.labels({ cache: 'bucket_registry', event: 'hit' }), metrics.cacheEvents.labels({ cache: 'bucket_registry', event: 'miss' })),
      unreadable: (bucket) => log.log('warn', 'bucket registry entry is not a record; treated as absent', { bucket }),
      conflict: (bucket, registeredTo, usedBy) => {
        metrics.bucketNameConflicts.inc();
        log.log('warn', 'bucket name registered to another account; its owner here uses its own container', { bucket, registeredTo, usedBy });
      },
      adopted: (bucket, account) => log.log('info', 'registered an existing bucket on its owner\'s first access', { bucket, account }),
      adoptionFailed: (bucket, err) => log.log('warn', 'could not register an existing bucket; a later request tries again', { bucket, ...errorFields(err) }),
    },
  });
  // Where Swift is: keystone.storageUrl's origin, else the first storage URL a token brings.
  const swiftOrigin = async (): Promise<string> => {
    if (config.keystone.storageUrl) return new URL(config.keystone.storageUrl).origin;
    if (!seenStorageUrl) {
      const identity = credentials.fileCredentials[0]?.identity ?? credentials.serviceIdentity;
      if (!identity) throw new Error('no credentials to discover the Swift URL with; set swift.healthUrl');
      await swift.session(identity, { transId: '' }).account();
    }
    return new URL(seenStorageUrl!).origin;
  };
  const storage = await storageSettings(config, dispatcher, swiftOrigin);
  // SSE-S3/SSE-KMS key providers (a bad keyring stops the start with its ConfigError).
  const service = credentials.serviceIdentity;
  const keyProviders = buildKeyProviders(config.encryption, {
    dispatcher,
    ...(service ? { serviceToken: () => tokens.get(service).then((t) => t.token), invalidateServiceToken: () => tokens.invalidate(service) } : {}),
    keystone: { authUrl: config.keystone.authUrl, interface: config.keystone.interface, region: config.keystone.region, timeoutMs: config.keystone.timeoutMs },
    watchSeconds: config.reload.watchSeconds,
    onKeyringReload: (keyIds, current) => log.log('info', 'keyring reloaded', { keyIds, current }),
    onKeyringError: (err) => log.log('error', 'keyring reload refused: the keys in use stay', { reason: err.message }),
  });
  const connections = new ConnectionLimit(config.listen.maxConnectionsPerClient, () => metrics.connectionsOverLimit.inc());
  const app = createApp({
    domains: config.s3.domains,
    websiteDomains: config.s3.websiteDomains,
    region: config.s3.region,
    acceptedRegions: config.s3.acceptedRegions,
    signingKeys: new SigningKeyCache(config.keystone.cacheSize),
    dialect: DIALECTS[config.s3.dialect],
    maxSkewMs: config.s3.maxSkewSeconds * 1000,
    limits: { ...DEFAULT_LIMITS, ...(config.s3.stagedPutFromBytes > 0 ? { stagedPutFrom: config.s3.stagedPutFromBytes } : {}), ...overrides.limits },
    credentials: credentials.store,
    access: { operatorRoles: config.credentials.operatorRoles, readerRoles: config.credentials.readerRoles },
    swift,
    metrics,
    log,
    now: Date.now,
    seal,
    segmentsContainers: new KnownContainers(),
    namespace,
    objectLock: { bypassGovernanceRoles: config.s3.objectLock.bypassGovernanceRoles, bucketLocks: new BucketLocks() },
    bodyIdleTimeoutMs: config.s3.bodyIdleTimeoutSeconds * 1000,
    storage,
    sse: {
      digestKey: customerKeyDigestKey(integrity.key), customerKeysOverHttp: config.encryption.customerKeysOverHttp,
      providers: { sseS3: keyProviders.sseS3, kms: keyProviders.kms },
    },
    admits: (incoming) => connections.admits(incoming.socket),
  });

  const s3 = listenS3(app, { host: config.listen.host, port: config.listen.port, connections, dialect: DIALECTS[config.s3.dialect] });
  // Health checks get their own small pool: a pool busy with slow transfers
  // must not make the gateway look unready.
  const healthDispatcher = new Agent({ connections: 2, connect: { timeout: config.health.timeoutMs } });
  const readiness = new Readiness({
    dispatcher: healthDispatcher,
    keystoneUrl: config.keystone.authUrl,
    swiftUrl: async () => {
      if (config.swift.healthUrl) return { url: config.swift.healthUrl };
      const origin = await swiftOrigin();
      return { url: `${origin}/healthcheck`, fallbacks: [`${origin}/info`] };
    },
    intervalMs: config.health.intervalMs,
    timeoutMs: config.health.timeoutMs,
    onResult: (service, ok, seconds) => {
      metrics.upstreamUp.set({ service }, ok ? 1 : 0);
      metrics.upstreamCheckDuration.set({ service }, seconds);
    },
  });
  const admin = overrides.admin === false ? undefined : createAdminServer({ metrics, readiness });
  await Promise.all([
    new Promise<void>((resolve, reject) => { s3.once('listening', resolve); s3.once('error', reject); }),
    admin && new Promise<void>((resolve, reject) => { admin.once('error', reject); admin.listen(config.admin.port, config.admin.host, resolve); }),
  ]);
  // The bound ports (port 0 in a setting means any free one).
  const bound = (server: Server) => (server.address() as AddressInfo).port;
  log.log('info', admin ? 'listening' : 'worker listening', {
    s3: `http://${config.listen.host}:${bound(s3)}`,
    ...(admin ? { admin: `http://${config.admin.host}:${bound(admin)}` } : {}),
    dialect: config.s3.dialect,
    domains: config.s3.domains,
    credentials: credentials.fileCredentials.length,
    keystoneCredentials: config.credentials.keystone,
    namespace: config.namespace.mode,
  });
  readiness.start();

  return {
    metrics,
    readiness,
    s3,
    admin,
    reloadCredentials: (path) => credentials.reloadFile?.(path),
    async stop(graceMs: number) {
      readiness.markStopping();
      // close() stops listening at once (new connections are refused) and
      // resolves when the last connection has ended; idle keep-alive ones are
      // closed now, busy ones after their response.
      const closed = new Promise<void>((resolve) => s3.close(() => resolve()));
      s3.closeIdleConnections();
      let cut = false;
      const timer = setTimeout(() => {
        cut = true;
        log.log('warn', 'shutdown grace period over: closing connections with requests in flight', { graceMs });
        s3.closeAllConnections();
      }, graceMs);
      await closed;
      clearTimeout(timer);
      readiness.stop();
      keyProviders.stop();
      if (admin) {
        admin.closeAllConnections();
        await new Promise<void>((resolve) => admin.close(() => resolve()));
      }
      await Promise.all([dispatcher.close(), healthDispatcher.close()]);
      return !cut;
    },
  };
}

