// The key providers the settings ask for (encryption.*), built once at start.
// The caller (main.ts/server.ts) passes the gateway's service token and a
// dispatcher; nothing here reads env or opens a connection before it is used.
import type { Dispatcher } from 'undici';
import type { EncryptionConfig } from '../config.js';
import { BarbicanProvider } from './barbican.js';
import { keyManagerFromCatalog } from './catalog.js';
import { KeyringProvider, readKeyring } from './keyring.js';
import { watchKeyring } from './keyring-watch.js';
import type { KeyProvider } from './provider.js';

export type { KeyProvider, WrapContext, WrappedKey } from './provider.js';
export { BarbicanProvider, type BarbicanOptions } from './barbican.js';
export { KeyringProvider, readKeyring, parseKeyFile, type Keyring } from './keyring.js';
export { watchKeyring } from './keyring-watch.js';
export { barbicanSecretId } from './barbican-key-id.js';
export { keyManagerFromCatalog, endpointFromCatalog } from './catalog.js';

export interface KeyProviderDeps {
  readonly dispatcher: Dispatcher;
  /** A Keystone token of keystone.service (e.g. `() => tokens.get(serviceIdentity).then((t) => t.token)`). */
  readonly serviceToken?: () => Promise<string>;
  /** Drops that cached token (Barbican said 401). */
  readonly invalidateServiceToken?: () => void;
  /** For the catalog lookup of Barbican's endpoint. */
  readonly keystone: { readonly authUrl: string; readonly interface: string; readonly region?: string; readonly timeoutMs: number };
  /** reload.watchSeconds: how often the keyring directory is checked (0: never). */
  readonly watchSeconds: number;
  /** The current keyring key id as reloaded settings have it (default: config.keyring.current, fixed). */
  readonly keyringCurrent?: () => string;
  readonly onKeyringReload?: (keyIds: readonly string[], current: string) => void;
  readonly onKeyringError?: (err: Error) => void;
  readonly now?: () => number;
}

export interface KeyProviders {
  /** SSE-S3's provider; undefined when the one chosen is not configured (no keyring dir). */
  readonly sseS3: KeyProvider | undefined;
  /** SSE-KMS's provider; undefined likewise. */
  readonly kms: KeyProvider | undefined;
  /** Re-reads the keyring now (SIGHUP). */
  reload(): void;
  stop(): void;
}

/** Builds the providers; a bad keyring throws ConfigError (start-up stops with its message). */
export function buildKeyProviders(config: EncryptionConfig, deps: KeyProviderDeps): KeyProviders {
  const { dir, current } = config.keyring;
  let keyring: KeyringProvider | undefined;
  let watch: { check(): void; stop(): void } | undefined;
  if (dir !== undefined && current !== undefined) {
    keyring = new KeyringProvider(readKeyring(dir, current));
    watch = watchKeyring(keyring, {
      dir,
      current: deps.keyringCurrent ?? (() => current),
      seconds: deps.watchSeconds,
      onReload: deps.onKeyringReload,
      onError: deps.onKeyringError,
    });
  }
  let barbican: BarbicanProvider | undefined;
  const needsBarbican = config.providers.sseS3 === 'barbican' || config.providers.sseKms === 'barbican';
  if (needsBarbican) {
    const { serviceToken, invalidateServiceToken } = deps;
    if (!serviceToken || !invalidateServiceToken) throw new Error('the barbican key provider needs the gateway\'s service token');
    const fixed = config.barbican.url;
    barbican = new BarbicanProvider({
      endpoint: fixed !== undefined
        ? async () => fixed
        : keyManagerFromCatalog({ ...deps.keystone, token: serviceToken, dispatcher: deps.dispatcher }),
      token: serviceToken,
      invalidateToken: invalidateServiceToken,
      dispatcher: deps.dispatcher,
      defaultKeyId: config.barbican.defaultKeyId,
      cacheSeconds: config.barbican.cacheSeconds,
      timeoutMs: config.barbican.timeoutMs,
      now: deps.now,
    });
  }
  const pick = (name: 'keyring' | 'barbican') => (name === 'keyring' ? keyring : barbican);
  return {
    sseS3: pick(config.providers.sseS3),
    kms: pick(config.providers.sseKms),
    reload: () => watch?.check(),
    stop: () => watch?.stop(),
  };
}
