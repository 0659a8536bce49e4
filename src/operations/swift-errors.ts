// Swift status → S3 error, one small table per operation (Swift's s3api does the
// same per controller). Statuses a table leaves out fall back to COMMON.
import { s3Error, type ErrorDetails, type S3Error, type S3ErrorCode } from '../s3/errors.js';
import { discard, type SwiftResponse } from '../swift/client.js';
import { swiftMetadataError } from './metadata-limits.js';

export type StatusTable = Readonly<Partial<Record<number, S3ErrorCode>>>;

const COMMON: StatusTable = {
  400: 'InvalidArgument',
  401: 'AccessDenied',
  403: 'AccessDenied',
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

/** The first bytes of a (small, text) Swift error body; the rest is discarded. */
async function errorText(res: SwiftResponse, maxBytes = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= maxBytes) break; // leaving the loop destroys the body
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/** Builds the S3 error for an unexpected Swift status and releases the response body. */
export async function swiftFailure(res: SwiftResponse, table: StatusTable, details: ErrorDetails = {}): Promise<S3Error> {
  if (res.status === 400 && table[400] === undefined) {
    // Swift says which metadata limit a write crossed; say it in S3 terms.
    const metadata = swiftMetadataError(await errorText(res));
    if (metadata) return metadata;
  } else {
    await discard(res);
  }
  const code = table[res.status] ?? COMMON[res.status];
  if (code) return s3Error(code, details);
  return s3Error('InternalError', details, undefined, new Error(`Unexpected Swift status ${res.status}`));
}

export const BUCKET_TABLE: StatusTable = { 404: 'NoSuchBucket' };
export const OBJECT_TABLE: StatusTable = { 404: 'NoSuchKey' };
