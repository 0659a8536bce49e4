// Tags given with a new write: x-amz-tagging on PutObject, CopyObject
// (x-amz-tagging-directive REPLACE) and CreateMultipartUpload, a browser
// upload's `tagging` field. They become reserved items of the write itself:
// the set (URL-query encoded) when it fits beside the write's user metadata
// and other items within Swift's per-object limits, else a write id whose
// record is written first, so the object never names a record that is not there.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
import { s3Error } from '../../s3/errors.js';
import { encodeTagQuery, parseTaggingDocument, parseTaggingHeader, type TagSet } from '../../s3/tagging.js';
import { SwiftError } from '../../swift/errors.js';
import type { Reserved } from '../../swift/sealed-state.js';
import type { SwiftLimits } from '../../swift/info.js';
import { RESERVED_META_HEADROOM } from '../common/metadata-limits.js';
import { RESERVED_META_PREFIX, SWIFT_OBJECT_META_PREFIX } from '../common/metadata.js';
import type { OperationContext } from '../context.js';
import { bucketLock, rememberBucketLock } from '../lock/bucket-config.js';
import { TAGS_ITEM, TAG_RECORDS_FLAG, TAG_REF_ITEM, newTagRef, recordName } from './layout.js';
import { writeTagRecord } from './records.js';

/**
 * Bytes kept free on an object after its tags, for items a later change adds
 * (an object ACL's grants through PutObjectAcl, which re-sends every item).
 */
const LATER_ITEMS_BYTES = 512;

const bytes = (text: string): number => Buffer.byteLength(text, 'latin1');

/**
 * The tags a write asks for, undefined when it names none. A browser upload's
 * `tagging` field is a Tagging document (RESTObjectPOST); the header is URL-query encoded.
 */
export async function requestedTags(ctx: OperationContext): Promise<TagSet | undefined> {
  const value = ctx.req.headers['x-amz-tagging'];
  if (value === undefined) return undefined;
  return ctx.postForm ? parseTaggingDocument(value, 'object') : parseTaggingHeader(value);
}

export type TaggingDirective = 'COPY' | 'REPLACE';

export function parseTaggingDirective(value: string | undefined): TaggingDirective {
  if (value === undefined || value === 'COPY') return 'COPY';
  if (value === 'REPLACE') return 'REPLACE';
  throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-tagging-directive', ArgumentValue: value }, 'Unknown tag directive.');
}

/**
 * Whether a tag item of `encoded` fits on an object beside `userMetadata`
 * (Swift's X-Object-Meta-* headers) and `reserved` (its other items), the
 * gateway's headroom (metadata-limits.ts) and LATER_ITEMS_BYTES counted in.
 */
export function tagsFitOnObject(encoded: string, userMetadata: Readonly<Record<string, string | undefined>>, reserved: Reserved, limits: Pick<SwiftLimits, 'maxMetaCount' | 'maxMetaValueLength' | 'maxMetaOverallSize'>): boolean {
  if (bytes(encoded) > limits.maxMetaValueLength) return false;
  let size = RESERVED_META_HEADROOM.bytes + LATER_ITEMS_BYTES + bytes(RESERVED_META_PREFIX + TAGS_ITEM) + bytes(encoded);
  let count = RESERVED_META_HEADROOM.items + 1;
  for (const [header, value] of Object.entries(userMetadata)) {
    if (value === undefined || !header.startsWith(SWIFT_OBJECT_META_PREFIX) || header.startsWith(SWIFT_OBJECT_META_PREFIX + RESERVED_META_PREFIX)) continue;
    size += bytes(header.slice(SWIFT_OBJECT_META_PREFIX.length)) + bytes(value);
    count++;
  }
  for (const [name, value] of Object.entries(reserved)) {
    if (name === TAGS_ITEM || name === TAG_REF_ITEM) continue;
    size += bytes(RESERVED_META_PREFIX + name) + bytes(value);
    count++;
  }
  return size <= limits.maxMetaOverallSize && count <= limits.maxMetaCount;
}

/**
 * Marks the bucket as one where records may exist (its container flag, and
 * this replica's cache at once), so reads of versioned objects look for them
 * and unversioned deletes clean them up.
 */
export async function markTagRecords(ctx: OperationContext, bucket: string): Promise<void> {
  const lock = await bucketLock(ctx, bucket);
  if (lock.tagRecords) return;
  await ctx.store.setContainerReserved(bucket, { [TAG_RECORDS_FLAG]: '1' }).catch((err: unknown) => {
    // The container's 404 is the bucket's, whatever the operation's own table says of a 404.
    throw err instanceof SwiftError && err.status === 404 ? s3Error('NoSuchBucket', { BucketName: bucket }, undefined, err) : err;
  });
  await rememberBucketLock(ctx, bucket, { ...lock, tagRecords: true });
}

/**
 * The reserved items that give a new write of bucket/key its tags (none for
 * none): the set itself when it fits beside the write's user metadata
 * (`userMetadata`, Swift headers) and other items (`reserved`); else a new
 * write id, its record written now.
 */
export async function tagItemsForWrite(ctx: OperationContext, bucket: string, key: string, tags: TagSet | undefined, userMetadata: Readonly<Record<string, string | undefined>>, reserved: Reserved): Promise<Record<string, string>> {
  if (tags === undefined || tags.size === 0) return {};
  const encoded = encodeTagQuery(tags);
  if (tagsFitOnObject(encoded, userMetadata, reserved, await ctx.store.limits())) return { [TAGS_ITEM]: encoded };
  const ref = newTagRef();
  await markTagRecords(ctx, bucket);
  await writeTagRecord(ctx, bucket, recordName(key, ref), tags);
  return { [TAG_REF_ITEM]: ref };
}

/** Only the tag items among an object's (or an upload marker's) reserved items. */
export function tagItemsOf(items: Reserved): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [TAGS_ITEM, TAG_REF_ITEM]) if (items[name] !== undefined) out[name] = items[name];
  return out;
}

/** An object's reserved items without its tag items. */
export function withoutTagItems(items: Reserved): Record<string, string> {
  const { [TAGS_ITEM]: _tags, [TAG_REF_ITEM]: _ref, ...rest } = items;
  return rest;
}
