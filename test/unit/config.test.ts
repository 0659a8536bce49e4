// Settings: defaults, environment, config file; errors that name the setting.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, envName, loadConfig } from '../../src/config.js';
import { parseCredentials } from '../../src/credentials/credentials-file.js';

const dir = mkdtempSync(join(tmpdir(), 's3gw-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REQUIRED_ENV = {
  S3GW_KEYSTONE_AUTH_URL: 'http://keystone:5000/v3',
  S3GW_CREDENTIALS_FILE: '/etc/s3gw/credentials.yaml',
};

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('envName', () => {
  it('turns a setting path into an S3GW_ variable', () => {
    expect(envName('keystone.authUrl')).toBe('S3GW_KEYSTONE_AUTH_URL');
    expect(envName('s3.maxSkewSeconds')).toBe('S3GW_S3_MAX_SKEW_SECONDS');
    expect(envName('listen.port')).toBe('S3GW_LISTEN_PORT');
    expect(envName('keystone.tokenSafetyMarginSeconds')).toBe('S3GW_KEYSTONE_TOKEN_SAFETY_MARGIN_SECONDS');
  });

  it('gives every setting its own variable', () => {
    const names = SETTINGS.map((s) => envName(s.path));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('loadConfig', () => {
  it('s3.objectLock.bypassGovernanceRoles follows credentials.operatorRoles unless set', () => {
    expect(loadConfig({ env: { ...REQUIRED_ENV, S3GW_CREDENTIALS_OPERATOR_ROLES: 'owner' } }).s3.objectLock.bypassGovernanceRoles).toEqual(['owner']);
    expect(loadConfig({ env: { ...REQUIRED_ENV, S3GW_S3_OBJECT_LOCK_BYPASS_GOVERNANCE_ROLES: 'Lock-Officer,admin' } }).s3.objectLock.bypassGovernanceRoles).toEqual(['Lock-Officer', 'admin']);
  });

  it('uses the defaults when only the required settings are given', () => {
    const config = loadConfig({ env: REQUIRED_ENV });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9000, maxConnectionsPerClient: 256 });
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 9001 });
    expect(config.s3).toEqual({
      domains: ['localhost'], region: 'us-east-1', acceptedRegions: ['us-east-1'], dialect: 'ucloud', maxSkewSeconds: 900, bodyIdleTimeoutSeconds: 20, stagedPutFromBytes: 8 * 1024 * 1024,
      // Who may bypass GOVERNANCE retention: the operator roles unless set.
      objectLock: { bypassGovernanceRoles: ['member', 'admin'] },
    });
    expect(config.keystone).toMatchObject({
      authUrl: 'http://keystone:5000/v3',
      interface: 'public',
      region: undefined,
      storageUrl: undefined,
      tokenSafetyMarginSeconds: 120,
      cacheSize: 10000,
    });
    expect(config.log.level).toBe('info');
    expect(config.credentials.file).toBe('/etc/s3gw/credentials.yaml');
  });

  it('reads environment overrides and converts them', () => {
    const config = loadConfig({
      env: {
        ...REQUIRED_ENV,
        S3GW_LISTEN_PORT: '8080',
        S3GW_S3_DOMAINS: 'S3.Example.com, localhost ,',
        S3GW_S3_DIALECT: 'aws',
        S3GW_S3_MAX_SKEW_SECONDS: ' 60 ',
        S3GW_KEYSTONE_REGION: 'RegionOne',
        S3GW_LOG_LEVEL: 'debug',
      },
    });
    expect(config.listen.port).toBe(8080);
    expect(config.s3.domains).toEqual(['s3.example.com', 'localhost']);
    expect(config.s3.dialect).toBe('aws');
    expect(config.s3.maxSkewSeconds).toBe(60);
    expect(config.keystone.region).toBe('RegionOne');
    expect(config.log.level).toBe('debug');
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig({ env: { ...REQUIRED_ENV, S3GW_LISTEN_PORT: '' } }).listen.port).toBe(9000);
  });

  it('reads a YAML file, and the environment wins over it', () => {
    const file = write(
      'gateway.yaml',
      [
        'listen: { port: 7000, host: 127.0.0.1 }',
        's3:',
        '  domains: [s3.one.test, s3.two.test]',
        '  dialect: aws',
        'keystone:',
        '  authUrl: https://keystone.file:5000/v3',
        '  storageUrl: http://swift:8080/v1/AUTH_{project_id}',
        'credentials: { file: creds.yaml }',
      ].join('\n'),
    );
    const config = loadConfig({ file, env: { S3GW_LISTEN_PORT: '7001' } });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 7001, maxConnectionsPerClient: 256 });
    expect(config.s3.domains).toEqual(['s3.one.test', 's3.two.test']);
    expect(config.keystone.authUrl).toBe('https://keystone.file:5000/v3');
    expect(config.keystone.storageUrl).toBe('http://swift:8080/v1/AUTH_{project_id}');
    // A relative credentials path is relative to the config file.
    expect(config.credentials.file).toBe(join(dir, 'creds.yaml'));
  });

  it('reads a JSON file', () => {
    const file = write('gateway.json', JSON.stringify({ keystone: { authUrl: 'http://k:5000/v3', interface: 'internal' }, credentials: { file: '/abs/c.json' }, admin: { port: 9100 } }));
    const config = loadConfig({ file, env: {} });
    expect(config.keystone.interface).toBe('internal');
    expect(config.admin.port).toBe(9100);
    expect(config.credentials.file).toBe('/abs/c.json');
  });

  const BAD: ReadonlyArray<readonly [string, string, string]> = [
    ['S3GW_LISTEN_PORT', '70000', 'listen.port'],
    ['S3GW_LISTEN_PORT', 'http', 'listen.port'],
    ['S3GW_S3_MAX_SKEW_SECONDS', '-5', 's3.maxSkewSeconds'],
    ['S3GW_S3_MAX_SKEW_SECONDS', '1.5', 's3.maxSkewSeconds'],
    ['S3GW_S3_DIALECT', 'minio', 's3.dialect'],
    ['S3GW_KEYSTONE_INTERFACE', 'private', 'keystone.interface'],
    ['S3GW_KEYSTONE_AUTH_URL', 'keystone:5000', 'keystone.authUrl'],
    ['S3GW_KEYSTONE_STORAGE_URL', 'ftp://swift/v1', 'keystone.storageUrl'],
    ['S3GW_S3_DOMAINS', ' , ', 's3.domains'],
    ['S3GW_LOG_LEVEL', 'trace', 'log.level'],
  ];
  for (const [variable, value, setting] of BAD) {
    it(`refuses ${variable}=${JSON.stringify(value)} with a ConfigError naming ${setting}`, () => {
      const err = configError(() => loadConfig({ env: { ...REQUIRED_ENV, [variable]: value } }));
      expect(err.message).toContain(`Setting ${setting}`);
      expect(err.message).toContain(variable);
    });
  }

  it('refuses a bad value in the file naming the setting and the file', () => {
    const file = write('bad.yaml', 'keystone: { authUrl: http://k/v3 }\ncredentials: { file: c.yaml }\nlisten: { port: -1 }\n');
    const err = configError(() => loadConfig({ file, env: {} }));
    expect(err.message).toContain('listen.port');
    expect(err.message).toContain(file);
  });

  it('refuses a missing required setting naming its environment variable', () => {
    const noAuth = configError(() => loadConfig({ env: { S3GW_CREDENTIALS_FILE: '/c.yaml' } }));
    expect(noAuth.message).toContain('keystone.authUrl');
    expect(noAuth.message).toContain('S3GW_KEYSTONE_AUTH_URL');
    const noCreds = configError(() => loadConfig({ env: { S3GW_KEYSTONE_AUTH_URL: 'http://k/v3' } }));
    expect(noCreds.message).toContain('S3GW_CREDENTIALS_FILE');
  });

  it('refuses a missing config file and invalid YAML with a ConfigError', () => {
    expect(configError(() => loadConfig({ file: join(dir, 'nope.yaml'), env: REQUIRED_ENV })).message).toContain('nope.yaml');
    const broken = write('broken.yaml', 'listen: [1, 2\n  port: :');
    expect(configError(() => loadConfig({ file: broken, env: REQUIRED_ENV })).message).toContain('not valid YAML');
  });
});

describe('parseCredentials', () => {
  it('reads a password identity with defaults for the domain', () => {
    const creds = parseCredentials(
      'credentials:\n  - accessKey: AKIAEXAMPLE\n    secretKey: "wJal/rXU+tn"\n    keystone:\n      username: demo\n      password: secret\n      projectName: demo\n',
      'creds.yaml',
    );
    expect(creds).toEqual([
      {
        accessKeyId: 'AKIAEXAMPLE',
        secretKey: 'wJal/rXU+tn',
        identity: {
          kind: 'password',
          username: 'demo',
          password: 'secret',
          userDomain: 'Default',
          userDomainIsId: false,
          projectId: undefined,
          projectName: 'demo',
          projectDomain: undefined,
          projectDomainIsId: false,
        },
      },
    ]);
  });

  it('reads domain and project ids', () => {
    const [c] = parseCredentials(
      JSON.stringify({ credentials: [{ accessKey: 'A', secretKey: 'S', keystone: { username: 'u', password: 'p', userDomainId: 'default', projectId: 'p1', projectDomainId: 'd1' } }] }),
      'c.json',
    );
    expect(c!.identity).toMatchObject({ kind: 'password', userDomain: 'default', userDomainIsId: true, projectId: 'p1', projectDomain: 'd1', projectDomainIsId: true });
  });

  it('reads an application credential', () => {
    const [c] = parseCredentials(
      'credentials:\n  - accessKey: AK2\n    secretKey: SK2\n    keystone: { applicationCredentialId: 21dc, applicationCredentialSecret: s3cr3t }\n',
      'c.yaml',
    );
    expect(c!.identity).toEqual({ kind: 'application_credential', id: '21dc', secret: 's3cr3t' });
  });

  it('keeps numeric-looking keys as strings', () => {
    const [c] = parseCredentials('credentials:\n  - { accessKey: 12345, secretKey: 0777, keystone: { username: u, password: 1, projectName: p } }\n', 'c.yaml');
    expect(typeof c!.accessKeyId).toBe('string');
    expect(typeof c!.secretKey).toBe('string');
  });

  it('refuses an access key listed twice', () => {
    const entry = '  - { accessKey: DUP, secretKey: s, keystone: { username: u, password: p, projectName: x } }\n';
    const err = configError(() => parseCredentials('credentials:\n' + entry + entry, 'c.yaml'));
    expect(err.message).toContain('DUP');
    expect(err.message).toContain('twice');
  });

  const MISSING: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['no list', 'users: []', /credentials:/],
    ['no secretKey', 'credentials:\n  - { accessKey: A, keystone: { username: u, password: p, projectName: x } }', /accessKey and secretKey/],
    ['no keystone', 'credentials:\n  - { accessKey: A, secretKey: s }', /keystone identity/],
    ['no password', 'credentials:\n  - { accessKey: A, secretKey: s, keystone: { username: u, projectName: x } }', /username and password/],
    ['no project', 'credentials:\n  - { accessKey: A, secretKey: s, keystone: { username: u, password: p } }', /projectName or projectId/],
    ['no app credential secret', 'credentials:\n  - { accessKey: A, secretKey: s, keystone: { applicationCredentialId: x } }', /applicationCredentialSecret/],
    ['a null entry', 'credentials:\n  -\n', /accessKey and secretKey/],
    ['invalid YAML', 'credentials: [', /not valid YAML/],
  ];
  for (const [name, text, message] of MISSING) {
    it(`refuses a file with ${name} with a ConfigError`, () => {
      const err = configError(() => parseCredentials(text, 'creds.yaml'));
      expect(err.message).toMatch(message);
      expect(err.message).toContain('creds.yaml');
    });
  }

  it('never puts a secret in an error message', () => {
    const err = configError(() => parseCredentials('credentials:\n  - { accessKey: A, secretKey: TOPSECRET, keystone: { username: u, password: PASSW0RD } }', 'c.yaml'));
    expect(err.message).not.toContain('TOPSECRET');
    expect(err.message).not.toContain('PASSW0RD');
  });
});
