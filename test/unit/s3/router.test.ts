// The route table: (method, path, query, headers) → S3 operation name.
import { describe, expect, it } from 'vitest';
import { route, targetOf } from '../../../src/s3/router.js';
import { S3Error } from '../../../src/s3/errors.js';
import { parseRequest } from '../../../src/s3/request.js';

function req(method: string, url: string, headers: Record<string, string> = {}) {
  const raw = ['Host', 's3.example.com', ...Object.entries(headers).flat()];
  return parseRequest({ method, url, rawHeaders: raw }, ['s3.example.com']);
}

const COPY = { 'x-amz-copy-source': '/src/key' };

const TABLE: ReadonlyArray<readonly [string, string, Record<string, string>, string]> = [
  ['GET', '/', {}, 'ListBuckets'],
  ['GET', '/b', {}, 'ListObjects'],
  ['GET', '/b/', {}, 'ListObjects'],
  ['GET', '/b?prefix=a&delimiter=%2F&marker=m&max-keys=5', {}, 'ListObjects'],
  ['GET', '/b?list-type=2', {}, 'ListObjectsV2'],
  ['GET', '/b?list-type=2&prefix=a&continuation-token=x', {}, 'ListObjectsV2'],
  ['GET', '/b?list-type=1', {}, 'ListObjects'],
  ['PUT', '/b', {}, 'CreateBucket'],
  ['DELETE', '/b', {}, 'DeleteBucket'],
  ['HEAD', '/b', {}, 'HeadBucket'],
  ['GET', '/b?location', {}, 'GetBucketLocation'],
  ['GET', '/b?acl', {}, 'GetBucketAcl'],
  ['PUT', '/b?acl', {}, 'PutBucketAcl'],
  ['GET', '/b?versioning', {}, 'GetBucketVersioning'],
  ['GET', '/b?tagging', {}, 'GetBucketTagging'],
  ['DELETE', '/b?cors', {}, 'DeleteBucketCors'],
  ['GET', '/b?uploads', {}, 'ListMultipartUploads'],
  ['GET', '/b?versions', {}, 'ListObjectVersions'],
  ['POST', '/b?delete', {}, 'DeleteObjects'],
  // A browser upload (an HTML form) is a POST to the bucket itself.
  ['POST', '/b', {}, 'PostObject'],
  ['PUT', '/b/k', {}, 'PutObject'],
  ['PUT', '/b/k', COPY, 'CopyObject'],
  ['PUT', '/b/k?partNumber=1&uploadId=u', {}, 'UploadPart'],
  ['PUT', '/b/k?partNumber=1&uploadId=u', COPY, 'UploadPartCopy'],
  ['POST', '/b/k?uploads', {}, 'CreateMultipartUpload'],
  ['POST', '/b/k?uploadId=u', {}, 'CompleteMultipartUpload'],
  ['DELETE', '/b/k?uploadId=u', {}, 'AbortMultipartUpload'],
  ['GET', '/b/k?uploadId=u', {}, 'ListParts'],
  ['GET', '/b/k?uploadId=u&max-parts=10&part-number-marker=2', {}, 'ListParts'],
  ['GET', '/b/k', {}, 'GetObject'],
  ['GET', '/b/k?response-content-type=text%2Fplain', {}, 'GetObject'],
  ['GET', '/b/k?versionId=null', {}, 'GetObject'],
  ['HEAD', '/b/k', {}, 'HeadObject'],
  ['DELETE', '/b/k', {}, 'DeleteObject'],
  ['GET', '/b/k?tagging', {}, 'GetObjectTagging'],
  ['PUT', '/b/k?tagging', {}, 'PutObjectTagging'],
  ['DELETE', '/b/k?tagging', {}, 'DeleteObjectTagging'],
  ['GET', '/b/k?acl', {}, 'GetObjectAcl'],
  ['PUT', '/b/k?acl', {}, 'PutObjectAcl'],
  ['GET', '/b/k?attributes', {}, 'GetObjectAttributes'],
  ['POST', '/b/k?restore', {}, 'RestoreObject'],
  ['GET', '/b/dir/', {}, 'GetObject'],
];

describe('route', () => {
  for (const [method, url, headers, operation] of TABLE) {
    const extra = Object.keys(headers).length ? ` with ${Object.keys(headers).join(', ')}` : '';
    it(`routes ${method} ${url}${extra} to ${operation}`, () => {
      expect(route(req(method, url, headers))).toBe(operation);
    });
  }

  it('routes virtual-hosted requests like path-style ones', () => {
    const vhost = (method: string, url: string) => parseRequest({ method, url, rawHeaders: ['Host', 'b.s3.example.com'] }, ['s3.example.com']);
    expect(route(vhost('GET', '/'))).toBe('ListObjects');
    expect(route(vhost('GET', '/?list-type=2'))).toBe('ListObjectsV2');
    expect(route(vhost('GET', '/k'))).toBe('GetObject');
    expect(route(vhost('POST', '/?delete'))).toBe('DeleteObjects');
  });

  const NOT_ALLOWED: ReadonlyArray<readonly [string, string, string]> = [
    ['POST', '/', 'SERVICE'],
    ['PUT', '/', 'SERVICE'],
    ['DELETE', '/', 'SERVICE'],
    ['PATCH', '/b/k', 'OBJECT'],
    ['POST', '/b/k', 'OBJECT'],
  ];
  for (const [method, url, resourceType] of NOT_ALLOWED) {
    it(`answers ${method} ${url} with MethodNotAllowed (405)`, () => {
      let caught: unknown;
      try {
        route(req(method, url));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(S3Error);
      const err = caught as S3Error;
      expect(err.code).toBe('MethodNotAllowed');
      expect(err.status).toBe(405);
      expect(err.details).toMatchObject({ Method: method, ResourceType: resourceType });
    });
  }

  it('does not let a sub-resource fall through to the plain operation', () => {
    // GET /b/k?uploads is no GetObject: no GET object row selects "uploads".
    expect(() => route(req('GET', '/b/k?uploads'))).toThrow(S3Error);
    // Two selectors with no row for the pair are not a plain GetObject either.
    expect(route(req('GET', '/b/k?tagging&acl'))).not.toBe('GetObject');
  });
});

describe('targetOf', () => {
  it('tells service, bucket and object apart', () => {
    expect(targetOf(req('GET', '/'))).toBe('service');
    expect(targetOf(req('GET', '/b'))).toBe('bucket');
    expect(targetOf(req('GET', '/b/'))).toBe('bucket');
    expect(targetOf(req('GET', '/b/k'))).toBe('object');
  });
});
