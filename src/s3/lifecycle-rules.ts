// What lifecycle rules mean for one object: whether a rule's filter matches
// it, when it expires, and the x-amz-expiration header S3 answers with.
// Pure: the write path, the read path and the lifecycle runner all ask here.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
import { ruleTags, type LifecycleRule } from './lifecycle.js';

const DAY_MS = 86_400_000;

/** What a rule's filter looks at. */
export interface LifecycleSubject {
  readonly key: string;
  /** Unknown (a chunked upload not yet read): a size filter does not match. */
  readonly size?: number;
  /** Unknown (not read): a tag filter does not match. */
  readonly tags?: ReadonlyMap<string, string>;
}

/** A rule's filter as one set of conditions, whichever form it was written in. */
export interface RuleConditions {
  readonly prefix: string;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly sizeGreaterThan?: number;
  readonly sizeLessThan?: number;
}

export function ruleConditions(rule: LifecycleRule): RuleConditions {
  const f = rule.filter;
  const prefix = rule.prefix ?? f?.prefix ?? f?.and?.prefix ?? '';
  return {
    prefix,
    tags: ruleTags(rule),
    sizeGreaterThan: f?.sizeGreaterThan ?? f?.and?.sizeGreaterThan,
    sizeLessThan: f?.sizeLessThan ?? f?.and?.sizeLessThan,
  };
}

/** Whether a rule needs the object's tags to decide (only then are they read). */
export const needsTags = (rule: LifecycleRule): boolean => ruleTags(rule).length > 0;

/**
 * Whether an enabled rule's filter matches an object. S3: every condition of
 * an And must hold; sizes are strict (ObjectSizeGreaterThan 100 does not
 * match 100 bytes).
 */
export function ruleMatches(rule: LifecycleRule, subject: LifecycleSubject): boolean {
  if (rule.status !== 'Enabled') return false;
  const c = ruleConditions(rule);
  if (!subject.key.startsWith(c.prefix)) return false;
  if (c.sizeGreaterThan !== undefined && (subject.size === undefined || !(subject.size > c.sizeGreaterThan))) return false;
  if (c.sizeLessThan !== undefined && (subject.size === undefined || !(subject.size < c.sizeLessThan))) return false;
  if (c.tags.length > 0) {
    const tags = subject.tags;
    if (tags === undefined) return false;
    if (!c.tags.every((t) => tags.get(t.key) === t.value)) return false;
  }
  return true;
}

/**
 * When an object expires under "Days": S3 adds the days to its creation time
 * and rounds the result UP to the next midnight UTC (an object written
 * 2014-01-15 10:30 with Days 3 expires 2014-01-19 00:00 UTC).
 */
export function expiryAfterDays(createdMs: number, days: number): Date {
  const at = createdMs + days * DAY_MS;
  return new Date(Math.ceil(at / DAY_MS) * DAY_MS);
}

export interface Expiry {
  readonly date: Date;
  readonly ruleId: string;
}

/**
 * The expiration (Expiration Days or Date) that applies to a current object,
 * the earliest when several rules match; none when no rule expires it.
 */
export function currentExpiry(rules: readonly LifecycleRule[], subject: LifecycleSubject, createdMs: number): Expiry | undefined {
  let best: Expiry | undefined;
  for (const rule of rules) {
    const e = rule.expiration;
    if (!e || (e.days === undefined && e.date === undefined) || !ruleMatches(rule, subject)) continue;
    const date = e.days !== undefined ? expiryAfterDays(createdMs, e.days) : new Date(e.date!);
    if (!best || date.getTime() < best.date.getTime()) best = { date, ruleId: rule.id };
  }
  return best;
}

/** The enabled rules with Expiration Days or Date: the ones that give objects an expiry. */
export function expiringRules(rules: readonly LifecycleRule[]): LifecycleRule[] {
  return rules.filter((r) => r.status === 'Enabled' && (r.expiration?.days !== undefined || r.expiration?.date !== undefined));
}

/** Rules that could expire some object with this key, whatever its size and tags (the read path asks before reading tags). */
export function mayExpire(rules: readonly LifecycleRule[], key: string): boolean {
  return rules.some((r) => r.status === 'Enabled' && r.expiration !== undefined && (r.expiration.days !== undefined || r.expiration.date !== undefined)
    && key.startsWith(ruleConditions(r).prefix));
}

/** `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"`, as S3 answers it. */
export function expirationHeader(expiry: Expiry): string {
  // A rule id is any text; a header carries printable ASCII, and the quotes delimit it.
  const id = expiry.ruleId.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, (c) => `\\${c}`);
  return `expiry-date="${expiry.date.toUTCString()}", rule-id="${id}"`;
}
