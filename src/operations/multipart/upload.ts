// Multipart upload, the steps before completion: CreateMultipartUpload,
// UploadPart, UploadPartCopy. Nothing is kept in memory: every step reads the
// upload's state from Swift, so any gateway instance can serve any step.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { copyPartResult, initiateMultipartUploadResult } from '../../s3/results.js';
import { copySourceAccount, findCopySource, parseCopySource } from '../common/copy-source.js';
import { checkMetadataLimits } from '../common/metadata-limits.js';
import { checkBucketName, checkKey } from '../common/names.js';
import { quoteEtag } from '../common/object-headers.js';
import { parsePartNumber } from '../common/part-number.js';
import { deleteSegments, ensureSegmentsContainer } from '../common/segments.js';
import { translate } from '../common/swift-errors.js';
import { bodyLength, storedObjectHeaders, writeBody } from '../common/write-body.js';
import type { OperationContext } from '../context.js';
import { lockForWrite } from '../lock/write-lock.js';
import { ensureDelegatedReads } from '../common/delegation.js';
import { requestedObjectAcl } from '../common/object-acl.js';
import { checkUploadId, markerName, newUploadId, partName, segmentsContainer } from './layout.js';
import { uploadMarker } from './upload-state.js';
import { placementFor } from '../storage/placement.js';
import { ensureCompanion } from '../storage/companion.js';
import { partRef, partsContainerOf } from '../storage/multipart.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../s3/checksums.js';
import { encodePartChecksum, uploadChecksum, type PartChecksum } from '../../s3/multipart-checksums.js';
import type { Written } from '../../swift/store.js';
import { checksumElements, checksumItem } from '../common/checksums.js';
import { pipeWithFailure } from '../common/pipe-failure.js';
import { requestedTags, tagItemsForWrite } from '../tagging/write-tags.js';
import { ChecksumTap, checksumTypeMismatch, uploadChecksumItems, uploadChecksumOf } from './part-checksums.js';
import { encryptionForUpload, isEncryptedUpload, openUploadForPart } from '../encryption/multipart-state.js';
import { writeEncryptedPart } from '../encryption/multipart-part.js';
import { requestedCustomerKey } from '../encryption/customer-key.js';

export async function createMultipartUpload(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  const stored = storedObjectHeaders(ctx.req.headers);
  checkMetadataLimits(stored, await ctx.store.limits());
  // SSE-C, SSE-S3, SSE-KMS or the bucket's default: the upload's data key, wrapped, kept on the marker (operations/encryption/).
  const sse = await encryptionForUpload(ctx, bucket, key);
  // The final object's lock, decided now (the default's days count from here) and kept on the marker.
  const lock = await lockForWrite(ctx, bucket, { needsIntegrity: false });
  const acl = await requestedObjectAcl(ctx);
  const checksum = uploadChecksum(ctx.req.headers);
  const tags = await requestedTags(ctx);
  // x-amz-storage-class: named on the marker; parts of a class on another policy go to its companion (operations/storage/).
  const placement = await placementFor(ctx, bucket, ctx.req.headers['x-amz-storage-class']);
  await ensureSegmentsContainer(ctx, bucket);
  if (placement.policy !== undefined) await ensureCompanion(ctx, bucket, placement.policy);
  // x-amz-tagging: kept on the marker, as the final object's own items (or its record's write id).
  const tagItems = await tagItemsForWrite(ctx, bucket, key, tags, stored, { ...acl.items, ...lock.items, ...uploadChecksumItems(checksum) });
  const uploadId = newUploadId();
  // The marker carries what the final object gets, where s3api's Complete reads
  // it too: Content-Type, the stored content headers and X-Object-Meta-*; and,
  // as the gateway's sealed items, its ACL.
  await ctx.store.putObject(segmentsContainer(bucket), markerName(key, uploadId), {
    body: '', length: 0, headers: { ...stored, 'content-type': stored['content-type'] ?? 'application/octet-stream' }, reserved: { ...acl.items, ...lock.items, ...uploadChecksumItems(checksum), ...tagItems, ...sse?.items },
    storageClass: placement.storageClass,
  });
  if (acl.acl) await ensureDelegatedReads(ctx, bucket, acl.acl);
  const headers = { ...(checksum ? { 'x-amz-checksum-algorithm': CHECKSUM_ALGORITHMS[checksum.algorithm].name, 'x-amz-checksum-type': checksum.type } : {}), ...sse?.headers };
  return { status: 200, headers, xml: initiateMultipartUploadResult(bucket, key, uploadId) };
}

/**
 * The most parts an upload can have: S3's 10,000, or as many as two levels of
 * manifests hold (max_manifest_segments², see common/manifest.ts).
 */
export const partLimit = (maxManifestSegments: number): number => maxManifestSegments * maxManifestSegments;

/** A part written after its upload was aborted would be orphaned: check again and clean up. */
async function ensureStillOpen(ctx: OperationContext, bucket: string, key: string, uploadId: string, part: number, container: string): Promise<void> {
  try {
    await uploadMarker(ctx, bucket, key, uploadId);
  } catch (err) {
    await deleteSegments(ctx, bucket, [partRef(bucket, container, partName(key, uploadId, part))]);
    throw err;
  }
}

export async function uploadPart(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const part = parsePartNumber(ctx.req.query.get('partNumber'), partLimit((await ctx.store.limits()).maxManifestSegments));
  const length = await bodyLength(ctx);
  const customer = requestedCustomerKey(ctx);
  const marker = await uploadMarker(ctx, bucket, key, uploadId);
  // An encrypted upload's data key (SSE-C: the request must bring the upload's key), before any byte is read.
  const encryption = await openUploadForPart(ctx, bucket, key, marker, customer);
  const upload = uploadChecksumOf(marker);
  if (upload && ctx.checksum && ctx.checksum.algorithm !== upload.algorithm) checksumTypeMismatch(upload.algorithm, ctx.checksum.algorithm);
  // A part keeps only its bytes, its MD5 (Content-MD5) and its checksum; metadata belongs to the marker.
  const container = await partsContainerOf(ctx, bucket, marker);
  const target = { container, object: partName(key, uploadId, part) };
  let partCtx = ctx;
  let checksum = ctx.checksum;
  if (upload && !checksum) {
    // The upload declared a checksum and this part came without one: the
    // gateway computes it as the part streams (S3 computes it too, and the
    // object's checksum needs every part's).
    const tap = new ChecksumTap(upload.algorithm);
    partCtx = { ...ctx, body: pipeWithFailure(ctx.body, tap) };
    checksum = { algorithm: upload.algorithm, value: () => tap.value };
  }
  const stillOpen = () => ensureStillOpen(ctx, bucket, key, uploadId, part, container);
  if (encryption) return { status: 200, headers: await writeEncryptedPart(partCtx, target, length, encryption, part, stillOpen, checksum) };
  const out = await writeBody(partCtx, target, {}, length, stillOpen, {}, { listChecksum: true, checksum });
  return { status: 200, headers: out };
}

/**
 * A copied part of an upload that declared a checksum: S3 computes the
 * part's checksum from the copied bytes, so the gateway reads the part back
 * once and keeps its checksum as UploadPart would.
 */
async function checksumCopiedPart(ctx: OperationContext, written: Written, algorithm: ChecksumAlgorithm, uploadId: string): Promise<PartChecksum> {
  const { container, object } = written.target;
  const read = await ctx.store.readObject(container, object, 'GET', { 'if-match': written.etag });
  // Gone already: an Abort removed the upload's parts meanwhile.
  if (!read?.body) throw s3Error('NoSuchUpload', { UploadId: uploadId });
  const crc = CHECKSUM_ALGORITHMS[algorithm].create();
  for await (const chunk of read.body) crc.update(chunk as Buffer);
  const value = crc.digest().toString('base64');
  await ctx.store.updateReserved(written, checksumItem(algorithm, value), encodePartChecksum({ algorithm, value }));
  return { algorithm, value };
}

/** `bytes=first-last` of x-amz-copy-source-range, checked against the source size. */
export function parseCopySourceRange(value: string, sourceSize: number): string {
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[1]) > Number(m[2])) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value },
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
  }
  if (Number(m[2]) >= sourceSize) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value }, `Range specified is not valid for source object of size: ${sourceSize}`);
  }
  return `bytes=${m[1]}-${m[2]}`;
}

export async function uploadPartCopy(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const headers = ctx.req.headers;
  const uploadId = checkUploadId(ctx.req.query.get('uploadId'));
  const part = parsePartNumber(ctx.req.query.get('partNumber'), partLimit((await ctx.store.limits()).maxManifestSegments));
  const source = parseCopySource(headers['x-amz-copy-source']!);
  checkBucketName(source.bucket);
  const marker = await uploadMarker(ctx, bucket, key, uploadId);
  // Copying into an encrypted upload would need the source's bytes re-encrypted as a part: not done here.
  if (isEncryptedUpload(marker)) throw s3Error('NotImplemented', {}, 'UploadPartCopy into an upload with server-side encryption is not implemented by this gateway; upload the part with UploadPart.');
  const upload = uploadChecksumOf(marker);
  const container = await partsContainerOf(ctx, bucket, marker);
  const info = await findCopySource(ctx, source);
  const range = headers['x-amz-copy-source-range'];
  const written = await ctx.store.copyObject(
    { container, object: partName(key, uploadId, part) },
    { container: source.bucket, object: source.key, info, versionId: source.versionId, account: await copySourceAccount(ctx, source) },
    { replace: {}, range: range === undefined ? undefined : parseCopySourceRange(range, info.size) },
  ).catch((err: unknown) => {
    // Swift's 404 to the copy itself: the source went away after it was found.
    throw translate(err, { 404: 'NoSuchKey' }, ctx, { Key: source.key });
  });
  await ensureStillOpen(ctx, bucket, key, uploadId, part, container);
  const checksum = upload ? await checksumCopiedPart(ctx, written, upload.algorithm, uploadId) : undefined;
  const versionHeaders = info.versionId !== undefined ? { 'x-amz-copy-source-version-id': info.versionId } : {};
  return { status: 200, headers: versionHeaders, xml: copyPartResult(quoteEtag(written.etag) ?? '""', new Date(written.lastModified ?? Date.now()), checksumElements(checksum)) };
}
