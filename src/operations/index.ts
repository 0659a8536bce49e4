// Operation name → handler, for the operations the gateway implements, each
// wrapped with its family's Swift-status table (common/swift-errors.ts).
// Anything the router names but this table lacks answers NotImplemented.
import { requestedCustomerKey } from './encryption/customer-key.js';
import { providerFor, requestedManagedEncryption } from './encryption/requested.js';
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import type { S3Result } from '../s3/result.js';
import { getBucketAcl, putBucketAcl } from './bucket/acl.js';
import {
  deleteBucketOwnershipControls, deletePublicAccessBlock, getBucketOwnershipControls, getPublicAccessBlock, putBucketOwnershipControls, putPublicAccessBlock,
} from './bucket/access-settings.js';
import { deleteBucketPolicy, getBucketPolicy, getBucketPolicyStatus, putBucketPolicy } from './bucket/policy.js';
import { deleteBucketCors, getBucketCors, putBucketCors } from './bucket/cors.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './bucket/encryption.js';
import { deleteBucketLifecycle, getBucketLifecycleConfiguration, putBucketLifecycleConfiguration } from './bucket/lifecycle.js';
import { deleteBucketWebsite, getBucketWebsite, putBucketWebsite } from './bucket/website.js';
import { getObjectAcl, putObjectAcl } from './object/acl.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket } from './bucket/bucket.js';
import { getBucketVersioning, putBucketVersioning } from './bucket/versioning.js';
import { checkBucketName } from './common/names.js';
import { BUCKET_TABLE, OBJECT_TABLE, UPLOAD_TABLE, withTable, type StatusTable } from './common/swift-errors.js';
import { refuseUnimplementedHeaders } from './common/unsupported-headers.js';
import type { StorageClasses } from '../s3/storage-class.js';
import { parseVersionId } from './common/versions.js';
import type { OperationContext, SseSettings } from './context.js';
import { listObjects, listObjectsV2 } from './listing/list-objects.js';
import { getObjectLockConfiguration, putObjectLockConfiguration } from './lock/configuration.js';
import { getObjectLegalHold, putObjectLegalHold } from './lock/legal-hold.js';
import { getObjectRetention, putObjectRetention } from './lock/retention.js';
import { listObjectVersions } from './listing/list-versions.js';
import { abortMultipartUpload } from './multipart/abort.js';
import { completeMultipartUpload } from './multipart/complete.js';
import { listMultipartUploads, listParts } from './multipart/list.js';
import { createMultipartUpload, uploadPart, uploadPartCopy } from './multipart/upload.js';
import { copyObject } from './object/copy.js';
import { deleteObjects } from './object/delete-objects.js';
import { getObjectAttributes } from './object/attributes.js';
import { getObject, headObject } from './object/read.js';
import { postObject } from './object/post.js';
import { deleteObject, putObject } from './object/write.js';
import { listBuckets } from './service.js';
import { deleteBucketTagging, getBucketTagging, putBucketTagging } from './tagging/bucket-tagging.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './tagging/object-tagging.js';

export type Handler = (ctx: OperationContext) => Promise<S3Result>;

/** A write into a bucket: Swift's 404 means the bucket is gone. */
const WRITE_TABLE: StatusTable = { 404: 'NoSuchBucket' };
/** CompleteMultipartUpload: the manifest PUT is the step whose failures remain. */
const COMPLETE_TABLE: StatusTable = { 404: 'NoSuchBucket', 400: 'InvalidRequest', '400:segment': 'InvalidPart' };

const family = (table: StatusTable, handlers: Record<string, Handler>): Record<string, Handler> =>
  Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, withTable(table, handler)]));

export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...family({}, { ListBuckets: listBuckets }),
  ...family(BUCKET_TABLE, {
    ListObjects: listObjects,
    ListObjectsV2: listObjectsV2,
    ListObjectVersions: listObjectVersions,
    CreateBucket: createBucket,
    DeleteBucket: deleteBucket,
    HeadBucket: headBucket,
    GetBucketLocation: getBucketLocation,
    GetBucketVersioning: getBucketVersioning,
    PutBucketVersioning: putBucketVersioning,
    GetBucketAcl: getBucketAcl,
    PutBucketAcl: putBucketAcl,
    GetBucketWebsite: getBucketWebsite,
    PutBucketWebsite: putBucketWebsite,
    DeleteBucketWebsite: deleteBucketWebsite,
    GetBucketCors: getBucketCors,
    PutBucketCors: putBucketCors,
    DeleteBucketCors: deleteBucketCors,
    GetBucketEncryption: getBucketEncryption,
    PutBucketEncryption: putBucketEncryption,
    DeleteBucketEncryption: deleteBucketEncryption,
    // The router names the trio by the newer API; DeleteBucketLifecycle is AWS's name for the delete.
    GetBucketLifecycleConfiguration: getBucketLifecycleConfiguration,
    PutBucketLifecycleConfiguration: putBucketLifecycleConfiguration,
    DeleteBucketLifecycleConfiguration: deleteBucketLifecycle,
    GetBucketPolicy: getBucketPolicy,
    PutBucketPolicy: putBucketPolicy,
    DeleteBucketPolicy: deleteBucketPolicy,
    GetBucketPolicyStatus: getBucketPolicyStatus,
    GetPublicAccessBlock: getPublicAccessBlock,
    PutPublicAccessBlock: putPublicAccessBlock,
    DeletePublicAccessBlock: deletePublicAccessBlock,
    GetBucketOwnershipControls: getBucketOwnershipControls,
    PutBucketOwnershipControls: putBucketOwnershipControls,
    DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
    GetBucketTagging: getBucketTagging,
    PutBucketTagging: putBucketTagging,
    DeleteBucketTagging: deleteBucketTagging,
    DeleteObjects: deleteObjects,
    ListMultipartUploads: listMultipartUploads,
    // Its steps need the bucket; Swift's 404 means that is gone.
    CreateMultipartUpload: createMultipartUpload,
    GetObjectLockConfiguration: getObjectLockConfiguration,
    PutObjectLockConfiguration: putObjectLockConfiguration,
  }),
  ...family(OBJECT_TABLE, {
    GetObjectRetention: getObjectRetention,
    PutObjectRetention: putObjectRetention,
    GetObjectLegalHold: getObjectLegalHold,
    PutObjectLegalHold: putObjectLegalHold,
    GetObjectTagging: getObjectTagging,
    PutObjectTagging: putObjectTagging,
    DeleteObjectTagging: deleteObjectTagging,
  }),
  ...family(OBJECT_TABLE, { GetObject: getObject, HeadObject: headObject, GetObjectAttributes: getObjectAttributes, DeleteObject: deleteObject, GetObjectAcl: getObjectAcl, PutObjectAcl: putObjectAcl }),
  ...family(WRITE_TABLE, { PutObject: putObject, CopyObject: copyObject, PostObject: postObject }),
  ...family(UPLOAD_TABLE, {
    UploadPart: uploadPart,
    UploadPartCopy: uploadPartCopy,
    AbortMultipartUpload: abortMultipartUpload,
    ListParts: listParts,
  }),
  ...family(COMPLETE_TABLE, { CompleteMultipartUpload: completeMultipartUpload }),
};

export function handlerFor(operation: string): Handler {
  const handler = HANDLERS[operation];
  if (!handler) {
    throw s3Error('NotImplemented', { Operation: operation }, `The ${operation} operation is not implemented by this gateway.`);
  }
  return handler;
}

/**
 * Checks shared by every bucket and object operation, before any Swift call
 * and before a client waiting with `Expect: 100-continue` is told to send its body.
 */
export function checkTarget(operation: string, req: S3Request, classes?: StorageClasses, sse?: SseSettings): void {
  const { bucket, query } = req;
  refuseUnimplementedHeaders(operation, req.headers, classes);
  // SSE-C: over plain HTTP, or a malformed key set, is refused before the body is invited (the handler reads the key again);
  // so are malformed SSE-S3/SSE-KMS headers, or SSE-C's with them.
  requestedCustomerKey({ req, sse });
  const managed = operation === 'PutObject' || operation === 'CreateMultipartUpload' ? requestedManagedEncryption({ req, sse }) : undefined;
  if (managed) providerFor({ sse }, managed);
  // CreateBucket applies the stricter rules for new names itself.
  if (bucket !== undefined && operation !== 'CreateBucket') checkBucketName(bucket);
  parseVersionId(query.get('versionId'));
}
