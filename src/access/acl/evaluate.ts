// What an ACL allows a requester, and whether it is "public" in S3's sense.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
import { ALL_USERS, AUTHENTICATED_USERS, isGroup, type Acl, type Grant, type Grantee, type Permission } from './model.js';

/** Who asks: an unsigned request, or a signed one, by a key of a Keystone project. */
export type Requester = { readonly kind: 'anonymous' } | { readonly kind: 'project'; readonly projectId: string };

/**
 * Whether a grantee stands for the requester: AllUsers is everyone, signed or
 * not; AuthenticatedUsers is every signed request ("any AWS account", here any
 * project); a canonical user is that project. LogDelivery is S3's log writer,
 * which nothing here is.
 */
export function granteeMatches(grantee: Grantee, requester: Requester): boolean {
  if (grantee.type === 'Group') {
    if (grantee.uri === ALL_USERS) return true;
    return grantee.uri === AUTHENTICATED_USERS && requester.kind === 'project';
  }
  return requester.kind === 'project' && grantee.id === requester.projectId;
}

const COMPONENTS: readonly Permission[] = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];

/**
 * Whether the ACL gives the requester a permission. FULL_CONTROL implies the
 * four others; asking for FULL_CONTROL is asking for all four (one grant of
 * FULL_CONTROL, or READ, WRITE, READ_ACP and WRITE_ACP between the grants).
 * The owner always may read and write the ACL (READ_ACP, WRITE_ACP) whatever
 * the grants, so an owner can never lock itself out (Ceph's RGW, which follows
 * S3, gives the owner these two implicitly); READ and WRITE the owner has
 * through its grants, like anyone. (On a bucket, Swift gives the owning project
 * everything whatever the ACL: whether the owner's requests are checked here at
 * all is the caller's choice.)
 */
export function aclAllows(acl: Acl, requester: Requester, permission: Permission): boolean {
  const isOwner = requester.kind === 'project' && requester.projectId === acl.owner.id;
  const held = new Set<Permission>();
  if (isOwner) held.add('READ_ACP').add('WRITE_ACP');
  for (const g of acl.grants) {
    if (!granteeMatches(g.grantee, requester)) continue;
    if (g.permission === 'FULL_CONTROL') return true;
    held.add(g.permission);
  }
  if (permission === 'FULL_CONTROL') return COMPONENTS.every((p) => held.has(p));
  return held.has(permission);
}

const isPublicGrant = (g: Grant) => isGroup(g.grantee, ALL_USERS) || isGroup(g.grantee, AUTHENTICATED_USERS);

/**
 * S3's "The meaning of public" for ACLs: "Amazon S3 considers a bucket or
 * object ACL public if it grants any permissions to members of the predefined
 * AllUsers or AuthenticatedUsers groups." (BlockPublicAcls refuses setting one.)
 */
export function isPublicAcl(acl: Acl): boolean {
  return acl.grants.some(isPublicGrant);
}

/** The ACL with its public grants left out: what IgnorePublicAcls makes S3 evaluate. */
export function withoutPublicGrants(acl: Acl): Acl {
  return isPublicAcl(acl) ? { owner: acl.owner, grants: acl.grants.filter((g) => !isPublicGrant(g)) } : acl;
}
