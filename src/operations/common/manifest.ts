// Multipart objects of more parts than the cluster's max_manifest_segments
// (1000 by default; S3 allows 10,000): the object is an SLO of SLOs, each
// sub-manifest in `<bucket>+segments` under `<key>/<uploadId>/slo/<i>` naming
// up to max_manifest_segments parts. Swift follows nested manifests itself
// (up to 10 levels, slo.py), so GETs and ranges need nothing; what reads a
// manifest's parts (partNumber reads, GetObjectAttributes, removing an
// object's segments) reads through the sub-manifests here.
// https://docs.openstack.org/swift/latest/overview_large_objects.html
import type { ManifestSegment, ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';

/**
 * The sealed item of a manifest the gateway wrote for a single PUT
 * (object/staged-put.ts): one segment, and to S3 a plain object (its MD5
 * ETag, no parts), whatever Swift says of it.
 */
export const STAGED_PUT_ITEM = 'staged-put';

/** Whether an object is a single PUT the gateway staged: a plain object to S3. */
export const isStagedPut = (info: Pick<ObjectInfo, 'isManifest' | 'reserved'>): boolean => info.isManifest && info.reserved[STAGED_PUT_ITEM] !== undefined;

/** The name of a sub-manifest of an upload: not a part name (`/<digits>` after the upload id) and never listed as an upload. */
export const subManifestName = (key: string, uploadId: string, index: number): string => `${key}/${uploadId}/slo/${index}`;

/** Whether a name under an upload's prefix is one of its sub-manifests (`slo/<i>`). */
export const isSubManifestRest = (rest: string): boolean => /^slo\/[0-9]+$/.test(rest);

/** `/container/object` of a manifest entry, split. */
export function entryPath(entry: ManifestSegment): { container: string; object: string } | undefined {
  const path = entry.path ?? entry.name ?? '';
  const at = path.indexOf('/', 1);
  return at < 0 ? undefined : { container: path.slice(1, at), object: path.slice(at + 1) };
}

export interface ObjectManifest {
  /** Every part, in order, with sub-manifests read through. */
  readonly parts: ManifestSegment[];
  /** The sub-manifests the object's manifest names (none for a flat one). */
  readonly subManifests: ManifestSegment[];
}

/**
 * The parts of a multipart object, read through one level of sub-manifests
 * (what CompleteMultipartUpload writes); 'plain' for any other object,
 * 'missing' for none.
 */
export async function objectManifest(
  ctx: OperationContext, bucket: string, key: string, opts: { versionId?: string; symlink?: boolean } = {},
): Promise<ObjectManifest | 'plain' | 'missing'> {
  const top = await ctx.store.manifestOf(bucket, key, { ...opts, detailed: true });
  if (top === 'plain' || top === 'missing') return top;
  if (!top.some((entry) => entry.sub_slo)) return { parts: top, subManifests: [] };
  const parts: ManifestSegment[] = [];
  const subManifests: ManifestSegment[] = [];
  for (const entry of top) {
    const at = entry.sub_slo ? entryPath(entry) : undefined;
    if (!at) {
      parts.push(entry);
      continue;
    }
    subManifests.push(entry);
    const inner = await ctx.store.manifestOf(at.container, at.object, { detailed: true });
    if (inner === 'plain' || inner === 'missing') parts.push(entry);
    else parts.push(...inner);
  }
  return { parts, subManifests };
}

/** Splits a part list into manifests of at most `max` entries each: one (flat) when it fits. */
export function manifestGroups<T>(parts: readonly T[], max: number): T[][] {
  if (parts.length <= max) return [parts.slice()];
  const groups: T[][] = [];
  for (let i = 0; i < parts.length; i += max) groups.push(parts.slice(i, i + max));
  return groups;
}
