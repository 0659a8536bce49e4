// CopyObject: PUT with x-amz-copy-source → Swift PUT with X-Copy-From.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { copyObjectResult } from '../../s3/results.js';
import { plainContentType } from '../../swift/sealed-state.js';
import { checksumItems } from '../common/checksums.js';
import { copySourceAccount, copyVersionHeaders, findCopySource, parseCopySource } from '../common/copy-source.js';
import { metadataToSwift } from '../common/metadata.js';
import { checkMetadataLimits } from '../common/metadata-limits.js';
import { checkBucketName, checkKey } from '../common/names.js';
import { STORED_CONTENT_HEADERS, pick, quoteEtag } from '../common/object-headers.js';
import { deleteSegments, ownedSegments } from '../common/segments.js';
import type { OperationContext } from '../context.js';
import { lockForWrite } from '../lock/write-lock.js';
import { ensureDelegatedReads } from '../common/delegation.js';
import { requestedObjectAcl } from '../common/object-acl.js';
import { conditionally, parseWriteCondition } from '../common/write-conditions.js';
import { expiryForWrite } from '../common/lifecycle-expiry.js';
import { tagsOfVersion } from '../tagging/object-tags.js';
import { parseTaggingDirective, requestedTags, tagItemsForWrite } from '../tagging/write-tags.js';
import { placementFor } from '../storage/placement.js';
import { keptHeaders, writeMoved } from '../storage/move.js';
import { refuseWhereDefaultEncrypts } from '../encryption/bucket-default.js';

export type MetadataDirective = 'COPY' | 'REPLACE';

export function parseMetadataDirective(value: string | undefined): MetadataDirective {
  if (value === undefined || value === 'COPY') return 'COPY';
  if (value === 'REPLACE') return 'REPLACE';
  throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: value }, 'Unknown metadata directive.');
}

/**
 * S3 accepts a copy of an object onto itself that asks for a storage class
 * or encryption (even the ones it has): that is how a class or encryption is
 * changed in place (encryption headers are refused before this; the rule is
 * S3's all the same).
 */
function changesStorage(headers: Readonly<Record<string, string>>): boolean {
  return headers['x-amz-storage-class'] !== undefined || headers['x-amz-website-redirect-location'] !== undefined ||
    Object.keys(headers).some((name) => name.startsWith('x-amz-server-side-encryption'));
}

/** The context that reads the copy source: Swift there as the requester, when it is another project's bucket. */
async function sourceContext(ctx: OperationContext, bucket: string): Promise<OperationContext> {
  const other = await ctx.otherAccount?.(bucket);
  return other ? { ...ctx, store: other.store } : ctx;
}

export async function copyObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const headers = ctx.req.headers;
  checkKey(key, ctx.limits.maxKeyBytes);
  const source = parseCopySource(headers['x-amz-copy-source']!);
  checkBucketName(source.bucket);
  const directive = parseMetadataDirective(headers['x-amz-metadata-directive']);
  if (directive === 'COPY' && source.bucket === bucket && source.key === key && source.versionId === undefined && !changesStorage(headers)) {
    throw s3Error('InvalidRequest', {}, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  // REPLACE: the copy's own headers and metadata, checked before any Swift call.
  const replace: Record<string, string> | undefined = directive === 'REPLACE' ? { ...pick(headers, STORED_CONTENT_HEADERS), ...metadataToSwift(headers) } : undefined;
  if (replace?.['content-type'] !== undefined) replace['content-type'] = plainContentType(replace['content-type'])!;
  if (replace) checkMetadataLimits(replace, await ctx.store.limits());
  // x-amz-tagging-directive: COPY (the default) keeps the source's tags, REPLACE gives the copy x-amz-tagging's (or none).
  const tagging = parseTaggingDirective(headers['x-amz-tagging-directive']);
  const replacedTags = tagging === 'REPLACE' ? (await requestedTags(ctx)) ?? new Map<string, string>() : undefined;
  // S3 quirk: a copy never takes the source's lock; it gets the request's, else the bucket's default.
  const lock = await lockForWrite(ctx, bucket, { needsIntegrity: false });
  // Copies are not encrypted yet: none is written where the bucket's default would encrypt it.
  await refuseWhereDefaultEncrypts(ctx, bucket, 'CopyObject');
  const info = await findCopySource(ctx, source);
  if (info.size > ctx.limits.maxObjectSize) {
    throw s3Error('InvalidRequest', {}, `The specified copy source is larger than the maximum allowable size for a copy source: ${ctx.limits.maxObjectSize}`);
  }
  // The source's verified checksums describe the copy's bytes too: they follow,
  // sealed for the copy. Its ACL does not: S3 gives a copy the request's ACL.
  const acl = await requestedObjectAcl(ctx);
  const placement = await placementFor(ctx, bucket, headers['x-amz-storage-class']);
  const otherItems = { ...checksumItems(info.reserved), ...acl.items, ...lock.items };
  const tags = replacedTags ?? (await tagsOfVersion(await sourceContext(ctx, source.bucket), source.bucket, source.key, info));
  const tagItems = await tagItemsForWrite(ctx, bucket, key, tags, replace ?? info.userMetadata, otherItems);
  // The copy's lifecycle expiry is the destination's rules' for a new object with the copy's tags;
  // a source's X-Delete-At must not follow it, so such a copy sends the
  // source's headers itself (X-Fresh-Metadata) rather than let Swift copy them.
  const expiry = await expiryForWrite(ctx, bucket, key, info.size, async () => tags);
  const sent = replace ?? (info.deleteAt === undefined ? undefined : { ...(info.contentType !== undefined ? { 'content-type': info.contentType } : {}), ...info.contentHeaders, ...info.userMetadata });
  // If-None-Match / If-Match on the destination: checked and written while this request holds the key.
  const sourceAccount = await copySourceAccount(ctx, source);
  const written = await conditionally(ctx, bucket, key, parseWriteCondition(headers), async () => {
    // Copying a multipart object onto itself makes it a plain object: its old
    // segments go once the copy is written, as for any overwrite.
    const replaced = await ownedSegments(ctx, bucket, key);
    const from = { container: source.bucket, object: source.key, info, versionId: source.versionId, account: sourceAccount };
    const reserved = { ...otherItems, ...tagItems };
    // x-amz-storage-class of another policy: the bytes go to its companion container (operations/storage/).
    const done = placement.policy === undefined
      ? await ctx.store.copyObject({ container: bucket, object: key }, from, { replace: sent, reserved, storageClass: placement.storageClass, deleteAt: expiry.deleteAt })
      : await writeMoved(ctx, bucket, key, from, placement, { headers: replace ?? keptHeaders(info), reserved }, { deleteAt: expiry.deleteAt });
    await deleteSegments(ctx, bucket, replaced);
    return 'written' in done ? { ...done.written, etag: done.etag } : done;
  });
  if (acl.acl) await ensureDelegatedReads(ctx, bucket, acl.acl);
  // (A copy into another class is a manifest: its S3 ETag is its bytes' MD5, as for any copy.)
  const etag = quoteEtag(written.etag || info.etag) ?? '""';
  const modified = written.lastModified ? new Date(written.lastModified) : new Date();
  return { status: ctx.dialect.objectCreatedStatus, headers: { ...copyVersionHeaders(info, written), ...expiry.headers }, xml: copyObjectResult(etag, modified) };
}
