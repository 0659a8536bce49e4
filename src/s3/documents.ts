// The S3 XML documents the gateway answers with, as plain objects for s3/xml.ts.
// Element names and order follow the AWS API reference of each operation.
import type { XmlBody } from './result.js';
import { isoTimestamp } from './time.js';

export interface Owner {
  readonly id: string;
  readonly displayName: string;
}

export interface BucketEntry {
  readonly name: string;
  readonly creationDate: Date;
}

export interface ObjectEntry {
  readonly key: string;
  readonly lastModified: Date;
  readonly etag: string; // already quoted
  readonly size: number;
  readonly storageClass: string;
}

const ownerDoc = (owner: Owner) => ({ ID: owner.id, DisplayName: owner.displayName });

export function listAllMyBucketsResult(owner: Owner, buckets: readonly BucketEntry[]): XmlBody {
  return {
    root: 'ListAllMyBucketsResult',
    doc: {
      Owner: ownerDoc(owner),
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoTimestamp(b.creationDate) })) },
    },
  };
}

export interface ListBucketPage extends Entries {
  readonly bucket: string;
  readonly prefix: string;
  readonly marker: string;
  readonly nextMarker?: string;
  readonly maxKeys: number;
  readonly delimiter?: string;
  readonly encodingType?: 'url';
  readonly isTruncated: boolean;
}

/**
 * ListObjects (v1). With `encoding-type=url` the key-like fields are URL-encoded,
 * so keys with characters XML 1.0 cannot carry still list.
 */
export function listBucketResult(page: ListBucketPage): XmlBody {
  const enc = page.encodingType === 'url' ? encodeListingValue : (s: string) => s;
  const doc: Record<string, unknown> = {
    Name: page.bucket,
    Prefix: enc(page.prefix),
    Marker: enc(page.marker),
  };
  if (page.nextMarker !== undefined) doc.NextMarker = enc(page.nextMarker);
  doc.MaxKeys = page.maxKeys;
  if (page.delimiter !== undefined) doc.Delimiter = enc(page.delimiter);
  if (page.encodingType) doc.EncodingType = page.encodingType;
  doc.IsTruncated = page.isTruncated ? 'true' : 'false';
  addEntries(doc, page, enc);
  return { root: 'ListBucketResult', doc };
}

interface Entries {
  readonly contents: readonly ObjectEntry[];
  readonly commonPrefixes: readonly string[];
  readonly owner?: Owner;
}

function addEntries(doc: Record<string, unknown>, page: Entries, enc: (s: string) => string): void {
  doc.Contents = page.contents.map((o) => ({
    Key: enc(o.key),
    LastModified: isoTimestamp(o.lastModified),
    ETag: o.etag,
    Size: o.size,
    ...(page.owner ? { Owner: ownerDoc(page.owner) } : {}),
    StorageClass: o.storageClass,
  }));
  doc.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
}

export interface ListV2Page extends Entries {
  readonly bucket: string;
  readonly prefix: string;
  readonly maxKeys: number;
  readonly delimiter?: string;
  readonly encodingType?: 'url';
  readonly isTruncated: boolean;
  readonly continuationToken?: string;
  readonly nextContinuationToken?: string;
  readonly startAfter?: string;
}

/** ListObjectsV2: KeyCount counts keys and common prefixes; Owner only with fetch-owner. */
export function listObjectsV2Result(page: ListV2Page): XmlBody {
  const enc = page.encodingType === 'url' ? encodeListingValue : (s: string) => s;
  const doc: Record<string, unknown> = {
    Name: page.bucket,
    Prefix: enc(page.prefix),
    MaxKeys: page.maxKeys,
    KeyCount: page.contents.length + page.commonPrefixes.length,
  };
  if (page.delimiter !== undefined) doc.Delimiter = enc(page.delimiter);
  if (page.encodingType) doc.EncodingType = page.encodingType;
  doc.IsTruncated = page.isTruncated ? 'true' : 'false';
  if (page.continuationToken !== undefined) doc.ContinuationToken = page.continuationToken;
  if (page.nextContinuationToken !== undefined) doc.NextContinuationToken = page.nextContinuationToken;
  if (page.startAfter !== undefined) doc.StartAfter = enc(page.startAfter);
  addEntries(doc, page, enc);
  return { root: 'ListBucketResult', doc };
}

export function copyObjectResult(etag: string, lastModified: Date): XmlBody {
  return { root: 'CopyObjectResult', doc: { LastModified: isoTimestamp(lastModified), ETag: etag } };
}

/**
 * S3 quirk: `encoding-type=url` encodes like Python's `quote(value, safe='/')`
 * (what Swift's s3api does and what botocore's decoder expects); a space is %20.
 */
export function encodeListingValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
