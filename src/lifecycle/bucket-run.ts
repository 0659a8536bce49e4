// One bucket's lifecycle run: a walk in three phases, each a listing read
// page by page, its place saved after every page (lease.ts) so a stopped run
// resumes there:
//   uploads   the segments container's upload markers: AbortIncompleteMultipartUpload
//   reconcile (unversioned buckets whose expiring rules changed) X-Delete-At the rules
//             in force no longer give, corrected (reconcile.ts)
//   objects   the bucket (or its versions): Expiration, NoncurrentVersionExpiration,
//             ExpiredObjectDeleteMarker, transitions
//   segments  (unversioned buckets with expiry) parts of multipart objects Swift's
//             expirer removed: X-Delete-At deletes a manifest, not its segments
import type { LifecycleConfiguration } from '../s3/lifecycle.js';
import { needsTags } from '../s3/lifecycle-rules.js';
import type { ObjectRow } from '../swift/listing.js';
import { SwiftError } from '../swift/errors.js';
import { lifecycleTagsOf } from '../operations/common/lifecycle-expiry.js';
import { isDeleteMarker } from '../operations/common/versions.js';
import type { OperationContext } from '../operations/context.js';
import { isPartName, segmentsContainer } from '../operations/multipart/layout.js';
import { applyAction, type Outcome, type PlannedState } from './apply.js';
import type { BucketLease, WalkState } from './lease.js';
import { rowClasses } from '../operations/storage/bucket-class.js';
import { planCurrent, planUpload, planVersions, ruleKinds, type Action, type Version } from './plan.js';
import { DEFAULT_SEGMENT_GRACE_SECONDS, listedTime, sweepOrphans } from './orphans.js';
import { reconcileExpiry } from './reconcile.js';
import type { LifecycleRule } from '../s3/lifecycle.js';

export interface RunOptions {
  /** The time rules are judged at (--now; else the clock). */
  readonly now: number;
  readonly dryRun: boolean;
  readonly out: (line: string) => void;
  /** Segments younger than this (real clock) are never swept (default a day: orphans.ts). */
  readonly segmentGraceSeconds?: number;
}

export type Counts = Record<string, number>;

const PHASES: readonly WalkState['phase'][] = ['uploads', 'reconcile', 'objects', 'segments'];
const DONE: Record<Action['kind'], string> = {
  'expire': 'expired', 'expire-noncurrent': 'expired-noncurrent', 'remove-delete-marker': 'removed-delete-marker', 'abort-upload': 'aborted-upload', 'transition': 'transitioned',
};
const OUTCOME: Record<Exclude<Outcome, 'done'>, string> = { changed: 'skipped-changed', gone: 'skipped-gone', locked: 'kept-locked', unavailable: 'transition-not-possible' };

class Walk {
  readonly counts: Counts = {};
  failed = 0;

  constructor(readonly ctx: OperationContext, readonly bucket: string, readonly config: LifecycleConfiguration, readonly opts: RunOptions, readonly versioned: boolean, readonly lease?: BucketLease) {}

  line(word: string, key: string, id: string | undefined, detail: string): void {
    this.counts[word] = (this.counts[word] ?? 0) + 1;
    this.opts.out([word, this.bucket, key, id ?? '-', detail].join('\t'));
  }

  async act(action: Action, planned: PlannedState): Promise<void> {
    const id = 'versionId' in action ? action.versionId : 'uploadId' in action ? action.uploadId : undefined;
    const detail = `rule ${action.ruleId}${action.kind === 'transition' ? ` to ${action.storageClass}` : ''}`;
    if (this.opts.dryRun) return this.line(`would-${action.kind}`, action.key, id, detail);
    // A page of many actions can outlast the lease: it is renewed as they go (a write only every third of its time).
    await this.lease?.renew();
    try {
      const outcome = await applyAction(this.ctx, action, { versioned: this.versioned, planned });
      const why = outcome === 'locked' ? '; the version is under Object Lock' : outcome === 'unavailable' ? '; this gateway cannot move it there (a class s3.storageClasses does not map, or a version of a versioned bucket)' : '';
      this.line(outcome === 'done' ? DONE[action.kind] : OUTCOME[outcome], action.key, id, detail + why);
    } catch (err) {
      this.failed++;
      // Swift authorises version-id requests against the hidden versions container, which ACLs cannot open.
      const hint = this.versioned && err instanceof SwiftError && err.status === 403 && 'versionId' in action
        ? '; a version of a versioned bucket needs the gateway\'s user to have a role in the owner\'s project' : '';
      this.line('failed', action.key, id, `${detail}: ${(err as Error).message}${hint}`);
    }
  }

  #tagsUnreadable = false;

  /** A version's tags, only when a rule's Tag filter needs them; unknown (no Tag rule matches) where the gateway may not read them. */
  async tags(key: string, versionId?: string): Promise<ReadonlyMap<string, string> | undefined> {
    if (this.#tagsUnreadable || !this.config.rules.some(needsTags)) return undefined;
    try {
      return await lifecycleTagsOf(this.ctx, this.bucket, key, undefined, versionId);
    } catch (err) {
      if (!(err instanceof SwiftError && (err.status === 401 || err.status === 403))) throw err;
      this.#tagsUnreadable = true;
      this.opts.out(['no-tags', this.bucket, key, versionId ?? '-', 'the gateway cannot read the bucket\'s tag records (+tags, not shared with it): Tag rules match nothing here this run'].join('\t'));
      return undefined;
    }
  }
}

async function walkUploads(walk: Walk, marker: string | undefined, save: (marker: string) => Promise<void>): Promise<void> {
  for await (const page of walk.ctx.store.listPages(segmentsContainer(walk.bucket), { marker }, { missingOk: true })) {
    for (const row of page) {
      const name = row.name ?? '';
      const slash = name.lastIndexOf('/');
      if (slash <= 0 || isPartName(name) || /\/slo\/[0-9]+$/.test(name)) continue;
      const action = planUpload(walk.config, { key: name.slice(0, slash), uploadId: name.slice(slash + 1), initiatedMs: listedTime(row) }, walk.opts.now);
      if (action) await walk.act(action, {});
    }
    await save(page[page.length - 1]!.name!);
  }
}

async function walkObjects(walk: Walk, marker: string | undefined, save: (marker: string) => Promise<void>): Promise<void> {
  // With transitions, each row's class (from the listing itself): an object already in its class stays.
  const classOf = walk.config.rules.some((r) => r.transitions.length > 0) ? await rowClasses(walk.ctx, walk.bucket) : undefined;
  for await (const page of walk.ctx.store.listPages(walk.bucket, { marker })) {
    for (const row of page) {
      const key = row.name!;
      const lastModifiedMs = listedTime(row);
      const action = planCurrent(walk.config, { key, size: row.bytes, tags: await walk.tags(key), lastModifiedMs, storageClass: classOf?.(row) }, walk.opts.now);
      if (action) await walk.act(action, { lastModifiedMs });
    }
    await save(page[page.length - 1]!.name!);
  }
}

async function actOnKey(walk: Walk, key: string, rows: readonly ObjectRow[]): Promise<void> {
  const versions: Version[] = [];
  for (const row of rows) {
    const deleteMarker = isDeleteMarker(row);
    versions.push({ versionId: row.version_id ?? 'null', deleteMarker, lastModifiedMs: listedTime(row), size: row.bytes ?? 0, tags: deleteMarker ? undefined : await walk.tags(key, row.version_id) });
  }
  for (const action of planVersions(walk.config, key, versions, walk.opts.now)) await walk.act(action, { versionId: versions[0]!.versionId });
}

async function walkVersions(walk: Walk, marker: string | undefined, save: (marker: string) => Promise<void>): Promise<void> {
  let after = marker;
  let versionMarker: string | undefined;
  let key: string | undefined;
  let done: string | undefined;
  let rows: ObjectRow[] = [];
  for (;;) {
    const page = await walk.ctx.store.listVersions(walk.bucket, { marker: after, versionMarker, limit: 1000 });
    for (const row of page) {
      if (row.name === undefined) continue;
      if (row.name !== key) {
        if (key !== undefined) {
          await actOnKey(walk, key, rows);
          done = key;
        }
        key = row.name;
        rows = [];
      }
      rows.push(row);
    }
    const last = page[page.length - 1];
    if (!last || page.length < 1000) break;
    after = last.name;
    versionMarker = last.version_id;
    // The keys whose versions all came in this page or before are done (the last may go on in the next).
    if (done !== undefined) await save(done);
  }
  if (key !== undefined) {
    await actOnKey(walk, key, rows);
    await save(key);
  }
}

/**
 * Whether the bucket's segments container can be listed. Swift quirk: to a
 * token that is not the account's owner, a container that does not exist is
 * 403 like one it may not read; acting through ACLs (the bucket's owner made
 * no multipart upload yet, so no segments container), that is "none".
 */
async function segmentsReadable(ctx: OperationContext, bucket: string): Promise<'yes' | 'none' | 'forbidden'> {
  try {
    return (await ctx.store.containerExists(segmentsContainer(bucket))) ? 'yes' : 'none';
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return 'forbidden';
    throw err;
  }
}

/** Runs the rules over one bucket; the counts of what was done (or, dry, would be). */
export interface Retired {
  readonly rules: readonly LifecycleRule[];
  readonly since: string;
  /** Forgets them once the walk has corrected every object (unless they changed meanwhile). */
  readonly clear: () => Promise<void>;
}

export async function runBucket(ctx: OperationContext, bucket: string, config: LifecycleConfiguration, opts: RunOptions, lease?: BucketLease, retired?: Retired): Promise<{ counts: Counts; failed: number }> {
  const info = await ctx.store.headContainer(bucket);
  const versioned = info.versioning !== undefined;
  const walk = new Walk(ctx, bucket, config, opts, versioned, opts.dryRun ? undefined : lease);
  const kinds = ruleKinds(config);
  const resumed = lease && !opts.dryRun ? await lease.state() : undefined;
  const started = resumed?.started ?? new Date().toISOString();
  if (resumed) opts.out(['resuming', bucket, resumed.phase, resumed.marker ?? '-', `run started ${resumed.started}`].join('\t'));
  const from = resumed ? PHASES.indexOf(resumed.phase) : 0;
  const segments = await segmentsReadable(ctx, bucket);
  if (segments === 'forbidden') {
    opts.out(['no-segments', bucket, '-', '-', `the gateway cannot list ${segmentsContainer(bucket)} (there is none, or its owner did not share it): no uploads to abort or segments to sweep`].join('\t'));
  }
  for (const [i, phase] of PHASES.entries()) {
    if (i < from) continue;
    const marker = i === from ? resumed?.marker : undefined;
    let pages = 0;
    const save = async (at: string) => {
      // Progress: after every listing page, where the walk is (what a resumed run starts after).
      opts.out(['progress', bucket, phase, at, `${++pages} pages`].join('\t'));
      if (!lease || opts.dryRun) return;
      await lease.save({ phase, marker: at, started });
      await lease.renew();
    };
    if (phase === 'uploads' && kinds.uploads && segments === 'yes') await walkUploads(walk, marker, save);
    if (phase === 'reconcile' && retired) {
      if (!versioned) {
        await reconcileExpiry(ctx, bucket, retired.rules, config.rules, {
          dryRun: opts.dryRun,
          report: (key, from, to) => walk.line(opts.dryRun ? 'would-correct-expiry' : 'corrected-expiry', key, undefined, `X-Delete-At ${from} → ${to ?? 'none'}`),
        }, marker, save);
      }
      if (!opts.dryRun) await retired.clear();
    }
    if (phase === 'objects' && kinds.objects) await (versioned ? walkVersions(walk, marker, save) : walkObjects(walk, marker, save));
    // Whatever the rules: segments a killed write left behind are orphans in any bucket (issue 19).
    if (phase === 'segments' && segments === 'yes') {
      await sweepOrphans(walk.ctx, bucket, { graceSeconds: opts.segmentGraceSeconds ?? DEFAULT_SEGMENT_GRACE_SECONDS, dryRun: opts.dryRun, versioned, report: (key, uploadId, count) => walk.line(opts.dryRun ? 'would-remove-orphan-segments' : 'removed-orphan-segments', key, uploadId, `${count} segments`) }, marker, save);
    }
  }
  if (lease && !opts.dryRun) await lease.finish();
  return { counts: walk.counts, failed: walk.failed };
}
