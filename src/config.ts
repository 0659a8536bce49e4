// The only reader of settings. Every setting has a path in the config file
// (YAML or JSON), an environment variable, a default and a check; a bad or
// missing value stops start-up with a message naming the setting.
// Any setting can also come from a file named by S3GW_<NAME>_FILE (the way a
// mounted Kubernetes Secret or Docker secret provides values).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DialectName } from './s3/dialect.js';
import { S3_STORAGE_CLASSES } from './s3/storage-class.js';

export interface Config {
  readonly listen: { readonly host: string; readonly port: number; readonly maxConnectionsPerClient: number };
  readonly admin: { readonly host: string; readonly port: number };
  readonly s3: {
    readonly domains: readonly string[];
    readonly websiteDomains: readonly string[] | undefined;
    readonly region: string;
    /** Regions a SigV4 credential scope may name: `region` first (error messages expect it). */
    readonly acceptedRegions: readonly string[];
    readonly dialect: DialectName;
    readonly maxSkewSeconds: number;
    /** Key of the seals on the gateway's own object metadata (see operations/seal.ts). */
    readonly integrityKey: string | undefined;
    readonly bodyIdleTimeoutSeconds: number;
    /** Single PUTs from this size are staged, so the last to complete wins (0: none). */
    readonly stagedPutFromBytes: number;
    readonly objectLock: {
      /** Roles that may bypass GOVERNANCE retention (default: credentials.operatorRoles). */
      readonly bypassGovernanceRoles: readonly string[];
    };
    /** S3 storage class → Swift storage policy name or alias (checked against Swift's /info at start). */
    readonly storageClasses: Readonly<Record<string, string>> | undefined;
  };
  readonly keystone: {
    readonly authUrl: string;
    readonly interface: 'public' | 'internal' | 'admin';
    readonly region: string | undefined;
    readonly storageUrl: string | undefined;
    readonly tokenSafetyMarginSeconds: number;
    readonly cacheSize: number;
    readonly timeoutMs: number;
    /** The gateway's own Keystone identity (for EC2 credentials): a user or an application credential. */
    readonly service: {
      readonly username: string | undefined;
      readonly password: string | undefined;
      readonly userDomain: string;
      readonly projectName: string | undefined;
      readonly projectDomain: string;
      readonly applicationCredentialId: string | undefined;
      readonly applicationCredentialSecret: string | undefined;
    };
  };
  readonly swift: {
    readonly connections: number;
    readonly headersTimeoutMs: number;
    readonly bodyTimeoutMs: number;
    readonly queueTimeoutMs: number;
    readonly healthUrl: string | undefined;
  };
  readonly health: { readonly intervalMs: number; readonly timeoutMs: number };
  readonly shutdownGraceSeconds: number;
  /** S3 worker processes (Node's cluster); 0: one per available core. */
  readonly workers: number;
  readonly credentials: {
    readonly file: string | undefined;
    readonly keystone: boolean;
    readonly secretCacheSeconds: number;
    readonly unknownKeyCacheSeconds: number;
    readonly keystoneLookupsPerSecond: number;
    readonly operatorRoles: readonly string[];
    readonly readerRoles: readonly string[];
  };
  readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error' };
  readonly reload: { readonly watchSeconds: number };
  readonly encryption: EncryptionConfig;
  readonly namespace: {
    /** global: one bucket namespace for all projects (the registry); account: each project its own names. */
    readonly mode: 'auto' | 'global' | 'account';
    readonly registryContainer: string;
    readonly cacheSeconds: number;
  };
}

/** Where the key-encryption keys of server-side encryption come from (src/kms/). */
export interface EncryptionConfig {
  /** Accept SSE-C keys over plain HTTP (behind a TLS-terminating proxy, or in tests). */
  readonly customerKeysOverHttp: boolean;
  readonly providers: {
    /** The provider SSE-S3 (x-amz-server-side-encryption: AES256) wraps with. */
    readonly sseS3: 'keyring' | 'barbican';
    /** The provider SSE-KMS (aws:kms) wraps with; its key ids are the client's KMS key ids. */
    readonly sseKms: 'keyring' | 'barbican';
  };
  readonly keyring: { readonly dir: string | undefined; readonly current: string | undefined };
  readonly barbican: {
    readonly url: string | undefined;
    readonly defaultKeyId: string | undefined;
    readonly cacheSeconds: number;
    readonly timeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Kind = 'string' | 'port' | 'int' | 'bool' | 'list' | 'optional-list' | 'optional-map' | 'url' | 'optional-string' | 'optional-url' | { readonly oneOf: readonly string[] };

interface Setting {
  readonly path: string;
  readonly kind: Kind;
  readonly default?: unknown;
  readonly help: string;
}

/** Every setting the gateway reads. `config/gateway.example.yaml` documents each one. */
export const SETTINGS: readonly Setting[] = [
  { path: 'listen.host', kind: 'string', default: '0.0.0.0', help: 'address the S3 API listens on' },
  { path: 'listen.port', kind: 'port', default: 9000, help: 'port of the S3 API' },
  { path: 'listen.maxConnectionsPerClient', kind: 'int', default: 256, help: 'most open S3 connections from one client address; more are answered 503 SlowDown and closed (0: no limit; behind a proxy every client has its address)' },
  { path: 'admin.host', kind: 'string', default: '127.0.0.1', help: 'address of the admin listener (/metrics, /healthz, /readyz)' },
  { path: 'admin.port', kind: 'port', default: 9001, help: 'port of the admin listener' },
  { path: 's3.domains', kind: 'list', default: ['localhost'], help: 'domains for virtual-host style requests (bucket.<domain>)' },
  { path: 's3.websiteDomains', kind: 'optional-list', help: 'domains of the static website endpoint (<bucket>.<domain>): anonymous GET/HEAD of buckets with a website configuration (global namespace)' },
  { path: 's3.region', kind: 'string', default: 'us-east-1', help: 'the S3 region this gateway reports and accepts' },
  { path: 's3.acceptedRegions', kind: 'optional-list', help: 'regions SigV4 clients may sign for (default: s3.region and us-east-1)' },
  { path: 's3.dialect', kind: { oneOf: ['ucloud', 'aws'] }, default: 'ucloud', help: 'ucloud: the KT ucloud spec (201/202/401, its XML namespace); aws: AWS S3 behaviour' },
  { path: 's3.maxSkewSeconds', kind: 'int', default: 900, help: 'largest accepted clock difference of a signed request' },
  { path: 's3.integrityKey', kind: 'optional-string', help: 'secret sealing the gateway\'s own metadata on objects (checksums, multipart ETags), the same on every replica (default: derived from the service identity\'s secret, else the credentials file\'s secret keys)' },
  { path: 's3.bodyIdleTimeoutSeconds', kind: 'int', default: 20, help: 'longest silence inside a request body before it is answered 400 RequestTimeout and its Swift upload aborted, as S3 does after about 20 s (0: no limit)' },
  { path: 's3.stagedPutFromBytes', kind: 'int', default: 8 * 1024 * 1024, help: 'single PUTs of at least this many bytes are streamed into a segment and committed as a one-segment manifest at their end, so of two overlapping writes of a key the one that completes last wins, as in S3 (1: every non-empty PUT; 0: none, Swift\'s order: the one that started last wins)' },
  { path: 's3.objectLock.bypassGovernanceRoles', kind: 'optional-list', help: 'Keystone roles whose keys may bypass GOVERNANCE object lock retention with x-amz-bypass-governance-retention: true (default: credentials.operatorRoles)' },
  { path: 's3.storageClasses', kind: 'optional-map', help: 'S3 storage classes offered, each on a Swift storage policy (name or alias), e.g. {STANDARD_IA: ec21, GLACIER_IR: ec21} or STANDARD_IA=ec21,GLACIER_IR=ec21; STANDARD is the cluster\'s default policy unless named; a class not listed is InvalidStorageClass' },
  { path: 'keystone.authUrl', kind: 'url', help: 'Keystone v3 endpoint, e.g. http://keystone:5000/v3' },
  { path: 'keystone.interface', kind: { oneOf: ['public', 'internal', 'admin'] }, default: 'public', help: 'catalog interface of the object-store endpoint' },
  { path: 'keystone.region', kind: 'optional-string', help: 'catalog region of the object-store endpoint (any when unset)' },
  { path: 'keystone.storageUrl', kind: 'optional-url', help: 'Swift storage URL template overriding the catalog, with {project_id}' },
  { path: 'keystone.tokenSafetyMarginSeconds', kind: 'int', default: 120, help: 'a cached token is renewed this long before it expires' },
  { path: 'keystone.cacheSize', kind: 'int', default: 10000, help: 'most tokens kept in the LRU' },
  { path: 'keystone.timeoutMs', kind: 'int', default: 10000, help: 'timeout of one Keystone call' },
  { path: 'swift.connections', kind: 'int', default: 256, help: 'most open connections to the Swift proxy' },
  { path: 'swift.headersTimeoutMs', kind: 'int', default: 60000, help: 'how long to wait for Swift response headers' },
  { path: 'swift.bodyTimeoutMs', kind: 'int', default: 300000, help: 'longest pause inside a Swift body' },
  { path: 'swift.queueTimeoutMs', kind: 'int', default: 10000, help: 'longest wait of a Swift or Keystone call for a free connection (all swift.connections busy, or Swift holding them unanswered); then 503 SlowDown (0: no limit)' },
  { path: 'swift.healthUrl', kind: 'optional-url', help: 'URL the readiness check GETs for Swift (default: /healthcheck at the origin of keystone.storageUrl, else of the first token\'s storage URL)' },
  { path: 'health.intervalMs', kind: 'int', default: 5000, help: 'how often the background readiness checks of Keystone and Swift run (0: no checks, /readyz only reflects shutdown)' },
  { path: 'health.timeoutMs', kind: 'int', default: 2000, help: 'timeout of one readiness check' },
  { path: 'workers', kind: 'int', default: 0, help: 'S3 worker processes sharing the S3 port (Node\'s cluster), with one primary serving the admin port (metrics of all workers, health of all workers); 0: one per available core; 1: a single process (the container image sets 1: the orchestrator scales pods)' },
  { path: 'shutdownGraceSeconds', kind: 'int', default: 30, help: 'on SIGTERM/SIGINT, longest wait for requests in flight before connections are cut' },
  { path: 'keystone.service.username', kind: 'optional-string', help: 'the gateway\'s own Keystone user (for credentials.keystone); it needs Keystone\'s admin role (to read EC2 credentials and ask /v3/ec2tokens), no Swift role' },
  { path: 'keystone.service.password', kind: 'optional-string', help: 'password of keystone.service.username (best from a file: S3GW_KEYSTONE_SERVICE_PASSWORD_FILE)' },
  { path: 'keystone.service.userDomain', kind: 'string', default: 'Default', help: 'domain name of keystone.service.username' },
  { path: 'keystone.service.projectName', kind: 'optional-string', help: 'project the gateway\'s service token is scoped to' },
  { path: 'keystone.service.projectDomain', kind: 'string', default: 'Default', help: 'domain name of keystone.service.projectName' },
  { path: 'keystone.service.applicationCredentialId', kind: 'optional-string', help: 'or: an application credential for the gateway\'s service identity' },
  { path: 'keystone.service.applicationCredentialSecret', kind: 'optional-string', help: 'secret of keystone.service.applicationCredentialId' },
  { path: 'credentials.file', kind: 'optional-string', help: 'credentials file (YAML or JSON): access key → secret and Swift identity; asked first' },
  { path: 'credentials.keystone', kind: 'bool', default: false, help: 'also accept Keystone EC2 credentials (openstack ec2 credentials create), asked after the file' },
  { path: 'credentials.secretCacheSeconds', kind: 'int', default: 300, help: 'how long an EC2 secret fetched from Keystone is used without asking again (a deleted key stops working within this time)' },
  { path: 'credentials.unknownKeyCacheSeconds', kind: 'int', default: 15, help: 'how long an access key Keystone does not hold is answered InvalidAccessKeyId without asking again' },
  { path: 'credentials.keystoneLookupsPerSecond', kind: 'int', default: 10, help: 'most Keystone credential reads a second for access keys not cached (more answer 503 SlowDown), so unknown keys cannot flood Keystone' },
  { path: 'credentials.operatorRoles', kind: 'list', default: ['member', 'admin'], help: 'Keystone roles that give an EC2 key read and write access to its project' },
  { path: 'credentials.readerRoles', kind: 'list', default: ['reader'], help: 'Keystone roles that give an EC2 key read-only access (GET, HEAD, listings)' },
  { path: 'encryption.customerKeysOverHttp', kind: 'bool', default: false, help: 'accept SSE-C requests (x-amz-server-side-encryption-customer-key) over plain HTTP; S3 refuses them unless the connection is TLS, and so does the gateway by default. Set it only when a TLS-terminating proxy in front is the only way in: the gateway listens on HTTP and cannot tell' },
  { path: 'encryption.providers.sseS3', kind: { oneOf: ['keyring', 'barbican'] }, default: 'keyring', help: 'key provider of SSE-S3 (x-amz-server-side-encryption: AES256): keyring (encryption.keyring.*) or barbican (encryption.barbican.*, its defaultKeyId)' },
  { path: 'encryption.providers.sseKms', kind: { oneOf: ['keyring', 'barbican'] }, default: 'keyring', help: 'key provider of SSE-KMS (aws:kms): its x-amz-server-side-encryption-aws-kms-key-id names a keyring key id, or a Barbican secret (uuid or href)' },
  { path: 'encryption.keyring.dir', kind: 'optional-string', help: 'directory of key-encryption keys (or a mounted Kubernetes Secret): one file per key id, each 32 random bytes raw or in base64 (openssl rand -base64 32); re-read when it changes (reload.watchSeconds)' },
  { path: 'encryption.keyring.current', kind: 'optional-string', help: 'the keyring key new objects are wrapped with; older keys keep unwrapping the objects written with them (rotation: add a key file, name it here)' },
  { path: 'encryption.barbican.url', kind: 'optional-url', help: 'Barbican endpoint, e.g. http://barbican:9311 (default: the key-manager endpoint of the Keystone catalog, keystone.interface and keystone.region); read with the keystone.service identity' },
  { path: 'encryption.barbican.defaultKeyId', kind: 'optional-string', help: 'Barbican secret (uuid or href) that wraps objects whose request names no key: SSE-S3 on barbican, SSE-KMS without a key id' },
  { path: 'encryption.barbican.cacheSeconds', kind: 'int', default: 300, help: 'how long a key fetched from Barbican is used without asking again: while Barbican is down, objects under cached keys stay readable this long, others get 503' },
  { path: 'encryption.barbican.timeoutMs', kind: 'int', default: 5000, help: 'timeout of one Barbican call' },
  { path: 'namespace.mode', kind: { oneOf: ['auto', 'global', 'account'] }, default: 'auto', help: 'global: bucket names are unique across all projects, kept in a registry in the service identity\'s Swift account (needed for anonymous access and other projects\' buckets); account: each project has its own names, as Swift containers do; auto: global when keystone.service is set' },
  { path: 'namespace.registryContainer', kind: 'string', default: 's3gw-bucket-registry', help: 'container of the service identity\'s account holding the bucket registry (one small object per bucket name)' },
  { path: 'namespace.cacheSeconds', kind: 'int', default: 30, help: 'how long a replica trusts a registry entry it read (a bucket deleted or re-owned elsewhere shows within this time)' },
  { path: 'log.level', kind: { oneOf: ['debug', 'info', 'warn', 'error'] }, default: 'info', help: 'lowest level logged (changes on reload)' },
  { path: 'reload.watchSeconds', kind: 'int', default: 10, help: 'how often the config file and credentials file are checked for a change (a mounted Secret updated in place), which reloads them as SIGHUP does (0: only on SIGHUP)' },
];

/** `keystone.authUrl` → `S3GW_KEYSTONE_AUTH_URL`; `S3GW_KEYSTONE_AUTH_URL_FILE` names a file holding the value. */
export function envName(path: string): string {
  return 'S3GW_' + path.replace(/\./g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function lookup(doc: unknown, path: string): unknown {
  let node = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function assign(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/** `reveal` false: the value came from a secret file and is never repeated in a message. */
function convert(setting: Setting, raw: unknown, source: string, reveal = true): unknown {
  const fail = (why: string): never => {
    throw new ConfigError(`Setting ${setting.path} (${source}): ${why}. It is the ${setting.help}.`);
  };
  const shown = (value: unknown) => (reveal ? `"${String(value)}"` : 'the value');
  const kind = setting.kind;
  if (typeof kind === 'object') {
    const value = String(raw).trim();
    if (!kind.oneOf.includes(value)) fail(`${shown(value)} is not one of ${kind.oneOf.join(', ')}`);
    return value;
  }
  switch (kind) {
    case 'optional-map': {
      // A YAML/JSON map, or `A=b,C=d` (an environment variable).
      const entries: [string, unknown][] = raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? Object.entries(raw as Record<string, unknown>)
        : (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).filter((s) => s.trim() !== '').map((item) => {
          const eq = item.indexOf('=');
          if (eq < 0) fail(`"${item.trim()}" is not CLASS=policy`);
          return [item.slice(0, eq), item.slice(eq + 1)];
        });
      const map: Record<string, string> = {};
      for (const [name, value] of entries) {
        const cls = name.trim();
        const policy = String(value ?? '').trim();
        if (!S3_STORAGE_CLASSES.includes(cls)) fail(`"${cls}" is not an S3 storage class (${S3_STORAGE_CLASSES.join(', ')})`);
        if (policy === '') fail(`the policy of ${cls} is empty`);
        map[cls] = policy;
      }
      if (Object.keys(map).length === 0) fail('the map is empty');
      return map;
    }
    case 'string':
    case 'optional-string': {
      const value = String(raw).trim();
      if (value === '') fail('it is empty');
      return value;
    }
    case 'url':
    case 'optional-url': {
      const value = String(raw).trim();
      if (!/^https?:\/\/[^/]+/.test(value)) fail(`${shown(value)} is not an http(s) URL`);
      return value;
    }
    case 'bool': {
      const value = String(raw).trim().toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(value)) return true;
      if (['false', 'no', '0', 'off'].includes(value)) return false;
      return fail(`${shown(raw)} is not true or false`);
    }
    case 'port':
    case 'int': {
      const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isInteger(value) || value < 0) fail(`${shown(raw)} is not a whole number`);
      if (kind === 'port' && value > 65535) fail(`${value} is not a TCP port`);
      return value;
    }
    case 'list':
    case 'optional-list': {
      const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
      // Domain names compare lower-case; region names are case-sensitive in a SigV4 scope.
      const list = items.map((s) => (kind === 'list' ? s.trim().toLowerCase() : s.trim())).filter(Boolean);
      if (list.length === 0) fail('the list is empty');
      return list;
    }
  }
}

/** A value from a file (a mounted Secret): its contents without surrounding whitespace. */
function readSettingFile(setting: Setting, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`Setting ${setting.path}: cannot read ${file} named by ${envName(setting.path)}_FILE: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}

export interface LoadOptions {
  /** Path of the config file; optional when every required setting comes from the environment. */
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  let doc: unknown = {};
  let baseDir = process.cwd();
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read the config file ${opts.file}: ${(err as Error).message}`);
    }
    try {
      doc = parseYaml(text) ?? {}; // YAML is a superset of JSON
    } catch (err) {
      throw new ConfigError(`The config file ${opts.file} is not valid YAML/JSON: ${(err as Error).message}`);
    }
    baseDir = dirname(resolve(opts.file));
  }
  const out: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const name = envName(setting.path);
    const fromEnv = env[name];
    const secretFile = env[`${name}_FILE`];
    const fromFile = lookup(doc, setting.path);
    let value: unknown;
    if (fromEnv !== undefined && fromEnv !== '' && secretFile !== undefined && secretFile !== '') {
      throw new ConfigError(`Setting ${setting.path}: both ${name} and ${name}_FILE are set; use one.`);
    }
    if (fromEnv !== undefined && fromEnv !== '') value = convert(setting, fromEnv, `environment ${name}`);
    else if (secretFile !== undefined && secretFile !== '') value = convert(setting, readSettingFile(setting, secretFile), `file ${secretFile} named by ${name}_FILE`, false);
    else if (fromFile !== undefined && fromFile !== null) value = convert(setting, fromFile, opts.file ?? 'config file');
    else if (setting.default !== undefined) value = setting.default;
    else if (setting.kind === 'optional-string' || setting.kind === 'optional-url' || setting.kind === 'optional-list' || setting.kind === 'optional-map') value = undefined;
    else {
      throw new ConfigError(`Setting ${setting.path} is required: set it in the config file or as ${envName(setting.path)}. It is the ${setting.help}.`);
    }
    assign(out, setting.path, value);
  }
  const config = out as unknown as Config;
  // SDKs sign for us-east-1 when no region is configured, so it is accepted
  // beside the gateway's own region unless the operator lists regions.
  const region = config.s3.region;
  assign(out, 's3.acceptedRegions', config.s3.acceptedRegions ?? [...new Set([region, 'us-east-1'])]);
  if (!config.s3.acceptedRegions.includes(region)) assign(out, 's3.acceptedRegions', [region, ...config.s3.acceptedRegions]);
  assign(out, 's3.objectLock.bypassGovernanceRoles', config.s3.objectLock.bypassGovernanceRoles ?? config.credentials.operatorRoles);
  // A relative credentials path is relative to the config file that names it.
  if (config.credentials.file !== undefined) assign(out, 'credentials.file', resolve(baseDir, config.credentials.file));
  checkCredentialSources(config);
  checkEncryption(config, baseDir, (path, value) => assign(out, path, value));
  assign(out, 'namespace.mode', namespaceMode(config));
  return config;
}

/** The namespace mode `auto` stands for, and a clear error when `global` lacks its identity. */
function namespaceMode(config: Config): 'global' | 'account' {
  const s = config.keystone.service;
  const hasService = Boolean((s.username && s.password && s.projectName) || (s.applicationCredentialId && s.applicationCredentialSecret));
  if (config.namespace.mode === 'account') return 'account';
  if (config.namespace.mode === 'global' && !hasService) {
    throw new ConfigError('namespace.mode global keeps the bucket registry in the gateway\'s own Swift account: set keystone.service (a user with a role on its project that Swift\'s operator_roles accept), or set namespace.mode: account.');
  }
  return hasService ? 'global' : 'account';
}

/** Each provider chosen has what it needs; a relative keyring dir is relative to the config file. */
function checkEncryption(config: Config, baseDir: string, set: (path: string, value: unknown) => void): void {
  const { keyring, barbican, providers } = config.encryption;
  if (keyring.dir !== undefined) set('encryption.keyring.dir', resolve(baseDir, keyring.dir));
  if ((keyring.dir === undefined) !== (keyring.current === undefined)) {
    throw new ConfigError('Settings encryption.keyring.dir and encryption.keyring.current go together: the directory of key files and the key id new objects use.');
  }
  const uses = [providers.sseS3, providers.sseKms];
  if (uses.includes('barbican')) {
    const s = config.keystone.service;
    const hasService = Boolean((s.username && s.password && s.projectName) || (s.applicationCredentialId && s.applicationCredentialSecret));
    if (!hasService) throw new ConfigError('The barbican key provider reads keys with the gateway\'s own Keystone identity: set keystone.service (a user or an application credential).');
  }
  if (providers.sseS3 === 'barbican' && barbican.defaultKeyId === undefined) {
    throw new ConfigError('Setting encryption.providers.sseS3 is barbican: set encryption.barbican.defaultKeyId, the Barbican secret SSE-S3 objects are wrapped with.');
  }
}

/** At least one source of credentials, and a complete service identity when Keystone is one. */
function checkCredentialSources(config: Config): void {
  const { file, keystone } = config.credentials;
  if (file === undefined && !keystone) {
    throw new ConfigError(
      `No credentials: set credentials.file (${envName('credentials.file')}) and/or credentials.keystone: true (${envName('credentials.keystone')}).`,
    );
  }
  if (!keystone) return;
  const s = config.keystone.service;
  const user = s.username !== undefined && s.password !== undefined && s.projectName !== undefined;
  const app = s.applicationCredentialId !== undefined && s.applicationCredentialSecret !== undefined;
  if (!user && !app) {
    throw new ConfigError(
      'Setting credentials.keystone needs the gateway\'s own Keystone identity: keystone.service.username, keystone.service.password and ' +
        'keystone.service.projectName, or keystone.service.applicationCredentialId and keystone.service.applicationCredentialSecret.',
    );
  }
}
