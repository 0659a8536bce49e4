// Reads the credentials file: S3 access keys, their secrets, and the Keystone
// identity each one acts as in Swift. YAML or JSON:
//
//   credentials:
//     - accessKey: AKIAEXAMPLE
//       secretKey: wJalrXUtnFEMI/K7MDENG
//       keystone:                       # a Keystone v3 user scoped to a project
//         username: demo
//         password: secret
//         userDomain: Default           # or userDomainId: default
//         projectName: demo             # or projectId: 4f1e...
//     - accessKey: AKIAOTHER
//       secretKey: ...
//       keystone:                       # or an application credential
//         applicationCredentialId: 21dc...
//         applicationCredentialSecret: ...
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Credential } from '../auth/credentials.js';
import { ConfigError } from '../config.js';
import type { SwiftIdentity } from '../swift/keystone.js';

type Entry = Record<string, unknown>;

function str(entry: Entry, name: string): string | undefined {
  const value = entry[name];
  if (value === undefined || value === null) return undefined;
  return String(value);
}

function identityOf(k: Entry, where: string): SwiftIdentity {
  const appId = str(k, 'applicationCredentialId');
  if (appId !== undefined) {
    const secret = str(k, 'applicationCredentialSecret');
    if (!secret) throw new ConfigError(`${where}: applicationCredentialId needs applicationCredentialSecret`);
    return { kind: 'application_credential', id: appId, secret };
  }
  const username = str(k, 'username');
  const password = str(k, 'password');
  if (!username || password === undefined) {
    throw new ConfigError(`${where}: keystone needs username and password (or applicationCredentialId and applicationCredentialSecret)`);
  }
  const projectId = str(k, 'projectId');
  const projectName = str(k, 'projectName');
  if (!projectId && !projectName) throw new ConfigError(`${where}: keystone needs projectName or projectId`);
  const userDomainId = str(k, 'userDomainId');
  const projectDomainId = str(k, 'projectDomainId');
  const projectDomain = projectDomainId ?? str(k, 'projectDomain');
  return {
    kind: 'password',
    username,
    password,
    userDomain: userDomainId ?? str(k, 'userDomain') ?? 'Default',
    userDomainIsId: userDomainId !== undefined,
    projectId,
    projectName,
    projectDomain,
    projectDomainIsId: projectDomainId !== undefined,
  };
}

export function parseCredentials(text: string, source: string): Credential<SwiftIdentity>[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`The credentials file ${source} is not valid YAML/JSON: ${(err as Error).message}`);
  }
  const list = (doc as { credentials?: unknown } | null)?.credentials;
  if (!Array.isArray(list)) throw new ConfigError(`The credentials file ${source} needs a "credentials:" list`);
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const where = `${source}: credentials[${i}]`;
    const entry = (raw ?? {}) as Entry;
    const accessKeyId = str(entry, 'accessKey');
    const secretKey = str(entry, 'secretKey');
    if (!accessKeyId || !secretKey) throw new ConfigError(`${where} needs accessKey and secretKey`);
    if (seen.has(accessKeyId)) throw new ConfigError(`${where}: access key ${accessKeyId} is listed twice`);
    seen.add(accessKeyId);
    const keystone = entry['keystone'];
    if (!keystone || typeof keystone !== 'object') throw new ConfigError(`${where} (${accessKeyId}) needs a keystone identity`);
    return { accessKeyId, secretKey, identity: identityOf(keystone as Entry, `${where} (${accessKeyId})`) };
  });
}

export function loadCredentialsFile(path: string): Credential<SwiftIdentity>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the credentials file ${path} (setting credentials.file): ${(err as Error).message}`);
  }
  return parseCredentials(text, path);
}
