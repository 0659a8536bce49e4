// What a Keystone EC2 key may do, as the gateway sees it. Those requests act
// with a token of the key's own user, so Swift's keystoneauth judges them as it
// judges that user (operator_roles, project_reader_roles); the gateway applies
// its own rule first so a refusal names the reason, and so a Swift without
// reader roles configured never grants a reader a write. Keys of the
// credentials file act with their own Keystone token, and Swift alone judges those.
import { s3Error } from '../s3/errors.js';

export interface AccessPolicy {
  /** Roles that may read and write (default: member, admin). */
  readonly operatorRoles: readonly string[];
  /** Roles that may only read: GET and HEAD, listings included (default: reader). */
  readonly readerRoles: readonly string[];
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Throws AccessDenied unless the token's roles allow this method. */
export function authorize(tokenRoles: readonly string[], method: string, operation: string, policy: AccessPolicy): void {
  const roles = new Set(tokenRoles.map((r) => r.toLowerCase()));
  if (policy.operatorRoles.some((r) => roles.has(r.toLowerCase()))) return;
  if (policy.readerRoles.some((r) => roles.has(r.toLowerCase()))) {
    if (READ_METHODS.has(method)) return;
    throw s3Error('AccessDenied', { Operation: operation }, `This key's roles allow reading only; ${operation} is a write.`);
  }
  throw s3Error('AccessDenied', {}, "This key's owner has no role on its project that allows S3 access.");
}
