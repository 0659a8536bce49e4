// The S3 ACL model: pure functions over values, no Swift calls, no HTTP.
// operations/ import this one module; the files behind it each do one job.
export {
  ALL_USERS, AUTHENTICATED_USERS, GROUP_URIS, LOG_DELIVERY, MAX_GRANTS, PERMISSIONS,
  grant, group, sameGrantee, user,
  type Acl, type AclTarget, type Grant, type Grantee, type Owner, type Permission,
} from './model.js';
export { CANNED_ACLS, cannedAcl, isCannedAclName, type CannedAclName } from './canned.js';
export { GRANT_HEADERS, aclFromRequestHeaders, hasAclHeaders, parseGranteeList } from './headers.js';
export { aclFromPolicyBody, aclFromPutAclRequest } from './policy-body.js';
export { aclDocument, type DisplayNameOf } from './document.js';
export { aclAllows, granteeMatches, isPublicAcl, withoutPublicGrants, type Requester } from './evaluate.js';
export { aclFromContainer, anonymousReadAllowed, containerAclFor, parseSwiftAcl, type ContainerAcl, type ContainerAclOptions } from './container.js';
export { MAX_VALUE_BYTES, decodeGrantList, decodeObjectAcl, encodeGrantList, encodeObjectAcl } from './metadata.js';
export {
  OBJECT_OWNERSHIPS, checkAclAllowedByOwnership, isObjectOwnership, checkOwnershipChange, enforcedAcl, objectOwnerFor,
  ownershipControlsDocument, parseObjectOwnershipHeader, parseOwnershipControls,
  type AclUse, type ObjectOwnership,
} from './ownership.js';
