// S3's rules across the actions of one lifecycle rule: what each action may be
// combined with (tags, sizes), and how transitions and expirations order.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
import { s3Error } from './errors.js';
import type { LifecycleRule, LifecycleTag } from './lifecycle.js';

const invalid = (name: string, value: string | undefined, why: string) => s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: value }, why);

/** The tag predicates of a rule's filter (none for a legacy Prefix rule). */
export function ruleTags(rule: LifecycleRule): readonly LifecycleTag[] {
  const f = rule.filter;
  return f?.tag ? [f.tag] : f?.and?.tags ?? [];
}

/** S3's checks across one rule's actions. */
export function checkActions(rule: LifecycleRule): void {
  const { expiration, transitions, noncurrentTransitions } = rule;
  if (!expiration && !rule.noncurrentExpiration && !rule.abortIncomplete && transitions.length === 0 && noncurrentTransitions.length === 0) {
    throw s3Error('InvalidRequest', {}, 'At least one action needs to be specified in a rule');
  }
  const tagged = ruleTags(rule).length > 0;
  if (tagged && expiration?.expiredObjectDeleteMarker !== undefined) {
    throw s3Error('InvalidRequest', {}, 'ExpiredObjectDeleteMarker cannot be specified with tag filters in a Lifecycle Expiration Policy');
  }
  if (tagged && rule.abortIncomplete) throw s3Error('InvalidRequest', {}, 'AbortIncompleteMultipartUpload cannot be specified with Tags');
  const sized = rule.filter?.sizeGreaterThan !== undefined || rule.filter?.sizeLessThan !== undefined
    || rule.filter?.and?.sizeGreaterThan !== undefined || rule.filter?.and?.sizeLessThan !== undefined;
  if (sized && rule.abortIncomplete) throw s3Error('InvalidRequest', {}, 'AbortIncompleteMultipartUpload cannot be specified with an object size filter');
  if (transitions.some((t) => t.days !== undefined) && transitions.some((t) => t.date !== undefined)) {
    throw invalid('Transition', undefined, 'The Transitions of a rule all use Days or all use Date.');
  }
  const classes = transitions.map((t) => t.storageClass);
  if (new Set(classes).size !== classes.length) throw invalid('StorageClass', undefined, "'StorageClass' must be different for 'Transition' actions in same 'Rule'");
  const nClasses = noncurrentTransitions.map((t) => t.storageClass);
  if (new Set(nClasses).size !== nClasses.length) throw invalid('StorageClass', undefined, "'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule'");
  const lastDays = Math.max(-1, ...transitions.map((t) => t.days ?? -1));
  if (expiration?.days !== undefined && lastDays >= 0 && expiration.days <= lastDays) {
    throw invalid('Days', String(expiration.days), "'Days' in the Expiration action must be greater than 'Days' in the Transition action");
  }
  const lastDate = transitions.map((t) => t.date ?? '').sort().pop();
  if (expiration?.date !== undefined && lastDate && expiration.date <= lastDate) {
    throw invalid('Date', expiration.date, "'Date' in the Expiration action must be later than 'Date' in the Transition action");
  }
  const lastNoncurrent = Math.max(-1, ...noncurrentTransitions.map((t) => t.noncurrentDays));
  if (rule.noncurrentExpiration && lastNoncurrent >= 0 && rule.noncurrentExpiration.noncurrentDays <= lastNoncurrent) {
    throw invalid('NoncurrentDays', String(rule.noncurrentExpiration.noncurrentDays), "'NoncurrentDays' in the NoncurrentVersionExpiration action must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action");
  }
}
