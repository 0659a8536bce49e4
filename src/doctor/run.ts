// `s3-swift-gateway doctor`: every check in the order a newcomer would fix
// things: the settings, Keystone, the service identity and its roles, Swift,
// one credential of each kind (the credentials file's, Keystone's EC2 keys),
// and the ports the gateway would listen on.
import { createServer } from 'node:net';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { loadCredentialsFile } from '../credentials/credentials-file.js';
import { serviceIdentityOf } from '../credentials/stores.js';
import type { KeystoneIdentity } from '../swift/keystone.js';
import { ec2Token, listEc2Keys, shortKey } from './ec2.js';
import { checkEndpoint, isProblem, issueToken, storageUrlOf, type IssuedToken } from './keystone.js';
import { Report } from './report.js';
import { checkSettings } from './settings.js';
import { checkSwiftHealth, headAccount } from './swift.js';
import { checkStorageClasses } from './storage.js';

/** How many entries of the credentials file are tried (each costs a Keystone login). */
const FILE_CREDENTIALS_TRIED = 5;

export interface DoctorRun {
  readonly report: Report;
  /** 2 when the settings could not be read; else the report's exit code. */
  readonly exitCode: number;
}

export async function runDoctor(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DoctorRun> {
  const report = new Report();
  const config = checkSettings(report, file, env);
  if (!config) return { report, exitCode: 2 };
  adviseSettings(report, config);

  const endpoint = await checkEndpoint(config);
  if (isProblem(endpoint)) {
    report.fail('keystone', endpoint.problem, endpoint.fix);
    await checkPorts(report, config);
    return { report, exitCode: 1 };
  }
  report.ok('keystone', `Keystone ${endpoint.version} answers at ${config.keystone.authUrl}`);

  let storageUrl: string | undefined;
  const s = config.keystone.service;
  const hasService = Boolean((s.username && s.password && s.projectName) || (s.applicationCredentialId && s.applicationCredentialSecret));
  if (hasService) storageUrl = await checkService(report, config, serviceIdentityOf(config));
  const fileUrl = await checkFileCredentials(report, config);
  storageUrl ??= fileUrl;

  const health = await checkSwiftHealth(config, storageUrl);
  if (isProblem(health)) report.fail('swift', health.problem, health.fix);
  else report.ok('swift', `Swift's health check answers at ${health.url}`);
  await checkStorage(report, config, storageUrl);

  await checkPorts(report, config);
  return { report, exitCode: report.exitCode() };
}

/** s3.storageClasses: every policy it names exists (the gateway would not start otherwise). */
async function checkStorage(report: Report, config: Config, storageUrl: string | undefined): Promise<void> {
  if (!config.s3.storageClasses) return;
  const origin = config.keystone.storageUrl ? new URL(config.keystone.storageUrl).origin : storageUrl ? new URL(storageUrl).origin : undefined;
  if (!origin) {
    report.fail('storage classes', 'no Swift URL is known to read the storage policies from', 'fix the identity problems above');
    return;
  }
  const found = await checkStorageClasses(config, origin);
  if (isProblem(found)) report.fail('storage classes', found.problem, found.fix);
  else report.ok('storage classes', `every class is on a storage policy of the cluster: ${found.classes.join(', ')}`);
}

function adviseSettings(report: Report, config: Config): void {
  if (config.s3.integrityKey === undefined) {
    report.warn('config', 's3.integrityKey is not set: the seal key of the gateway\'s own metadata is derived from a secret, and changes when that secret is rotated',
      'set s3.integrityKey (S3GW_S3_INTEGRITY_KEY_FILE from a Secret) to one random value shared by every replica');
  }
  if (config.health.intervalMs === 0) report.warn('config', 'health.intervalMs is 0: /readyz will not notice Keystone or Swift going down');
}

/** The service identity: a token, the roles its settings need, its own Swift account. Returns its storage URL. */
async function checkService(report: Report, config: Config, identity: KeystoneIdentity): Promise<string | undefined> {
  const area = 'service identity';
  const token = await issueToken(config, identity, 'keystone.service.*');
  if (isProblem(token)) {
    report.fail(area, token.problem, token.fix);
    return undefined;
  }
  report.ok(area, `logs in as ${token.userName} (roles: ${token.roles.join(', ') || 'none'})`);
  if (config.credentials.keystone) await checkEc2(report, config, token);
  const url = storageUrlOf(config, token);
  if (isProblem(url)) {
    report.fail(area, url.problem, url.fix);
    return undefined;
  }
  if (config.namespace.mode === 'global') {
    const account = await headAccount(config, url.url, token.token, token.roles, `the service identity (${token.userName})`);
    if (isProblem(account)) {
      report.fail(area, `${account.problem}; namespace.mode global keeps the bucket registry there`, account.fix);
    } else {
      report.ok(area, `its Swift account (the bucket registry's home, namespace.mode global) answers: ${account.containers} container${account.containers === 1 ? '' : 's'}`);
    }
  }
  return url.url;
}

/** One Keystone EC2 key, tried end to end. */
async function checkEc2(report: Report, config: Config, service: IssuedToken): Promise<void> {
  const area = 'ec2 credentials';
  // Keystone's default policy: reading another user's credential and asking
  // /v3/ec2tokens are admin's (a non-admin lists only its own keys).
  if (!service.roles.includes('admin')) {
    report.fail(area, `Keystone will refuse the service identity reading EC2 credentials: its roles are ${service.roles.join(', ') || 'none'}, and reading other users' credentials takes admin`,
      `openstack role add --user ${service.userName || '<service user>'} --project <its project> admin (or set credentials.keystone: false)`);
    return;
  }
  const keys = await listEc2Keys(config, service);
  if (isProblem(keys)) {
    report.fail(area, keys.problem, keys.fix);
    return;
  }
  if (keys.length === 0) {
    report.warn(area, 'Keystone holds no EC2 credentials yet, so no S3 client can sign in through Keystone', 'openstack ec2 credentials create --user <user> --project <project>');
    return;
  }
  const key = keys[0]!;
  const token = await ec2Token(config, service, key);
  if (isProblem(token)) {
    report.fail(area, token.problem, token.fix);
    return;
  }
  const allowed = [...config.credentials.operatorRoles, ...config.credentials.readerRoles];
  if (!token.roles.some((r) => allowed.includes(r))) {
    report.fail(area, `EC2 key ${shortKey(key.access)} belongs to ${token.userName}, whose roles (${token.roles.join(', ') || 'none'}) include none of credentials.operatorRoles or credentials.readerRoles (${allowed.join(', ')}): the gateway refuses it`,
      'give the user one of those roles on its project, or list its role in credentials.operatorRoles');
    return;
  }
  const url = storageUrlOf(config, token);
  if (isProblem(url)) {
    report.fail(area, url.problem, url.fix);
    return;
  }
  const account = await headAccount(config, url.url, token.token, token.roles, `EC2 key ${shortKey(key.access)}'s user ${token.userName}`);
  if (isProblem(account)) report.fail(area, account.problem, account.fix);
  else report.ok(area, `${keys.length} EC2 key${keys.length === 1 ? '' : 's'} in Keystone; key ${shortKey(key.access)} (user ${token.userName}) signs in and reaches its Swift account`);
}

/** The credentials file: readable, and its first entries log in and reach their accounts. Returns a storage URL. */
async function checkFileCredentials(report: Report, config: Config): Promise<string | undefined> {
  if (config.credentials.file === undefined) return undefined;
  const area = 'credentials file';
  let entries;
  try {
    entries = loadCredentialsFile(config.credentials.file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    report.fail(area, err.message, 'see config/credentials.example.yaml for the format');
    return undefined;
  }
  if (entries.length === 0) {
    report.warn(area, `${config.credentials.file} lists no credentials`);
    return undefined;
  }
  let storageUrl: string | undefined;
  let good = 0;
  const tried = entries.slice(0, FILE_CREDENTIALS_TRIED);
  for (const entry of tried) {
    if (entry.identity.kind === 'ec2') continue;
    const who = `access key ${shortKey(entry.accessKeyId)}`;
    const token = await issueToken(config, entry.identity, `the credentials file's entry for ${who}`);
    if (isProblem(token)) {
      report.fail(area, `${who}: ${token.problem}`, token.fix);
      continue;
    }
    const url = storageUrlOf(config, token);
    if (isProblem(url)) {
      report.fail(area, `${who}: ${url.problem}`, url.fix);
      continue;
    }
    const account = await headAccount(config, url.url, token.token, token.roles, `${who} (${token.userName})`);
    if (isProblem(account)) {
      report.fail(area, account.problem, account.fix);
      continue;
    }
    storageUrl ??= url.url;
    good++;
  }
  if (good > 0) {
    const more = entries.length > tried.length ? ` (the first ${tried.length} of ${entries.length} tried)` : '';
    report.ok(area, `${good} of ${tried.length} credential${tried.length === 1 ? '' : 's'} log in to Keystone and reach their Swift accounts${more}`);
  }
  return storageUrl;
}

/** Can the gateway listen where it is told to? */
async function checkPorts(report: Report, config: Config): Promise<void> {
  for (const [setting, host, port] of [['listen', config.listen.host, config.listen.port], ['admin', config.admin.host, config.admin.port]] as const) {
    if (port === 0) continue;
    const problem = await new Promise<string | undefined>((resolve) => {
      const server = createServer();
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      server.listen(port, host, () => server.close(() => resolve(undefined)));
    });
    const where = `${host}:${port} (${setting}.host, ${setting}.port)`;
    if (problem === undefined) report.ok('ports', `${where} is free to listen on`);
    else if (problem === 'EADDRINUSE') report.warn('ports', `something already listens on ${where}: a gateway running already, or another program`, `stop it, or set ${setting}.port to a free port`);
    else if (problem === 'EADDRNOTAVAIL' || problem === 'ENOTFOUND') report.fail('ports', `${host} is not an address of this machine (${setting}.host)`, `set ${setting}.host to 0.0.0.0 (every address) or one this machine has`);
    else if (problem === 'EACCES') report.fail('ports', `listening on ${where} is not permitted (a port below 1024 needs privileges)`, `set ${setting}.port to 1024 or above`);
    else report.fail('ports', `cannot listen on ${where}: ${problem}`);
  }
}
