// `s3-swift-gateway lifecycle run ...`: applies the buckets' lifecycle rules
// that Swift's object expirer cannot (see src/lifecycle/). Run it daily, e.g.
// as the CronJob of deploy/kubernetes/lifecycle-cronjob.yaml. Settings are
// the gateway's own (--config or S3GW_*): its registry, its identity, its
// integrity key (the runner reads the gateway's sealed metadata).
import { buildBackend } from './backend.js';
import { storageSettings } from './storage-settings.js';
import type { Config } from './config.js';
import { buildCredentialStores, integrityKeyOf, serviceIdentityOf } from './credentials/stores.js';
import { runLifecycle } from './lifecycle/run.js';
import { buildNamespace } from './namespace/build.js';
import { Metrics } from './observe/metrics.js';
import type { BucketRecord } from './namespace/record.js';
import type { PasswordIdentity } from './swift/keystone.js';
import { Sealer } from './swift/sealed-state.js';
import { SwiftStore } from './swift/store.js';

export const LIFECYCLE_USAGE = `Usage:
  s3-swift-gateway lifecycle run [--config FILE] [--bucket NAME ...] [--dry-run] [--now ISO-8601] [--lease-seconds N] [--segment-grace-seconds N]

Applies every bucket's lifecycle rules (or those of the buckets named): expires objects whose
rules were added after they were written, noncurrent versions and delete markers of versioned
buckets, aborts old incomplete multipart uploads, removes the segments of multipart objects Swift's
object expirer removed, and reports due transitions. Safe to run in several places at once (one
runner works on a bucket at a time, under a lease of --lease-seconds, default 300) and resumable
(a stopped run's place is kept per bucket). --dry-run says what it would do and changes nothing.
--now judges the rules at another time than the clock's. Segments with no upload and no object
are removed once --segment-grace-seconds (default 86400, by the real clock) old: a single PUT
staged through a segment has no upload marker while it streams. This sweep also runs in buckets
without rules (where the gateway's user has a role in the owner's project; else \`no-access\`). One line per action on stdout; exit 1
when anything failed.

It acts on each bucket's account as keystone.service scoped to the owner's project when that user
has a role there that Swift's operator_roles accept; otherwise as itself, through the container
ACLs the owner gave it when setting the rules, which reach everything but the versions of a
versioned bucket (Swift checks version-id requests against its hidden versions container).
`;

function values(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag && argv[i + 1] !== undefined ? argv[i + 1]!.split(',') : [])).filter(Boolean);
}

export async function lifecycleCommand(argv: readonly string[], config: Config, out: (line: string) => void): Promise<number> {
  if (argv[0] !== 'run') {
    out(LIFECYCLE_USAGE);
    return 2;
  }
  const nowText = values(argv, '--now')[0];
  const now = nowText === undefined ? Date.now() : Date.parse(nowText);
  if (Number.isNaN(now)) {
    out(`--now ${nowText}: not an ISO 8601 time`);
    return 2;
  }
  const leaseSeconds = Number(values(argv, '--lease-seconds')[0] ?? 300);
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 10) {
    out('--lease-seconds is a whole number of seconds, at least 10');
    return 2;
  }
  const segmentGraceSeconds = Number(values(argv, '--segment-grace-seconds')[0] ?? 86_400);
  if (!Number.isInteger(segmentGraceSeconds) || segmentGraceSeconds < 0) {
    out('--segment-grace-seconds is a whole number of seconds');
    return 2;
  }
  if (config.namespace.mode !== 'global') {
    out('lifecycle needs the global bucket namespace (keystone.service set): the rules live in its registry');
    return 2;
  }
  const backend = buildBackend(config);
  try {
    const credentials = buildCredentialStores(config, { dispatcher: backend.dispatcher, tokens: backend.tokens, metrics: new Metrics() });
    const seal = new Sealer(integrityKeyOf(config, credentials).key);
    const identity = credentials.serviceIdentity ?? serviceIdentityOf(config);
    const namespace = buildNamespace({ swift: backend.swift, identity, seal, container: config.namespace.registryContainer, cacheSeconds: 0 });
    const sink = { transId: '' };
    const own = new SwiftStore(backend.swift.session(identity, sink), seal);
    // Per owner project, asked of Keystone once a run: may the gateway's user act there as an operator?
    const scoped = new Map<string, Promise<SwiftStore | undefined>>();
    const ownerStore = (record: BucketRecord): Promise<SwiftStore | undefined> => {
      let found = scoped.get(record.owner.id);
      if (!found) {
        found = identity.kind !== 'password' ? Promise.resolve(undefined) : (async () => {
          const session = backend.swift.session({ ...identity, projectName: undefined, projectId: record.owner.id } satisfies PasswordIdentity, sink, record.account);
          return session.account().then(() => new SwiftStore(session, seal), () => undefined);
        })();
        scoped.set(record.owner.id, found);
      }
      return found;
    };
    // Transitions move data as the server would: the same class mapping, checked against Swift's /info.
    const storage = await storageSettings(config, backend.dispatcher, async () => {
      if (config.keystone.storageUrl) return new URL(config.keystone.storageUrl).origin;
      return new URL((await backend.swift.session(identity, sink).account()).storageUrl).origin;
    });
    const summary = await runLifecycle({
      registry: namespace.registry,
      storeFor: async (record) => {
        const owner = await ownerStore(record);
        return owner ? { store: owner, scope: 'owner' } : { store: new SwiftStore(namespace.asGateway(sink, record.account), seal), scope: 'delegate' };
      },
      ownStore: own,
      container: `${config.namespace.registryContainer}+lifecycle`,
      leaseSeconds,
      storage,
    }, { now, dryRun: argv.includes('--dry-run'), out, buckets: values(argv, '--bucket'), segmentGraceSeconds });
    const counts = Object.entries(summary.counts).map(([k, n]) => `${n} ${k}`).join(', ');
    out(`summary: ${summary.buckets} buckets${summary.busy ? `, ${summary.busy} busy elsewhere` : ''}${summary.failed ? `, ${summary.failed} failures` : ''}${counts ? `; ${counts}` : ''}`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await backend.dispatcher.close();
  }
}
