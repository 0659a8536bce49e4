// The migration step for a cluster that already has buckets: registers every
// container of the given projects' accounts that an S3 client could name,
// so anonymous and other projects' requests find them before their owners'
// first access would. Safe to run again (and from several places at once):
// a name already registered to its account stays as it is, and a name
// registered to another account is reported, not taken over.
import type { SwiftStore } from '../swift/store.js';
import type { BucketRegistry } from './registry.js';

/** Names an S3 request can address (the gateway's rule for existing buckets); `+` marks its own hidden containers. */
const ADDRESSABLE = /^[A-Za-z0-9._-]{3,255}$/;

export interface ProjectAccount {
  readonly projectId: string;
  /** `AUTH_<project>` */
  readonly account: string;
  readonly displayName: string;
  /** Swift on that account, allowed to list its containers. */
  readonly store: SwiftStore;
}

export interface RegisterOutcome {
  readonly bucket: string;
  readonly account: string;
  /** registered now; already (this account's); taken (another account's: both keep their containers). */
  readonly result: 'registered' | 'already' | 'taken' | 'would-register';
  readonly registeredTo?: string;
}

export async function* registerProjectBuckets(
  registry: BucketRegistry,
  project: ProjectAccount,
  opts: { readonly dryRun?: boolean; readonly now?: () => number } = {},
): AsyncGenerator<RegisterOutcome> {
  const now = opts.now ?? Date.now;
  const limit = (await project.store.limits()).accountListingLimit;
  let marker: string | undefined;
  for (;;) {
    const rows = await project.store.listContainers({ limit, marker });
    for (const row of rows) {
      if (!ADDRESSABLE.test(row.name)) continue;
      const known = await registry.lookup(row.name);
      const base = { bucket: row.name, account: project.account };
      if (known !== undefined) {
        yield known.account === project.account ? { ...base, result: 'already' } : { ...base, result: 'taken', registeredTo: known.account };
        continue;
      }
      if (opts.dryRun) {
        yield { ...base, result: 'would-register' };
        continue;
      }
      const claimed = await registry.claim(row.name, {
        account: project.account,
        owner: { id: project.projectId, displayName: project.displayName },
        registered: new Date(now()).toISOString(),
        settings: {},
      });
      if (claimed.won) yield { ...base, result: 'registered' };
      else if (claimed.record?.account === project.account) yield { ...base, result: 'already' };
      else yield { ...base, result: 'taken', registeredTo: claimed.record?.account };
    }
    if (rows.length < limit) break;
    marker = rows[rows.length - 1]!.name;
  }
}
