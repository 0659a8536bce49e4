// Put/Get/DeleteObjectTagging, of the current version or of the one named
// by versionId. Where a change goes (README, Tagging): in a versioned bucket,
// a record bound to the version id (a version's metadata cannot change); on
// an unversioned object, its own sealed items when the set fits (a metadata
// POST, re-sending everything else it has), else a record bound to a write
// id that the same POST seals on it. Tags are independent of Object Lock, as
// in S3: they may change on a locked version.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html
import { storedEncryption } from '../encryption/state.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { MAX_TAGGING_BODY_BYTES, encodeTagQuery, parseTaggingDocument, taggingDocument, type TagSet } from '../../s3/tagging.js';
import type { ObjectInfo } from '../../swift/store.js';
import { checkContentMd5, readXmlBody } from '../common/body.js';
import { versionHeaders } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { hasUnverifiedLock } from '../lock/state.js';
import { missingVersion } from '../object/read.js';
import { TAGS_ITEM, TAG_REF_ITEM, newTagRef, recordName } from './layout.js';
import { realVersionId, tagsOfVersion, writtenTags } from './object-tags.js';
import { readTagRecord, writeTagRecord } from './records.js';
import { markTagRecords, tagsFitOnObject, withoutTagItems } from './write-tags.js';

/**
 * The bucket owner manages tags; anyone else needs the bucket policy's Allow
 * (s3:GetObjectTagging, s3:PutObjectTagging, s3:DeleteObjectTagging and their
 * Version forms: access/policy/actions.ts). ACL grants do not reach tags in S3.
 */
function requireTagAccess(ctx: OperationContext): void {
  if (ctx.bucketOwner !== undefined && ctx.policyDecision !== 'Allow') throw s3Error('AccessDenied');
}

/** The version addressed: NoSuchKey, NoSuchVersion, or MethodNotAllowed for a delete marker. */
async function targetVersion(ctx: OperationContext, bucket: string, key: string): Promise<ObjectInfo> {
  const versionId = ctx.req.query.get('versionId');
  const info = await ctx.store.findObject(bucket, key, { versionId });
  if (!info) return missingVersion(ctx, bucket, key, versionId);
  if (ctx.objectGate) await ctx.objectGate(ctx, info);
  return info;
}

export async function getObjectTagging(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  requireTagAccess(ctx);
  const info = await targetVersion(ctx, bucket, key);
  const tags = await tagsOfVersion(ctx, bucket, key, info, { always: true });
  return { status: 200, headers: versionHeaders(info.versionId), xml: taggingDocument(tags) };
}

export async function putObjectTagging(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const body = await readXmlBody(ctx, MAX_TAGGING_BODY_BYTES);
  checkContentMd5(ctx.req.headers, body.md5Hex, { required: false });
  const tags = await parseTaggingDocument(body.bytes, 'object');
  requireTagAccess(ctx);
  const info = await targetVersion(ctx, bucket, key);
  await setTags(ctx, bucket, key, info, tags);
  return { status: 200, headers: versionHeaders(info.versionId) };
}

export async function deleteObjectTagging(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  requireTagAccess(ctx);
  const info = await targetVersion(ctx, bucket, key);
  await setTags(ctx, bucket, key, info, new Map());
  return { status: 204, headers: versionHeaders(info.versionId) };
}

/** Gives the version `info` describes this tag set (empty: no tags). */
async function setTags(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, tags: TagSet): Promise<void> {
  const ref = info.reserved[TAG_REF_ITEM];
  const binding = ref ?? realVersionId(info);
  if (binding !== undefined) {
    const name = recordName(key, binding);
    // Nothing to undo: no record, and nothing written with the version.
    if (tags.size === 0 && writtenTags(info).size === 0 && !(await readTagRecord(ctx, bucket, name))) return;
    await markTagRecords(ctx, bucket);
    await writeTagRecord(ctx, bucket, name, tags);
    return;
  }
  // An unversioned object (or a null version): its own items change, with a POST.
  if (tags.size === 0 && writtenTags(info).size === 0) return;
  const items = withoutTagItems(info.reserved);
  const encoded = encodeTagQuery(tags);
  if (tags.size > 0 && tagsFitOnObject(encoded, info.userMetadata, items, await ctx.store.limits())) {
    items[TAGS_ITEM] = encoded;
  } else if (tags.size > 0) {
    // Too large for the object: a record, written before the POST that binds the object to it.
    const fresh = newTagRef();
    await markTagRecords(ctx, bucket);
    await writeTagRecord(ctx, bucket, recordName(key, fresh), tags);
    items[TAG_REF_ITEM] = fresh;
  }
  await rewrite(ctx, bucket, key, info, items);
}

async function rewrite(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, items: Record<string, string>): Promise<void> {
  // Object lock items that do not verify would not survive the rewrite (only verified items are re-sealed).
  if (hasUnverifiedLock(info)) throw s3Error('AccessDenied', {}, 'Access Denied: the object lock state of this version cannot be verified, so its metadata is not rewritten.');
  // So would encryption items that do not verify: the object would then read as plaintext (its ciphertext served as such).
  if (storedEncryption(info).kind === 'unverifiable') throw s3Error('AccessDenied', {}, 'Access Denied: the encryption metadata of this object cannot be verified, so its metadata is not rewritten.');
  const rewritten = await ctx.store.rewriteReserved(bucket, key, info, items);
  if (rewritten === 'gone') throw s3Error('NoSuchKey', { Key: key });
  if (rewritten === 'changed') {
    // Swift quirk: a POST reaches only the current version; a null version behind newer ones cannot be changed.
    if (ctx.req.query.get('versionId') !== undefined) throw s3Error('InvalidRequest', {}, 'This gateway can change the tags of the null version of an object only while it is the current version.');
    throw s3Error('OperationAborted', { Key: key }, 'The object changed while its tags were being set; please retry.');
  }
}
