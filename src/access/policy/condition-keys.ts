// The condition keys a bucket policy may name. S3 refuses a policy whose
// Condition names a key it does not know ("Policy has an invalid condition
// key"), and one whose S3 key cannot apply to an action the statement names
// ("Conditions do not apply to combination of actions and resources in
// statement"). Keys are case-insensitive and kept lower-cased here.
// Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// S3 keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys
import { variableKey } from './pattern.js';

const GLOBAL_KEYS: ReadonlySet<string> = new Set([
  'aws:calledvia', 'aws:calledviafirst', 'aws:calledvialast', 'aws:currenttime', 'aws:epochtime',
  'aws:federatedprovider', 'aws:multifactorauthage', 'aws:multifactorauthpresent', 'aws:principalaccount',
  'aws:principalarn', 'aws:principalisawsservice', 'aws:principalorgid', 'aws:principalorgpaths',
  'aws:principalservicename', 'aws:principalservicenameslist', 'aws:principaltype', 'aws:referer',
  'aws:requestedregion', 'aws:resourceaccount', 'aws:resourceorgid', 'aws:resourceorgpaths',
  'aws:securetransport', 'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceidentity', 'aws:sourceip',
  'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourceowner', 'aws:sourcevpc', 'aws:sourcevpce',
  'aws:tagkeys', 'aws:tokenissuetime', 'aws:useragent', 'aws:userid', 'aws:username', 'aws:viaawsservice',
  'aws:vpcsourceip', 'aws:ec2instancesourceprivateipv4', 'aws:ec2instancesourcevpc', 'aws:sourcevpcarn',
  'aws:vpceaccount', 'aws:vpceorgid', 'aws:vpceorgpaths',
]);

const S3_KEYS: ReadonlySet<string> = new Set([
  's3:accesspointnetworkorigin', 's3:authtype', 's3:dataaccesspointaccount', 's3:dataaccesspointarn',
  's3:delimiter', 's3:if-match', 's3:if-none-match', 's3:locationconstraint', 's3:max-keys', 's3:object-lock-legal-hold', 's3:object-lock-mode',
  's3:object-lock-remaining-retention-days', 's3:object-lock-retain-until-date', 's3:objectcreationoperation',
  's3:prefix', 's3:requestobjecttagkeys', 's3:resourceaccount', 's3:signatureage', 's3:signatureversion',
  's3:tlsversion', 's3:versionid', 's3:x-amz-acl', 's3:x-amz-content-sha256', 's3:x-amz-copy-source',
  's3:x-amz-grant-full-control', 's3:x-amz-grant-read', 's3:x-amz-grant-read-acp', 's3:x-amz-grant-write',
  's3:x-amz-grant-write-acp', 's3:x-amz-metadata-directive', 's3:x-amz-object-ownership',
  's3:x-amz-server-side-encryption', 's3:x-amz-server-side-encryption-aws-kms-key-id',
  's3:x-amz-server-side-encryption-customer-algorithm', 's3:x-amz-storage-class',
  's3:x-amz-website-redirect-location',
]);

/** Keys that end in a tag key of the user's choosing. */
const TAG_PREFIXES = ['aws:principaltag/', 'aws:requesttag/', 'aws:resourcetag/', 's3:existingobjecttag/', 's3:requestobjecttag/'];

/**
 * The form condition keys take in a request context and in a parsed policy:
 * the name lower-cased, a tag key after `/` kept as written
 * (`s3:ExistingObjectTag/Project` → `s3:existingobjecttag/Project`).
 */
export function conditionKeyName(name: string): string {
  return variableKey(name);
}

/** Whether S3 accepts this (normalised) key in a bucket policy. */
export function isKnownConditionKey(key: string): boolean {
  if (GLOBAL_KEYS.has(key) || S3_KEYS.has(key)) return true;
  return TAG_PREFIXES.some((prefix) => key.startsWith(prefix) && key.length > prefix.length);
}

const LISTING = new Set(['s3:listbucket', 's3:listbucketversions']);
const ACL_WRITES = new Set(['s3:putobject', 's3:putobjectacl', 's3:putobjectversionacl', 's3:putbucketacl', 's3:createbucket']);

/**
 * The actions (lower-cased) an S3 key can be used with, for the keys S3 checks
 * against a statement's explicit actions; undefined: any action.
 * s3:prefix, s3:delimiter, s3:max-keys: ListBucket and ListBucketVersions;
 * s3:VersionId: the *Version* actions; s3:x-amz-acl and the grant headers: the
 * requests that carry an ACL.
 */
export function actionsForKey(key: string): ((action: string) => boolean) | undefined {
  if (key === 's3:prefix' || key === 's3:delimiter' || key === 's3:max-keys') return (action) => LISTING.has(action);
  if (key === 's3:versionid') return (action) => action.includes('version') && action !== 's3:listbucketversions' && !action.includes('versioning');
  if (key === 's3:x-amz-acl' || key.startsWith('s3:x-amz-grant-')) return (action) => ACL_WRITES.has(action);
  return undefined;
}

/**
 * Keys whose fixed value makes a statement for everyone non-public, from "The
 * meaning of public": aws:SourceIp (a set of CIDRs), an AWS principal
 * (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn), aws:SourceArn,
 * aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
 * s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid (outside the
 * pattern "AROLEID:*"), s3:DataAccessPointArn, s3:DataAccessPointAccount.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
export const RESTRICTING_KEYS: ReadonlySet<string> = new Set([
  'aws:sourceip', 'aws:principalorgid', 'aws:principalaccount', 'aws:principalarn', 'aws:sourcearn',
  'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceowner', 'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id', 'aws:userid', 's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
]);
