// Applying a bucket policy to one request.
//
// A statement applies when its principal, action, resource and every
// condition match. Then, as IAM evaluates: "an explicit deny in any policy
// overrides any allows"; an Allow that applies allows; with no statement that
// applies the policy has nothing to say (the gateway falls back to ownership
// and ACLs).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
import { conditionHolds, type RequestContext } from './condition-eval.js';
import type { BucketPolicy, Statement } from './document.js';
import { globMatch, resolve, type Pattern, type VariableLookup } from './pattern.js';
import { principalMatches, type Requester } from './principal.js';

export interface RequestFacts {
  readonly requester: Requester;
  /** The policy actions the operation needs (policyActionsFor), e.g. ['s3:GetObject']. */
  readonly actions: readonly string[];
  /** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key` (the key as stored, not URL-encoded). */
  readonly resource: string;
  /**
   * Condition keys of the request, named as conditionKeyName gives them
   * (`aws:sourceip`, `aws:securetransport` 'true'|'false', `aws:currenttime`
   * ISO 8601, `aws:epochtime`, `aws:referer`, `aws:useragent`,
   * `aws:principalaccount`, `aws:principaltype`, `aws:userid`, `aws:username`,
   * `s3:prefix`, `s3:delimiter`, `s3:max-keys`, `s3:x-amz-acl`, `s3:versionid`,
   * `s3:existingobjecttag/<Key>`, ...); a key the request lacks is left out.
   * They also give policy variables their values (`${aws:username}`).
   */
  readonly context: RequestContext;
}

/** Allow: a statement allows and none denies. Deny: a statement denies. Default: none applies. */
export type Decision = 'Allow' | 'Deny' | 'Default';

export interface EvaluateOptions {
  /**
   * The bucket's RestrictPublicBuckets is on: if the policy is public, its
   * Allow statements serve only users of the owner's project ("restricts
   * access to an access point or bucket with a public policy to only AWS
   * services and authorized users within the bucket owner's account ...
   * including non-public delegation to specific accounts"). Denies still apply.
   */
  readonly restrictPublicBuckets?: { readonly ownerProjectId: string };
}

/**
 * The policy's decision on the request. With several actions (PutObject with
 * an ACL needs s3:PutObject and s3:PutObjectAcl) a Deny of any is Deny, and
 * Allow needs every one allowed.
 */
export function evaluatePolicy(policy: BucketPolicy, facts: RequestFacts, options: EvaluateOptions = {}): Decision {
  const lookup: VariableLookup = (key) => {
    const value = facts.context[key];
    return typeof value === 'string' ? value : undefined;
  };
  const restrict = options.restrictPublicBuckets;
  const allowsCount = restrict === undefined || !policy.isPublic
    || (facts.requester.kind === 'project' && facts.requester.projectId === restrict.ownerProjectId);
  let allAllowed = facts.actions.length > 0;
  for (const action of facts.actions) {
    const decision = decide(policy.statements, action.toLowerCase(), facts, lookup, allowsCount);
    if (decision === 'Deny') return 'Deny';
    if (decision !== 'Allow') allAllowed = false;
  }
  return allAllowed ? 'Allow' : 'Default';
}

function decide(statements: readonly Statement[], action: string, facts: RequestFacts, lookup: VariableLookup, allowsCount: boolean): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (statement.effect === 'Allow' && (!allowsCount || allowed)) continue;
    if (!applies(statement, action, facts, lookup)) continue;
    if (statement.effect === 'Deny') return 'Deny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'Default';
}

/** Whether the statement covers this action of this request; cheap tests first. */
export function applies(statement: Statement, action: string, facts: RequestFacts, lookup: VariableLookup): boolean {
  if (statement.action && !anyMatches(statement.action, action, lookup)) return false;
  if (statement.notAction && anyMatches(statement.notAction, action, lookup)) return false;
  if (statement.principal && !principalMatches(statement.principal, facts.requester)) return false;
  if (statement.notPrincipal && principalMatches(statement.notPrincipal, facts.requester)) return false;
  if (statement.resource) {
    const matched = matchesAnyResolved(statement.resource, facts.resource, lookup);
    if (matched !== true) return false;
  }
  if (statement.notResource) {
    // An unresolved variable leaves the statement out, as for Resource.
    const matched = matchesAnyResolved(statement.notResource, facts.resource, lookup);
    if (matched !== false) return false;
  }
  for (const condition of statement.conditions) {
    if (conditionHolds(condition, facts.context, lookup) !== true) return false;
  }
  return true;
}

function anyMatches(patterns: readonly Pattern[], input: string, lookup: VariableLookup): boolean {
  return matchesAnyResolved(patterns, input, lookup) === true;
}

/** true / false, or null when a variable in the patterns has no value for this request and none matched. */
function matchesAnyResolved(patterns: readonly Pattern[], input: string, lookup: VariableLookup): boolean | null {
  let unresolved = false;
  for (const pattern of patterns) {
    const glob = resolve(pattern, lookup);
    if (glob === undefined) unresolved = true;
    else if (globMatch(glob, input)) return true;
  }
  return unresolved ? null : false;
}
