// CompleteMultipartUpload: checks the parts list against what Swift holds, writes
// the SLO manifest, then removes the marker, unused parts and the segments of
// the object it replaced. A retried Complete of a finished upload answers as the
// first did. https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
import { s3Error, isS3Error } from '../s3/errors.js';
import type { S3Result, XmlBody } from '../s3/result.js';
import { parseXml } from '../s3/xml.js';
import { discard, readText } from '../swift/client.js';
import { readXmlBody } from './body.js';
import type { OperationContext } from './context.js';
import { contentMd5ToHex } from './object-headers.js';
import {
  MIN_PART_SIZE, checkUploadId, markerName, multipartEtag, partName, partsPrefix, segmentsContainer, splitEtagParam, withEtagParam,
} from './multipart-layout.js';
import { ACL_META, uploadMarker } from './multipart.js';
import { deleteSegments, listSegments, ownedSegments } from './segments.js';
import { swiftFailure } from './swift-errors.js';

/**
 * S3 and s3api cap the CompleteMultipartUpload body at 2 MiB, which holds S3's
 * largest upload: 10,000 parts of about 200 bytes each, a part being
 * `<Part><PartNumber>10000</PartNumber><ETag>"<32 hex>"</ETag></Part>` (about 90,
 * 100 with the quotes written `&quot;`), one checksum element (a SHA-256 one,
 * `<ChecksumSHA256>` + 44 base64 + its end tag, is 77) and indentation.
 */
export const MAX_COMPLETE_BODY = 2 * 1024 * 1024;

export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/** The parts list of the request body: ascending part numbers, MD5 ETags. */
export async function parseCompleteBody(body: Buffer | string, uploadId: string): Promise<RequestedPart[]> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['CompleteMultipartUpload.Part']);
  } catch {
    throw s3Error('MalformedXML');
  }
  const root = doc['CompleteMultipartUpload'] as { Part?: { PartNumber?: unknown; ETag?: unknown }[] } | undefined;
  const parts = root?.Part ?? [];
  if (!root || parts.length === 0) throw s3Error('MalformedXML', {}, 'The XML you provided was not well-formed or did not validate against our published schema: it names no Part.');
  const requested: RequestedPart[] = [];
  let previous = 0;
  for (const [i, p] of parts.entries()) {
    // 10,000 parts are milliseconds of work (more before the code is
    // optimised): the event loop gets its turn every 1000, as while parsing.
    if (i > 0 && i % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const number = Number(String(p.PartNumber ?? '').trim());
    if (!Number.isInteger(number) || number < 1) throw s3Error('MalformedXML');
    if (number <= previous) throw s3Error('InvalidPartOrder', { UploadId: uploadId });
    previous = number;
    const etag = String(p.ETag ?? '').trim().replace(/^"|"$/g, '').replace(/^&quot;|&quot;$/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(etag)) throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: number });
    requested.push({ partNumber: number, etag });
  }
  return requested;
}

function completeResult(bucket: string, key: string, etag: string): XmlBody {
  return { root: 'CompleteMultipartUploadResult', doc: { Location: `/${bucket}/${key}`, Bucket: bucket, Key: key, ETag: `"${etag}"` } };
}

/** Hidden metadata (never shown as x-amz-meta-*): which upload made this object, for retried Completes. */
const UPLOAD_ID_META = 'x-object-meta-s3gw-upload-id';

async function finishedEarlier(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<XmlBody | undefined> {
  const head = await ctx.swift.call({ method: 'HEAD', container: bucket, object: key });
  await discard(head);
  if (head.status !== 200 || head.headers[UPLOAD_ID_META] !== uploadId) return undefined;
  const etag = splitEtagParam(head.headers['content-type']).etag;
  return etag ? completeResult(bucket, key, etag) : undefined;
}

async function complete(ctx: OperationContext, bucket: string, key: string, uploadId: string, requested: RequestedPart[]): Promise<XmlBody> {
  const marker = await uploadMarker(ctx, bucket, key, uploadId);
  const stored = new Map<number, { etag: string; bytes: number; name: string }>();
  for (const row of await listSegments(ctx.swift, bucket, partsPrefix(key, uploadId))) {
    const n = Number(row.name!.slice(partsPrefix(key, uploadId).length));
    if (Number.isInteger(n)) stored.set(n, { etag: (row.hash ?? '').split(';')[0]!.trim(), bytes: row.bytes ?? 0, name: row.name! });
  }
  // Every part must exist with its ETag before sizes are judged, as S3 reports it.
  for (const part of requested) {
    const have = stored.get(part.partNumber);
    if (!have || have.etag !== part.etag) throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: part.partNumber, ETag: `"${part.etag}"` });
  }
  requested.slice(0, -1).forEach((part) => {
    const bytes = stored.get(part.partNumber)!.bytes;
    if (bytes < MIN_PART_SIZE) {
      throw s3Error('EntityTooSmall', { UploadId: uploadId, PartNumber: part.partNumber, ProposedSize: bytes, MinSizeAllowed: MIN_PART_SIZE });
    }
  });
  const etag = multipartEtag(requested.map((p) => p.etag));
  const replaced = await ownedSegments(ctx.swift, bucket, key);

  // The marker's headers become the object's. Swift quirk: an upload started
  // through s3api keeps its Content-Type in sysmeta, which the gateway cannot
  // read; its marker says application/directory, and Swift then guesses one.
  const given = splitEtagParam(marker.headers['content-type']).contentType;
  const contentType = given === undefined || given === 'application/directory' ? undefined : given;
  const headers: Record<string, string | undefined> = {
    'content-type': withEtagParam(contentType ?? 'application/octet-stream', etag),
    [UPLOAD_ID_META]: uploadId,
  };
  for (const [name, value] of Object.entries(marker.headers)) {
    if (name.startsWith('x-object-meta-') || ['content-encoding', 'content-disposition', 'cache-control', 'expires', 'content-language'].includes(name)) {
      headers[name] = value;
    }
  }
  headers[ACL_META] = marker.headers[ACL_META];
  const manifest = requested.map((p) => ({
    path: `/${segmentsContainer(bucket)}/${partName(key, uploadId, p.partNumber)}`,
    etag: p.etag,
    size_bytes: stored.get(p.partNumber)!.bytes,
  }));
  const body = JSON.stringify(manifest);
  const put = await ctx.swift.call({
    method: 'PUT',
    container: bucket,
    object: key,
    query: { 'multipart-manifest': 'put' },
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (put.status !== 201) {
    const detail = put.status === 400 ? await readText(put) : '';
    if (/Etag Mismatch|404 Not Found/.test(detail)) throw s3Error('InvalidPart', { UploadId: uploadId });
    if (put.status === 400) throw s3Error('InvalidRequest', {}, `Swift refused the multipart manifest: ${detail.slice(0, 300)}`);
    throw await swiftFailure(put, { 404: 'NoSuchBucket' }, { BucketName: bucket });
  }
  await discard(put);

  // The object is in place; now nothing of the upload or the old object may stay behind.
  const used = new Set(requested.map((p) => partName(key, uploadId, p.partNumber)));
  const unused = [...stored.values()].map((s) => s.name).filter((n) => !used.has(n));
  await deleteSegments(ctx.swift, bucket, [markerName(key, uploadId), ...unused, ...replaced.filter((n) => !used.has(n))]);
  return completeResult(bucket, key, etag);
}

export async function completeMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const body = await readXmlBody(ctx, MAX_COMPLETE_BODY);
  const md5 = ctx.req.headers['content-md5'];
  if (md5 !== undefined && contentMd5ToHex(md5) !== body.md5Hex) throw s3Error('BadDigest');
  const requested = await parseCompleteBody(body.bytes, uploadId);

  const work = complete(ctx, bucket, key, uploadId, requested).catch(async (err: unknown) => {
    // A Complete repeated after success finds no marker: answer as the first one did.
    if (isS3Error(err) && err.code === 'NoSuchUpload') {
      const earlier = await finishedEarlier(ctx, bucket, key, uploadId);
      if (earlier) return earlier;
    }
    throw err;
  });
  const quick = await Promise.race([work.then((doc) => ({ doc }), (error: unknown) => ({ error })), delay(ctx.limits.slowAnswerAfterMs)]);
  if (quick) {
    if ('error' in quick) throw quick.error;
    return { status: 200, xml: quick.doc };
  }
  // S3 quirk: a long Complete answers 200 at once and keeps the connection alive
  // with whitespace; a failure then arrives as an error document in that body.
  return { status: 200, pendingXml: work };
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
