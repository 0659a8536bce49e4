// ListParts and ListMultipartUploads, read from the segments container.
import { encodeListingValue } from '../s3/documents.js';
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { isoTimestamp } from '../s3/time.js';
import type { OperationContext } from './context.js';
import { checkUploadId, isPartName, partNumberOf, partsPrefix } from './multipart-layout.js';
import { uploadMarker } from './multipart.js';
import { listSegments, segmentPages } from './segments.js';
import { listingEtag, parseSwiftTimestamp, type SwiftObjectRow } from './swift-listing.js';

function boundedInt(query: ReadonlyMap<string, string>, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: raw }, `Provided ${name} not an integer or within integer range`);
  return Math.min(Number(raw), max);
}

async function owner(ctx: OperationContext) {
  const account = await ctx.swift.account();
  return { ID: account.projectId, DisplayName: account.userName };
}

export async function listParts(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const maxParts = boundedInt(ctx.req.query, 'max-parts', 1000, 1000);
  const after = boundedInt(ctx.req.query, 'part-number-marker', 0, 10_000);
  await uploadMarker(ctx, bucket, key, uploadId);
  const prefix = partsPrefix(key, uploadId);
  // Swift lists part names as text (1, 10, 2, ...); S3 pages in numeric order.
  const parts = (await listSegments(ctx.swift, bucket, prefix))
    .map((row) => ({ row, n: partNumberOf(row.name!, prefix) ?? 0 }))
    .filter((p) => p.n > after && p.n > 0)
    .sort((a, b) => a.n - b.n);
  const page = parts.slice(0, maxParts);
  const truncated = parts.length > maxParts;
  const who = await owner(ctx);
  return {
    status: 200,
    xml: {
      root: 'ListPartsResult',
      doc: {
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        Initiator: who,
        Owner: who,
        StorageClass: 'STANDARD',
        PartNumberMarker: after,
        ...(page.length ? { NextPartNumberMarker: page[page.length - 1]!.n } : {}),
        MaxParts: maxParts,
        IsTruncated: truncated ? 'true' : 'false',
        Part: page.map(({ row, n }) => ({
          PartNumber: n,
          LastModified: isoTimestamp(parseSwiftTimestamp(row.last_modified)),
          ETag: listingEtag(row.hash),
          Size: row.bytes ?? 0,
        })),
      },
    },
  };
}

interface Upload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
}

/** Upload markers among segment-container rows: `<key>/<uploadId>` names that are not parts. */
export function uploadsOf(rows: readonly SwiftObjectRow[]): Upload[] {
  return rows
    .filter((row) => row.name !== undefined && !isPartName(row.name))
    .map((row) => {
      const slash = row.name!.lastIndexOf('/');
      return { key: row.name!.slice(0, slash), uploadId: row.name!.slice(slash + 1), initiated: parseSwiftTimestamp(row.last_modified) };
    })
    .filter((u) => u.key !== '' && u.uploadId !== '');
}

export async function listMultipartUploads(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const q = ctx.req.query;
  const encoding = q.get('encoding-type');
  if (encoding !== undefined && encoding !== 'url') throw s3Error('InvalidArgument', { ArgumentName: 'encoding-type', ArgumentValue: encoding }, 'Invalid Encoding Method specified in Request');
  const enc = encoding === 'url' ? encodeListingValue : (s: string) => s;
  const maxUploads = boundedInt(q, 'max-uploads', 1000, 1000);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';

  const head = await ctx.swift.call({ method: 'HEAD', container: bucket });
  head.body.resume();
  if (head.status === 404) throw s3Error('NoSuchBucket', { BucketName: bucket });

  // Same marker rule as s3api: after key-marker's uploads, or after one upload of it.
  const after = uploadIdMarker && keyMarker ? `${keyMarker}/${uploadIdMarker}` : keyMarker ? `${keyMarker}/~` : '';
  const entries: ({ upload: Upload } | { prefix: string })[] = [];
  const seenPrefixes = new Set<string>();
  pages: for await (const rows of segmentPages(ctx.swift, bucket, prefix, after)) {
    for (const upload of uploadsOf(rows)) {
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
  const who = await owner(ctx);
  return {
    status: 200,
    xml: {
      root: 'ListMultipartUploadsResult',
      doc: {
        Bucket: bucket,
        KeyMarker: enc(keyMarker),
        UploadIdMarker: uploadIdMarker,
        ...(truncated && last ? ('upload' in last ? { NextKeyMarker: enc(last.upload.key), NextUploadIdMarker: last.upload.uploadId } : { NextKeyMarker: enc(last.prefix), NextUploadIdMarker: '' }) : {}),
        ...(delimiter !== undefined ? { Delimiter: enc(delimiter) } : {}),
        Prefix: enc(prefix),
        MaxUploads: maxUploads,
        ...(encoding ? { EncodingType: encoding } : {}),
        IsTruncated: truncated ? 'true' : 'false',
        Upload: page.flatMap((e) => ('upload' in e ? [{
          Key: enc(e.upload.key),
          UploadId: e.upload.uploadId,
          Initiator: who,
          Owner: who,
          StorageClass: 'STANDARD',
          Initiated: isoTimestamp(e.upload.initiated),
        }] : [])),
        CommonPrefixes: page.flatMap((e) => ('prefix' in e ? [{ Prefix: enc(e.prefix) }] : [])),
      },
    },
  };
}
