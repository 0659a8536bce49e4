// The Action and Resource elements of a statement, and the checks S3 makes of
// them against each other and against the Condition element.
import { ACTION_SCOPES } from './actions.js';
import { actionsForKey } from './condition-keys.js';
import type { Condition } from './conditions.js';
import { malformed, REASONS } from './malformed.js';
import { compilePattern, globCanMatchPrefix, globMatch, toGlob, type Glob, type Pattern } from './pattern.js';

export const S3_ARN_PREFIX = 'arn:aws:s3:::';

/** A string or a non-empty list of strings; `what` names the element for the message. */
function stringList(element: unknown, reason: string): string[] {
  const values = Array.isArray(element) ? element : [element];
  if (values.length === 0 || values.some((value) => typeof value !== 'string' || value === '')) throw malformed(reason);
  return values as string[];
}

/**
 * Action / NotAction: `*`, or `s3:` followed by a name or a pattern that
 * matches at least one S3 action. Names are case-insensitive, so patterns are
 * kept lower-cased.
 */
export function parseActions(element: unknown): Pattern[] {
  return stringList(element, REASONS.action).map((text) => {
    const lower = text.toLowerCase();
    if (lower !== '*' && !lower.startsWith('s3:')) throw malformed(REASONS.action);
    const pattern = compilePattern(lower, { wildcards: true, variables: false });
    if (!knownActionsMatching(pattern).length) throw malformed(REASONS.action);
    return pattern;
  });
}

/** The known actions (lower-cased) a pattern covers. */
export function knownActionsMatching(pattern: Pattern): string[] {
  return [...ACTION_SCOPES.keys()].filter((action) => globMatch(pattern.fixed!, action));
}

/**
 * Resource / NotResource: ARNs of this bucket or of objects in it
 * (`arn:aws:s3:::bucket`, `arn:aws:s3:::bucket/prefix*`); anything that can
 * name neither is "Policy has invalid resource" (S3 refuses `*` and other
 * buckets' ARNs in a bucket policy). Variables may stand in the resource part.
 */
export function parseResources(element: unknown, bucket: string, variables: boolean): Pattern[] {
  return stringList(element, REASONS.resource).map((text) => {
    if (!text.startsWith(S3_ARN_PREFIX) || text.length === S3_ARN_PREFIX.length || text[S3_ARN_PREFIX.length] === '/') {
      throw malformed(REASONS.resource);
    }
    const pattern = compilePattern(text, { wildcards: true, variables });
    const scopes = resourceScopes(pattern, bucket);
    if (!scopes.bucket && !scopes.object) throw malformed(REASONS.resource);
    return pattern;
  });
}

/** Whether a resource pattern can name the bucket itself, and objects of it (a variable may be anything). */
function resourceScopes(pattern: Pattern, bucket: string): { bucket: boolean; object: boolean } {
  const glob: Glob = toGlob(pattern.pieces, () => undefined, true)!;
  return {
    bucket: globMatch(glob, `${S3_ARN_PREFIX}${bucket}`),
    object: globCanMatchPrefix(glob, `${S3_ARN_PREFIX}${bucket}/`),
  };
}

/**
 * "Action does not apply to any resource(s) in statement": every action
 * pattern must cover some action whose resource type (bucket or object) one of
 * the statement's resources can name. s3:GetObject with only
 * `arn:aws:s3:::bucket` is refused; s3:* with only `bucket/*` is not.
 */
export function checkActionsApply(actions: readonly Pattern[], resources: readonly Pattern[], bucket: string): void {
  const scopes = resources.map((resource) => resourceScopes(resource, bucket));
  const canName = { bucket: scopes.some((s) => s.bucket), object: scopes.some((s) => s.object), account: false };
  for (const action of actions) {
    const applies = knownActionsMatching(action).some((name) => canName[ACTION_SCOPES.get(name)!]);
    if (!applies) throw malformed(REASONS.actionResource);
  }
}

/**
 * "Conditions do not apply to combination of actions and resources in
 * statement": an S3 key that only some actions carry (s3:prefix for
 * ListBucket, s3:x-amz-acl for the ACL writes) must suit every action the
 * statement names outright; a wildcard action is not checked (S3 accepts
 * s3:x-amz-acl with s3:*).
 */
export function checkConditionsApply(conditions: readonly Condition[], actions: readonly Pattern[]): void {
  const named = actions.filter((action) => !action.hasWildcards).map((action) => action.source);
  for (const condition of conditions) {
    const suits = actionsForKey(condition.key);
    if (suits && named.some((action) => !suits(action))) throw malformed(REASONS.conditionActions);
  }
}
