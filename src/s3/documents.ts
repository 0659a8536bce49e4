// The S3 XML documents the gateway answers with, as plain objects for s3/xml.ts.
// Element names and order follow the AWS API reference of each operation.
// The listings (up to 1000 rows) are also written directly as text (XmlBody.text),
// element for element what s3/xml.ts makes of their plain objects; the tests in
// test/unit/s3/xml-writer.test.ts hold the two to the same bytes.
import type { XmlBody } from './result.js';
import { isoTimestamp, type S3Timestamp } from './time.js';
import { XML_DECLARATION, escapeXml } from './xml-writer.js';

export interface Owner {
  readonly id: string;
  readonly displayName: string;
}

export interface BucketEntry {
  readonly name: string;
  readonly creationDate: S3Timestamp;
  /** BucketRegion, as S3 lists it for each bucket. */
  readonly region?: string;
}

/** ListBuckets' paging elements: ContinuationToken when more buckets follow, Prefix when one was asked for. */
export interface BucketPaging {
  readonly continuationToken?: string;
  readonly prefix?: string;
}

export interface ObjectEntry {
  readonly key: string;
  readonly lastModified: S3Timestamp;
  readonly etag: string; // already quoted
  readonly size: number;
  readonly storageClass: string;
}

export const ownerDoc = (owner: Owner) => ({ ID: owner.id, DisplayName: owner.displayName });

export function listAllMyBucketsResult(owner: Owner, buckets: readonly BucketEntry[], paging: BucketPaging = {}): XmlBody {
  return {
    root: 'ListAllMyBucketsResult',
    get doc() {
      return {
        Owner: ownerDoc(owner),
        Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoTimestamp(b.creationDate), BucketRegion: b.region })) },
        ContinuationToken: paging.continuationToken,
        Prefix: paging.prefix,
      };
    },
    text: (namespace) => {
      const pieces: string[] = [];
      let out = `${openRoot('ListAllMyBucketsResult', namespace)}${ownerXml(owner)}<Buckets>`;
      for (let i = 0; i < buckets.length; i++) {
        const b = buckets[i]!;
        const region = b.region === undefined ? '' : `<BucketRegion>${escapeXml(b.region)}</BucketRegion>`;
        out += `<Bucket><Name>${escapeXml(b.name)}</Name><CreationDate>${escapeXml(isoTimestamp(b.creationDate))}</CreationDate>${region}</Bucket>`;
        if (i % ROWS_PER_PIECE === ROWS_PER_PIECE - 1) {
          pieces.push(out);
          out = '';
        }
      }
      const token = paging.continuationToken === undefined ? '' : `<ContinuationToken>${escapeXml(paging.continuationToken)}</ContinuationToken>`;
      const prefix = paging.prefix === undefined ? '' : `<Prefix>${escapeXml(paging.prefix)}</Prefix>`;
      pieces.push(out + `</Buckets>${token}${prefix}</ListAllMyBucketsResult>`);
      return pieces;
    },
  };
}

// Direct writing of the listings. Every value goes through escapeXml, as in s3/xml.ts.
// Exported for the other listing documents (versions-document.ts).

export function openRoot(root: string, namespace: string | undefined): string {
  return namespace === undefined ? `${XML_DECLARATION}<${root}>` : `${XML_DECLARATION}<${root} xmlns="${escapeXml(namespace)}">`;
}

export const element = (name: string, value: string | number) => `<${name}>${escapeXml(String(value))}</${name}>`;
export const optional = (name: string, value: string | undefined) => (value === undefined ? '' : element(name, value));
export const ownerXml = (owner: Owner) => `<Owner><ID>${escapeXml(owner.id)}</ID><DisplayName>${escapeXml(owner.displayName)}</DisplayName></Owner>`;

/** A quoted hex ETag (nearly every row) is `&quot;<hex>&quot;`; anything else is escaped in full. */
export function etagXml(etag: string): string {
  const inner = etag.length >= 2 && etag.charCodeAt(0) === 0x22 && etag.charCodeAt(etag.length - 1) === 0x22 ? etag.slice(1, -1) : undefined;
  if (inner !== undefined && PLAIN_ETAG.test(inner)) return `&quot;${inner}&quot;`;
  return escapeXml(etag);
}
const PLAIN_ETAG = /^[0-9a-fA-F-]*$/;

/** Rows per piece of XmlBody.text: about 25 KB for listing rows, well below V8's large-object size. */
export const ROWS_PER_PIECE = 100;

/**
 * Appends the Contents and CommonPrefixes of a page to pieces, head first and
 * tail last. Within a piece `+=` (a rope V8 flattens once) measured faster than
 * an array of row strings and join().
 */
function entriesXml(head: string, page: Entries, enc: (s: string) => string, tail: string): string[] {
  const owner = page.owner ? ownerXml(page.owner) : '';
  const pieces: string[] = [];
  let out = head;
  let rows = 0;
  const rowDone = () => {
    if (++rows % ROWS_PER_PIECE === 0) {
      pieces.push(out);
      out = '';
    }
  };
  for (const o of page.contents) {
    out +=
      `<Contents><Key>${escapeXml(enc(o.key))}</Key><LastModified>${escapeXml(isoTimestamp(o.lastModified))}</LastModified>` +
      `<ETag>${etagXml(o.etag)}</ETag><Size>${o.size}</Size>${owner}<StorageClass>${escapeXml(o.storageClass)}</StorageClass></Contents>`;
    rowDone();
  }
  for (const p of page.commonPrefixes) {
    out += `<CommonPrefixes><Prefix>${escapeXml(enc(p))}</Prefix></CommonPrefixes>`;
    rowDone();
  }
  pieces.push(out + tail);
  return pieces;
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
  return {
    root: 'ListBucketResult',
    get doc() {
      return listBucketDoc(page, enc);
    },
    text: (namespace) => entriesXml(
      openRoot('ListBucketResult', namespace) +
      element('Name', page.bucket) +
      element('Prefix', enc(page.prefix)) +
      element('Marker', enc(page.marker)) +
      optional('NextMarker', page.nextMarker === undefined ? undefined : enc(page.nextMarker)) +
      element('MaxKeys', page.maxKeys) +
      optional('Delimiter', page.delimiter === undefined ? undefined : enc(page.delimiter)) +
      optional('EncodingType', page.encodingType) +
      element('IsTruncated', page.isTruncated ? 'true' : 'false'),
      page, enc, '</ListBucketResult>'),
  };
}

function listBucketDoc(page: ListBucketPage, enc: (s: string) => string): Record<string, unknown> {
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
  return doc;
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
  return {
    root: 'ListBucketResult',
    get doc() {
      return listV2Doc(page, enc);
    },
    text: (namespace) => entriesXml(
      openRoot('ListBucketResult', namespace) +
      element('Name', page.bucket) +
      element('Prefix', enc(page.prefix)) +
      element('MaxKeys', page.maxKeys) +
      element('KeyCount', page.contents.length + page.commonPrefixes.length) +
      optional('Delimiter', page.delimiter === undefined ? undefined : enc(page.delimiter)) +
      optional('EncodingType', page.encodingType) +
      element('IsTruncated', page.isTruncated ? 'true' : 'false') +
      optional('ContinuationToken', page.continuationToken) +
      optional('NextContinuationToken', page.nextContinuationToken) +
      optional('StartAfter', page.startAfter === undefined ? undefined : enc(page.startAfter)),
      page, enc, '</ListBucketResult>'),
  };
}

function listV2Doc(page: ListV2Page, enc: (s: string) => string): Record<string, unknown> {
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
  return doc;
}

/**
 * S3 quirk: `encoding-type=url` encodes like Python's `quote(value, safe='/')`
 * (what Swift's s3api does and what botocore's decoder expects); a space is %20.
 */
export function encodeListingValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
