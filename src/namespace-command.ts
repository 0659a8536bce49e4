// `s3-swift-gateway namespace ...`: the bucket registry from the command line.
//   namespace list                         every registered name and its account
//   namespace register --project ID ...    register the containers of projects (migration)
// Settings are the gateway's own (--config or S3GW_*): the registry is the one
// the gateway uses, kept in keystone.service's Swift account.
import { readFileSync } from 'node:fs';
import { buildBackend } from './backend.js';
import type { Config } from './config.js';
import { serviceIdentityOf } from './credentials/stores.js';
import { buildNamespace } from './namespace/build.js';
import { registerProjectBuckets, type ProjectAccount } from './namespace/register-projects.js';
import { Sealer } from './swift/sealed-state.js';
import { SwiftStore } from './swift/store.js';
import { accountOfStorageUrl } from './swift/errors.js';
import type { KeystoneIdentity, PasswordIdentity } from './swift/keystone.js';

export const NAMESPACE_USAGE = `Usage:
  s3-swift-gateway namespace list [--config FILE]
  s3-swift-gateway namespace register --project ID [--project ID ...] [--dry-run] [--reseller | --user NAME [--user-domain DOMAIN]] [--config FILE]

register adds every container of each project's Swift account that an S3 client can name to the
bucket registry (names registered to another project are reported and left alone). It lists each
account as keystone.service scoped to that project (the user needs a role there that Swift's
operator_roles accept); with --reseller as keystone.service's own token (it needs Swift's
reseller_admin_role); with --user as that Keystone user scoped to each project, its password in
S3GW_REGISTER_PASSWORD or the file named by S3GW_REGISTER_PASSWORD_FILE.
`;

function values(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag && argv[i + 1] !== undefined ? argv[i + 1]!.split(',') : [])).filter(Boolean);
}

/** The identity that lists one project's account, and the account it lists. */
function lister(argv: readonly string[], config: Config, env: NodeJS.ProcessEnv): (projectId: string) => { identity: KeystoneIdentity; targetAccount?: string } {
  const service = serviceIdentityOf(config);
  if (argv.includes('--reseller')) return (projectId) => ({ identity: service, targetAccount: `AUTH_${projectId}` });
  const user = values(argv, '--user')[0];
  if (user !== undefined) {
    const file = env['S3GW_REGISTER_PASSWORD_FILE'];
    const password = file ? readFileSync(file, 'utf8').trim() : env['S3GW_REGISTER_PASSWORD'];
    if (!password) throw new Error('--user needs its password in S3GW_REGISTER_PASSWORD or S3GW_REGISTER_PASSWORD_FILE');
    const userDomain = values(argv, '--user-domain')[0] ?? 'Default';
    return (projectId) => ({ identity: { kind: 'password', username: user, password, userDomain, projectId } });
  }
  if (service.kind !== 'password') throw new Error('an application credential is bound to one project: use --reseller or --user');
  return (projectId) => ({ identity: { ...service, projectName: undefined, projectId } satisfies PasswordIdentity });
}

export async function namespaceCommand(argv: readonly string[], config: Config, out: (line: string) => void, env = process.env): Promise<number> {
  const [verb] = argv;
  if (verb !== 'list' && verb !== 'register') {
    out(NAMESPACE_USAGE);
    return 2;
  }
  const backend = buildBackend(config);
  const seal = new Sealer(Buffer.alloc(32)); // the registry keeps no sealed items
  const namespace = buildNamespace({ swift: backend.swift, identity: serviceIdentityOf(config), seal, container: config.namespace.registryContainer, cacheSeconds: 0 });
  const sink = { transId: '' };
  try {
    if (verb === 'list') {
      for await (const name of namespace.registry.names()) {
        const record = await namespace.registry.lookup(name);
        out(`${name}\t${record?.account ?? '(unreadable)'}\t${record?.owner.displayName ?? ''}\t${record?.registered ?? ''}`);
      }
      return 0;
    }
    const projects = values(argv, '--project');
    if (projects.length === 0) {
      out(NAMESPACE_USAGE);
      return 2;
    }
    const as = lister(argv, config, env);
    const counts = { registered: 0, already: 0, taken: 0, 'would-register': 0 };
    for (const projectId of projects) {
      const { identity, targetAccount } = as(projectId);
      const session = backend.swift.session(identity, sink, targetAccount);
      const token = await session.account();
      const account = targetAccount ?? accountOfStorageUrl(new URL(token.storageUrl).pathname)!;
      const project: ProjectAccount = { projectId, account, displayName: targetAccount ? projectId : token.projectName, store: new SwiftStore(session, seal) };
      for await (const outcome of registerProjectBuckets(namespace.registry, project, { dryRun: argv.includes('--dry-run') })) {
        counts[outcome.result]++;
        out(`${outcome.result}\t${outcome.bucket}\t${outcome.account}${outcome.registeredTo ? `\tregistered to ${outcome.registeredTo}` : ''}`);
      }
    }
    out(`done: ${Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'no buckets'}`);
    return 0;
  } finally {
    await backend.dispatcher.close();
  }
}
