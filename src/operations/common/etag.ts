// The ETag S3 clients know for an object: the plain MD5, or for a multipart
// object its S3 multipart ETag (`<md5>-<parts>`), wherever that is kept.
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { listingEtag } from './listing-rows.js';
import { quoteEtag } from './object-headers.js';

/** Whether an If-Match / If-None-Match list names this ETag (`*` names any). */
export function etagListMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return list.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/"/g, '')).some((t) => t === '*' || t === bare);
}

/**
 * The quoted S3 ETag of an object. The gateway's own multipart objects carry
 * it (sealed), and so do its SSE-S3 objects (the plaintext's MD5: Swift's is
 * the ciphertext's); Swift s3api's show it only in the container listing (as
 * `; s3_etag=`), so those cost one listing call.
 */
export async function s3EtagOf(ctx: OperationContext, bucket: string, key: string, info: ObjectInfo): Promise<string> {
  const plain = quoteEtag(info.etag) ?? '""';
  if (info.storedEtag) return `"${info.storedEtag}"`;
  if (!info.isManifest) return plain;
  const row = (await ctx.store.listObjects(bucket, { prefix: key, limit: 1 }))[0];
  return row?.name === key ? listingEtag(row.hash, row.content_type, (r) => ctx.store.storedEtagOfRow(bucket, r), row) : plain;
}
