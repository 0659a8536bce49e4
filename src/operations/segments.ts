// Segments of multipart objects: finding the ones an object owns, deleting them,
// and knowing cheaply whether a bucket has any (so plain PUTs and DELETEs need
// no extra Swift call in buckets that never saw a multipart upload).
import { LRUCache } from 'lru-cache';
import type { SwiftSession } from '../swift/client.js';
import { discard, readText } from '../swift/client.js';
import { segmentsContainer } from './multipart-layout.js';
import { readJsonListing, type SwiftObjectRow } from './swift-listing.js';

// Positive answers can be kept a while (a segments container is rarely deleted);
// negative ones only briefly, since another gateway may start an upload any time.
const POSITIVE_MS = 60_000;
const NEGATIVE_MS = 2_000;
const known = new LRUCache<string, boolean>({ max: 10_000, ttl: POSITIVE_MS });

async function cacheKey(swift: SwiftSession, bucket: string): Promise<string> {
  return `${(await swift.account()).storageUrl}\n${bucket}`;
}

export async function markSegmentsContainer(swift: SwiftSession, bucket: string, exists: boolean): Promise<void> {
  known.set(await cacheKey(swift, bucket), exists, { ttl: exists ? POSITIVE_MS : NEGATIVE_MS });
}

/** Whether `<bucket>+segments` exists (cached as above). */
export async function hasSegmentsContainer(swift: SwiftSession, bucket: string): Promise<boolean> {
  const key = await cacheKey(swift, bucket);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const res = await swift.call({ method: 'HEAD', container: segmentsContainer(bucket) });
  await discard(res);
  const exists = res.status >= 200 && res.status < 300;
  known.set(key, exists, { ttl: exists ? POSITIVE_MS : NEGATIVE_MS });
  return exists;
}

/** Swift marks SLO manifests with `X-Static-Large-Object: True`. */
export function isSlo(headers: Readonly<Record<string, string>>): boolean {
  return headers['x-static-large-object']?.toLowerCase() === 'true';
}

/**
 * The segments in `<bucket>+segments` that the object at bucket/key references,
 * if it is an SLO manifest (empty otherwise): what must go when it is replaced.
 */
export async function ownedSegments(swift: SwiftSession, bucket: string, key: string): Promise<string[]> {
  if (!(await hasSegmentsContainer(swift, bucket))) return [];
  const res = await swift.call({ method: 'GET', container: bucket, object: key, query: { 'multipart-manifest': 'get', format: 'raw' } });
  if (res.status !== 200 || !isSlo(res.headers)) {
    await discard(res);
    return [];
  }
  const manifest = JSON.parse(await readText(res)) as { path?: string; name?: string }[];
  const prefix = `/${segmentsContainer(bucket)}/`;
  return manifest
    .map((entry) => entry.path ?? entry.name ?? '')
    .filter((path) => path.startsWith(prefix))
    .map((path) => path.slice(prefix.length));
}

/** Deletes segments, a few at a time; a segment already gone is fine. */
export async function deleteSegments(swift: SwiftSession, bucket: string, names: readonly string[]): Promise<void> {
  const container = segmentsContainer(bucket);
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const res = await swift.call({ method: 'DELETE', container, object: name });
      await discard(res);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
}

/** Pages of the segments container's listing under a prefix, after a marker (none when it does not exist). */
export async function* segmentPages(swift: SwiftSession, bucket: string, prefix: string, after?: string): AsyncGenerator<SwiftObjectRow[]> {
  let marker = after || undefined;
  for (;;) {
    const res = await swift.call({ method: 'GET', container: segmentsContainer(bucket), query: { format: 'json', prefix: prefix || undefined, marker } });
    if (res.status === 404) {
      await discard(res);
      return;
    }
    const page = await readJsonListing<SwiftObjectRow>(res);
    if (page.length === 0) return;
    yield page;
    marker = page[page.length - 1]!.name;
  }
}

/** Every object in the segments container under a prefix (one upload's parts: at most 10,000). */
export async function listSegments(swift: SwiftSession, bucket: string, prefix: string): Promise<SwiftObjectRow[]> {
  const rows: SwiftObjectRow[] = [];
  for await (const page of segmentPages(swift, bucket, prefix)) rows.push(...page);
  return rows;
}
