// What a Keystone EC2 key may do. Those requests reach Swift with the gateway's
// own reseller-admin token, so Swift's keystoneauth cannot judge them: the
// gateway checks the key owner's roles on its project itself. Keys of the
// credentials file act with their own Keystone token, and Swift judges those.
import { s3Error } from './s3/errors.js';
import type { SwiftIdentity } from './swift/keystone.js';

export interface AccessPolicy {
  /** Roles that may read and write (default: member, admin). */
  readonly operatorRoles: readonly string[];
  /** Roles that may only read: GET and HEAD, listings included (default: reader). */
  readonly readerRoles: readonly string[];
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export function authorize(identity: SwiftIdentity, method: string, operation: string, policy: AccessPolicy): void {
  if (identity.kind !== 'delegated') return;
  const roles = new Set(identity.roles.map((r) => r.toLowerCase()));
  if (policy.operatorRoles.some((r) => roles.has(r))) return;
  if (policy.readerRoles.some((r) => roles.has(r))) {
    if (READ_METHODS.has(method)) return;
    throw s3Error('AccessDenied', { Operation: operation }, `This key's roles allow reading only; ${operation} is a write.`);
  }
  throw s3Error('AccessDenied', {}, "This key's owner has no role on its project that allows S3 access.");
}
