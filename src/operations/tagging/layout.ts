// Where tags live that do not fit on the object, and bucket tags: the
// bucket's hidden `<bucket>+tags` container (bucket names cannot hold `+`, so
// no bucket is ever named so). See README, Tagging.
//   <bucket>+tags/<sha256 of the key>/<binding>   one object's tag set (records.ts)
//   <bucket>+tags/bucket-tagging                  the bucket's own tag set
// A binding names one write of the key, never another: the version id Swift
// gave it, or a random write id sealed into the object's own metadata
// (TAG_REF), which an overwrite or a copy does not carry.
import { createHash, randomBytes } from 'node:crypto';

export const TAGS_SUFFIX = '+tags';
export const tagsContainer = (bucket: string): string => bucket + TAGS_SUFFIX;

/** The bucket's tag set (no slash: never an object record's name). */
export const BUCKET_TAGS_RECORD = 'bucket-tagging';

/** Reserved item (X-Object-Meta-S3gw-Tags): a small tag set kept on the object itself, URL-query encoded. */
export const TAGS_ITEM = 'tags';
/** Reserved item (X-Object-Meta-S3gw-Tag-Ref): the write id that binds the object to its record. */
export const TAG_REF_ITEM = 'tag-ref';
/** Reserved container item (X-Container-Meta-S3gw-Tag-Records): some object record may exist in `+tags`. */
export const TAG_RECORDS_FLAG = 'tag-records';

/** The common prefix of all records of a key. */
export const keyPrefix = (key: string): string => `${createHash('sha256').update(key, 'utf8').digest('hex')}/`;

export const recordName = (key: string, binding: string): string => keyPrefix(key) + binding;

/** A new write id: 128 random bits, URL-safe. */
export const newTagRef = (): string => randomBytes(16).toString('base64url');
