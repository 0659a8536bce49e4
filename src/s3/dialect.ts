// The two S3 "dialects" the gateway speaks. The KT ucloud storage spec (the seed
// spec this project starts from) differs from AWS in status codes and in the XML
// namespace of its sample documents; real clients accept either. `ucloud` is the
// default; `aws` answers exactly as AWS S3 does.

export type DialectName = 'ucloud' | 'aws';

export interface Dialect {
  readonly name: DialectName;
  /** Namespace of every response document except errors. */
  readonly xmlns: string;
  /** Status of a successful PutObject / CopyObject. */
  readonly objectCreatedStatus: 200 | 201;
  /** Status of a CreateBucket that made a new bucket. */
  readonly bucketCreatedStatus: 200 | 201;
  /** CreateBucket on a bucket the caller already owns: 202 (ucloud) or BucketAlreadyOwnedByYou (AWS). */
  readonly bucketExistsAnswer: 'accepted' | 'error';
  /** DeleteObject of a missing key: NoSuchKey 404 (ucloud) or 204 (AWS, deletes are idempotent). */
  readonly deleteMissingKey: 'error' | 'no-content';
  /** The status of errors AWS reports as 403 (authentication and authorisation). */
  readonly forbiddenStatus: 401 | 403;
}

const UCLOUD: Dialect = {
  name: 'ucloud',
  // S3 quirk: the spec's samples use this namespace, not AWS's.
  xmlns: 'http://doc.s3.amazonaws.com/2006-03-01',
  objectCreatedStatus: 201,
  bucketCreatedStatus: 201,
  bucketExistsAnswer: 'accepted',
  deleteMissingKey: 'error',
  // The spec's tables answer "권한 없음" (not authorised) with 401.
  forbiddenStatus: 401,
};

const AWS: Dialect = {
  name: 'aws',
  xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
  objectCreatedStatus: 200,
  bucketCreatedStatus: 200,
  bucketExistsAnswer: 'error',
  deleteMissingKey: 'no-content',
  forbiddenStatus: 403,
};

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = { ucloud: UCLOUD, aws: AWS };

/** The HTTP status an S3 error gets in this dialect. */
export function errorStatus(dialect: Dialect, status: number): number {
  return status === 403 ? dialect.forbiddenStatus : status;
}
