// ListParts and ListMultipartUploads, read from the segments container.
import { encodeListingValue } from '../../s3/documents.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { listMultipartUploadsResult, listPartsResult, type UploadEntry } from '../../s3/results.js';
import type { ObjectRow } from '../../swift/store.js';
import { ownerOf, requireBucket } from '../common/bucket.js';
import type { OperationContext } from '../context.js';
import { listingEtag, parseSwiftTimestamp } from '../common/listing-rows.js';
import { checkUploadId, isPartName, partNumberOf, partsPrefix, segmentsContainer } from './layout.js';
import { uploadMarker } from './upload-state.js';
import { partsContainerOf, uploadClass } from '../storage/multipart.js';
import { rowClasses } from '../storage/bucket-class.js';
import { CHECKSUM_ALGORITHMS } from '../../s3/checksums.js';
import { uploadChecksumOf } from './part-checksums.js';
import { checksumElements, partChecksumOfRow } from '../common/checksums.js';

function boundedInt(query: ReadonlyMap<string, string>, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: raw }, `Provided ${name} not an integer or within integer range`);
  return Math.min(Number(raw), max);
}

export async function listParts(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const maxParts = boundedInt(ctx.req.query, 'max-parts', 1000, 1000);
  const after = boundedInt(ctx.req.query, 'part-number-marker', 0, 10_000);
  const marker = await uploadMarker(ctx, bucket, key, uploadId);
  const upload = uploadChecksumOf(marker);
  const container = await partsContainerOf(ctx, bucket, marker);
  const prefix = partsPrefix(key, uploadId);
  // Swift lists part names as text (1, 10, 2, ...); S3 pages in numeric order.
  const parts: { row: ObjectRow; n: number }[] = [];
  for await (const page of ctx.store.listPages(container, { prefix }, { missingOk: true })) {
    for (const row of page) {
      const n = partNumberOf(row.name!, prefix) ?? 0;
      if (n > after && n > 0) parts.push({ row, n });
    }
  }
  parts.sort((a, b) => a.n - b.n);
  const page = parts.slice(0, maxParts);
  return {
    status: 200,
    xml: listPartsResult({
      bucket, key, uploadId,
      owner: await ownerOf(ctx),
      partNumberMarker: after,
      maxParts,
      isTruncated: parts.length > maxParts,
      parts: page.map(({ row, n }) => ({
        partNumber: n, lastModified: parseSwiftTimestamp(row.last_modified), etag: listingEtag(row.hash, row.content_type, (r) => ctx.store.storedEtagOfRow(container, r), row), size: row.bytes ?? 0,
        checksum: checksumElements(partChecksumOfRow(ctx, container, row)),
      })),
      checksum: upload && { algorithm: CHECKSUM_ALGORITHMS[upload.algorithm].name, type: upload.type },
      storageClass: await uploadClass(ctx, bucket, marker),
    }),
  };
}

/** Upload markers among segment-container rows: `<key>/<uploadId>` names that are not parts. */
export function uploadsOf(rows: readonly ObjectRow[], classOf?: (row: ObjectRow) => string): UploadEntry[] {
  return rows
    .filter((row) => row.name !== undefined && !isPartName(row.name))
    .map((row) => {
      const slash = row.name!.lastIndexOf('/');
      return { key: row.name!.slice(0, slash), uploadId: row.name!.slice(slash + 1), initiated: parseSwiftTimestamp(row.last_modified), storageClass: classOf?.(row) };
    })
    .filter((u) => u.key !== '' && u.uploadId !== '');
}

export async function listMultipartUploads(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const q = ctx.req.query;
  const encoding = q.get('encoding-type');
  if (encoding !== undefined && encoding !== 'url') throw s3Error('InvalidArgument', { ArgumentName: 'encoding-type', ArgumentValue: encoding }, 'Invalid Encoding Method specified in Request');
  const maxUploads = boundedInt(q, 'max-uploads', 1000, 1000);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  await requireBucket(ctx, bucket);

  // Same marker rule as s3api: after key-marker's uploads, or after one upload of it.
  const after = uploadIdMarker && keyMarker ? `${keyMarker}/${uploadIdMarker}` : keyMarker ? `${keyMarker}/~` : '';
  const entries: ({ upload: UploadEntry } | { prefix: string })[] = [];
  const seenPrefixes = new Set<string>();
  const classOf = await rowClasses(ctx, bucket, segmentsContainer(bucket));
  pages: for await (const rows of ctx.store.listPages(segmentsContainer(bucket), { prefix, marker: after }, { missingOk: true })) {
    for (const upload of uploadsOf(rows, classOf)) {
      const at = delimiter === undefined ? -1 : upload.key.indexOf(delimiter, prefix.length);
      if (at >= 0) {
        const common = upload.key.slice(0, at + delimiter!.length);
        if (!seenPrefixes.has(common)) {
          seenPrefixes.add(common);
          entries.push({ prefix: common });
        }
      } else {
        entries.push({ upload });
      }
      if (entries.length > maxUploads) break pages;
    }
  }
  const page = entries.slice(0, maxUploads);
  const truncated = entries.length > maxUploads;
  const last = page[page.length - 1];
  return {
    status: 200,
    xml: listMultipartUploadsResult({
      bucket,
      owner: await ownerOf(ctx),
      keyMarker,
      uploadIdMarker,
      next: truncated && last ? ('upload' in last ? { keyMarker: last.upload.key, uploadIdMarker: last.upload.uploadId } : { keyMarker: last.prefix, uploadIdMarker: '' }) : undefined,
      delimiter,
      prefix,
      maxUploads,
      encodingType: encoding,
      isTruncated: truncated,
      uploads: page.flatMap((e) => ('upload' in e ? [e.upload] : [])),
      commonPrefixes: page.flatMap((e) => ('prefix' in e ? [e.prefix] : [])),
      encode: encoding === 'url' ? encodeListingValue : (s: string) => s,
    }),
  };
}
