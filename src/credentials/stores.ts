// Which credential stores answer for access keys, from the config: the
// credentials file first, then Keystone's EC2 credentials.
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { ChainedCredentialStore, type Credential, type CredentialStore } from '../auth/credentials.js';
import type { Config } from '../config.js';
import { loadCredentialsFile } from './credentials-file.js';
import { KeystoneCredentialStore } from './keystone-store.js';
import { SwappableCredentialStore } from './swappable.js';
import type { Metrics } from '../observe/metrics.js';
import { KeystoneEc2 } from '../swift/keystone-ec2.js';
import type { KeystoneIdentity, KeystoneTokens, SwiftIdentity } from '../swift/keystone.js';

export interface CredentialSetup {
  readonly store: CredentialStore<SwiftIdentity>;
  /** Credentials of the file (none when there is no file). */
  readonly fileCredentials: readonly Credential<SwiftIdentity>[];
  /** The gateway's own Keystone identity, when Keystone credentials are on. */
  readonly serviceIdentity?: KeystoneIdentity;
  /**
   * Reads the credentials file again and, when it loads, serves its keys from
   * now on (returns how many); a file that does not load throws its
   * ConfigError and the keys in use stay. Undefined without a credentials file.
   */
  readonly reloadFile?: (path: string) => number;
}

export function serviceIdentityOf(config: Config): KeystoneIdentity {
  const s = config.keystone.service;
  if (s.applicationCredentialId && s.applicationCredentialSecret) {
    return { kind: 'application_credential', id: s.applicationCredentialId, secret: s.applicationCredentialSecret };
  }
  return {
    kind: 'password',
    username: s.username!,
    password: s.password!,
    userDomain: s.userDomain,
    projectName: s.projectName!,
    projectDomain: s.projectDomain,
  };
}

export function buildCredentialStores(config: Config, deps: { dispatcher: Dispatcher; tokens: KeystoneTokens; metrics: Metrics }): CredentialSetup {
  const fileCredentials = config.credentials.file === undefined ? [] : loadCredentialsFile(config.credentials.file);
  const stores: CredentialStore<SwiftIdentity>[] = [];
  const file = config.credentials.file === undefined ? undefined : new SwappableCredentialStore(fileCredentials);
  const reloadFile = file && ((path: string) => {
    const next = loadCredentialsFile(path);
    file.replace(next);
    return next.length;
  });
  if (file) stores.push(file);
  if (!config.credentials.keystone) return { store: stores[0]!, fileCredentials, reloadFile };

  const serviceIdentity = serviceIdentityOf(config);
  const ec2 = new KeystoneEc2({
    authUrl: config.keystone.authUrl,
    dispatcher: deps.dispatcher,
    tokens: deps.tokens,
    service: serviceIdentity,
    timeoutMs: config.keystone.timeoutMs,
    events: {
      call: (kind, outcome, seconds) => {
        deps.metrics.keystoneCalls.inc({ kind, outcome });
        deps.metrics.keystoneDuration.observe({ kind }, seconds);
      },
    },
  });
  stores.push(
    new KeystoneCredentialStore({
      keystone: ec2,
      service: serviceIdentity,
      cacheSeconds: config.credentials.secretCacheSeconds,
      unknownKeyCacheSeconds: config.credentials.unknownKeyCacheSeconds,
      lookupsPerSecond: config.credentials.keystoneLookupsPerSecond,
      events: {
        cache: (event) => deps.metrics.cacheEvents.inc({ cache: 'secret', event }),
        throttled: () => deps.metrics.keystoneCalls.inc({ kind: 'ec2_credential', outcome: 'throttled' }),
      },
    }),
  );
  return { store: stores.length === 1 ? stores[0]! : new ChainedCredentialStore(stores), fileCredentials, serviceIdentity, reloadFile };
}

/**
 * The key of the metadata seals (operations/seal.ts): s3.integrityKey, or,
 * when unset, one derived from a secret every replica of one deployment
 * already shares (the service identity's, else the credentials file's secret
 * keys), so seals written by one replica verify on all. `derived` says which,
 * for the start-up log: a derived key changes when that secret does, and then
 * earlier seals no longer verify (their checksums and multipart ETags read as
 * absent), so production sets the key.
 */
export function integrityKeyOf(config: Config, setup: CredentialSetup): { key: Buffer; derived?: 'service identity' | 'credentials file' } {
  const explicit = config.s3.integrityKey;
  if (explicit !== undefined) return { key: createHash('sha256').update(`s3gw-integrity\n${explicit}`).digest() };
  const service = setup.serviceIdentity;
  if (service) {
    const secret = service.kind === 'password' ? `${service.username}\n${service.password}` : `${service.id}\n${service.secret}`;
    return { key: createHash('sha256').update(`s3gw-integrity-derived\n${secret}`).digest(), derived: 'service identity' };
  }
  const secrets = setup.fileCredentials.map((c) => `${c.accessKeyId}\n${c.secretKey}`).sort().join('\n');
  return { key: createHash('sha256').update(`s3gw-integrity-derived\n${secrets}`).digest(), derived: 'credentials file' };
}
