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
import { ownedSegments, segmentsContainer } from './segments.js';
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

/**
 * Which entries can go in bulk: plain keys (no VersionId, no ETag condition)
 * of a bucket that never had versioning (there a DELETE writes a delete
 * marker whose version S3 must name, which a bulk report does not say), when
 * the proxy has the bulk middleware. Their indexes in `entries`.
 */
export async function bulkDeletable(ctx: OperationContext, bucket: ContainerInfo, entries: readonly BulkEntry[]): Promise<number[]> {
  if (bucket.versioning !== undefined || (await ctx.store.limits()).bulkDeleteMax === 0) return [];
  const ok: number[] = [];
  entries.forEach((e, i) => {
    if (e.versionId === undefined && e.etag === undefined && Buffer.byteLength(e.key) <= ctx.limits.maxKeyBytes) ok.push(i);
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
 * object owns are read (manifests, a few at a time), then the objects go in
 * one request (the manifest first, so an object never reads as broken), then
 * the segments of those that went. One outcome per entry, in order.
 */
export async function deleteInBulk(ctx: OperationContext, bucket: string, entries: readonly BulkEntry[]): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = entries.map((entry) => ({ entry }));
  const segments: string[][] = entries.map(() => []);
  await forEachConcurrently(entries.map((_, i) => i), MANIFEST_CONCURRENCY, async (i) => {
    try {
      segments[i] = await ownedSegments(ctx, bucket, entries[i]!.key);
    } catch (err) {
      outcomes[i] = { entry: entries[i]!, error: keyError(err) };
    }
  });
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
    const lost = await ctx.store.bulkDelete(names.map((object) => ({ container: segmentsContainer(bucket), object })));
    // A segment that would not go is that key's failure, as for DeleteObject.
    for (const [n, status] of lost) {
      const i = owners[n]!;
      outcomes[i] = { entry: entries[i]!, error: keyError(new SwiftError(status, 'DELETE', segmentsContainer(bucket), names[n])) };
    }
  }
  return outcomes;
}
