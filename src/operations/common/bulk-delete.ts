// DeleteObjects through Swift's bulk middleware: one `?bulk-delete` request
// for the objects of up to 1000 keys instead of one DELETE each, then one for
// the segments of the multipart objects among them. The per-key answers are
// those DeleteObject gives: a key that was not there counts as deleted; a key
// Swift could not delete gets its error.
import { isS3Error, type S3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import type { ContainerInfo } from '../../swift/store.js';
import { forEachConcurrently } from '../../swift/pool.js';
import type { OperationContext } from '../context.js';
import { checkKey } from './names.js';
import { hasSegmentsContainer, ownedSegments, presentCompanions, segmentRef, segmentsContainer } from './segments.js';
import { OBJECT_TABLE, translate } from './swift-errors.js';

export interface BulkEntry {
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
}

export interface BulkOutcome {
  readonly entry: BulkEntry;
  readonly error?: S3Error;
}

/** Manifests read at once to find segments: as many as single deletes were made at once. */
const MANIFEST_CONCURRENCY = 8;
/** Pages of the segments container worth listing instead of reading every key's manifest (10,000 rows each). */
const MAX_SEGMENT_PAGES = 20;

/** A part (or abort note) `<key>/<upload>/<n>`; anything else is an upload marker (multipart/layout.ts isPartName). */
const isPartName = (name: string): boolean => /\/[0-9]+$/.test(name);

const commonPrefix = (keys: readonly string[]): string => {
  let prefix = keys[0] ?? '';
  for (const key of keys) while (!key.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
};

/**
 * The segments of the keys' multipart objects, from one listing of the
 * segments container (under the keys' common prefix) instead of a manifest
 * read per key. In a bucket without versioning a key's only manifest is its
 * current object, which names the parts `<key>/<upload>/<n>` of the upload
 * that completed it; an upload still open has its marker `<key>/<upload>`,
 * and a claim (`.claim.` ids) belongs to a conditional write in progress:
 * their names are left alone. Parts of completed uploads no object names
 * any more (left by a failed clean-up) go too, which is what they wait for.
 * Undefined when the listing would be long, or Swift will not list it (the
 * manifests are read then).
 */
async function segmentsByListing(ctx: OperationContext, bucket: string, keys: readonly string[]): Promise<Map<string, string[]> | undefined> {
  const found = new Map<string, string[]>();
  // Objects of another class keep their bytes in companion containers: only their manifests say where.
  if ((await presentCompanions(ctx, bucket)).length > 0) return undefined;
  if (!(await hasSegmentsContainer(ctx, bucket))) return found;
  const wanted = new Set(keys);
  const parts = new Map<string, string[]>();
  const open = new Set<string>();
  let pages = 0;
  try {
    for await (const page of ctx.store.listPages(segmentsContainer(bucket), { prefix: commonPrefix(keys) }, { missingOk: true })) {
      if (++pages > MAX_SEGMENT_PAGES) return undefined;
      for (const row of page) {
        const name = row.name!;
        const part = isPartName(name);
        const base = part ? name.slice(0, name.lastIndexOf('/')) : name;
        const slash = base.lastIndexOf('/');
        const key = base.slice(0, slash);
        const upload = base.slice(slash + 1);
        if (slash <= 0 || !wanted.has(key) || upload.startsWith('.claim.')) continue;
        if (!part) open.add(base);
        else parts.set(base, [...(parts.get(base) ?? []), name]);
      }
    }
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return undefined;
    throw err;
  }
  for (const [base, names] of parts) {
    if (open.has(base)) continue;
    const key = base.slice(0, base.lastIndexOf('/'));
    found.set(key, [...(found.get(key) ?? []), ...names]);
  }
  return found;
}

/**
 * Which entries can go in bulk: plain keys (no VersionId, no ETag condition)
 * of a bucket that never had versioning (there a DELETE writes a delete
 * marker whose version S3 must name, which a bulk report does not say; and
 * a bucket with Object Lock always has versioning), when
 * the proxy has the bulk middleware. Their indexes in `entries`.
 */
export async function bulkDeletable(ctx: OperationContext, bucket: { readonly versioning?: ContainerInfo['versioning'] }, entries: readonly BulkEntry[]): Promise<number[]> {
  if (bucket.versioning !== undefined || (await ctx.store.limits()).bulkDeleteMax === 0) return [];
  const ok: number[] = [];
  entries.forEach((e, i) => {
    if (e.versionId !== undefined || e.etag !== undefined) return;
    try {
      // A key S3 refuses (too long, not Unicode), or one the bucket policy
      // does not let this requester delete, gets its own error on the per-key path.
      checkKey(e.key, ctx.limits.maxKeyBytes);
      ctx.permitsKey?.(e.key, undefined);
      ok.push(i);
    } catch {
      // not in bulk
    }
  });
  return ok;
}

function keyError(err: unknown): S3Error {
  const s3err = translate(err, OBJECT_TABLE);
  if (isS3Error(s3err)) return s3err;
  throw err;
}

/**
 * Deletes the entries' objects in bulk: first the segments each multipart
 * object owns are found (one listing, or their manifests a few at a time), then the objects go in
 * one request (the manifest first, so an object never reads as broken), then
 * the segments of those that went. One outcome per entry, in order.
 */
export async function deleteInBulk(ctx: OperationContext, bucket: string, entries: readonly BulkEntry[]): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = entries.map((entry) => ({ entry }));
  const segments: string[][] = entries.map(() => []);
  const listed = await segmentsByListing(ctx, bucket, entries.map((e) => e.key));
  if (listed) {
    // A key named twice: its segments go once.
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      if (seen.has(e.key)) return;
      seen.add(e.key);
      segments[i] = listed.get(e.key) ?? [];
    });
  } else {
    await forEachConcurrently(entries.map((_, i) => i), MANIFEST_CONCURRENCY, async (i) => {
      try {
        segments[i] = await ownedSegments(ctx, bucket, entries[i]!.key);
      } catch (err) {
        outcomes[i] = { entry: entries[i]!, error: keyError(err) };
      }
    });
  }
  const go = entries.map((_, i) => i).filter((i) => outcomes[i]!.error === undefined);
  const failed = await ctx.store.bulkDelete(go.map((i) => ({ container: bucket, object: entries[i]!.key })));
  for (const [n, status] of failed) outcomes[go[n]!] = { entry: entries[go[n]!]!, error: keyError(new SwiftError(status, 'DELETE', bucket, entries[go[n]!]!.key)) };
  const owners: number[] = [];
  const names: string[] = [];
  for (const i of go) {
    if (outcomes[i]!.error !== undefined) continue;
    for (const name of segments[i]!) {
      owners.push(i);
      names.push(name);
    }
  }
  if (names.length > 0) {
    const refs = names.map((name) => segmentRef(bucket, name));
    const lost = await ctx.store.bulkDelete(refs);
    // A segment that would not go is that key's failure, as for DeleteObject.
    for (const [n, status] of lost) {
      const i = owners[n]!;
      outcomes[i] = { entry: entries[i]!, error: keyError(new SwiftError(status, 'DELETE', refs[n]!.container, refs[n]!.object)) };
    }
  }
  return outcomes;
}
