// Configuration as an operator meets it: the real process's --help and
// --version, start-up refused (exit 2) with a message naming the bad setting,
// values from S3GW_<NAME>_FILE files (mounted Secrets), and an example config
// file that documents every setting.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SETTINGS, envName, loadConfig } from '../../src/config.js';
import { eventually, repoRoot, runGateway, startGatewayProcess } from '../helpers/process.js';
import { freePort } from '../helpers/prometheus.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { credentialOf, gatewayEnv, loadStack, writeCredentialsFile } from '../helpers/stack.js';

const stack = loadStack();
const tmp = () => mkdtempSync(join(tmpdir(), 's3gw-config-'));

/** A credentials file for the stack's demo user, and the env that makes a complete config. */
function minimalEnv(): Record<string, string> {
  const credentialsFile = writeCredentialsFile(join(tmp(), 'credentials.json'), [credentialOf(stack.users.demo)]);
  return gatewayEnv(stack, { credentialsFile });
}

describe('the command line', () => {
  it('--help lists every setting with its environment variable and the _FILE form, and exits 0', async () => {
    const r = await runGateway(['--help']);
    expect(r.code).toBe(0);
    for (const s of SETTINGS) {
      expect(r.stdout).toContain(s.path);
      expect(r.stdout).toContain(envName(s.path));
    }
    expect(r.stdout).toContain('_FILE');
    expect(r.stdout).toContain('S3GW_SHUTDOWN_GRACE_SECONDS');
  });

  it("--version prints package.json's version and exits 0", async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await runGateway(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('start-up refused', () => {
  it('exits 2 naming a bad value and its variable', async () => {
    const r = await runGateway([], { ...minimalEnv(), S3GW_LISTEN_PORT: '99999' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Setting listen.port (environment S3GW_LISTEN_PORT)');
    expect(r.stderr).toContain('99999 is not a TCP port');
  });

  it('exits 2 naming a missing required setting', async () => {
    const env = minimalEnv();
    delete env.S3GW_KEYSTONE_AUTH_URL;
    const r = await runGateway([], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Setting keystone.authUrl is required');
    expect(r.stderr).toContain('S3GW_KEYSTONE_AUTH_URL');
  });

  it('exits 2 on a bad value in the config file, naming the setting', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'config.yaml'), 'shutdownGraceSeconds: soon\n');
    const env = minimalEnv();
    const r = await runGateway(['--config', join(dir, 'config.yaml')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Setting shutdownGraceSeconds');
  });

  it('exits 2 when the config file cannot be read', async () => {
    const r = await runGateway(['--config', '/nonexistent/gateway.yaml'], minimalEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot read the config file /nonexistent/gateway.yaml');
  });

  it('exits 2 naming the setting when its _FILE is missing', async () => {
    const env = minimalEnv();
    delete env.S3GW_KEYSTONE_AUTH_URL;
    const r = await runGateway([], { ...env, S3GW_KEYSTONE_AUTH_URL_FILE: '/nonexistent/auth-url' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Setting keystone.authUrl');
    expect(r.stderr).toContain('S3GW_KEYSTONE_AUTH_URL_FILE');
    expect(r.stderr).toContain('ENOENT');
  });

  it('exits 2 on a bad value from a _FILE without repeating the value (it may be a secret)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'auth-url'), 'hunter2-not-a-url\n');
    const env = minimalEnv();
    delete env.S3GW_KEYSTONE_AUTH_URL;
    const r = await runGateway([], { ...env, S3GW_KEYSTONE_AUTH_URL_FILE: join(dir, 'auth-url') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Setting keystone.authUrl');
    expect(r.stderr).toContain('is not an http(s) URL');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('exits 2 when both a variable and its _FILE are set', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'auth-url'), stack.keystone.authUrl);
    const r = await runGateway([], { ...minimalEnv(), S3GW_KEYSTONE_AUTH_URL_FILE: join(dir, 'auth-url') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('both S3GW_KEYSTONE_AUTH_URL and S3GW_KEYSTONE_AUTH_URL_FILE are set');
  });
});

describe('values from files (mounted Secrets)', () => {
  it('reads S3GW_<NAME>_FILE trimmed, for any setting', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'auth-url'), `  ${stack.keystone.authUrl}\n`);
    writeFileSync(join(dir, 'grace'), '7\n');
    writeFileSync(join(dir, 'creds-path'), '/run/secrets/credentials.yaml\n');
    const config = loadConfig({
      env: {
        S3GW_KEYSTONE_AUTH_URL_FILE: join(dir, 'auth-url'),
        S3GW_SHUTDOWN_GRACE_SECONDS_FILE: join(dir, 'grace'),
        S3GW_CREDENTIALS_FILE_FILE: join(dir, 'creds-path'),
      },
    });
    expect(config.keystone.authUrl).toBe(stack.keystone.authUrl);
    expect(config.shutdownGraceSeconds).toBe(7);
    expect(config.credentials.file).toBe('/run/secrets/credentials.yaml');
  });

  it('a gateway process takes its Keystone URL from a file over its config file, and serves', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'auth-url'), `${stack.keystone.authUrl}\n`);
    const dead = await freePort();
    const gw = await startGatewayProcess({
      // The config file names a dead Keystone; the file wins.
      authUrl: `http://127.0.0.1:${dead}/v3`,
      env: { S3GW_KEYSTONE_AUTH_URL_FILE: join(dir, 'auth-url') },
    });
    try {
      expect((await rawS3(gw.url, { method: 'GET', path: '/', keys: stack.users.demo.ec2 })).status).toBe(200);
      await eventually(async () => (await fetch(`${gw.adminUrl}/readyz`)).status === 200);
    } finally {
      expect((await gw.stop()).code).toBe(0);
    }
  });
});

describe('config/gateway.example.yaml', () => {
  const text = readFileSync(join(repoRoot, 'config', 'gateway.example.yaml'), 'utf8');

  it('documents every setting, at its path (commented-out ones included), with its variable', () => {
    // Uncomment `# key: value  # S3GW_...` lines so optional settings shown commented out parse too.
    const uncommented = text.replace(/^(\s*)#\s?(\w+:\s.*S3GW_.*)$/gm, '$1$2');
    const doc = parseYaml(uncommented) as Record<string, unknown>;
    const missing: string[] = [];
    for (const s of SETTINGS) {
      let node: unknown = doc;
      for (const part of s.path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      if (node === undefined) missing.push(s.path);
      if (!text.includes(envName(s.path))) missing.push(envName(s.path));
    }
    expect(missing).toEqual([]);
  });

  it('is itself a valid configuration', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'gateway.yaml'), text);
    const config = loadConfig({ file: join(dir, 'gateway.yaml'), env: {} });
    expect(config.shutdownGraceSeconds).toBe(30);
    expect(config.health.intervalMs).toBe(5000);
  });
});
