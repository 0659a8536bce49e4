// CompleteMultipartUpload: checks the parts list against what Swift holds,
// writes the manifest, claims the upload by deleting its marker (see
// abort.ts), then removes unused parts and the segments of the object it
// replaced. A retried Complete of a finished upload answers as the first did.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
import { s3Error, isS3Error } from '../../s3/errors.js';
import type { S3Result, XmlBody } from '../../s3/result.js';
import { completeMultipartUploadResult } from '../../s3/results.js';
import type { ManifestSegment, ObjectInfo } from '../../swift/store.js';
import { manifestGroups, subManifestName } from '../common/manifest.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { deleteSegments, ownedSegments } from '../common/segments.js';
import type { OperationContext } from '../context.js';
import { lockItemsOf } from '../lock/state.js';
import { aclItems } from '../common/object-acl.js';
import { tagItemsOf } from '../tagging/write-tags.js';
import { tagsOfVersion } from '../tagging/object-tags.js';
import { MAX_COMPLETE_BODY, parseCompleteBody, type RequestedPart } from './complete-body.js';
import { claimedElsewhere, delay, racingAbort } from './complete-race.js';
import {
  MIN_PART_SIZE, UPLOAD_ID, abortNoteName, checkUploadId, markerName, multipartEtag, partName, partNumberOf, partsPrefix, segmentsContainer,
} from './layout.js';
import { madeBy, uploadMarker } from './upload-state.js';
import { conditionally, parseWriteCondition } from '../common/write-conditions.js';
import type { PartChecksum } from '../../s3/multipart-checksums.js';
import { completedChecksum } from './complete-checksum.js';
import { uploadChecksumOf } from './part-checksums.js';
import { partRef, partsContainerOf } from '../storage/multipart.js';
import { partChecksumOfRow } from '../common/checksums.js';
import { versionHeaders } from '../common/versions.js';
import { expiryForWrite } from '../common/lifecycle-expiry.js';
import { requestedCustomerKey } from '../encryption/customer-key.js';
import { checkCompleteCustomerKey, completedEncryptionHeaders, completedEncryptionItems, parsePartText, type PartText } from '../encryption/multipart-state.js';

interface StoredPart {
  /** The part's S3 ETag, as UploadPart answered it (an SSE-S3 part's: its plaintext's MD5). */
  readonly etag: string;
  /** Swift's ETag (of the ciphertext, for an encrypted part): what the manifest names. */
  readonly swiftEtag: string;
  /** An encrypted part's nonce and MAC (its sealed Content-Type text). */
  readonly sse?: PartText;
  readonly bytes: number;
  readonly name: string;
  readonly checksum?: PartChecksum;
}

/** This upload's parts as Swift lists them, by part number. */
async function storedParts(ctx: OperationContext, bucket: string, key: string, uploadId: string, container: string): Promise<Map<number, StoredPart>> {
  const stored = new Map<number, StoredPart>();
  const prefix = partsPrefix(key, uploadId);
  for await (const page of ctx.store.listPages(container, { prefix }, { missingOk: true })) {
    for (const row of page) {
      const n = partNumberOf(row.name!, prefix);
      if (n !== undefined && n > 0) {
        const swiftEtag = (row.hash ?? '').split(';')[0]!.trim();
        const target = { container, object: row.name!, size: row.bytes ?? 0 };
        stored.set(n, {
          etag: ctx.store.storedEtagOfRow(container, row) ?? swiftEtag, swiftEtag, sse: parsePartText(ctx.store.ssePartOf(target, row.content_type)),
          bytes: row.bytes ?? 0, name: partRef(bucket, container, row.name!), checksum: partChecksumOfRow(ctx, container, row),
        });
      }
    }
  }
  return stored;
}

/** Every part must exist with its ETag before sizes are judged, as S3 reports it. */
function checkParts(requested: readonly RequestedPart[], stored: ReadonlyMap<number, StoredPart>, uploadId: string, minPartSize: number): void {
  for (const part of requested) {
    const have = stored.get(part.partNumber);
    if (!have || have.etag !== part.etag) throw s3Error('InvalidPart', { UploadId: uploadId, PartNumber: part.partNumber, ETag: `"${part.etag}"` });
  }
  requested.slice(0, -1).forEach((part) => {
    const bytes = stored.get(part.partNumber)!.bytes;
    if (bytes < minPartSize) {
      throw s3Error('EntityTooSmall', { UploadId: uploadId, PartNumber: part.partNumber, ProposedSize: bytes, MinSizeAllowed: minPartSize });
    }
  });
}

/**
 * The marker's headers become the object's: its content headers and user
 * metadata. Swift quirk: an upload started through s3api keeps its
 * Content-Type in sysmeta, which the gateway cannot read; its marker says
 * application/directory, and the object then gets the default.
 */
function objectHeaders(marker: ObjectInfo): { headers: Record<string, string>; contentType: string } {
  const given = marker.contentType;
  const contentType = given === undefined || given === 'application/directory' ? 'application/octet-stream' : given;
  return { headers: { ...marker.contentHeaders, ...marker.userMetadata }, contentType };
}

/**
 * The entries of the object's manifest: the parts themselves, or, beyond the
 * cluster's max_manifest_segments, sub-manifests of that many parts each,
 * written first into the segments container (see common/manifest.ts).
 */
async function nestIfNeeded(ctx: OperationContext, bucket: string, key: string, uploadId: string, entries: ManifestSegment[]): Promise<{ entries: ManifestSegment[]; subs: string[] }> {
  const groups = manifestGroups(entries, (await ctx.store.limits()).maxManifestSegments);
  if (groups.length === 1) return { entries, subs: [] };
  const top: ManifestSegment[] = [];
  const subs: string[] = [];
  for (const [i, group] of groups.entries()) {
    const name = subManifestName(key, uploadId, i + 1);
    subs.push(name);
    await ctx.store.putManifest(segmentsContainer(bucket), name, group, { headers: {}, contentType: 'application/octet-stream', reserved: {} });
    // Swift checks each part's ETag as the sub-manifest is written; a sub-manifest's own ETag needs no check here.
    top.push({ path: `/${segmentsContainer(bucket)}/${name}`, etag: null, size_bytes: group.reduce((n, s) => n + (s.size_bytes ?? 0), 0) });
  }
  return { entries: top, subs };
}

interface Completed {
  readonly doc: XmlBody;
  /** The new object's version, where the bucket has versioning. */
  readonly versionId?: string;
  /** x-amz-expiration, when a lifecycle rule expires the object. */
  readonly expiration?: Record<string, string>;
  /** The SSE headers of the answer (SSE-S3/SSE-KMS). */
  readonly encryption?: Record<string, string>;
}

async function complete(ctx: OperationContext, bucket: string, key: string, uploadId: string, requested: RequestedPart[]): Promise<Completed> {
  let marker: ObjectInfo;
  try {
    marker = await uploadMarker(ctx, bucket, key, uploadId);
  } catch (err) {
    // A Complete repeated after success finds no marker: answer as the first one did.
    if (isS3Error(err) && err.code === 'NoSuchUpload') return { doc: await claimedElsewhere(ctx, bucket, key, uploadId) };
    throw err;
  }
  // Parts of a class on another policy than the bucket's are in its companion container (operations/storage/).
  const container = await partsContainerOf(ctx, bucket, marker);
  const stored = await storedParts(ctx, bucket, key, uploadId, container);
  checkParts(requested, stored, uploadId, ctx.limits.minPartSize ?? MIN_PART_SIZE);
  // An encrypted upload: its items, and the digest of its parts' MACs, go on the manifest (operations/encryption/multipart-state.ts).
  checkCompleteCustomerKey(ctx, marker, requestedCustomerKey(ctx));
  const encryption = completedEncryptionItems(marker, uploadId, requested.map((p) => {
    const part = stored.get(p.partNumber)!;
    return { partNumber: p.partNumber, size: part.bytes, swiftEtag: part.swiftEtag, text: part.sse };
  }));
  const checksum = completedChecksum(uploadChecksumOf(marker), ctx.req.headers, requested, stored, uploadId);
  const etag = multipartEtag(requested.map((p) => p.etag));
  const replaced = await ownedSegments(ctx, bucket, key);
  const manifest = requested.map((p) => ({
    path: `/${container}/${partName(key, uploadId, p.partNumber)}`,
    etag: stored.get(p.partNumber)!.swiftEtag,
    size_bytes: stored.get(p.partNumber)!.bytes,
  }));
  const parts = requested.map((p) => partRef(bucket, container, partName(key, uploadId, p.partNumber)));
  let subs: string[] = [];
  let written;
  // A lifecycle rule that expires the object: X-Delete-At on its manifest. Its
  // segments are removed by `lifecycle run` once Swift's expirer removed it
  // (a POST per part here would make a Complete of 10,000 parts 10,000 calls slower).
  // (The upload's tags, as its marker carries them for the object: read only if a Tag rule may match.)
  const expiry = await expiryForWrite(ctx, bucket, key, manifest.reduce((n, p) => n + p.size_bytes, 0), () => tagsOfVersion(ctx, bucket, key, marker));
  try {
    const top = await nestIfNeeded(ctx, bucket, key, uploadId, manifest);
    subs = top.subs;
    // The object's own reserved items: the upload that made it (for retries and
    // races), its ACL, its checksum, and the object lock its CreateMultipartUpload decided.
    const reserved = { ...aclItems(marker.reserved), ...lockItemsOf(marker.reserved), ...tagItemsOf(marker.reserved), ...checksum?.items, ...encryption, [UPLOAD_ID]: uploadId };
    const made = objectHeaders(marker);
    const headers = expiry.deleteAt === undefined ? made.headers : { ...made.headers, 'x-delete-at': String(expiry.deleteAt) };
    written = await ctx.store.putManifest(bucket, key, top.entries, { ...made, headers, s3Etag: etag, reserved, storageClass: marker.storageClass });
  } catch (err) {
    await deleteSegments(ctx, bucket, subs);
    // Swift refuses a manifest whose segments an Abort is deleting right now:
    // if the upload was claimed meanwhile, that is the answer, not InvalidPart.
    if (!(await ctx.store.findObject(segmentsContainer(bucket), markerName(key, uploadId)))) return { doc: await claimedElsewhere(ctx, bucket, key, uploadId, parts) };
    throw err;
  }
  const used = [...parts, ...subs];

  // The claim: deleting the marker. An AbortMultipartUpload racing this one
  // claims the same way; whoever Swift answers 404 lost (see abort.ts).
  if (!(await ctx.store.deleteObject(segmentsContainer(bucket), markerName(key, uploadId)))) {
    return { doc: await claimedElsewhere(ctx, bucket, key, uploadId, used) };
  }
  const usedSet = new Set(used);
  const replacedNow = replaced.filter((n) => !usedSet.has(n));
  const race = await racingAbort(ctx, bucket, key, uploadId, { versionId: written.versionId, firstPart: used[0]! });
  if (race === 'abort won') {
    // The Abort removes this upload's manifest and parts; the object this
    // manifest had replaced is gone too, so are its segments.
    await deleteSegments(ctx, bucket, replacedNow);
    throw s3Error('NoSuchUpload', { UploadId: uploadId });
  }
  if (race === 'replaced') {
    // A concurrent write of the key (no versioning) replaced this object
    // already: it succeeded and was overwritten, as in S3, and no version
    // needs its parts any more.
    usedSet.clear();
  }
  // The object is in place; now nothing of the upload or the old object may
  // stay behind. The abort note too: one left by an Abort that died before its
  // claim would make a retried Complete answer NoSuchUpload.
  const unused = [...stored.values()].map((s) => s.name).filter((n) => !usedSet.has(n));
  await deleteSegments(ctx, bucket, [...unused, ...replacedNow, abortNoteName(key, uploadId)]);
  return { doc: completeMultipartUploadResult(bucket, key, etag, checksum?.elements), versionId: written.versionId, expiration: expiry.headers, encryption: completedEncryptionHeaders(marker) };
}

/** NoSuchUpload unless the upload is open, or completed into the object at the key (a retry). */
async function uploadExists(ctx: OperationContext, bucket: string, key: string, uploadId: string): Promise<void> {
  if (await ctx.store.findObject(segmentsContainer(bucket), markerName(key, uploadId))) return;
  if (madeBy(await ctx.store.findObject(bucket, key), uploadId)) return;
  throw s3Error('NoSuchUpload', { UploadId: uploadId });
}

export async function completeMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const body = await readXmlBody(ctx, MAX_COMPLETE_BODY);
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: false });
  const requested = await parseCompleteBody(body.bytes, uploadId).catch(async (err: unknown) => {
    // S3 answers NoSuchUpload for an upload that does not exist, whatever its parts list says.
    await uploadExists(ctx, bucket, key, uploadId);
    throw err;
  });

  // If-None-Match / If-Match: judged while this request holds the key, except
  // over the object this upload already made (a retried Complete answers as the first did).
  const work = conditionally(ctx, bucket, key, parseWriteCondition(ctx.req.headers), () => complete(ctx, bucket, key, uploadId, requested), (current) => madeBy(current, uploadId));
  const quick = await Promise.race([work.then((done) => ({ done }), (error: unknown) => ({ error })), delay(ctx.limits.slowAnswerAfterMs)]);
  if (quick) {
    if ('error' in quick) throw quick.error;
    return { status: 200, headers: { ...versionHeaders(quick.done.versionId), ...quick.done.expiration, ...quick.done.encryption }, xml: quick.done.doc };
  }
  // S3 quirk: a long Complete answers 200 at once and keeps the connection alive
  // with whitespace; a failure then arrives as an error document in that body.
  // (Its headers are gone by the time the version is known.)
  return { status: 200, pendingXml: work.then((done) => done.doc) };
}
