// Tag sets kept beside the objects (and the bucket) they belong to, in the
// bucket's hidden `<bucket>+tags` container (layout.ts): one small JSON object
// per set. Anyone who may write the project's containers through the Swift
// API can write there too, so each record carries the SHA-256 of its body as
// a sealed reserved item (bound to the record's name and size: see
// swift/sealed-state.ts); a record whose body does not match is not the
// gateway's and reads as absent.
import { createHash } from 'node:crypto';
import { MAX_TAGGING_BODY_BYTES, type TagSet } from '../../s3/tagging.js';
import { SwiftError } from '../../swift/errors.js';
import { SwiftStore } from '../../swift/store.js';
import { readSmallBody } from '../common/body.js';
import type { OperationContext } from '../context.js';
import { putCreatingContainer } from '../common/record-container.js';
import { keyPrefix, tagsContainer } from './layout.js';

/** Reserved item of a record: the SHA-256 (hex) of its body. */
const DIGEST_ITEM = 'tags-sha256';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function encodeRecordBody(tags: TagSet): Buffer {
  return Buffer.from(JSON.stringify([...tags]), 'utf8');
}

/** A record's body back as tags; undefined when it is not one the gateway wrote. */
export function decodeRecordBody(bytes: Buffer): Map<string, string> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc)) return undefined;
  const out = new Map<string, string>();
  for (const pair of doc) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return undefined;
    out.set(pair[0], pair[1]);
  }
  return out;
}

/** The tag set a record holds; undefined when there is none (or it does not verify). */
export async function readTagRecord(ctx: OperationContext, bucket: string, name: string): Promise<Map<string, string> | undefined> {
  const read = await ctx.store.readObject(tagsContainer(bucket), name, 'GET').catch((err: unknown) => {
    // No `+tags` container yet answers 404 like a missing record (undefined above); a refusal
    // to read it (another project's bucket whose owner did not share it) is no record either.
    if (err instanceof SwiftError && err.status === 403) return undefined;
    throw err;
  });
  if (!read) return undefined;
  let bytes: Buffer;
  try {
    bytes = await readSmallBody(read.body!, MAX_TAGGING_BODY_BYTES);
  } catch (err) {
    SwiftStore.releaseBody(read);
    throw err;
  }
  if (read.info.reserved[DIGEST_ITEM] !== sha256(bytes)) return undefined;
  return decodeRecordBody(bytes);
}

/** Writes a record (the container is made on first use). */
export async function writeTagRecord(ctx: OperationContext, bucket: string, name: string, tags: TagSet): Promise<void> {
  const container = tagsContainer(bucket);
  const body = encodeRecordBody(tags);
  const put = () => ctx.store.putObject(container, name, { body, length: body.length, headers: { 'content-type': 'application/json' }, reserved: { [DIGEST_ITEM]: sha256(body) } });
  await putCreatingContainer(ctx, bucket, container, put);
}

/** Removes records; one already gone (or no container) is fine. */
export async function deleteTagRecords(ctx: OperationContext, bucket: string, names: readonly string[]): Promise<void> {
  if (names.length > 0) await ctx.store.deleteObjects(tagsContainer(bucket), names);
}

/** The names of every record of a key. */
export async function keyRecords(ctx: OperationContext, bucket: string, key: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of ctx.store.listPages(tagsContainer(bucket), { prefix: keyPrefix(key) }, { missingOk: true })) names.push(...page.map((row) => row.name!));
  return names;
}

/** With the bucket deleted: its `+tags` container and whatever is in it. */
export async function deleteTagsContainer(ctx: OperationContext, bucket: string): Promise<void> {
  const container = tagsContainer(bucket);
  for await (const page of ctx.store.listPages(container, {}, { missingOk: true })) {
    await ctx.store.deleteObjects(container, page.map((row) => row.name!));
  }
  if (await ctx.store.containerExists(container)) await ctx.store.deleteContainer(container);
}
