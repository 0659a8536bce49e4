// ListObjectVersions' answer, ListVersionsResult, as the other listings are
// written (documents.ts): a plain object for s3/xml.ts, and the same bytes
// written directly as text, in pieces.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
//
// Element order is S3's schema (AmazonS3.xsd, ListVersionsResult) and what
// AWS answers: Name, Prefix, KeyMarker, VersionIdMarker, NextKeyMarker,
// NextVersionIdMarker, MaxKeys, Delimiter, EncodingType, IsTruncated; then
// Version and DeleteMarker entries, one repeated xsd:choice, so INTERLEAVED in
// listing order (key ascending, newest first within a key), not grouped; then
// CommonPrefixes. Within a Version, Owner comes before StorageClass (the
// schema's VersionEntry, as AWS answers and Swift's s3api writes; the
// reference page's example has them the other way round).
import { ROWS_PER_PIECE, element, encodeListingValue, etagXml, openRoot, optional, ownerDoc, ownerXml, type ObjectEntry, type Owner } from './documents.js';
import type { XmlBody } from './result.js';
import { isoTimestamp, type S3Timestamp } from './time.js';
import { XmlSequence, escapeXml } from './xml-writer.js';

/** An object version: a ListObjects entry with its version id and whether it is the current one. */
export interface ObjectVersionEntry extends ObjectEntry {
  readonly kind: 'Version';
  /** 'null' for a version written while the bucket had no versioning. */
  readonly versionId: string;
  readonly isLatest: boolean;
}

/** A delete marker: no data, so no ETag, Size or StorageClass. */
export interface DeleteMarkerEntry {
  readonly kind: 'DeleteMarker';
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly lastModified: S3Timestamp;
}

/** One entry of a versions listing; `kind` is its element's name. */
export type VersionListingEntry = ObjectVersionEntry | DeleteMarkerEntry;

export interface ListVersionsPage {
  readonly bucket: string;
  readonly prefix: string;
  /** The request's key-marker and version-id-marker, echoed ('' when not given). */
  readonly keyMarker: string;
  readonly versionIdMarker: string;
  /** Where the next page starts, when this one is truncated. */
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
  readonly maxKeys: number;
  readonly delimiter?: string;
  readonly encodingType?: 'url';
  readonly isTruncated: boolean;
  /** Versions and delete markers in listing order. */
  readonly entries: readonly VersionListingEntry[];
  readonly commonPrefixes: readonly string[];
  /** Every entry's Owner: the bucket's owner. */
  readonly owner: Owner;
}

/**
 * ListVersionsResult. With `encoding-type=url` the key-like fields (Prefix,
 * KeyMarker, NextKeyMarker, Delimiter, Key, and CommonPrefixes' Prefix; the
 * reference page's EncodingType lists them) are URL-encoded; version ids are
 * not, as AWS and botocore's decoder have it.
 */
export function listVersionsResult(page: ListVersionsPage): XmlBody {
  const enc = page.encodingType === 'url' ? encodeListingValue : (s: string) => s;
  return {
    root: 'ListVersionsResult',
    get doc() {
      return listVersionsDoc(page, enc);
    },
    text: (namespace) => versionsXml(page, enc, namespace),
  };
}

function headXml(page: ListVersionsPage, enc: (s: string) => string, namespace: string | undefined): string {
  return openRoot('ListVersionsResult', namespace) +
    element('Name', page.bucket) +
    element('Prefix', enc(page.prefix)) +
    element('KeyMarker', enc(page.keyMarker)) +
    element('VersionIdMarker', page.versionIdMarker) +
    optional('NextKeyMarker', page.nextKeyMarker === undefined ? undefined : enc(page.nextKeyMarker)) +
    optional('NextVersionIdMarker', page.nextVersionIdMarker) +
    element('MaxKeys', page.maxKeys) +
    optional('Delimiter', page.delimiter === undefined ? undefined : enc(page.delimiter)) +
    optional('EncodingType', page.encodingType) +
    element('IsTruncated', page.isTruncated ? 'true' : 'false');
}

/** The whole document in pieces of ROWS_PER_PIECE entries (see documents.ts entriesXml). */
function versionsXml(page: ListVersionsPage, enc: (s: string) => string, namespace: string | undefined): string[] {
  const owner = ownerXml(page.owner);
  const pieces: string[] = [];
  let out = headXml(page, enc, namespace);
  let rows = 0;
  const rowDone = () => {
    if (++rows % ROWS_PER_PIECE === 0) {
      pieces.push(out);
      out = '';
    }
  };
  for (const e of page.entries) {
    const common =
      `<Key>${escapeXml(enc(e.key))}</Key><VersionId>${escapeXml(e.versionId)}</VersionId>` +
      `<IsLatest>${e.isLatest ? 'true' : 'false'}</IsLatest><LastModified>${escapeXml(isoTimestamp(e.lastModified))}</LastModified>`;
    out += e.kind === 'Version'
      ? `<Version>${common}<ETag>${etagXml(e.etag)}</ETag><Size>${e.size}</Size>${owner}<StorageClass>${escapeXml(e.storageClass)}</StorageClass></Version>`
      : `<DeleteMarker>${common}${owner}</DeleteMarker>`;
    rowDone();
  }
  for (const p of page.commonPrefixes) {
    out += `<CommonPrefixes><Prefix>${escapeXml(enc(p))}</Prefix></CommonPrefixes>`;
    rowDone();
  }
  pieces.push(out + '</ListVersionsResult>');
  return pieces;
}

function listVersionsDoc(page: ListVersionsPage, enc: (s: string) => string): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    Name: page.bucket,
    Prefix: enc(page.prefix),
    KeyMarker: enc(page.keyMarker),
    VersionIdMarker: page.versionIdMarker,
  };
  if (page.nextKeyMarker !== undefined) doc.NextKeyMarker = enc(page.nextKeyMarker);
  if (page.nextVersionIdMarker !== undefined) doc.NextVersionIdMarker = page.nextVersionIdMarker;
  doc.MaxKeys = page.maxKeys;
  if (page.delimiter !== undefined) doc.Delimiter = enc(page.delimiter);
  if (page.encodingType) doc.EncodingType = page.encodingType;
  doc.IsTruncated = page.isTruncated ? 'true' : 'false';
  const owner = ownerDoc(page.owner);
  // The key is not written: the sequence writes its Version and DeleteMarker children in order.
  doc.Entries = new XmlSequence(page.entries.map((e) => {
    const common = { Key: enc(e.key), VersionId: e.versionId, IsLatest: e.isLatest ? 'true' : 'false', LastModified: isoTimestamp(e.lastModified) };
    return e.kind === 'Version'
      ? ['Version', { ...common, ETag: e.etag, Size: e.size, Owner: owner, StorageClass: e.storageClass }] as const
      : ['DeleteMarker', { ...common, Owner: owner }] as const;
  }));
  doc.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
  return doc;
}
