import { describe, expect, it } from 'vitest';
import { ACTION_SCOPES, KNOWN_S3_ACTIONS, policyActionsFor } from '../../../../src/access/policy/actions.js';
import { ROUTES } from '../../../../src/s3/router.js';

const query = (...names: string[]) => new Map(names.map((name) => [name, '']));

describe('policyActionsFor', () => {
  it.each([
    ['GetObject', [], ['s3:GetObject']],
    ['GetObject', ['versionId'], ['s3:GetObjectVersion']],
    ['HeadObject', [], ['s3:GetObject']],
    ['HeadObject', ['versionId'], ['s3:GetObjectVersion']],
    ['ListObjects', [], ['s3:ListBucket']],
    ['ListObjectsV2', ['list-type'], ['s3:ListBucket']],
    ['HeadBucket', [], ['s3:ListBucket']],
    ['ListObjectVersions', ['versions'], ['s3:ListBucketVersions']],
    ['ListMultipartUploads', ['uploads'], ['s3:ListBucketMultipartUploads']],
    ['ListParts', ['uploadId'], ['s3:ListMultipartUploadParts']],
    ['PutObject', [], ['s3:PutObject']],
    ['CopyObject', [], ['s3:PutObject']],
    ['CreateMultipartUpload', ['uploads'], ['s3:PutObject']],
    ['UploadPart', ['uploadId'], ['s3:PutObject']],
    ['UploadPartCopy', ['uploadId'], ['s3:PutObject']],
    ['CompleteMultipartUpload', ['uploadId'], ['s3:PutObject']],
    ['AbortMultipartUpload', ['uploadId'], ['s3:AbortMultipartUpload']],
    ['DeleteObject', [], ['s3:DeleteObject']],
    ['DeleteObject', ['versionId'], ['s3:DeleteObjectVersion']],
    ['DeleteObjects', ['delete'], ['s3:DeleteObject']],
    ['GetBucketAcl', ['acl'], ['s3:GetBucketAcl']],
    ['PutBucketAcl', ['acl'], ['s3:PutBucketAcl']],
    ['GetObjectAcl', ['acl'], ['s3:GetObjectAcl']],
    ['GetObjectAcl', ['acl', 'versionId'], ['s3:GetObjectVersionAcl']],
    ['PutObjectAcl', ['acl'], ['s3:PutObjectAcl']],
    ['PutObjectAcl', ['acl', 'versionId'], ['s3:PutObjectVersionAcl']],
    ['GetBucketPolicy', ['policy'], ['s3:GetBucketPolicy']],
    ['PutBucketPolicy', ['policy'], ['s3:PutBucketPolicy']],
    ['DeleteBucketPolicy', ['policy'], ['s3:DeleteBucketPolicy']],
    ['GetBucketPolicyStatus', ['policyStatus'], ['s3:GetBucketPolicyStatus']],
    ['GetBucketVersioning', ['versioning'], ['s3:GetBucketVersioning']],
    ['PutBucketVersioning', ['versioning'], ['s3:PutBucketVersioning']],
    ['GetBucketLocation', ['location'], ['s3:GetBucketLocation']],
    ['DeleteBucket', [], ['s3:DeleteBucket']],
    ['CreateBucket', [], ['s3:CreateBucket']],
    ['GetPublicAccessBlock', ['publicAccessBlock'], ['s3:GetBucketPublicAccessBlock']],
    ['PutPublicAccessBlock', ['publicAccessBlock'], ['s3:PutBucketPublicAccessBlock']],
    ['DeletePublicAccessBlock', ['publicAccessBlock'], ['s3:PutBucketPublicAccessBlock']],
    ['GetBucketOwnershipControls', ['ownershipControls'], ['s3:GetBucketOwnershipControls']],
    ['PutBucketOwnershipControls', ['ownershipControls'], ['s3:PutBucketOwnershipControls']],
    ['DeleteBucketOwnershipControls', ['ownershipControls'], ['s3:PutBucketOwnershipControls']],
    ['GetObjectLockConfiguration', ['object-lock'], ['s3:GetBucketObjectLockConfiguration']],
    ['PutObjectLockConfiguration', ['object-lock'], ['s3:PutBucketObjectLockConfiguration']],
    ['GetObjectRetention', ['retention'], ['s3:GetObjectRetention']],
    ['PutObjectRetention', ['retention'], ['s3:PutObjectRetention']],
    ['GetObjectLegalHold', ['legal-hold'], ['s3:GetObjectLegalHold']],
    ['PutObjectLegalHold', ['legal-hold'], ['s3:PutObjectLegalHold']],
    ['GetBucketTagging', ['tagging'], ['s3:GetBucketTagging']],
    ['PutBucketTagging', ['tagging'], ['s3:PutBucketTagging']],
    ['DeleteBucketTagging', ['tagging'], ['s3:PutBucketTagging']],
    ['GetObjectTagging', ['tagging'], ['s3:GetObjectTagging']],
    ['GetObjectTagging', ['tagging', 'versionId'], ['s3:GetObjectVersionTagging']],
    ['PutObjectTagging', ['tagging', 'versionId'], ['s3:PutObjectVersionTagging']],
    ['DeleteObjectTagging', ['tagging'], ['s3:DeleteObjectTagging']],
    ['DeleteObjectTagging', ['tagging', 'versionId'], ['s3:DeleteObjectVersionTagging']],
    ['GetObjectAttributes', ['attributes'], ['s3:GetObject', 's3:GetObjectAttributes']],
    ['GetObjectAttributes', ['attributes', 'versionId'], ['s3:GetObjectVersion', 's3:GetObjectVersionAttributes']],
    ['GetBucketCors', ['cors'], ['s3:GetBucketCORS']],
    ['DeleteBucketCors', ['cors'], ['s3:PutBucketCORS']],
    ['GetBucketLifecycleConfiguration', ['lifecycle'], ['s3:GetLifecycleConfiguration']],
    ['DeleteBucketLifecycleConfiguration', ['lifecycle'], ['s3:PutLifecycleConfiguration']],
    ['GetBucketEncryption', ['encryption'], ['s3:GetEncryptionConfiguration']],
    ['ListBuckets', [], ['s3:ListAllMyBuckets']],
    ['DeleteBucketAcl', ['acl'], []],
    ['NoSuchOperation', [], []],
  ])('%s with %j needs %j', (operation, names, actions) => {
    expect(policyActionsFor(operation, query(...names))).toEqual(actions);
  });

  it('adds the permissions that headers ask for', () => {
    const none = query();
    expect(policyActionsFor('PutObject', none, { 'x-amz-acl': 'public-read' })).toEqual(['s3:PutObject', 's3:PutObjectAcl']);
    expect(policyActionsFor('PutObject', none, { 'x-amz-grant-read': 'id=x' })).toEqual(['s3:PutObject', 's3:PutObjectAcl']);
    expect(policyActionsFor('CopyObject', none, { 'x-amz-tagging': 'a=b' })).toEqual(['s3:PutObject', 's3:PutObjectTagging']);
    expect(policyActionsFor('CreateMultipartUpload', none, { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z', 'x-amz-object-lock-legal-hold': 'ON' }))
      .toEqual(['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold']);
    expect(policyActionsFor('CreateBucket', none, { 'x-amz-acl': 'private', 'x-amz-bucket-object-lock-enabled': 'True', 'x-amz-object-ownership': 'BucketOwnerEnforced' }))
      .toEqual(['s3:CreateBucket', 's3:PutBucketAcl', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning', 's3:PutBucketOwnershipControls']);
    expect(policyActionsFor('DeleteObject', query('versionId'), { 'x-amz-bypass-governance-retention': 'true' })).toEqual(['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention']);
    expect(policyActionsFor('PutObjectRetention', query('retention'), { 'x-amz-bypass-governance-retention': 'TRUE' })).toEqual(['s3:PutObjectRetention', 's3:BypassGovernanceRetention']);
    expect(policyActionsFor('PutObjectRetention', query('retention'), { 'x-amz-bypass-governance-retention': 'false' })).toEqual(['s3:PutObjectRetention']);
  });

  it('names only actions a policy may name', () => {
    const headers = { 'x-amz-acl': 'x', 'x-amz-tagging': 'x', 'x-amz-object-lock-mode': 'x', 'x-amz-object-lock-legal-hold': 'x', 'x-amz-bypass-governance-retention': 'true', 'x-amz-bucket-object-lock-enabled': 'true', 'x-amz-object-ownership': 'x' };
    for (const route of ROUTES) {
      for (const q of [query(), query('versionId')]) {
        for (const action of policyActionsFor(route.operation, q, headers)) expect(KNOWN_S3_ACTIONS.has(action), `${route.operation}: ${action}`).toBe(true);
      }
    }
  });

  it('gives every operation the gateway routes, bar those S3 lacks, at least one action', () => {
    const withoutAction = ROUTES.map((route) => route.operation).filter((operation) => policyActionsFor(operation, query()).length === 0);
    // The router's Get/Put/Delete pattern names some operations S3 does not have.
    expect(new Set(withoutAction)).toEqual(new Set([
      'DeleteBucketAcl', 'DeleteBucketLogging', 'DeleteBucketNotificationConfiguration', 'DeleteBucketRequestPayment',
      'DeleteBucketVersioning', 'DeleteBucketAccelerateConfiguration', 'DeleteObjectLockConfiguration',
      'DeleteObjectAcl', 'DeleteObjectRetention', 'DeleteObjectLegalHold',
    ]));
  });
});

describe('KNOWN_S3_ACTIONS', () => {
  it('has every action once with a scope, by lower-cased name', () => {
    expect(ACTION_SCOPES.size).toBe(KNOWN_S3_ACTIONS.size);
    for (const action of KNOWN_S3_ACTIONS) expect(ACTION_SCOPES.has(action.toLowerCase())).toBe(true);
    expect(ACTION_SCOPES.get('s3:getobject')).toBe('object');
    expect(ACTION_SCOPES.get('s3:listbucket')).toBe('bucket');
    expect(ACTION_SCOPES.get('s3:listallmybuckets')).toBe('account');
  });
});
