// What every operation handler receives. Handlers never see Hono, env or sockets.
import type { Readable } from 'node:stream';
import type { ChecksumAlgorithm } from '../s3/checksums.js';
import type { Dialect } from '../s3/dialect.js';
import type { S3Request } from '../s3/request.js';
import type { SwiftSession } from '../swift/client.js';
import type { Sealer } from './seal.js';

export interface Limits {
  /** Largest single PUT (Swift's max_file_size; AWS: 5 GiB). */
  readonly maxObjectSize: number;
  /** S3 keys are at most 1024 UTF-8 bytes. */
  readonly maxKeyBytes: number;
  /** Cap for the small configuration documents the gateway reads (CreateBucketConfiguration, AccessControlPolicy). */
  readonly maxXmlBodyBytes: number;
  /** A CompleteMultipartUpload still working after this long answers 200 and keeps the connection alive. */
  readonly slowAnswerAfterMs: number;
}

export interface OperationContext {
  readonly req: S3Request;
  readonly swift: SwiftSession;
  readonly dialect: Dialect;
  /** The request body, unread: already decoded (aws-chunked) and verified as it streams. */
  readonly body: Readable;
  /** Length of the decoded body when it differs from Content-Length (x-amz-decoded-content-length). */
  readonly decodedLength?: number;
  /** The flexible checksum the request declared; its value is verified, known at once or once the body has ended. */
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; value(): string | undefined };
  readonly limits: Limits;
  /** Regions this gateway answers for (GetBucketLocation, CreateBucket's LocationConstraint). */
  readonly region: string;
  /** Seals and verifies the gateway's own state kept on objects (see seal.ts). */
  readonly seal: Sealer;
}

export const DEFAULT_LIMITS: Limits = {
  maxObjectSize: 5 * 1024 ** 3,
  maxKeyBytes: 1024,
  // The largest such document S3 takes is an AccessControlPolicy of 100 grants
  // (AWS's limit per ACL): a grant with its xsi namespace, type, a 64-character
  // canonical ID, display name and permission is about 350 bytes, so 35 KB with
  // the owner, and about 50 KB pretty-printed. A CreateBucketConfiguration is a
  // few hundred bytes. (Swift's s3api allows 200 KiB and 10 KiB.) 64 KiB holds
  // both with room; the 1 MiB allowed before only let a client make the gateway
  // read and parse 16 times more than any of them needs.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
  maxXmlBodyBytes: 64 * 1024,
  slowAnswerAfterMs: 2_000,
};

/** An object's whole size from Swift's GET/HEAD headers: a ranged answer's Content-Range total, else Content-Length. */
export function objectSize(headers: Readonly<Record<string, string>>): number {
  const range = headers['content-range'];
  const total = range === undefined ? undefined : /\/(\d+)$/.exec(range)?.[1];
  return Number(total ?? headers['content-length'] ?? 0);
}
