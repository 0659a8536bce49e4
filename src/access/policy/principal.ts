// Who a request comes from, and the Principal / NotPrincipal elements that
// name them.
//
// The gateway's accounts are Keystone projects: the owner and canonical id it
// reports for a bucket is the project id. So in a policy
//   "*", {"AWS": "*"}                        everyone, anonymous requests included
//   {"AWS": "<project id>"},
//   {"AWS": "arn:aws:iam::<project id>:root"},
//   {"CanonicalUser": "<project id>"}        any user of that project
//   {"AWS": "arn:aws:iam::<project id>:user/<name or user id>"}  that Keystone user of that project
// Roles, assumed-role sessions, Service and Federated principals are valid
// syntax but name no one here.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
import { malformed, REASONS } from './malformed.js';

export type Requester =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'project'; readonly projectId: string; readonly userId?: string; readonly userName?: string };

export interface PrincipalSet {
  /** "*" or {"AWS": "*"}. */
  readonly everyone: boolean;
  /** Project ids of which every user is named. */
  readonly projects: ReadonlySet<string>;
  /** Single users: their project and the name or id after `user/`. */
  readonly users: readonly { readonly projectId: string; readonly user: string }[];
  /** A Federated principal: anyone the identity provider vouches for, which S3 counts as public. */
  readonly federated: boolean;
}

// A Keystone project id (32 hex digits) or an AWS account id (12 digits);
// ids of other Keystone backends may hold letters, `-` and `_`.
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const IAM_ARN = /^arn:aws:iam::([^:]*):(.+)$/;
const STS_ARN = /^arn:aws:sts::([^:]*):(assumed-role|federated-user)\/.+$/;

/** The Principal or NotPrincipal element; MalformedPolicy "Invalid principal in policy" for anything else. */
export function parsePrincipal(element: unknown): PrincipalSet {
  const invalid = (): never => {
    throw malformed(REASONS.principal);
  };
  const set: MutableSet = { everyone: false, projects: new Set<string>(), users: [], federated: false };
  if (element === '*') return { ...set, everyone: true };
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return invalid();
  const entries = Object.entries(element);
  if (entries.length === 0) invalid();
  for (const [type, raw] of entries) {
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.some((value) => typeof value !== 'string' || value === '')) invalid();
    for (const value of values as string[]) {
      if (!addPrincipal(set, type, value)) invalid();
    }
  }
  return set;
}

type MutableSet = { everyone: boolean; projects: Set<string>; users: { projectId: string; user: string }[]; federated: boolean };

/** One value of a principal type; false when S3 would not take it. */
function addPrincipal(set: MutableSet, type: string, value: string): boolean {
  switch (type) {
    case 'AWS':
      return addAwsPrincipal(set, value);
    case 'CanonicalUser':
      if (!ACCOUNT_ID.test(value)) return false;
      set.projects.add(value);
      return true;
    case 'Service':
      // `cloudtrail.amazonaws.com`: names an AWS service, which has no counterpart here.
      return /^[^*?\s]+$/.test(value);
    case 'Federated':
      if (/[*?]/.test(value)) return false;
      set.federated = true;
      return true;
    default:
      return false;
  }
}

/** One value of {"AWS": ...}; false when S3 would not take it. Wildcards other than a lone `*` are refused. */
function addAwsPrincipal(set: MutableSet, value: string): boolean {
  if (value === '*') {
    set.everyone = true;
    return true;
  }
  if (/[*?]/.test(value)) return false;
  if (ACCOUNT_ID.test(value)) {
    set.projects.add(value);
    return true;
  }
  if (STS_ARN.test(value)) return ACCOUNT_ID.test(STS_ARN.exec(value)![1]!);
  const arn = IAM_ARN.exec(value);
  if (!arn || !ACCOUNT_ID.test(arn[1]!)) return false;
  const [, projectId, resource] = arn as unknown as [string, string, string];
  if (resource === 'root') {
    set.projects.add(projectId);
    return true;
  }
  const user = /^user\/(?:.*\/)?([^/]+)$/.exec(resource);
  if (user) {
    set.users.push({ projectId, user: user[1]! });
    return true;
  }
  return /^role\/(?:.*\/)?[^/]+$/.test(resource);
}

/** Whether the requester is one of the principals. */
export function principalMatches(set: PrincipalSet, requester: Requester): boolean {
  if (set.everyone) return true;
  if (requester.kind === 'anonymous') return false;
  if (set.projects.has(requester.projectId)) return true;
  return set.users.some((entry) => entry.projectId === requester.projectId
    && (entry.user === requester.userName || entry.user === requester.userId));
}
