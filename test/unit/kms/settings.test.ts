// encryption.* settings: defaults, what each provider needs, and building the providers from them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { BarbicanProvider, KeyringProvider, buildKeyProviders } from '../../../src/kms/index.js';

const dir = mkdtempSync(join(tmpdir(), 's3gw-kms-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BASE = { S3GW_KEYSTONE_AUTH_URL: 'http://keystone:5000/v3', S3GW_CREDENTIALS_FILE: '/etc/s3gw/credentials.yaml' };
const SERVICE = { S3GW_KEYSTONE_SERVICE_USERNAME: 's3gw', S3GW_KEYSTONE_SERVICE_PASSWORD: 'pw', S3GW_KEYSTONE_SERVICE_PROJECT_NAME: 'service' };
const load = (env: Record<string, string>) => loadConfig({ env: { ...BASE, ...env } });
const refused = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('encryption settings', () => {
  it('default to the keyring for SSE-S3 and SSE-KMS, no keyring, Barbican from the catalog with a 300 s cache', () => {
    const { encryption } = load({});
    expect(encryption).toEqual({
      // SSE-C keys only over TLS, as S3.
      customerKeysOverHttp: false,
      providers: { sseS3: 'keyring', sseKms: 'keyring' },
      keyring: { dir: undefined, current: undefined },
      barbican: { url: undefined, defaultKeyId: undefined, cacheSeconds: 300, timeoutMs: 5000 },
    });
  });

  it('want keyring dir and current together, a service identity for barbican, and a default key for SSE-S3 on barbican', () => {
    expect(refused({ S3GW_ENCRYPTION_KEYRING_DIR: dir })).toMatch(/encryption.keyring.dir and encryption.keyring.current go together/);
    expect(refused({ S3GW_ENCRYPTION_PROVIDERS_SSE_KMS: 'barbican' })).toMatch(/set keystone.service/);
    expect(refused({ ...SERVICE, S3GW_ENCRYPTION_PROVIDERS_SSE_S3: 'barbican' })).toMatch(/set encryption.barbican.defaultKeyId/);
    expect(refused({ S3GW_ENCRYPTION_PROVIDERS_SSE_KMS: 'vault' })).toMatch(/not one of keyring, barbican/);
    expect(load({ ...SERVICE, S3GW_ENCRYPTION_PROVIDERS_SSE_KMS: 'barbican' }).encryption.providers.sseKms).toBe('barbican');
  });

  it('build the providers each mode names', async () => {
    writeFileSync(join(dir, 'k1'), randomBytes(32).toString('base64'));
    const config = load({ ...SERVICE, S3GW_ENCRYPTION_KEYRING_DIR: dir, S3GW_ENCRYPTION_KEYRING_CURRENT: 'k1', S3GW_ENCRYPTION_PROVIDERS_SSE_KMS: 'barbican', S3GW_ENCRYPTION_BARBICAN_URL: 'http://barbican:9311' });
    const dispatcher = new Agent();
    const providers = buildKeyProviders(config.encryption, {
      dispatcher,
      serviceToken: async () => 'token',
      invalidateServiceToken: () => undefined,
      keystone: { authUrl: config.keystone.authUrl, interface: 'public', timeoutMs: 1000 },
      watchSeconds: 0,
    });
    expect(providers.sseS3).toBeInstanceOf(KeyringProvider);
    expect(providers.kms).toBeInstanceOf(BarbicanProvider);
    expect(buildKeyProviders(load({}).encryption, { dispatcher, keystone: { authUrl: 'http://k/v3', interface: 'public', timeoutMs: 1 }, watchSeconds: 0 }).sseS3).toBeUndefined();
    providers.stop();
    await dispatcher.close();
  });
});
