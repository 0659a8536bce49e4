// The one reader of stack.json (written by provision.mjs) and the one generator
// of gateway configuration for this stack: an env set for loadConfig, a config
// file, a credentials file. Tests reach it typed through test/helpers/stack.ts,
// bench/ as `#stack` (package.json "imports"), scripts and deploy/ directly.
// Plain ESM with no dependencies, because scripts/*.mjs and the stack image
// (which has no node_modules) run it under plain `node`; types: stack.d.mts.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RERUN = 're-run `bash deploy/local/stack.sh up`';

export function stackDir() {
  return process.env.STACK_DIR || join(repoRoot, '.stack');
}

const USER_FIELDS = ['username', 'password', 'projectName', 'projectId', 'userId', 'domain'];
const STORAGE_FIELDS = [...USER_FIELDS, 'storageUrl', 'ec2.access', 'ec2.secret'];
/** What some consumer reads; a stack.json without one of them is refused up front, naming it. */
const REQUIRED = [
  'dataDir', 'keystone.url', 'keystone.authUrl', 'keystone.region', 'swift.url', 's3api.url', 's3api.region',
  ...['admin', 'swift', 's3gateway'].flatMap((u) => USER_FIELDS.map((f) => `users.${u}.${f}`)),
  ...['demo', 'alt', 'third'].flatMap((u) => STORAGE_FIELDS.map((f) => `users.${u}.${f}`)),
];

const lookup = (doc, path) => path.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), doc);

export function loadStack(dir = stackDir()) {
  const file = join(dir, 'stack.json');
  if (!existsSync(file)) {
    throw new Error(
      `Local OpenStack stack not found: ${file} does not exist.\n` +
        'Start it with `bash deploy/local/stack.sh up` (or run the whole suite with `npm test`, which starts it first), ' +
        'or point STACK_DIR at the directory of a running one.',
    );
  }
  let stack;
  try {
    stack = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${String(err)}); ${RERUN}`);
  }
  const missing = REQUIRED.filter((path) => lookup(stack, path) === undefined || lookup(stack, path) === '');
  if (missing.length) throw new Error(`${file} is incomplete (no ${missing.slice(0, 5).join(', ')}); ${RERUN}`);
  return stack;
}

// ------------------------------------------------------------ credentials --

/** One entry of the gateway's credentials file (src/credentials-file.ts): an EC2 key acting as its Keystone user. */
export function credentialOf(user) {
  return {
    accessKey: user.ec2.access,
    secretKey: user.ec2.secret,
    keystone: { username: user.username, password: user.password, userDomainId: user.domain, projectId: user.projectId },
  };
}

export function credentialsFor(users) {
  return { credentials: users.map(credentialOf) };
}

/** JSON, which the gateway reads as YAML too; owner-only, as it holds passwords. */
export function writeCredentialsFile(file, credentials) {
  writeFileSync(file, JSON.stringify({ credentials }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // mode applies to new files only
  return file;
}

// --------------------------------------------------------------- settings --

const assign = (doc, path, value) => {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts.at(-1)] = value;
};

/**
 * The gateway's settings for this stack, as the nested document of its config
 * file. Without a stack, opts.authUrl is required and there is no service user.
 */
export function gatewaySettings(stack, opts = {}) {
  const authUrl = opts.authUrl ?? stack?.keystone.authUrl;
  if (!authUrl) throw new Error('gatewaySettings: no Keystone URL (pass a stack or opts.authUrl)');
  const host = opts.host ?? '127.0.0.1';
  const doc = {};
  const set = (path, value) => {
    if (value !== undefined && value !== null) assign(doc, path, value);
  };
  set('listen.host', host);
  set('listen.port', opts.port ?? 0); // 0: the kernel picks; the gateway logs what it bound
  set('admin.host', host);
  set('admin.port', opts.adminPort ?? 0);
  set('s3.domains', opts.domains ?? ['localhost']);
  set('s3.region', opts.s3Region);
  set('s3.dialect', opts.dialect ?? 'ucloud');
  set('keystone.authUrl', authUrl);
  set('keystone.region', opts.keystoneRegion === undefined ? stack?.keystone.region : opts.keystoneRegion);
  set('keystone.storageUrl', opts.storageUrl);
  set('credentials.file', opts.credentialsFile);
  if (opts.keystoneEc2) {
    // Keys made with `openstack ec2 credentials create` are looked up with the gateway's own identity.
    const service = stack?.users.s3gateway;
    if (!service) throw new Error('gatewaySettings: keystoneEc2 needs the stack (its s3gateway service user)');
    set('keystone.service.username', service.username);
    set('keystone.service.password', service.password);
    set('keystone.service.projectName', service.projectName);
    set('credentials.keystone', true);
  }
  // s3.storageClasses as `CLASS=policy,...`: one text both the config file and S3GW_S3_STORAGE_CLASSES read.
  if (opts.storageClasses) set('s3.storageClasses', Object.entries(opts.storageClasses).map(([cls, policy]) => `${cls}=${policy}`).join(','));
  set('log.level', opts.logLevel ?? 'info');
  for (const [path, value] of Object.entries(opts.settings ?? {})) set(path, value);
  return doc;
}

/** src/config.ts's rule: `keystone.authUrl` → `S3GW_KEYSTONE_AUTH_URL` (a unit test holds the two equal). */
export function envName(path) {
  return 'S3GW_' + path.replace(/\./g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function flatten(doc, prefix = '') {
  return Object.entries(doc).flatMap(([key, value]) =>
    value && typeof value === 'object' && !Array.isArray(value) ? flatten(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

/** The settings as S3GW_* variables (lists comma-separated, as loadConfig reads them). */
export function gatewayEnv(stack, opts) {
  return Object.fromEntries(flatten(gatewaySettings(stack, opts)).map(([path, v]) => [envName(path), Array.isArray(v) ? v.join(',') : String(v)]));
}

// Plain where YAML cannot misread a word; JSON-quoted (valid YAML) otherwise.
const PLAIN = /^[A-Za-z][A-Za-z0-9._-]*$/;
const WORDS = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n']);
const scalar = (v) =>
  Array.isArray(v) ? `[${v.map(scalar).join(', ')}]`
    : typeof v !== 'string' ? String(v)
      : PLAIN.test(v) && !WORDS.has(v.toLowerCase()) ? v : JSON.stringify(v);

function yamlLines(doc, indent) {
  return Object.entries(doc).flatMap(([key, value]) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? [`${indent}${key}:`, ...yamlLines(value, indent + '  ')]
      : [`${indent}${key}: ${scalar(value)}`],
  );
}

/** The settings as a config file (YAML), after `header` as comment lines. */
export function gatewayYaml(stack, opts, header = []) {
  return [...header.map((line) => `# ${line}`), ...yamlLines(gatewaySettings(stack, opts), ''), ''].join('\n');
}

/**
 * Writes <dir>/config.yaml and its credentials file (default: the demo and alt
 * users) for a gateway process. credentials.file is relative, so the two files
 * can move together.
 */
export function writeGatewayFiles(dir, stack, opts = {}) {
  const { users = [stack.users.demo, stack.users.alt], configName = 'config.yaml', credentialsName = 'credentials.json', header, ...settings } = opts;
  const credentialsFile = writeCredentialsFile(join(dir, credentialsName), users.map(credentialOf));
  const configFile = join(dir, configName);
  // Owner-only: with keystoneEc2 it holds the service password.
  writeFileSync(configFile, gatewayYaml(stack, { ...settings, credentialsFile: credentialsName }, header), { mode: 0o600 });
  chmodSync(configFile, 0o600);
  return { configFile, credentialsFile };
}
