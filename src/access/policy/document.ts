// A bucket policy document: parsed and validated once, when PutBucketPolicy
// stores it (or when the gateway reads a stored one), into statements the
// evaluator can apply to every request without parsing again.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
import { parseConditions, type Condition } from './conditions.js';
import { malformed, REASONS } from './malformed.js';
import type { Pattern } from './pattern.js';
import { parsePrincipal, type PrincipalSet } from './principal.js';
import { isPublicStatement } from './public.js';
import { checkActionsApply, checkConditionsApply, parseActions, parseResources } from './statement-checks.js';

/**
 * "Bucket policies are limited to 20 KB in size", counted as S3 keeps the
 * policy: without the whitespace between elements. A body past
 * MAX_RAW_BYTES is refused without being parsed.
 */
export const MAX_POLICY_BYTES = 20 * 1024;
export const MAX_RAW_BYTES = 64 * 1024;

export type PolicyVersion = '2012-10-17' | '2008-10-17';

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Exactly one of principal / notPrincipal is set. */
  readonly principal?: PrincipalSet;
  readonly notPrincipal?: PrincipalSet;
  /** Exactly one of action / notAction: lower-cased patterns (`s3:get*`). */
  readonly action?: readonly Pattern[];
  readonly notAction?: readonly Pattern[];
  /** Exactly one of resource / notResource: ARN patterns, case-sensitive, variables resolved per request. */
  readonly resource?: readonly Pattern[];
  readonly notResource?: readonly Pattern[];
  /** All must hold. */
  readonly conditions: readonly Condition[];
}

export interface BucketPolicy {
  /** The document as the client sent it: what GetBucketPolicy returns. */
  readonly text: string;
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly Statement[];
  /** Whether S3 counts the policy as public (isPublicPolicy), worked out once here. */
  readonly isPublic: boolean;
}

const POLICY_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

/**
 * Parses and validates a bucket policy for `bucket`. Throws MalformedPolicy
 * with S3's reason: not JSON or not starting with `{`, over 20 KB, an unknown
 * element, a missing Effect / Principal / Action / Resource, an action S3 does
 * not have, a resource outside this bucket, an action none of the statement's
 * resources can carry, an unknown condition operator or key, a value the
 * operator cannot read. A missing Version means 2008-10-17, in which `${...}`
 * is literal text.
 */
export function parseBucketPolicy(input: string | Buffer, bucket: string): BucketPolicy {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > MAX_RAW_BYTES) throw malformed(REASONS.tooLarge);
  if (bytes[0] !== 0x7b) throw malformed(REASONS.firstByte);
  let text: string;
  let document: unknown;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    document = JSON.parse(text);
  } catch {
    throw malformed(REASONS.invalidJson);
  }
  // S3 measures the policy as it stores it, without the layout's whitespace.
  if (bytes.length > MAX_POLICY_BYTES && Buffer.byteLength(JSON.stringify(document)) > MAX_POLICY_BYTES) throw malformed(REASONS.tooLarge);
  // JSON.parse keeps the last of two equal names; S3 refuses the document.
  const duplicate = duplicateName(text);
  if (duplicate !== undefined) throw malformed(`Statement/policy already has instance of ${duplicate}`);
  const root = asObject(document);
  rejectUnknown(root, POLICY_FIELDS);
  const version = root['Version'] === undefined ? '2008-10-17' : root['Version'];
  if (version !== '2012-10-17' && version !== '2008-10-17') throw malformed(REASONS.version);
  if (root['Id'] !== undefined && typeof root['Id'] !== 'string') throw malformed(REASONS.syntax);
  const element = root['Statement'];
  if (element === undefined) throw malformed(REASONS.missingStatement);
  const list = Array.isArray(element) ? element : [element];
  if (list.length === 0) throw malformed(REASONS.emptyStatement);
  const statements = list.map((raw) => parseStatement(asObject(raw), bucket, version === '2012-10-17'));
  return { text, version, ...(typeof root['Id'] === 'string' ? { id: root['Id'] } : {}), statements, isPublic: statements.some(isPublicStatement) };
}

function parseStatement(raw: Record<string, unknown>, bucket: string, variables: boolean): Statement {
  rejectUnknown(raw, STATEMENT_FIELDS);
  if (raw['Sid'] !== undefined && typeof raw['Sid'] !== 'string') throw malformed(REASONS.syntax);
  const effect = raw['Effect'];
  if (effect === undefined) throw malformed('Missing required field Effect');
  if (effect !== 'Allow' && effect !== 'Deny') throw malformed(`Invalid effect: ${typeof effect === 'string' ? effect : JSON.stringify(effect)}`);

  const principal = oneOf(raw, 'Principal', 'NotPrincipal');
  // "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not supported."
  if (principal.name === 'NotPrincipal' && effect === 'Allow') throw malformed(REASONS.notPrincipalAllow);
  const action = oneOf(raw, 'Action', 'NotAction');
  const resource = oneOf(raw, 'Resource', 'NotResource');
  const principals = parsePrincipal(principal.value);
  const actions = parseActions(action.value);
  const resources = parseResources(resource.value, bucket, variables);
  const conditions = raw['Condition'] === undefined ? [] : parseConditions(raw['Condition'], variables);
  if (action.name === 'Action') checkConditionsApply(conditions, actions);
  if (action.name === 'Action' && resource.name === 'Resource') checkActionsApply(actions, resources, bucket);

  return {
    ...(typeof raw['Sid'] === 'string' ? { sid: raw['Sid'] } : {}),
    effect,
    ...(principal.name === 'Principal' ? { principal: principals } : { notPrincipal: principals }),
    ...(action.name === 'Action' ? { action: actions } : { notAction: actions }),
    ...(resource.name === 'Resource' ? { resource: resources } : { notResource: resources }),
    conditions,
  };
}

/** A statement holds exactly one of Principal / NotPrincipal (and so on). */
function oneOf(raw: Record<string, unknown>, name: string, negated: string): { name: string; value: unknown } {
  const has = raw[name] !== undefined;
  const hasNegated = raw[negated] !== undefined;
  if (has && hasNegated) throw malformed(`Statement/policy already has instance of ${name}`);
  if (!has && !hasNegated) throw malformed(`Missing required field ${name}`);
  return has ? { name, value: raw[name] } : { name: negated, value: raw[negated] };
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(REASONS.syntax);
  return value as Record<string, unknown>;
}

function rejectUnknown(raw: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) throw malformed(`Unknown field ${name}`);
  }
}

/**
 * The first name that one object of the (valid) JSON text holds twice, at any
 * depth; undefined when there is none.
 */
function duplicateName(text: string): string | undefined {
  // For each open container: the names seen so far of an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectingName = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const names = open[open.length - 1];
      if (expectingName && names) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
        expectingName = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? new Set() : null);
      expectingName = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
      expectingName = false;
    } else if (char === ',') {
      expectingName = open[open.length - 1] != null;
    }
  }
  return undefined;
}

/**
 * Every project and user the policy names (Principal and NotPrincipal), for a
 * caller that checks they exist: S3 refuses a policy naming a principal that
 * does not ("Invalid principal in policy"), which needs Keystone, so it is
 * not done here.
 */
export function namedPrincipals(policy: BucketPolicy): { projects: Set<string>; users: { projectId: string; user: string }[] } {
  const projects = new Set<string>();
  const users: { projectId: string; user: string }[] = [];
  for (const statement of policy.statements) {
    const set = statement.principal ?? statement.notPrincipal!;
    for (const project of set.projects) projects.add(project);
    users.push(...set.users);
  }
  return { projects, users };
}
