// GetObjectAttributes: what HeadObject and ListParts would say of an object,
// in one answer: ETag, Checksum, ObjectParts (a multipart object's parts with
// their sizes and checksums, paged by x-amz-max-parts and
// x-amz-part-number-marker), StorageClass, ObjectSize.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
import { requestedCustomerKey } from '../encryption/customer-key.js';
import { openForRead } from '../encryption/read.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import type { ManifestSegment, ObjectInfo } from '../../swift/store.js';
import { checksumElements, partChecksumOfRow, storedChecksum } from '../common/checksums.js';
import { s3EtagOf } from '../common/etag.js';
import { isStagedPut, objectManifest } from '../common/manifest.js';
import { MAX_PARTS } from '../common/part-number.js';
import { parseVersionId, versionHeaders } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { isPlacedData, objectClass } from '../storage/bucket-class.js';
import { missingVersion } from './read.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** x-amz-object-attributes: a comma list of attribute names, at least one; anything else is InvalidArgument. */
export function parseObjectAttributes(value: string | undefined): Set<Attribute> {
  const names = (value ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-object-attributes', ArgumentValue: value ?? '' }, 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
  const out = new Set<Attribute>();
  for (const name of names) {
    const known = ATTRIBUTES.find((a) => a.toLowerCase() === name.toLowerCase());
    if (!known) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-object-attributes', ArgumentValue: name }, 'Invalid attribute name specified.');
    out.add(known);
  }
  return out;
}

/** x-amz-max-parts (default and cap 1000) and x-amz-part-number-marker (default 0). */
export function parsePartsPaging(headers: Readonly<Record<string, string>>): { maxParts: number; marker: number } {
  const int = (name: string, fallback: number, max: number) => {
    const raw = headers[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d{1,9}$/.test(raw)) throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: raw }, `Provided ${name} not an integer or within integer range`);
    return Math.min(Number(raw), max);
  };
  return { maxParts: int('x-amz-max-parts', 1000, 1000), marker: int('x-amz-part-number-marker', 0, MAX_PARTS) };
}

const sizeOf = (s: ManifestSegment): number => s.size_bytes ?? s.bytes ?? 0;

/**
 * The parts of a multipart object: its manifest's segments in order, their
 * checksums from a listing of the upload's parts (kept beside them in their
 * Content-Type), one Swift listing page per thousand parts.
 */
async function objectParts(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, paging: { maxParts: number; marker: number }): Promise<Record<string, unknown> | undefined> {
  const found = await objectManifest(ctx, bucket, key, { versionId: info.versionId });
  if (found === 'plain' || found === 'missing') return undefined;
  const manifest = found.parts;
  const page = manifest.slice(paging.marker, paging.marker + paging.maxParts);
  const checksums = new Map<string, Record<string, string>>();
  // A part's path is /<segments container>/<key>/<upload id>/<n>: its siblings share the prefix.
  const first = page[0]?.path ?? page[0]?.name;
  const at = first === undefined ? -1 : first.indexOf('/', 1);
  if (first !== undefined && at > 0 && storedChecksum(info.reserved) !== undefined) {
    const container = first.slice(1, at);
    const prefix = first.slice(at + 1, first.lastIndexOf('/') + 1);
    for await (const rows of ctx.store.listPages(container, { prefix }, { missingOk: true })) {
      for (const row of rows) checksums.set(`/${container}/${row.name}`, checksumElements(partChecksumOfRow(ctx, container, row)));
    }
  }
  const last = paging.marker + page.length;
  return {
    // S3 quirk: the API names it TotalPartsCount; its XML element is PartsCount.
    PartsCount: manifest.length,
    PartNumberMarker: paging.marker,
    ...(page.length > 0 ? { NextPartNumberMarker: last } : {}),
    MaxParts: paging.maxParts,
    IsTruncated: last < manifest.length ? 'true' : 'false',
    // S3 quirk: the parts are listed only for an object with a checksum
    // (API_GetObjectAttributesParts.html).
    Part: checksums.size === 0 ? [] : page.map((s, i) => ({ PartNumber: paging.marker + i + 1, Size: sizeOf(s), ...checksums.get(s.path ?? s.name ?? '') })),
  };
}

export async function getObjectAttributes(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const versionId = parseVersionId(ctx.req.query.get('versionId'));
  const wanted = parseObjectAttributes(ctx.req.headers['x-amz-object-attributes']);
  const paging = parsePartsPaging(ctx.req.headers);
  const customer = requestedCustomerKey(ctx);
  const info = await ctx.store.findObject(bucket, key, { versionId });
  if (!info) return missingVersion(ctx, bucket, key, versionId);
  // S3 asks an SSE-C object's key here too (API_GetObjectAttributes.html), and it must be the object's.
  const decryption = await openForRead(ctx, bucket, key, info, customer);
  const doc: Record<string, unknown> = {};
  // S3 quirk: this ETag is not quoted, unlike every other operation's.
  if (wanted.has('ETag')) doc['ETag'] = (await s3EtagOf(ctx, bucket, key, info)).replace(/^"|"$/g, '');
  const checksum = storedChecksum(info.reserved);
  if (wanted.has('Checksum') && checksum) {
    // S3 quirk: a COMPOSITE checksum is given here without its `-<parts>`.
    doc['Checksum'] = { ...checksumElements({ algorithm: checksum.algorithm, value: checksum.value.replace(/-\d+$/, '') }), ChecksumType: checksum.type };
  }
  // A staged single PUT, or an object moved to another class (operations/storage/), is a manifest to Swift, a plain object to S3: no parts.
  if (wanted.has('ObjectParts') && info.isManifest && !isStagedPut(info) && !isPlacedData(info)) {
    const parts = await objectParts(ctx, bucket, key, info, paging);
    if (parts) doc['ObjectParts'] = parts;
  }
  if (wanted.has('StorageClass')) doc['StorageClass'] = await objectClass(ctx, bucket, info);
  if (wanted.has('ObjectSize')) doc['ObjectSize'] = info.size;
  const headers = { 'last-modified': info.lastModified, ...versionHeaders(info.versionId), ...decryption?.headers };
  return { status: 200, headers, xml: { root: 'GetObjectAttributesResponse', doc } };
}
