// deploy/local/stack.mjs, through test/helpers/stack.ts, on a made-up
// stack.json (no running stack): what it refuses, and that every config it
// generates is one src/config.ts reads the same way, by env or by file.
// TypeScript cannot check the .mjs against stack.d.mts; these tests do.
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envName as configEnvName, loadConfig, SETTINGS } from '../../src/config.js';
import { loadCredentialsFile } from '../../src/credentials/credentials-file.js';
import {
  credentialsFor,
  envName,
  gatewayEnv,
  gatewaySettings,
  gatewayYaml,
  loadStack,
  stackDir,
  writeGatewayFiles,
  type Stack,
  type StackStorageUser,
  type StackUser,
} from '../helpers/stack.js';

const user = (name: string): StackUser => ({ username: name, password: `pw-${name}`, projectName: name, projectId: `${name}-pid`, userId: `${name}-uid`, domain: 'default' });
const storage = (name: string): StackStorageUser => ({ ...user(name), storageUrl: `http://127.0.0.1:8080/v1/AUTH_${name}-pid`, ec2: { access: `${name}-access`, secret: `${name}-secret` } });

const stack: Stack = {
  dataDir: '/srv/stack',
  keystone: { url: 'http://127.0.0.1:5000', authUrl: 'http://127.0.0.1:5000/v3', region: 'RegionOne' },
  swift: { url: 'http://127.0.0.1:8080', maxManifestSegments: 10000 },
  s3api: { url: 'http://127.0.0.1:8081', region: 'RegionOne' },
  memcached: '127.0.0.1:11212',
  // A password YAML would misread unquoted.
  users: { admin: user('admin'), swift: user('swift'), s3gateway: { ...user('s3gateway'), password: '1e5: #not-a-comment' }, demo: storage('demo'), alt: storage('alt'), third: storage('third') },
};

const tmp = () => mkdtempSync(join(tmpdir(), 's3gw-stack-unit-'));
const savedStackDir = process.env['STACK_DIR'];
afterEach(() => {
  if (savedStackDir === undefined) delete process.env['STACK_DIR'];
  else process.env['STACK_DIR'] = savedStackDir;
});

describe('reading stack.json', () => {
  it('reads it from STACK_DIR', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'stack.json'), JSON.stringify(stack));
    process.env['STACK_DIR'] = dir;
    expect(stackDir()).toBe(dir);
    expect(loadStack()).toEqual(stack);
  });

  it('says how to start the stack when there is none', () => {
    expect(() => loadStack(join(tmp(), 'none'))).toThrow(/does not exist\.\nStart it with `bash deploy\/local\/stack.sh up`.*STACK_DIR/s);
  });

  it('refuses a file that is not JSON, or lacks what a consumer reads, naming it', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'stack.json'), '{');
    expect(() => loadStack(dir)).toThrow(/is not valid JSON.*re-run `bash deploy\/local\/stack.sh up`/);
    const { ec2: _ec2, ...altWithoutKeys } = stack.users.alt;
    writeFileSync(join(dir, 'stack.json'), JSON.stringify({ ...stack, users: { ...stack.users, alt: altWithoutKeys } }));
    expect(() => loadStack(dir)).toThrow('is incomplete (no users.alt.ec2.access, users.alt.ec2.secret)');
  });
});

describe('generated gateway configuration', () => {
  it('names variables by the rule of src/config.ts, for every setting', () => {
    for (const s of SETTINGS) expect(envName(s.path)).toBe(configEnvName(s.path));
  });

  it('is a complete config for the stack: free local ports, its Keystone, the spec dialect', () => {
    const config = loadConfig({ env: gatewayEnv(stack, { credentialsFile: '/c.json' }) });
    expect(config.listen).toMatchObject({ host: '127.0.0.1', port: 0 });
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.s3).toMatchObject({ domains: ['localhost'], dialect: 'ucloud', region: 'us-east-1' });
    expect(config.keystone).toMatchObject({ authUrl: stack.keystone.authUrl, region: 'RegionOne', storageUrl: undefined });
    expect(config.credentials).toMatchObject({ file: '/c.json', keystone: false });
    expect(config.log.level).toBe('info');
  });

  it('takes what tests vary: dialect, domains, URLs through a proxy, Keystone EC2 keys, any other setting', () => {
    const opts = {
      dialect: 'aws', domains: ['localhost', 's3.test'], authUrl: 'http://127.0.0.1:1/v3', storageUrl: 'http://127.0.0.1:2/v1/AUTH_{project_id}',
      keystoneEc2: true, logLevel: 'debug', settings: { 'health.intervalMs': 0, 's3.acceptedRegions': ['r1', 'r2'], 'credentials.secretCacheSeconds': 3 },
    } as const;
    const config = loadConfig({ env: gatewayEnv(stack, opts) });
    expect(config.s3).toMatchObject({ dialect: 'aws', domains: ['localhost', 's3.test'], acceptedRegions: ['us-east-1', 'r1', 'r2'] });
    expect(config.keystone).toMatchObject({ authUrl: opts.authUrl, storageUrl: opts.storageUrl });
    expect(config.keystone.service).toMatchObject({ username: 's3gateway', password: '1e5: #not-a-comment', projectName: 's3gateway' });
    expect(config.credentials).toMatchObject({ keystone: true, file: undefined, secretCacheSeconds: 3 });
    expect(config.health.intervalMs).toBe(0);
    expect(config.log.level).toBe('debug');
    // The same settings as a file read the same.
    const dir = tmp();
    writeFileSync(join(dir, 'gateway.yaml'), gatewayYaml(stack, opts, ['a header']));
    expect(loadConfig({ file: join(dir, 'gateway.yaml'), env: {} })).toEqual(config);
  });

  it('needs a Keystone URL without a stack, and the stack for its service user', () => {
    expect(gatewaySettings(undefined, { authUrl: 'http://k/v3' })['keystone']).toEqual({ authUrl: 'http://k/v3' });
    expect(() => gatewaySettings(undefined)).toThrow('no Keystone URL');
    expect(() => gatewaySettings(undefined, { authUrl: 'http://k/v3', keystoneEc2: true })).toThrow('needs the stack');
    expect(gatewaySettings(stack, { keystoneRegion: null })['keystone']).toEqual({ authUrl: stack.keystone.authUrl });
  });

  it('writes a config and the demo and alt keys beside it, owner-only, the credentials named relatively', () => {
    const dir = join(tmp(), 'gw');
    mkdirSync(dir);
    const { configFile, credentialsFile } = writeGatewayFiles(dir, stack, { keystoneEc2: true, credentialsName: 'credentials.yaml' });
    expect(credentialsFile).toBe(join(dir, 'credentials.yaml'));
    for (const file of [configFile, credentialsFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const config = loadConfig({ file: configFile, env: {} });
    expect(config.credentials.file).toBe(credentialsFile);
    const keys = loadCredentialsFile(credentialsFile);
    expect(keys.map((k) => [k.accessKeyId, k.secretKey])).toEqual([['demo-access', 'demo-secret'], ['alt-access', 'alt-secret']]);
    expect(keys[0]!.identity).toMatchObject({ username: 'demo', password: 'pw-demo', userDomain: 'default', userDomainIsId: true, projectId: 'demo-pid' });
    expect(credentialsFor([stack.users.alt]).credentials).toEqual([expect.objectContaining({ accessKey: 'alt-access' })]);
  });
});
