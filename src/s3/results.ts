// The small S3 response documents (everything but the listings, which are in
// documents.ts): one builder each, so no handler assembles XML itself.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
import type { Owner } from './documents.js';
import type { XmlBody } from './result.js';
import { isoTimestamp } from './time.js';

const ownerDoc = (owner: Owner) => ({ ID: owner.id, DisplayName: owner.displayName });

/** S3 quirk: us-east-1 is reported as an empty LocationConstraint. */
export function locationConstraint(region: string): XmlBody {
  return { root: 'LocationConstraint', doc: { '#text': region === 'us-east-1' ? '' : region } };
}

/** A bucket that never had versioning: an empty VersioningConfiguration (no Status). */
export function versioningConfiguration(status?: 'Enabled' | 'Suspended'): XmlBody {
  return { root: 'VersioningConfiguration', doc: status === undefined ? {} : { Status: status } };
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The AccessControlPolicy of everything here: the owner, with FULL_CONTROL. */
export function ownerOnlyPolicy(owner: Owner): XmlBody {
  const user = ownerDoc(owner);
  return {
    root: 'AccessControlPolicy',
    doc: {
      Owner: user,
      AccessControlList: {
        Grant: [{ Grantee: { '@_xmlns:xsi': XSI, '@_xsi:type': 'CanonicalUser', ...user }, Permission: 'FULL_CONTROL' }],
      },
    },
  };
}

export function copyObjectResult(etag: string, lastModified: Date): XmlBody {
  return { root: 'CopyObjectResult', doc: { LastModified: isoTimestamp(lastModified), ETag: etag } };
}

export function copyPartResult(etag: string, lastModified: Date, checksum: Readonly<Record<string, string>> = {}): XmlBody {
  return { root: 'CopyPartResult', doc: { LastModified: isoTimestamp(lastModified), ETag: etag, ...checksum } };
}

export function initiateMultipartUploadResult(bucket: string, key: string, uploadId: string): XmlBody {
  return { root: 'InitiateMultipartUploadResult', doc: { Bucket: bucket, Key: key, UploadId: uploadId } };
}

/** `checksum`: the object's ChecksumCRC32 (etc.) and ChecksumType elements, when it has one. */
export function completeMultipartUploadResult(bucket: string, key: string, etag: string, checksum: Readonly<Record<string, string>> = {}): XmlBody {
  return { root: 'CompleteMultipartUploadResult', doc: { Location: `/${bucket}/${key}`, Bucket: bucket, Key: key, ETag: `"${etag}"`, ...checksum } };
}

export interface PartEntry {
  readonly partNumber: number;
  readonly lastModified: Date;
  readonly etag: string;
  readonly size: number;
  /** The part's ChecksumCRC32 (etc.) element, when it has one. */
  readonly checksum?: Readonly<Record<string, string>>;
}

export interface PartsPage {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly owner: Owner;
  readonly partNumberMarker: number;
  readonly maxParts: number;
  readonly isTruncated: boolean;
  readonly parts: readonly PartEntry[];
  /** The upload's declared checksum: ChecksumAlgorithm and ChecksumType elements. */
  readonly checksum?: { readonly algorithm: string; readonly type: string };
  /** The class the completed object gets (STANDARD when unset). */
  readonly storageClass?: string;
}

export function listPartsResult(page: PartsPage): XmlBody {
  const who = ownerDoc(page.owner);
  const last = page.parts[page.parts.length - 1];
  return {
    root: 'ListPartsResult',
    doc: {
      Bucket: page.bucket,
      Key: page.key,
      UploadId: page.uploadId,
      Initiator: who,
      Owner: who,
      StorageClass: page.storageClass ?? 'STANDARD',
      PartNumberMarker: page.partNumberMarker,
      ...(last ? { NextPartNumberMarker: last.partNumber } : {}),
      MaxParts: page.maxParts,
      IsTruncated: page.isTruncated ? 'true' : 'false',
      ...(page.checksum ? { ChecksumAlgorithm: page.checksum.algorithm, ChecksumType: page.checksum.type } : {}),
      Part: page.parts.map((p) => ({ PartNumber: p.partNumber, LastModified: isoTimestamp(p.lastModified), ETag: p.etag, Size: p.size, ...p.checksum })),
    },
  };
}

export interface UploadEntry {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
  /** The class the completed object gets (STANDARD when unset). */
  readonly storageClass?: string;
}

export interface UploadsPage {
  readonly bucket: string;
  readonly owner: Owner;
  readonly keyMarker: string;
  readonly uploadIdMarker: string;
  /** Where the next page starts, when this one is truncated. */
  readonly next?: { readonly keyMarker: string; readonly uploadIdMarker: string };
  readonly delimiter?: string;
  readonly prefix: string;
  readonly maxUploads: number;
  readonly encodingType?: string;
  readonly isTruncated: boolean;
  readonly uploads: readonly UploadEntry[];
  readonly commonPrefixes: readonly string[];
  /** Applied to keys, markers, prefixes and the delimiter (encoding-type=url). */
  readonly encode: (value: string) => string;
}

export function listMultipartUploadsResult(page: UploadsPage): XmlBody {
  const who = ownerDoc(page.owner);
  const enc = page.encode;
  return {
    root: 'ListMultipartUploadsResult',
    doc: {
      Bucket: page.bucket,
      KeyMarker: enc(page.keyMarker),
      UploadIdMarker: page.uploadIdMarker,
      ...(page.next ? { NextKeyMarker: enc(page.next.keyMarker), NextUploadIdMarker: page.next.uploadIdMarker } : {}),
      ...(page.delimiter !== undefined ? { Delimiter: enc(page.delimiter) } : {}),
      Prefix: enc(page.prefix),
      MaxUploads: page.maxUploads,
      ...(page.encodingType ? { EncodingType: page.encodingType } : {}),
      IsTruncated: page.isTruncated ? 'true' : 'false',
      Upload: page.uploads.map((u) => ({
        Key: enc(u.key), UploadId: u.uploadId, Initiator: who, Owner: who, StorageClass: u.storageClass ?? 'STANDARD', Initiated: isoTimestamp(u.initiated),
      })),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    },
  };
}

export interface DeleteOutcome {
  readonly key: string;
  readonly versionId?: string;
  /** The deletion wrote a delete marker (no versionId asked), or removed one (versionId named one). */
  readonly deleteMarker?: boolean;
  /** The version id of the delete marker the deletion wrote. */
  readonly deleteMarkerVersionId?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export function deleteResult(outcomes: readonly DeleteOutcome[], quiet: boolean): XmlBody {
  const versionOf = (o: DeleteOutcome) => (o.versionId === undefined ? {} : { VersionId: o.versionId });
  const markerOf = (o: DeleteOutcome) => ({
    ...(o.deleteMarker ? { DeleteMarker: 'true' } : {}),
    ...(o.deleteMarkerVersionId !== undefined ? { DeleteMarkerVersionId: o.deleteMarkerVersionId } : {}),
  });
  const deleted = quiet ? [] : outcomes.filter((o) => !o.error).map((o) => ({ Key: o.key, ...versionOf(o), ...markerOf(o) }));
  const errors = outcomes.filter((o) => o.error).map((o) => ({ Key: o.key, ...versionOf(o), Code: o.error!.code, Message: o.error!.message }));
  // The deletions are done: the answer goes out even for keys XML cannot carry.
  return { root: 'DeleteResult', doc: { Deleted: deleted, Error: errors }, invalidChars: 'replace' };
}
