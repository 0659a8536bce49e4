// The route table: (method × target × sub-resource) → S3 operation name.
// One declarative list; the first matching row wins, so sub-resource rows come
// before the plain ones. Names are AWS's; operations/index.ts maps the ones the
// gateway implements to handlers, the rest answer NotImplemented by name.
import { s3Error } from './errors.js';
import type { S3Request } from './request.js';

export type Target = 'service' | 'bucket' | 'object';

interface Route {
  readonly method: string;
  readonly target: Target;
  /** Query parameter that selects this row (a sub-resource), or undefined for the plain row. */
  readonly sub?: string;
  /** Header that selects this row (CopyObject is a PUT with x-amz-copy-source). */
  readonly header?: string;
  /** `list-type=2` style: the sub-resource must have this value. */
  readonly value?: string;
  readonly operation: string;
}

const r = (method: string, target: Target, operation: string, sub?: string, extra: Partial<Route> = {}): Route => ({
  method, target, operation, sub, ...extra,
});

// Bucket sub-resources with a Get/Put/Delete trio whose names follow one pattern.
const BUCKET_CONFIGS: ReadonlyArray<readonly [string, string]> = [
  ['acl', 'BucketAcl'], ['cors', 'BucketCors'], ['lifecycle', 'BucketLifecycleConfiguration'],
  ['policy', 'BucketPolicy'], ['tagging', 'BucketTagging'], ['website', 'BucketWebsite'],
  ['logging', 'BucketLogging'], ['notification', 'BucketNotificationConfiguration'],
  ['requestPayment', 'BucketRequestPayment'], ['versioning', 'BucketVersioning'],
  ['replication', 'BucketReplication'], ['encryption', 'BucketEncryption'],
  ['accelerate', 'BucketAccelerateConfiguration'], ['object-lock', 'ObjectLockConfiguration'],
  ['ownershipControls', 'BucketOwnershipControls'], ['publicAccessBlock', 'PublicAccessBlock'],
  ['analytics', 'BucketAnalyticsConfiguration'], ['inventory', 'BucketInventoryConfiguration'],
  ['metrics', 'BucketMetricsConfiguration'], ['intelligent-tiering', 'BucketIntelligentTieringConfiguration'],
];

const OBJECT_CONFIGS: ReadonlyArray<readonly [string, string]> = [
  ['acl', 'ObjectAcl'], ['tagging', 'ObjectTagging'], ['retention', 'ObjectRetention'], ['legal-hold', 'ObjectLegalHold'],
];

export const ROUTES: readonly Route[] = [
  r('GET', 'service', 'ListBuckets'),

  r('GET', 'bucket', 'GetBucketLocation', 'location'),
  r('GET', 'bucket', 'ListMultipartUploads', 'uploads'),
  r('GET', 'bucket', 'ListObjectVersions', 'versions'),
  r('GET', 'bucket', 'GetBucketPolicyStatus', 'policyStatus'),
  ...BUCKET_CONFIGS.flatMap(([sub, name]) => [
    r('GET', 'bucket', `Get${name}`, sub),
    r('PUT', 'bucket', `Put${name}`, sub),
    r('DELETE', 'bucket', `Delete${name}`, sub),
  ]),
  r('GET', 'bucket', 'ListObjectsV2', 'list-type', { value: '2' }),
  r('GET', 'bucket', 'ListObjects'),
  r('HEAD', 'bucket', 'HeadBucket'),
  r('PUT', 'bucket', 'CreateBucket'),
  r('DELETE', 'bucket', 'DeleteBucket'),
  r('POST', 'bucket', 'DeleteObjects', 'delete'),
  // A browser upload: an HTML form POSTed to the bucket (its key is a form field).
  r('POST', 'bucket', 'PostObject'),

  ...OBJECT_CONFIGS.flatMap(([sub, name]) => [
    r('GET', 'object', `Get${name}`, sub),
    r('PUT', 'object', `Put${name}`, sub),
    r('DELETE', 'object', `Delete${name}`, sub),
  ]),
  r('GET', 'object', 'GetObjectTorrent', 'torrent'),
  r('GET', 'object', 'GetObjectAttributes', 'attributes'),
  r('GET', 'object', 'ListParts', 'uploadId'),
  r('GET', 'object', 'GetObject'),
  r('HEAD', 'object', 'HeadObject'),
  r('PUT', 'object', 'UploadPartCopy', 'uploadId', { header: 'x-amz-copy-source' }),
  r('PUT', 'object', 'UploadPart', 'uploadId'),
  r('PUT', 'object', 'CopyObject', undefined, { header: 'x-amz-copy-source' }),
  r('PUT', 'object', 'PutObject'),
  r('DELETE', 'object', 'AbortMultipartUpload', 'uploadId'),
  r('DELETE', 'object', 'DeleteObject'),
  r('POST', 'object', 'CreateMultipartUpload', 'uploads'),
  r('POST', 'object', 'CompleteMultipartUpload', 'uploadId'),
  r('POST', 'object', 'RestoreObject', 'restore'),
  r('POST', 'object', 'SelectObjectContent', 'select'),
];

/** Every query parameter that selects a row: a plain row matches only when none is present. */
const SELECTORS: ReadonlySet<string> = new Set(ROUTES.flatMap((route) => (route.sub ? [route.sub] : [])));

export function targetOf(req: S3Request): Target {
  if (req.bucket === undefined) return 'service';
  return req.key === undefined ? 'bucket' : 'object';
}

function matches(route: Route, req: S3Request, target: Target, selected: readonly string[]): boolean {
  if (route.method !== req.method || route.target !== target) return false;
  if (route.header !== undefined && req.headers[route.header] === undefined) return false;
  if (route.sub === undefined) {
    return selected.length === 0 || (selected.length === 1 && selected[0] === 'list-type' && req.query.get('list-type') !== '2');
  }
  if (!req.query.has(route.sub)) return false;
  return route.value === undefined || req.query.get(route.sub) === route.value;
}

/** The S3 operation a request asks for; MethodNotAllowed when no row has its method and target. */
export function route(req: S3Request): string {
  const target = targetOf(req);
  const selected = [...req.query.keys()].filter((name) => SELECTORS.has(name));
  for (const candidate of ROUTES) {
    if (matches(candidate, req, target, selected)) return candidate.operation;
  }
  throw s3Error('MethodNotAllowed', { Method: req.method, ResourceType: target.toUpperCase() });
}
