// `lifecycle run` over the registry: every bucket (or the ones named; one
// without lifecycle rules only for its orphaned segments), each under its lease, acting on its owner's account as the
// gateway's own identity. One bucket failing is reported and the run goes on.
import type { BucketRecord } from '../namespace/record.js';
import type { BucketRegistry } from '../namespace/registry.js';
import { KnownContainers } from '../operations/common/segments.js';
import type { StorageSettings } from '../operations/context.js';
import type { SwiftStore } from '../swift/store.js';
import { runnerContext } from './apply.js';
import { runBucket, type Counts, type RunOptions } from './bucket-run.js';
import { acquireLease } from './lease.js';

export interface RunnerDeps {
  readonly registry: BucketRegistry;
  /**
   * Swift on a bucket's account: as the gateway's identity scoped to the
   * owner's project where it has a role there ('owner'), else as itself
   * through the container ACLs the owner gave it ('delegate'), which reach
   * everything but the versions of a versioned bucket.
   */
  readonly storeFor: (record: BucketRecord) => Promise<{ readonly store: SwiftStore; readonly scope: 'owner' | 'delegate' }>;
  /** Swift as the gateway's identity on its own account: leases and saved walks. */
  readonly ownStore: SwiftStore;
  /** The container of the gateway's account holding leases and walk states. */
  readonly container: string;
  readonly leaseSeconds: number;
  /** s3.storageClasses as the server has it, for Transition rules (undefined: STANDARD only, nothing to move to). */
  readonly storage?: StorageSettings;
}

export interface RunSummary {
  readonly buckets: number;
  readonly busy: number;
  readonly failed: number;
  readonly counts: Counts;
}

/** A bucket without lifecycle rules: only the orphan sweep has anything to do there. */
const NO_RULES = { rules: [], transitionMinimumSize: 'all_storage_classes_128K' as const };

async function* targets(deps: RunnerDeps, named: readonly string[]): AsyncGenerator<string> {
  if (named.length > 0) {
    yield* named;
    return;
  }
  yield* deps.registry.names();
}

export async function runLifecycle(deps: RunnerDeps, opts: RunOptions & { readonly buckets: readonly string[] }): Promise<RunSummary> {
  const counts: Counts = {};
  let buckets = 0;
  let busy = 0;
  let failed = 0;
  for await (const bucket of targets(deps, opts.buckets)) {
    const record = await deps.registry.lookup(bucket);
    const retiredRules = record?.settings.lifecycleRetired;
    const config = record?.settings.lifecycle ?? (retiredRules ? NO_RULES : undefined);
    if (!record) {
      if (opts.buckets.length > 0) opts.out(['no-lifecycle', bucket, 'no such bucket in the registry'].join('\t'));
      continue;
    }
    // A bucket without rules is still walked for orphaned segments (orphans.ts):
    // a gateway killed between a staged PUT's segment and its manifest, or an
    // upload's Complete that died, leaves segments nothing else would remove.
    if (!config?.rules.length && !retiredRules && opts.buckets.length > 0) {
      opts.out(['no-lifecycle', bucket, 'the bucket has no lifecycle configuration'].join('\t'));
    }
    // A dry run changes nothing, not even a lease.
    const lease = opts.dryRun ? undefined : await acquireLease(deps.ownStore, deps.container, bucket, deps.leaseSeconds);
    if (!opts.dryRun && !lease) {
      busy++;
      opts.out(['busy', bucket, 'another runner holds its lease; left to it'].join('\t'));
      continue;
    }
    try {
      const { store, scope } = await deps.storeFor(record);
      // As a delegate the runner reaches only buckets whose owner set rules (PutBucketLifecycleConfiguration shares them).
      if (!config && scope === 'delegate') {
        if (opts.buckets.length > 0) opts.out(['no-access', bucket, 'no lifecycle rules, and the gateway\'s user has no role in the owner\'s project: orphaned segments are not swept'].join('\t'));
        continue;
      }
      buckets++;
      opts.out(['bucket', bucket, record.account, `${config?.rules.length ?? 0} rules${retiredRules ? `, ${retiredRules.rules.length} retired` : ''}, as ${scope}${opts.dryRun ? ' (dry run)' : ''}`].join('\t'));
      const ctx = runnerContext(store, record, bucket, new KnownContainers(), {}, deps.storage);
      const retired = retiredRules && {
        ...retiredRules,
        clear: async () => {
          await deps.registry.updateSettings(bucket, record.account, ({ lifecycleRetired, ...rest }) => (lifecycleRetired?.since === retiredRules.since ? rest : { ...rest, lifecycleRetired }));
        },
      };
      const result = await runBucket(ctx, bucket, config ?? NO_RULES, opts, lease, retired);
      for (const [word, n] of Object.entries(result.counts)) counts[word] = (counts[word] ?? 0) + n;
      failed += result.failed;
      opts.out(['done', bucket, Object.entries(result.counts).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing to do'].join('\t'));
    } catch (err) {
      failed++;
      opts.out(['failed', bucket, (err as Error).message].join('\t'));
    } finally {
      await lease?.release().catch(() => undefined);
    }
  }
  return { buckets, busy, failed, counts };
}
