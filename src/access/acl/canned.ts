// Canned ACLs: the names `x-amz-acl` takes, and the grants each stands for, from
// the table in AWS's ACL overview ("Canned ACL"):
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
import { s3Error } from '../../s3/errors.js';
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, grant, group, user, type Acl, type AclTarget, type Grant, type Owner } from './model.js';

export const CANNED_ACLS = [
  'private', 'public-read', 'public-read-write', 'aws-exec-read', 'authenticated-read',
  'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write',
] as const;
export type CannedAclName = (typeof CANNED_ACLS)[number];

export function isCannedAclName(name: string): name is CannedAclName {
  return (CANNED_ACLS as readonly string[]).includes(name);
}

/**
 * The ACL a canned name stands for, owned by `owner` (the new bucket's owner,
 * or the object's). `bucketOwner` is the bucket's owner, for the two
 * bucket-owner-* names on objects; it defaults to the object's owner.
 *
 * - `private`, `public-read`, `public-read-write`, `authenticated-read`: the
 *   owner gets FULL_CONTROL, and AllUsers READ (and WRITE), or
 *   AuthenticatedUsers READ.
 * - `bucket-owner-read`, `bucket-owner-full-control` apply to objects: the
 *   bucket owner gets READ, or FULL_CONTROL, beside the object owner's
 *   FULL_CONTROL. When the bucket owner is the object owner there is no second
 *   grant (Ceph's RGW, which follows S3 here, adds none). "If you specify this
 *   canned ACL when creating a bucket, Amazon S3 ignores it": on a bucket they
 *   are `private`.
 * - `log-delivery-write`: the LogDelivery group gets WRITE and READ_ACP beside
 *   the owner's FULL_CONTROL (the table says "Bucket"; S3 stores the same
 *   grants on an object, harmlessly).
 * - `aws-exec-read` grants Amazon EC2 READ on AMI bundles: there is no EC2
 *   behind this gateway, so it is NotImplemented rather than a grant to an
 *   account that does not exist.
 * - Any other name: InvalidArgument, as S3 answers.
 */
export function cannedAcl(name: string, owner: Owner, target: AclTarget, bucketOwner: Owner = owner): Acl {
  if (!isCannedAclName(name)) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-acl', ArgumentValue: name });
  const full = grant(user(owner.id, owner.displayName), 'FULL_CONTROL');
  const extra: Grant[] = [];
  switch (name) {
    case 'private':
      break;
    case 'public-read':
      extra.push(grant(group(ALL_USERS), 'READ'));
      break;
    case 'public-read-write':
      extra.push(grant(group(ALL_USERS), 'READ'), grant(group(ALL_USERS), 'WRITE'));
      break;
    case 'authenticated-read':
      extra.push(grant(group(AUTHENTICATED_USERS), 'READ'));
      break;
    case 'bucket-owner-read':
    case 'bucket-owner-full-control':
      if (target === 'object' && bucketOwner.id !== owner.id) {
        extra.push(grant(user(bucketOwner.id, bucketOwner.displayName), name === 'bucket-owner-read' ? 'READ' : 'FULL_CONTROL'));
      }
      break;
    case 'log-delivery-write':
      extra.push(grant(group(LOG_DELIVERY), 'WRITE'), grant(group(LOG_DELIVERY), 'READ_ACP'));
      break;
    case 'aws-exec-read':
      throw s3Error('NotImplemented', { ArgumentName: 'x-amz-acl', ArgumentValue: name },
        'The canned ACL aws-exec-read grants Amazon EC2 read access, and there is no EC2 behind this gateway.');
  }
  return { owner, grants: [full, ...extra] };
}
