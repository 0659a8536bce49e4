// Swift status → S3 error, one small table per operation family (Swift's
// s3api does the same per controller), applied in one place: the typed Swift
// layer raises SwiftError, the family's handlers are wrapped with its table
// (operations/index.ts), and a handler catches only where one status means
// different things in its own steps. Statuses a table leaves out fall back to COMMON.
import { s3Error, type ErrorDetails, type S3ErrorCode } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { SwiftError } from '../../swift/errors.js';
import type { OperationContext } from '../context.js';
import { swiftMetadataError } from './metadata-limits.js';

/** Status (or `status:reason`, for a reason the typed layer recognised) → S3 code. */
export type StatusTable = Readonly<Partial<Record<number | `${number}:${string}`, S3ErrorCode>>>;

export const COMMON: StatusTable = {
  400: 'InvalidArgument',
  401: 'AccessDenied',
  403: 'AccessDenied',
  // Swift's 409 is a write racing another of the same name (or a container
  // still in use); S3's answer for a conflicting operation is retryable.
  409: 'OperationAborted',
  411: 'MissingContentLength',
  412: 'PreconditionFailed',
  413: 'EntityTooLarge',
  416: 'InvalidRange',
  422: 'BadDigest',
  // Swift's proxy waited client_timeout (60 s) for the next chunk of a body we
  // were relaying: the S3 client stalled. S3 answers a stalled upload with
  // RequestTimeout (400), and s3api maps 408 the same way (s3request.py).
  408: 'RequestTimeout',
  // 499: Swift saw its client (us) go away mid-body; the S3 client did.
  499: 'RequestTimeout',
  // Swift-side trouble is transient for the S3 client: ServiceUnavailable (503)
  // is what S3 answers then, and every SDK retries it with backoff, where
  // InternalError would blame the gateway.
  // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
  500: 'ServiceUnavailable',
  502: 'ServiceUnavailable',
  503: 'ServiceUnavailable',
  504: 'ServiceUnavailable',
  507: 'ServiceUnavailable',
};

/** The elements an error document names for a code, from the request. */
function detailsFor(code: S3ErrorCode, ctx: OperationContext | undefined): ErrorDetails {
  const req = ctx?.req;
  switch (code) {
    case 'NoSuchBucket': return { BucketName: req?.bucket };
    case 'NoSuchKey': return { Key: req?.key };
    case 'NoSuchUpload': return { UploadId: req?.query.get('uploadId') };
    default: return req?.key !== undefined ? { Key: req.key } : {};
  }
}

/**
 * The S3 error a SwiftError means under a table (its elements from the
 * request, or `details` when given); anything else passes through unchanged.
 */
export function translate(err: unknown, table: StatusTable, ctx?: OperationContext, details?: ErrorDetails): unknown {
  if (!(err instanceof SwiftError)) return err;
  if (err.status === 400) {
    // Swift says which metadata limit a write crossed; say it in S3 terms.
    const metadata = swiftMetadataError(err.detail);
    if (metadata) return metadata;
  }
  if (err.status === 414) {
    // Swift quirk: its proxy refuses a request line past 8 KiB (eventlet's
    // url_length_limit) with 414. Keys are at most 1024 bytes, so only a long
    // listing parameter (a prefix, marker or delimiter of thousands of
    // non-ASCII bytes, three characters each once encoded) gets there. It is the
    // request's fault, not the gateway's: found by the fuzzer as a 500.
    return s3Error('InvalidArgument', details ?? detailsFor('InvalidArgument', ctx), 'A prefix, marker or delimiter of this request is too long for the storage backend.', err);
  }
  const code = (err.reason !== undefined ? table[`${err.status}:${err.reason}`] : undefined) ?? table[err.status] ?? COMMON[err.status];
  if (code) return s3Error(code, details ?? detailsFor(code, ctx), undefined, err);
  return s3Error('InternalError', details ?? detailsFor('InternalError', ctx), undefined, err);
}

/** A handler whose SwiftErrors (also those of a pending answer) are translated by the family's table. */
export function withTable<C extends OperationContext>(table: StatusTable, handler: (ctx: C) => Promise<S3Result>): (ctx: C) => Promise<S3Result> {
  return async (ctx) => {
    try {
      const result = await handler(ctx);
      if (!result.pendingXml) return result;
      return { ...result, pendingXml: result.pendingXml.catch((err: unknown) => { throw translate(err, table, ctx); }) };
    } catch (err) {
      throw translate(err, table, ctx);
    }
  };
}

export const BUCKET_TABLE: StatusTable = { 404: 'NoSuchBucket', 409: 'BucketNotEmpty' };
export const OBJECT_TABLE: StatusTable = { 404: 'NoSuchKey', 412: 'PreconditionFailed', 416: 'InvalidRange' };
/** Multipart steps: the segments container or the marker gone means the upload is. */
export const UPLOAD_TABLE: StatusTable = { 404: 'NoSuchUpload', '400:segment': 'InvalidPart' };
