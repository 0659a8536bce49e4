// Segments whose multipart object is gone: Swift's object expirer deletes an
// expired manifest (X-Delete-At) with a plain DELETE, which leaves its
// segments in `<bucket>+segments`. The lifecycle runner removes them after:
// cheaper than an X-Delete-At on every segment at CompleteMultipartUpload (a
// POST per part, up to 10,000), and it also catches segments a write that
// died midway left behind.
// An upload's names (multipart/layout.ts): `<key>/<uploadId>` its marker,
// `<key>/<uploadId>/<n>` its parts, `<key>/<uploadId>/slo/<n>` sub-manifests.
// A staged PUT (object/staged-put.ts) keeps its body as `<key>/<stage id>/1`,
// with no marker. Segments are orphans when their upload is not open (no
// marker), the object at the key does not reference them, and they are older
// than a grace period. In a versioned bucket every version of the key is read
// too: an older version (or the null version of before versioning) may still
// need them.
import type { OperationContext } from '../operations/context.js';
import { deleteSegments, manifestSegments, ownedSegments } from '../operations/common/segments.js';
import { isDeleteMarker, versionsOf } from '../operations/common/versions.js';
import { segmentsContainer } from '../operations/multipart/layout.js';
import type { ObjectRow } from '../swift/listing.js';

/** `2009-10-12T17:50:30.123456` (UTC, no zone) as milliseconds. */
export const listedTime = (row: ObjectRow): number => Date.parse(`${row.last_modified ?? ''}Z`);

/**
 * Segments written less than this long ago (by the real clock, whatever
 * --now says) are never taken for orphans: a staged PUT's segment has no
 * marker and is referenced only once its manifest is written, at the end of
 * an upload that may take hours.
 */
export const DEFAULT_SEGMENT_GRACE_SECONDS = 86_400;

interface Group {
  readonly prefix: string;
  readonly names: string[];
  newest: number;
}

/** `<key>/<uploadId>` of a part or sub-manifest name; undefined for a marker. */
function uploadPrefixOf(name: string): string | undefined {
  const part = /^(.+)\/(?:slo\/)?[0-9]+$/.exec(name);
  return part ? part[1] : undefined;
}

/** Whether any of `names` is a segment of the object at key, or (versioned) of any of its versions. */
async function inUse(ctx: OperationContext, bucket: string, key: string, names: readonly string[], versioned: boolean): Promise<boolean> {
  const named = (used: readonly string[]) => names.some((name) => used.includes(name));
  if (!versioned) return named(await ownedSegments(ctx, bucket, key));
  // The object itself (a null version's manifest, or the symlink to the current version), then each version.
  if (named(await manifestSegments(ctx, bucket, key, { symlink: true }))) return true;
  for await (const row of versionsOf(ctx, bucket, key)) {
    if (isDeleteMarker(row) || row.version_id === undefined) continue;
    if (named(await manifestSegments(ctx, bucket, key, { versionId: row.version_id }))) return true;
  }
  return false;
}

export async function sweepOrphans(
  ctx: OperationContext, bucket: string,
  opts: { graceSeconds: number; dryRun: boolean; versioned: boolean; report: (key: string, uploadId: string, count: number) => void },
  marker: string | undefined, save: (marker: string) => Promise<void>,
): Promise<void> {
  const markers = new Set<string>();
  const open = new Map<string, Group>();
  const settle = async (group: Group) => {
    open.delete(group.prefix);
    if (markers.has(group.prefix) || group.newest > Date.now() - opts.graceSeconds * 1000) return;
    const slash = group.prefix.lastIndexOf('/');
    const key = group.prefix.slice(0, slash);
    const uploadId = group.prefix.slice(slash + 1);
    // Asked of Swift too: the marker may have been listed before a resumed run's marker, or written since.
    if (await ctx.store.findObject(segmentsContainer(bucket), group.prefix)) return;
    // The object at the key uses them (a completed upload, or a staged PUT, whose segment has no marker).
    if (await inUse(ctx, bucket, key, group.names, opts.versioned)) return;
    opts.report(key, uploadId, group.names.length);
    if (!opts.dryRun) await deleteSegments(ctx, bucket, group.names);
  };
  for await (const page of ctx.store.listPages(segmentsContainer(bucket), { marker }, { missingOk: true })) {
    for (const row of page) {
      const name = row.name ?? '';
      // Sorted names: every name under `<prefix>/` sorts before `<prefix>0` ('/' + 1), so a group is complete once the listing passes that.
      for (const group of [...open.values()]) if (name >= `${group.prefix}0`) await settle(group);
      const prefix = uploadPrefixOf(name);
      if (prefix === undefined) {
        markers.add(name);
        continue;
      }
      const group = open.get(prefix) ?? { prefix, names: [], newest: 0 };
      group.names.push(name);
      group.newest = Math.max(group.newest, listedTime(row));
      open.set(prefix, group);
    }
    await save(page[page.length - 1]!.name!);
  }
  for (const group of [...open.values()]) await settle(group);
}
