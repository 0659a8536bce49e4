// Operation name → handler, for the operations the gateway implements.
// Anything the router names but this table lacks answers NotImplemented.
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import type { S3Result } from '../s3/result.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acl.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket } from './bucket.js';
import type { OperationContext } from './context.js';
import { copyObject } from './copy.js';
import { deleteObjects } from './delete-objects.js';
import { listObjects, listObjectsV2 } from './list-objects.js';
import { checkBucketName } from './names.js';
import { refuseUnimplementedHeaders } from './unsupported-headers.js';
import { completeMultipartUpload } from './multipart-complete.js';
import { listMultipartUploads, listParts } from './multipart-list.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart, uploadPartCopy } from './multipart.js';
import { deleteObject, putObject } from './object.js';
import { getObject, headObject } from './object-read.js';
import { listBuckets } from './service.js';

export type Handler = (ctx: OperationContext) => Promise<S3Result>;

export const HANDLERS: Readonly<Record<string, Handler>> = {
  ListBuckets: listBuckets,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: getBucketVersioning,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
  GetObject: getObject,
  HeadObject: headObject,
  PutObject: putObject,
  CopyObject: copyObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  GetObjectAcl: getObjectAcl,
  PutObjectAcl: putObjectAcl,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
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
export function checkTarget(operation: string, req: S3Request): void {
  const { bucket, query } = req;
  refuseUnimplementedHeaders(operation, req.headers);
  // CreateBucket applies the stricter rules for new names itself.
  if (bucket !== undefined && operation !== 'CreateBucket') checkBucketName(bucket);
  const versionId = query.get('versionId');
  // Only current versions exist through this gateway; S3 calls the current one "null".
  if (versionId !== undefined && versionId !== 'null') throw s3Error('NoSuchVersion', { VersionId: versionId });
}
