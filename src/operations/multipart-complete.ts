// CompleteMultipartUpload: checks the parts list against what Swift holds, writes
// the SLO manifest, then removes the marker, unused parts and the segments of
// the object it replaced. A retried Complete of a finished upload answers as the
// first did. https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
import { s3Error, isS3Error } from '../s3/errors.js';
import type { S3Result, XmlBody } from '../s3/result.js';
import { parseXml } from '../s3/xml.js';
import { discard, readText } from '../swift/client.js';
import { readXmlBody } from './body.js';
import { objectSize, type OperationContext } from './context.js';
import { contentMd5ToHex } from './object-headers.js';
import {
  MIN_PART_SIZE, UPLOAD_ID_META, abortNoteName, checkUploadId, markerName, multipartEtag, partName, partNumberOf, partsPrefix, segmentsContainer,
} from './multipart-layout.js';
import { madeBy, removeManifestOf, uploadMarker } from './multipart.js';
import { reservedItems, withoutEtagParams } from './seal.js';
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

async function finishedEarlier(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<XmlBody | undefined> {
  const head = await ctx.swift.call({ method: 'HEAD', container: bucket, object: key });
  await discard(head);
  if (head.status !== 200 || !madeBy(ctx, bucket, key, head.headers, uploadId)) return undefined;
  const etag = ctx.seal.verifiedEtag({ container: bucket, object: key, size: objectSize(head.headers) }, head.headers['content-type']);
  return etag ? completeResult(bucket, key, etag) : undefined;
}

async function complete(ctx: OperationContext, bucket: string, key: string, uploadId: string, requested: RequestedPart[]): Promise<XmlBody> {
  let marker;
  try {
    marker = await uploadMarker(ctx, bucket, key, uploadId);
  } catch (err) {
    // A Complete repeated after success finds no marker: answer as the first one did.
    if (isS3Error(err) && err.code === 'NoSuchUpload') return claimedElsewhere(ctx, bucket, key, uploadId);
    throw err;
  }
  const stored = new Map<number, { etag: string; bytes: number; name: string }>();
  const prefix = partsPrefix(key, uploadId);
  for (const row of await listSegments(ctx.swift, bucket, prefix)) {
    const n = partNumberOf(row.name!, prefix);
    if (n !== undefined && n > 0) stored.set(n, { etag: (row.hash ?? '').split(';')[0]!.trim(), bytes: row.bytes ?? 0, name: row.name! });
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
  const given = withoutEtagParams(marker.headers['content-type']);
  const contentType = given === undefined || given === 'application/directory' ? undefined : given;
  const target = { container: bucket, object: key, size: requested.reduce((n, p) => n + stored.get(p.partNumber)!.bytes, 0) };
  const headers: Record<string, string | undefined> = {
    'content-type': (contentType ?? 'application/octet-stream') + ctx.seal.etagParams(target, etag),
  };
  for (const [name, value] of Object.entries(marker.headers)) {
    if (name.startsWith('x-object-meta-') || ['content-encoding', 'content-disposition', 'cache-control', 'expires', 'content-language'].includes(name)) {
      headers[name] = value;
    }
  }
  // Of the reserved items, only this object's own: the upload that made it, sealed.
  for (const name of Object.keys(reservedItems(headers))) delete headers[name];
  headers[UPLOAD_ID_META] = uploadId;
  ctx.seal.seal(target, headers);
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

  // The claim: deleting the marker. An AbortMultipartUpload racing this one
  // claims the same way; whoever Swift answers 404 lost (see abortMultipartUpload).
  const claim = await ctx.swift.call({ method: 'DELETE', container: segmentsContainer(bucket), object: markerName(key, uploadId) });
  await discard(claim);
  if (claim.status === 404) return claimedElsewhere(ctx, bucket, key, uploadId, requested.map((p) => partName(key, uploadId, p.partNumber)));
  if (claim.status !== 204 && claim.status !== 200) throw await swiftFailure(claim, {}, { UploadId: uploadId });
  const used = new Set(requested.map((p) => partName(key, uploadId, p.partNumber)));
  const replacedNow = replaced.filter((n) => !used.has(n));
  if ((await racingAbort(ctx, bucket, key, uploadId)) === 'abort won') {
    // The Abort removes this upload's manifest and parts; the object this
    // manifest had replaced is gone too, so are its segments.
    await deleteSegments(ctx.swift, bucket, replacedNow);
    throw s3Error('NoSuchUpload', { UploadId: uploadId });
  }

  // The object is in place; now nothing of the upload or the old object may stay behind.
  const unused = [...stored.values()].map((s) => s.name).filter((n) => !used.has(n));
  // The abort note too: one left by an Abort that died before its claim would
  // make a retried Complete answer NoSuchUpload.
  await deleteSegments(ctx.swift, bucket, [...unused, ...replacedNow, abortNoteName(key, uploadId)]);
  return completeResult(bucket, key, etag);
}

/** How long a Complete that won its claim waits for a racing Abort to show how its own claim went. */
const RACE_WAIT_MS = 3_000;
const RACE_POLL_MS = 50;

/**
 * Swift quirk: two DELETEs of one object that reach the object server at the
 * same moment can both answer 204, so an Abort may have claimed the upload
 * too. An Abort that won removes this upload's manifest (before it deletes
 * its note); one that lost deletes its note at once. So: the manifest gone
 * means an Abort won; the note gone with the manifest still there means none
 * did; while both stand, an Abort is still deciding.
 */
async function racingAbort(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<'clear' | 'abort won'> {
  const deadline = Date.now() + RACE_WAIT_MS;
  for (;;) {
    const note = await ctx.swift.call({ method: 'HEAD', container: segmentsContainer(bucket), object: abortNoteName(key, uploadId) });
    await discard(note);
    if (note.status !== 200 && note.status !== 404) throw await swiftFailure(note, {}, { UploadId: uploadId });
    if (!(await finishedEarlier(ctx, bucket, key, uploadId))) return 'abort won';
    if (note.status === 404) return 'clear';
    // A note left by an Abort that died before it claimed never goes by itself.
    if (Date.now() > deadline) return 'clear';
    await delay(RACE_POLL_MS);
  }
}

/**
 * The marker is gone: another request claimed the upload (or it never
 * existed). An Abort writes its note before it claims, so a note means an
 * Abort won (it also removes any manifest of this upload): NoSuchUpload.
 * Without a note, a Complete of the same upload won (a client's retry, or a
 * concurrent one): its object stands if it names this upload, and this
 * Complete answers as that one did.
 */
async function claimedElsewhere(ctx: OperationContext, bucket: string, key: string, uploadId: string, wrote: readonly string[] = []): Promise<XmlBody> {
  const note = await ctx.swift.call({ method: 'HEAD', container: segmentsContainer(bucket), object: abortNoteName(key, uploadId) });
  await discard(note);
  if (note.status !== 404 && note.status !== 200) throw await swiftFailure(note, {}, { UploadId: uploadId });
  if (note.status === 404) {
    const earlier = await finishedEarlier(ctx, bucket, key, uploadId);
    if (earlier) return earlier;
  } else if (wrote.length > 0) {
    // This Complete's manifest may have landed after the Abort's last look:
    // it goes, with the parts it names (a part listing can lag behind a PUT,
    // so the Abort may not have seen them all).
    await removeManifestOf(ctx, bucket, key, uploadId);
    await deleteSegments(ctx.swift, bucket, wrote);
  }
  throw s3Error('NoSuchUpload', { UploadId: uploadId });
}

export async function completeMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const body = await readXmlBody(ctx, MAX_COMPLETE_BODY);
  const md5 = ctx.req.headers['content-md5'];
  if (md5 !== undefined && contentMd5ToHex(md5) !== body.md5Hex) throw s3Error('BadDigest');
  const requested = await parseCompleteBody(body.bytes, uploadId);

  const work = complete(ctx, bucket, key, uploadId, requested);
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
