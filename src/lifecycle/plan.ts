// What the lifecycle runner does to one object, one key's versions or one
// upload, decided from the rules and the time alone (pure: the walk in
// bucket-run.ts lists, this decides, apply.ts acts).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
import type { LifecycleConfiguration, LifecycleRule } from '../s3/lifecycle.js';
import { currentExpiry, expiryAfterDays, ruleMatches, type LifecycleSubject } from '../s3/lifecycle-rules.js';

export type Action =
  /** The current object expires: removed (unversioned bucket) or hidden behind a delete marker (versioned). */
  | { readonly kind: 'expire'; readonly key: string; readonly ruleId: string }
  /** A noncurrent version is removed (NoncurrentVersionExpiration). */
  | { readonly kind: 'expire-noncurrent'; readonly key: string; readonly versionId: string; readonly ruleId: string }
  /** A delete marker with no versions behind it is removed (ExpiredObjectDeleteMarker). */
  | { readonly kind: 'remove-delete-marker'; readonly key: string; readonly versionId: string; readonly ruleId: string }
  | { readonly kind: 'abort-upload'; readonly key: string; readonly uploadId: string; readonly ruleId: string }
  /** A version is due to move to another storage class (Transition / NoncurrentVersionTransition). */
  | { readonly kind: 'transition'; readonly key: string; readonly versionId?: string; readonly storageClass: string; readonly ruleId: string };

export interface CurrentObject extends LifecycleSubject {
  readonly lastModifiedMs: number;
  /** Its storage class now, when known: a transition to the class it is in is no transition. */
  readonly storageClass?: string;
}

/** One version of a key as the versions listing shows it, newest first. */
export interface Version {
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly lastModifiedMs: number;
  readonly size: number;
  /** Its tags, when a rule's Tag filter needs them (undefined: unknown). */
  readonly tags?: ReadonlyMap<string, string>;
}

/** S3's default since 2024: objects under 128 KB move to no storage class (GLACIER and DEEP_ARCHIVE excepted under varies_by_storage_class). */
const SMALL = 128 * 1024;

function transitionAllowed(config: LifecycleConfiguration, rule: LifecycleRule, storageClass: string, size: number | undefined): boolean {
  const f = rule.filter;
  const custom = f?.sizeGreaterThan !== undefined || f?.sizeLessThan !== undefined || f?.and?.sizeGreaterThan !== undefined || f?.and?.sizeLessThan !== undefined;
  if (custom || size === undefined || size >= SMALL) return true;
  return config.transitionMinimumSize === 'varies_by_storage_class' && (storageClass === 'GLACIER' || storageClass === 'DEEP_ARCHIVE');
}

/** The latest transition of a current object that is due, across the rules. */
function dueTransition(config: LifecycleConfiguration, subject: CurrentObject, now: number): { storageClass: string; ruleId: string; at: number } | undefined {
  let best: { storageClass: string; ruleId: string; at: number } | undefined;
  for (const rule of config.rules) {
    if (rule.transitions.length === 0 || !ruleMatches(rule, subject)) continue;
    for (const t of rule.transitions) {
      const at = t.days !== undefined ? expiryAfterDays(subject.lastModifiedMs, t.days).getTime() : Date.parse(t.date!);
      if (at <= now && transitionAllowed(config, rule, t.storageClass, subject.size) && (!best || at > best.at)) best = { storageClass: t.storageClass, ruleId: rule.id, at };
    }
  }
  // The latest due one says where the object belongs; already there, nothing moves.
  return best?.storageClass === subject.storageClass ? undefined : best;
}

/** The current object: expired (which wins over any transition), due to move, or nothing. */
export function planCurrent(config: LifecycleConfiguration, object: CurrentObject, now: number): Action | undefined {
  const expiry = currentExpiry(config.rules, object, object.lastModifiedMs);
  if (expiry && expiry.date.getTime() <= now) return { kind: 'expire', key: object.key, ruleId: expiry.ruleId };
  const move = dueTransition(config, object, now);
  return move && { kind: 'transition', key: object.key, storageClass: move.storageClass, ruleId: move.ruleId };
}

/**
 * A key's versions (newest first). A noncurrent version became noncurrent
 * when the next newer one was written; NoncurrentDays count from then, and
 * NewerNoncurrentVersions keeps that many of the newest noncurrent versions
 * whatever their age. A delete marker left with no version behind it goes
 * under ExpiredObjectDeleteMarker, or under Expiration Days once it is that
 * old (S3 cleans expired markers up with Days too).
 */
export function planVersions(config: LifecycleConfiguration, key: string, versions: readonly Version[], now: number): Action[] {
  const actions: Action[] = [];
  const [current, ...older] = versions;
  if (!current) return actions;
  if (!current.deleteMarker) {
    const action = planCurrent(config, { key, size: current.size, tags: current.tags, lastModifiedMs: current.lastModifiedMs }, now);
    if (action?.kind === 'expire') actions.push(action);
    else if (action?.kind === 'transition') actions.push({ ...action, versionId: current.versionId });
  }
  const removed = new Set<string>();
  let newerNoncurrent = 0;
  older.forEach((version, i) => {
    const since = versions[i]!.lastModifiedMs;
    if (version.deleteMarker) return;
    const subject = { key, size: version.size, tags: version.tags };
    const expiring = config.rules.find((r) => {
      const n = r.noncurrentExpiration;
      return n && ruleMatches(r, subject) && expiryAfterDays(since, n.noncurrentDays).getTime() <= now
        && (n.newerNoncurrentVersions === undefined || newerNoncurrent >= n.newerNoncurrentVersions);
    });
    if (expiring) {
      actions.push({ kind: 'expire-noncurrent', key, versionId: version.versionId, ruleId: expiring.id });
      removed.add(version.versionId);
    } else {
      const moving = config.rules.flatMap((r) => (ruleMatches(r, subject) ? r.noncurrentTransitions.map((t) => ({ r, t })) : []))
        .filter(({ r, t }) => expiryAfterDays(since, t.noncurrentDays).getTime() <= now && transitionAllowed(config, r, t.storageClass, version.size)
          && (t.newerNoncurrentVersions === undefined || newerNoncurrent >= t.newerNoncurrentVersions))
        .sort((a, b) => b.t.noncurrentDays - a.t.noncurrentDays)[0];
      if (moving) actions.push({ kind: 'transition', key, versionId: version.versionId, storageClass: moving.t.storageClass, ruleId: moving.r.id });
    }
    newerNoncurrent++;
  });
  if (current.deleteMarker && older.every((v) => removed.has(v.versionId) || v.deleteMarker)) {
    const marker = config.rules.find((r) => ruleMatches(r, { key }) && r.expiration
      && (r.expiration.expiredObjectDeleteMarker === true || (r.expiration.days !== undefined && expiryAfterDays(current.lastModifiedMs, r.expiration.days).getTime() <= now)));
    if (marker) actions.push({ kind: 'remove-delete-marker', key, versionId: current.versionId, ruleId: marker.id });
  }
  return actions;
}

/** An incomplete multipart upload: aborted DaysAfterInitiation days after it began (rounded up to midnight UTC, as for expiry). */
export function planUpload(config: LifecycleConfiguration, upload: { key: string; uploadId: string; initiatedMs: number }, now: number): Action | undefined {
  const rule = config.rules.find((r) => r.abortIncomplete && ruleMatches(r, { key: upload.key })
    && expiryAfterDays(upload.initiatedMs, r.abortIncomplete.daysAfterInitiation).getTime() <= now);
  return rule && { kind: 'abort-upload', key: upload.key, uploadId: upload.uploadId, ruleId: rule.id };
}

/** Whether any enabled rule acts on versions, uploads or transitions beyond plain expiry (what a walk must list). */
export function ruleKinds(config: LifecycleConfiguration): { uploads: boolean; objects: boolean } {
  const enabled = config.rules.filter((r) => r.status === 'Enabled');
  return {
    uploads: enabled.some((r) => r.abortIncomplete !== undefined),
    objects: enabled.some((r) => r.expiration || r.noncurrentExpiration || r.transitions.length || r.noncurrentTransitions.length),
  };
}
