// Expiry that rules no longer give. An object written under an expiring rule
// carries that rule's X-Delete-At; when the rule is changed or deleted, S3
// stops expiring it (or expires it on the new date), but Swift's expirer would
// still delete it on the old one. The retired rules are kept in the bucket's
// registry entry (operations/bucket/lifecycle.ts withLifecycle); this walk
// looks at the objects they could have stamped (prefix and size; tags are not
// known), and where an object's X-Delete-At is one a retired rule gives,
// replaces it with the expiry of the rules now in force, or removes it.
// An X-Delete-At that no retired rule explains (set through the Swift API) is
// left alone, and so is one a current Tag-filtered rule may have given.
import type { LifecycleRule } from '../s3/lifecycle.js';
import { currentExpiry, expiryAfterDays, ruleConditions, ruleMatches } from '../s3/lifecycle-rules.js';
import type { ObjectInfo } from '../swift/store.js';
import type { OperationContext } from '../operations/context.js';

/** Whether a rule's prefix and size conditions hold (its tags, unknown here, are taken as matching). */
function couldMatch(rule: LifecycleRule, key: string, size: number | undefined): boolean {
  const c = ruleConditions(rule);
  return ruleMatches({ ...rule, status: 'Enabled', prefix: c.prefix, filter: { and: { prefix: c.prefix, tags: [], sizeGreaterThan: c.sizeGreaterThan, sizeLessThan: c.sizeLessThan } } }, { key, size });
}

/** The X-Delete-At (Unix seconds) a rule gives an object created at `createdMs`. */
function stampOf(rule: LifecycleRule, createdMs: number): number | undefined {
  const e = rule.expiration;
  if (e?.days !== undefined) return expiryAfterDays(createdMs, e.days).getTime() / 1000;
  return e?.date !== undefined ? Date.parse(e.date) / 1000 : undefined;
}

export type Correction = { readonly deleteAt: number | null } | undefined;

/**
 * What an object's X-Delete-At should become, or undefined to leave it:
 * `null` removes it. `nowMs`: the real clock (Swift refuses a past X-Delete-At).
 */
export function correctionFor(info: Pick<ObjectInfo, 'deleteAt' | 'lastModified' | 'size'>, key: string, retired: readonly LifecycleRule[], current: readonly LifecycleRule[], nowMs: number): Correction {
  if (info.deleteAt === undefined || info.lastModified === undefined) return undefined;
  // Swift quirk: Last-Modified is the write's time rounded up to the second; the rule saw the time of the write.
  const written = Date.parse(info.lastModified);
  const ours = retired.some((r) => couldMatch(r, key, info.size) && [written, written - 1000].some((t) => stampOf(r, t) === info.deleteAt));
  if (!ours) return undefined;
  if (current.some((r) => r.status === 'Enabled' && r.expiration && ruleConditions(r).tags.length > 0 && couldMatch(r, key, info.size))) return undefined;
  const expiry = currentExpiry(current, { key, size: info.size }, written);
  const wanted = expiry && expiry.date.getTime() > nowMs ? Math.floor(expiry.date.getTime() / 1000) : undefined;
  // Due already under the current rules: the objects phase expires it; its X-Delete-At can stay.
  if (expiry && wanted === undefined) return undefined;
  return wanted === info.deleteAt ? undefined : { deleteAt: wanted ?? null };
}

export interface ReconcileOptions {
  readonly dryRun: boolean;
  readonly report: (key: string, from: number, to: number | null) => void;
}

/** Walks an unversioned bucket's objects under the retired rules, correcting their X-Delete-At. */
export async function reconcileExpiry(
  ctx: OperationContext, bucket: string, retired: readonly LifecycleRule[], current: readonly LifecycleRule[], opts: ReconcileOptions,
  marker: string | undefined, save: (marker: string) => Promise<void>,
): Promise<void> {
  for await (const page of ctx.store.listPages(bucket, { marker })) {
    for (const row of page) {
      const key = row.name!;
      if (!retired.some((r) => couldMatch(r, key, row.bytes))) continue;
      const info = await ctx.store.findObject(bucket, key);
      if (!info) continue;
      const correction = correctionFor(info, key, retired, current, Date.now());
      if (!correction) continue;
      opts.report(key, info.deleteAt!, correction.deleteAt);
      if (!opts.dryRun) await ctx.store.rewriteReserved(bucket, key, info, info.reserved, { deleteAt: correction.deleteAt });
    }
    await save(page[page.length - 1]!.name!);
  }
}
