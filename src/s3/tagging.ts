// S3 tag sets: the Tagging document (PutObjectTagging, PutBucketTagging and
// their Get answers), the x-amz-tagging header's URL-query form (PutObject,
// CopyObject, CreateMultipartUpload), and S3's rules for a tag set.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (x-amz-tagging)
import { s3Error } from './errors.js';
import type { XmlBody } from './result.js';
import { parseXml } from './xml.js';

/** A tag set in the order it was given; keys are unique. */
export type TagSet = ReadonlyMap<string, string>;

export type TagTarget = 'object' | 'bucket';

/** S3's limits: 10 tags per object, 50 per bucket; keys 1–128 and values 0–256 Unicode characters. */
export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;
/** A Tagging document of 50 tags at their longest, escaped, is well under this. */
export const MAX_TAGGING_BODY_BYTES = 256 * 1024;

/**
 * The characters AWS allows in tags: "letters, numbers, and spaces
 * representable in UTF-8, and the following characters: + - = . _ : / @"
 * (Tagging best practices; S3 answers InvalidTag for others).
 */
const TAG_CHARACTERS = /^[\p{L}\p{M}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Unicode characters (code points), as S3 counts a tag's length, not UTF-16 units or bytes. */
const chars = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

const invalidTag = (message: string) => s3Error('InvalidTag', {}, message);

/** S3's checks of a tag set, in the order S3 reports them: the count, then each tag. */
export function checkTagSet(tags: readonly (readonly [string, string])[], target: TagTarget): TagSet {
  const max = target === 'object' ? MAX_OBJECT_TAGS : MAX_BUCKET_TAGS;
  if (tags.length > max) {
    throw s3Error('BadRequest', {}, target === 'object' ? `Object tags cannot be greater than ${max}` : `Bucket tag count cannot be greater than ${max}`);
  }
  const out = new Map<string, string>();
  for (const [key, value] of tags) {
    if (chars(key) > MAX_TAG_KEY_CHARS) throw invalidTag(`The TagKey you have provided is too long, max ${MAX_TAG_KEY_CHARS}`);
    if (chars(value) > MAX_TAG_VALUE_CHARS) throw invalidTag(`The TagValue you have provided is too long, max ${MAX_TAG_VALUE_CHARS}`);
    if (key === '' || !TAG_CHARACTERS.test(key)) throw invalidTag('The TagKey you have provided is invalid');
    if (!TAG_CHARACTERS.test(value)) throw invalidTag('The TagValue you have provided is invalid');
    // S3 reserves the aws: prefix for tags it sets itself.
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:');
    if (out.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    out.set(key, value);
  }
  return out;
}

const HEADER_ERROR = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

/** One component of the header: percent-decoded as UTF-8 (`+` is a space, as in a form); undefined when it is not. */
function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The tags of an x-amz-tagging header (`k1=v1&k2=v2`, URL-query encoded).
 * An empty header is no tags. Duplicate keys and text that is not
 * percent-encoded UTF-8 are InvalidArgument, as S3 answers them; the rest is
 * checkTagSet's.
 */
export function parseTaggingHeader(value: string): TagSet {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const part of value.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const val = decodeComponent(eq < 0 ? '' : part.slice(eq + 1));
    if (key === undefined || val === undefined || seen.has(key)) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-tagging', ArgumentValue: value }, HEADER_ERROR);
    seen.add(key);
    pairs.push([key, val]);
  }
  return checkTagSet(pairs, 'object');
}

/** The URL-query form of a tag set (x-amz-tagging's form; also how the gateway stores small sets): ASCII only. */
export function encodeTagQuery(tags: TagSet): string {
  return [...tags].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** encodeTagQuery's text back (no checks: the gateway wrote it). */
export function decodeTagQuery(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : part.slice(eq + 1));
    if (key !== undefined && value !== undefined) out.set(key, value);
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The tag set of a Tagging document (a PutObjectTagging / PutBucketTagging
 * body, or a browser upload's `tagging` field). MalformedXML for a document
 * that is not one; S3's tag rules after that.
 */
export async function parseTaggingDocument(body: Buffer | string, target: TagTarget): Promise<TagSet> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['Tagging.TagSet.Tag'], 1_000);
  } catch {
    throw s3Error('MalformedXML');
  }
  const tagging = doc['Tagging'];
  if (!isRecord(tagging) || !('TagSet' in tagging)) throw s3Error('MalformedXML');
  const set = tagging['TagSet'];
  // `<TagSet/>` (or `<TagSet></TagSet>`): no tags.
  if (set === '') return checkTagSet([], target);
  if (!isRecord(set)) throw s3Error('MalformedXML');
  const raw = set['Tag'];
  const list = raw === undefined ? [] : (raw as unknown[]);
  const pairs = list.map((tag): [string, string] => {
    if (!isRecord(tag) || typeof tag['Key'] !== 'string' || typeof tag['Value'] !== 'string') throw s3Error('MalformedXML');
    return [tag['Key'], tag['Value']];
  });
  return checkTagSet(pairs, target);
}

/** The GetObjectTagging / GetBucketTagging answer. */
export function taggingDocument(tags: TagSet): XmlBody {
  return { root: 'Tagging', doc: { TagSet: { Tag: [...tags].map(([Key, Value]) => ({ Key, Value })) } } };
}
