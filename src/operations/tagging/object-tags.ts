// An object's tag set, wherever it is kept (README, Tagging):
// - tags given with the write (x-amz-tagging) that fit are sealed reserved
//   items of the object itself (TAGS_ITEM), so GetObject and HeadObject know
//   its x-amz-tagging-count from the HEAD or GET Swift already does;
// - a larger set, and every set PutObjectTagging or DeleteObjectTagging puts
//   later, is a record in `<bucket>+tags` (records.ts), bound to exactly one
//   write: by the write id sealed on the object (TAG_REF_ITEM) when it has
//   one, else by its Swift version id. A record supersedes the object's own items.
// Swift quirk: a version's own metadata cannot change once written (an object
// POST cannot name a version, and replaces all metadata of whatever version is
// current), so a change to a version's tags cannot go on the version itself.
// Records bound to a version id are looked for only in buckets whose container
// says some exist (TAG_RECORDS_FLAG, read with the bucket's lock configuration
// and cached with it: lock/bucket-config.ts), so buckets that never had a
// record pay no Swift call for tags on any read.
import { s3Error } from '../../s3/errors.js';
import { decodeTagQuery } from '../../s3/tagging.js';
import { SwiftError } from '../../swift/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { bucketLock } from '../lock/bucket-config.js';
import { TAGS_ITEM, TAG_REF_ITEM, recordName } from './layout.js';
import { readTagRecord } from './records.js';

/** Swift's version id when it names one write ('null' and no version do not: the next write of the key reuses them). */
export const realVersionId = (info: ObjectInfo): string | undefined => (info.versionId !== undefined && info.versionId !== 'null' ? info.versionId : undefined);

/** The tags the write itself carries (its sealed TAGS_ITEM). */
export function writtenTags(info: ObjectInfo): Map<string, string> {
  const text = info.reserved[TAGS_ITEM];
  return text === undefined ? new Map() : decodeTagQuery(text);
}

/**
 * Whether records bound to version ids may exist in the bucket: its flag,
 * cached. A bucket whose container the requester may not HEAD (another
 * project's, shared by ACL) is looked in.
 */
export async function mayHaveVersionRecords(ctx: OperationContext, bucket: string): Promise<boolean> {
  try {
    return (await bucketLock(ctx, bucket)).tagRecords === true;
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return true;
    throw err;
  }
}

/**
 * The tags of the version `info` describes. `always`: look for a record
 * bound to its version id whatever the bucket's (cached) flag says: for
 * GetObjectTagging, which must see a change made through another gateway
 * at once; reads of the object itself (its tag count) trust the flag.
 */
export async function tagsOfVersion(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo, opts: { always?: boolean } = {}): Promise<Map<string, string>> {
  const ref = info.reserved[TAG_REF_ITEM];
  let binding = ref;
  if (binding === undefined) {
    const version = realVersionId(info);
    if (version !== undefined && (opts.always || (await mayHaveVersionRecords(ctx, bucket)))) binding = version;
  }
  if (binding !== undefined) {
    const record = await readTagRecord(ctx, bucket, recordName(key, binding));
    if (record) return record;
  }
  return writtenTags(info);
}

/**
 * An object's tags (for lifecycle's Tag filters, and any other reader):
 * `info` is the object's HEAD when the caller has it (it then costs no call
 * unless a record may exist). NoSuchKey / NoSuchVersion when it is not there.
 */
export async function readObjectTags(ctx: OperationContext, bucket: string, key: string, versionId?: string, info?: ObjectInfo): Promise<ReadonlyMap<string, string>> {
  const found = info ?? (await ctx.store.findObject(bucket, key, { versionId }));
  if (!found) throw versionId === undefined ? s3Error('NoSuchKey', { Key: key }) : s3Error('NoSuchVersion', { Key: key, VersionId: versionId });
  return tagsOfVersion(ctx, bucket, key, found);
}

/** x-amz-tagging-count of GetObject / HeadObject: only for an object that has tags, as S3 answers. */
export async function taggingCountHeader(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo): Promise<Record<string, string>> {
  const tags = await tagsOfVersion(ctx, bucket, key, info);
  return tags.size > 0 ? { 'x-amz-tagging-count': String(tags.size) } : {};
}
