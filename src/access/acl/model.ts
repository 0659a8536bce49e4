// The S3 access control list, as values: an owner and a list of grants, each a
// grantee (a canonical user, which here is a Keystone project id, or one of S3's
// predefined groups) and one of five permissions.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
import type { Owner } from '../../s3/documents.js';
import { s3Error } from '../../s3/errors.js';

export type { Owner };

export const PERMISSIONS = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
/** S3's predefined groups ("Amazon S3 predefined groups" in the ACL overview). */
export const GROUP_URIS: readonly string[] = [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY];

export type Grantee =
  /** id: the canonical user id, which this gateway makes the Keystone project id. */
  | { readonly type: 'CanonicalUser'; readonly id: string; readonly displayName?: string }
  | { readonly type: 'Group'; readonly uri: string };

export interface Grant {
  readonly grantee: Grantee;
  readonly permission: Permission;
}

export interface Acl {
  readonly owner: Owner;
  readonly grants: readonly Grant[];
}

/** What an ACL is set on: a few canned ACLs mean different things on each (see canned.ts). */
export type AclTarget = 'bucket' | 'object';

/** "An ACL can have up to 100 grants" (ACL overview); more is MalformedACLError, as S3 answers. */
export const MAX_GRANTS = 100;

export const user = (id: string, displayName?: string): Grantee =>
  displayName === undefined ? { type: 'CanonicalUser', id } : { type: 'CanonicalUser', id, displayName };
export const group = (uri: string): Grantee => ({ type: 'Group', uri });
export const grant = (grantee: Grantee, permission: Permission): Grant => ({ grantee, permission });

/** Whether two grantees are the same account or group (display names aside). */
export function sameGrantee(a: Grantee, b: Grantee): boolean {
  if (a.type === 'CanonicalUser') return b.type === 'CanonicalUser' && a.id === b.id;
  return b.type === 'Group' && a.uri === b.uri;
}

export const isGroup = (g: Grantee, uri: string): boolean => g.type === 'Group' && g.uri === uri;
export const isUser = (g: Grantee, id: string): boolean => g.type === 'CanonicalUser' && g.id === id;

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/**
 * Canonical ids the gateway accepts in a grant: Keystone ids are at most 64
 * characters (its id columns), letters, digits, `-` and `_` in practice. A
 * `:` or `,` would also break the Swift container ACL the id is written into
 * (`<project>:*`, comma-separated), and anything else the metadata encoding.
 */
const CANONICAL_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

export const isCanonicalId = (id: string): boolean => CANONICAL_ID.test(id);

/** S3 answers an id it does not know with InvalidArgument "Invalid id". */
export function checkCanonicalId(id: string, argumentName: string): string {
  if (!isCanonicalId(id)) throw s3Error('InvalidArgument', { ArgumentName: argumentName, ArgumentValue: id }, 'Invalid id');
  return id;
}

/** A known group URI, or InvalidArgument as S3 (and Swift's s3api) answers an unknown one. */
export function checkGroupUri(uri: string, argumentName: string): string {
  if (!GROUP_URIS.includes(uri)) throw s3Error('InvalidArgument', { ArgumentName: argumentName, ArgumentValue: uri }, 'Invalid group uri');
  return uri;
}

/** An e-mail grantee: S3 resolves it to an account; here there is none to resolve to. */
export function unresolvableEmail(email: string): never {
  throw s3Error('UnresolvableGrantByEmailAddress', { EmailAddress: email },
    'The email address you provided does not match any account on record: this gateway grants by canonical id (a project id) or group URI only.');
}

export function checkGrantCount(grants: readonly Grant[]): void {
  if (grants.length > MAX_GRANTS) {
    throw s3Error('MalformedACLError', {}, `The request is rejected because the ACL has ${grants.length} grants, more than the ${MAX_GRANTS} an ACL may hold.`);
  }
}
