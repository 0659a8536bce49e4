// S3's policy actions: the ones a bucket policy may name, what each applies to
// (a bucket, an object, or only the account), and which of them each S3
// operation needs.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html

export type ActionScope = 'bucket' | 'object' | 'account';

const OBJECT_ACTIONS = [
  'AbortMultipartUpload', 'BypassGovernanceRetention', 'DeleteObject', 'DeleteObjectTagging', 'DeleteObjectVersion',
  'DeleteObjectVersionTagging', 'GetObject', 'GetObjectAcl', 'GetObjectAttributes', 'GetObjectLegalHold',
  'GetObjectRetention', 'GetObjectTagging', 'GetObjectTorrent', 'GetObjectVersion', 'GetObjectVersionAcl',
  'GetObjectVersionAttributes', 'GetObjectVersionForReplication', 'GetObjectVersionTagging',
  'GetObjectVersionTorrent', 'InitiateReplication', 'ListMultipartUploadParts', 'ObjectOwnerOverrideToBucketOwner',
  'PutObject', 'PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention', 'PutObjectTagging', 'PutObjectVersionAcl',
  'PutObjectVersionTagging', 'ReplicateDelete', 'ReplicateObject', 'ReplicateTags', 'RestoreObject',
];

const BUCKET_ACTIONS = [
  'CreateBucket', 'DeleteBucket', 'DeleteBucketPolicy', 'DeleteBucketWebsite', 'GetAccelerateConfiguration',
  'GetAnalyticsConfiguration', 'GetBucketAcl', 'GetBucketCORS', 'GetBucketLocation', 'GetBucketLogging',
  'GetBucketNotification', 'GetBucketObjectLockConfiguration', 'GetBucketOwnershipControls', 'GetBucketPolicy',
  'GetBucketPolicyStatus', 'GetBucketPublicAccessBlock', 'GetBucketRequestPayment', 'GetBucketTagging',
  'GetBucketVersioning', 'GetBucketWebsite', 'GetEncryptionConfiguration', 'GetIntelligentTieringConfiguration',
  'GetInventoryConfiguration', 'GetLifecycleConfiguration', 'GetMetricsConfiguration', 'GetReplicationConfiguration',
  'ListBucket', 'ListBucketMultipartUploads', 'ListBucketVersions', 'PutAccelerateConfiguration',
  'PutAnalyticsConfiguration', 'PutBucketAcl', 'PutBucketCORS', 'PutBucketLogging', 'PutBucketNotification',
  'PutBucketObjectLockConfiguration', 'PutBucketOwnershipControls', 'PutBucketPolicy', 'PutBucketPublicAccessBlock',
  'PutBucketRequestPayment', 'PutBucketTagging', 'PutBucketVersioning', 'PutBucketWebsite',
  'PutEncryptionConfiguration', 'PutIntelligentTieringConfiguration', 'PutInventoryConfiguration',
  'PutLifecycleConfiguration', 'PutMetricsConfiguration', 'PutReplicationConfiguration',
];

// Valid actions that no bucket ARN can carry: a bucket policy naming one alone
// is refused with "Action does not apply to any resource(s) in statement".
const ACCOUNT_ACTIONS = ['ListAllMyBuckets', 'GetAccountPublicAccessBlock', 'PutAccountPublicAccessBlock', 'ListAccessPoints', 'ListJobs', 'CreateJob'];

/** Every S3 action a bucket policy may name, spelt as AWS does. S3 refuses others ("Policy has invalid action"). */
export const KNOWN_S3_ACTIONS: ReadonlySet<string> = new Set(
  [...OBJECT_ACTIONS, ...BUCKET_ACTIONS, ...ACCOUNT_ACTIONS].map((name) => `s3:${name}`),
);

/** Lower-cased action → what it applies to (action names are case-insensitive). */
export const ACTION_SCOPES: ReadonlyMap<string, ActionScope> = new Map([
  ...OBJECT_ACTIONS.map((name) => [`s3:${name.toLowerCase()}`, 'object'] as const),
  ...BUCKET_ACTIONS.map((name) => [`s3:${name.toLowerCase()}`, 'bucket'] as const),
  ...ACCOUNT_ACTIONS.map((name) => [`s3:${name.toLowerCase()}`, 'account'] as const),
]);

/** Operations whose action does not change with the request. */
const FIXED: Readonly<Record<string, readonly string[]>> = {
  ListBuckets: ['s3:ListAllMyBuckets'],
  HeadBucket: ['s3:ListBucket'],
  ListObjects: ['s3:ListBucket'],
  ListObjectsV2: ['s3:ListBucket'],
  ListObjectVersions: ['s3:ListBucketVersions'],
  ListMultipartUploads: ['s3:ListBucketMultipartUploads'],
  ListParts: ['s3:ListMultipartUploadParts'],
  DeleteBucket: ['s3:DeleteBucket'],
  GetBucketLocation: ['s3:GetBucketLocation'],
  GetBucketAcl: ['s3:GetBucketAcl'],
  PutBucketAcl: ['s3:PutBucketAcl'],
  GetBucketPolicy: ['s3:GetBucketPolicy'],
  PutBucketPolicy: ['s3:PutBucketPolicy'],
  DeleteBucketPolicy: ['s3:DeleteBucketPolicy'],
  GetBucketPolicyStatus: ['s3:GetBucketPolicyStatus'],
  GetBucketVersioning: ['s3:GetBucketVersioning'],
  PutBucketVersioning: ['s3:PutBucketVersioning'],
  GetPublicAccessBlock: ['s3:GetBucketPublicAccessBlock'],
  PutPublicAccessBlock: ['s3:PutBucketPublicAccessBlock'],
  DeletePublicAccessBlock: ['s3:PutBucketPublicAccessBlock'],
  GetBucketOwnershipControls: ['s3:GetBucketOwnershipControls'],
  PutBucketOwnershipControls: ['s3:PutBucketOwnershipControls'],
  DeleteBucketOwnershipControls: ['s3:PutBucketOwnershipControls'],
  GetObjectLockConfiguration: ['s3:GetBucketObjectLockConfiguration'],
  PutObjectLockConfiguration: ['s3:PutBucketObjectLockConfiguration'],
  GetObjectRetention: ['s3:GetObjectRetention'],
  GetObjectLegalHold: ['s3:GetObjectLegalHold'],
  PutObjectLegalHold: ['s3:PutObjectLegalHold'],
  GetBucketTagging: ['s3:GetBucketTagging'],
  PutBucketTagging: ['s3:PutBucketTagging'],
  DeleteBucketTagging: ['s3:PutBucketTagging'],
  GetBucketCors: ['s3:GetBucketCORS'],
  PutBucketCors: ['s3:PutBucketCORS'],
  DeleteBucketCors: ['s3:PutBucketCORS'],
  GetBucketLifecycleConfiguration: ['s3:GetLifecycleConfiguration'],
  PutBucketLifecycleConfiguration: ['s3:PutLifecycleConfiguration'],
  DeleteBucketLifecycleConfiguration: ['s3:PutLifecycleConfiguration'],
  DeleteBucketLifecycle: ['s3:PutLifecycleConfiguration'],
  GetBucketWebsite: ['s3:GetBucketWebsite'],
  PutBucketWebsite: ['s3:PutBucketWebsite'],
  DeleteBucketWebsite: ['s3:DeleteBucketWebsite'],
  GetBucketLogging: ['s3:GetBucketLogging'],
  PutBucketLogging: ['s3:PutBucketLogging'],
  GetBucketNotificationConfiguration: ['s3:GetBucketNotification'],
  PutBucketNotificationConfiguration: ['s3:PutBucketNotification'],
  GetBucketRequestPayment: ['s3:GetBucketRequestPayment'],
  PutBucketRequestPayment: ['s3:PutBucketRequestPayment'],
  GetBucketReplication: ['s3:GetReplicationConfiguration'],
  PutBucketReplication: ['s3:PutReplicationConfiguration'],
  DeleteBucketReplication: ['s3:PutReplicationConfiguration'],
  GetBucketEncryption: ['s3:GetEncryptionConfiguration'],
  PutBucketEncryption: ['s3:PutEncryptionConfiguration'],
  DeleteBucketEncryption: ['s3:PutEncryptionConfiguration'],
  GetBucketAccelerateConfiguration: ['s3:GetAccelerateConfiguration'],
  PutBucketAccelerateConfiguration: ['s3:PutAccelerateConfiguration'],
  GetBucketAnalyticsConfiguration: ['s3:GetAnalyticsConfiguration'],
  PutBucketAnalyticsConfiguration: ['s3:PutAnalyticsConfiguration'],
  DeleteBucketAnalyticsConfiguration: ['s3:PutAnalyticsConfiguration'],
  GetBucketInventoryConfiguration: ['s3:GetInventoryConfiguration'],
  PutBucketInventoryConfiguration: ['s3:PutInventoryConfiguration'],
  DeleteBucketInventoryConfiguration: ['s3:PutInventoryConfiguration'],
  GetBucketMetricsConfiguration: ['s3:GetMetricsConfiguration'],
  PutBucketMetricsConfiguration: ['s3:PutMetricsConfiguration'],
  DeleteBucketMetricsConfiguration: ['s3:PutMetricsConfiguration'],
  GetBucketIntelligentTieringConfiguration: ['s3:GetIntelligentTieringConfiguration'],
  PutBucketIntelligentTieringConfiguration: ['s3:PutIntelligentTieringConfiguration'],
  DeleteBucketIntelligentTieringConfiguration: ['s3:PutIntelligentTieringConfiguration'],
  AbortMultipartUpload: ['s3:AbortMultipartUpload'],
  UploadPart: ['s3:PutObject'],
  UploadPartCopy: ['s3:PutObject'],
  CompleteMultipartUpload: ['s3:PutObject'],
  RestoreObject: ['s3:RestoreObject'],
  SelectObjectContent: ['s3:GetObject'],
};

/** Operations that name a version with `?versionId=`: [without, with]. */
const VERSIONED: Readonly<Record<string, readonly [readonly string[], readonly string[]]>> = {
  GetObject: [['s3:GetObject'], ['s3:GetObjectVersion']],
  HeadObject: [['s3:GetObject'], ['s3:GetObjectVersion']],
  GetObjectAcl: [['s3:GetObjectAcl'], ['s3:GetObjectVersionAcl']],
  PutObjectAcl: [['s3:PutObjectAcl'], ['s3:PutObjectVersionAcl']],
  GetObjectTagging: [['s3:GetObjectTagging'], ['s3:GetObjectVersionTagging']],
  PutObjectTagging: [['s3:PutObjectTagging'], ['s3:PutObjectVersionTagging']],
  DeleteObjectTagging: [['s3:DeleteObjectTagging'], ['s3:DeleteObjectVersionTagging']],
  GetObjectTorrent: [['s3:GetObjectTorrent'], ['s3:GetObjectVersionTorrent']],
  // "If the bucket is versioned, you need both the s3:GetObjectVersion and
  // s3:GetObjectVersionAttributes permissions" (GetObjectAttributes).
  GetObjectAttributes: [['s3:GetObject', 's3:GetObjectAttributes'], ['s3:GetObjectVersion', 's3:GetObjectVersionAttributes']],
  DeleteObject: [['s3:DeleteObject'], ['s3:DeleteObjectVersion']],
  DeleteObjects: [['s3:DeleteObject'], ['s3:DeleteObjectVersion']],
};

/** Request headers, lower-case names, as S3Request.headers has them. */
export type RequestHeaders = Readonly<Record<string, string | undefined>>;

const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];
const hasAcl = (headers: RequestHeaders): boolean => headers['x-amz-acl'] !== undefined || GRANT_HEADERS.some((name) => headers[name] !== undefined);
const bypassesGovernance = (headers: RequestHeaders): boolean => headers['x-amz-bypass-governance-retention']?.toLowerCase() === 'true';

/**
 * The policy actions an operation needs (every one must be allowed), for the
 * gateway's operation names (src/s3/router.ts). [] for an operation no policy
 * action covers (or that the router names but S3 does not have, like
 * DeleteBucketAcl): such requests are the owner's only.
 *
 * Not covered here, because they concern another resource: CopyObject and
 * UploadPartCopy also need s3:GetObject (s3:GetObjectVersion when the copy
 * source names a version) on the SOURCE object; DeleteObjects needs its action
 * for every key (s3:DeleteObjectVersion for entries with a VersionId).
 */
export function policyActionsFor(operation: string, query: { has(name: string): boolean }, headers: RequestHeaders = {}): readonly string[] {
  const versioned = VERSIONED[operation];
  if (versioned) {
    const actions = [...versioned[query.has('versionId') ? 1 : 0]];
    // DeleteObject on a version under governance-mode retention, with the bypass header.
    if ((operation === 'DeleteObject' || operation === 'DeleteObjects') && bypassesGovernance(headers)) actions.push('s3:BypassGovernanceRetention');
    return actions;
  }
  switch (operation) {
    case 'PutObject':
    case 'PostObject': // a browser upload is a PutObject (its form's acl field arrives as x-amz-acl)
    case 'CopyObject':
    case 'CreateMultipartUpload':
      return objectWriteActions(headers);
    case 'CreateBucket':
      return bucketCreateActions(headers);
    case 'PutObjectRetention':
      return bypassesGovernance(headers) ? ['s3:PutObjectRetention', 's3:BypassGovernanceRetention'] : ['s3:PutObjectRetention'];
    default:
      return FIXED[operation] ?? [];
  }
}

/**
 * PutObject, CopyObject, CreateMultipartUpload: "To successfully change the
 * objects acl of your PutObject request, you must have the s3:PutObjectAcl. To
 * successfully set the tag-set with your PutObject request, you must have the
 * s3:PutObjectTagging." Object Lock headers likewise need
 * s3:PutObjectRetention / s3:PutObjectLegalHold.
 */
function objectWriteActions(headers: RequestHeaders): string[] {
  const actions = ['s3:PutObject'];
  if (hasAcl(headers)) actions.push('s3:PutObjectAcl');
  if (headers['x-amz-tagging'] !== undefined) actions.push('s3:PutObjectTagging');
  if (headers['x-amz-object-lock-mode'] !== undefined || headers['x-amz-object-lock-retain-until-date'] !== undefined) actions.push('s3:PutObjectRetention');
  if (headers['x-amz-object-lock-legal-hold'] !== undefined) actions.push('s3:PutObjectLegalHold');
  return actions;
}

/** CreateBucket with an ACL needs s3:PutBucketAcl; with Object Lock, s3:PutBucketObjectLockConfiguration and s3:PutBucketVersioning; with x-amz-object-ownership, s3:PutBucketOwnershipControls. */
function bucketCreateActions(headers: RequestHeaders): string[] {
  const actions = ['s3:CreateBucket'];
  if (hasAcl(headers)) actions.push('s3:PutBucketAcl');
  if (headers['x-amz-bucket-object-lock-enabled']?.toLowerCase() === 'true') actions.push('s3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning');
  if (headers['x-amz-object-ownership'] !== undefined) actions.push('s3:PutBucketOwnershipControls');
  return actions;
}
