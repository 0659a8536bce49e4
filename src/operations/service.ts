// ListBuckets: GET / → the account's container listing, paged past Swift's listing limit.
import { listAllMyBucketsResult, type BucketEntry } from '../s3/documents.js';
import type { S3Result } from '../s3/result.js';
import { ownerOf } from './common/bucket.js';
import { SEGMENTS_SUFFIX } from './common/segments.js';
import type { OperationContext } from './context.js';
import { LOCKS_SUFFIX } from './lock/layout.js';
import { swiftIsoTimestamp } from './common/listing-rows.js';

export async function listBuckets(ctx: OperationContext): Promise<S3Result> {
  // Swift answers at most account_listing_limit names per call; a shorter page is the last.
  const limit = (await ctx.store.limits()).accountListingLimit;
  const buckets: BucketEntry[] = [];
  let marker: string | undefined;
  for (;;) {
    const rows = await ctx.store.listContainers({ limit, marker });
    for (const row of rows) {
      // Multipart segments and object lock records live in hidden `<bucket>+segments` / `+locks` containers.
      if (row.name.endsWith(SEGMENTS_SUFFIX) || row.name.endsWith(LOCKS_SUFFIX)) continue;
      buckets.push({ name: row.name, creationDate: swiftIsoTimestamp(row.last_modified) });
    }
    if (rows.length < limit) break;
    marker = rows[rows.length - 1]!.name;
  }
  return { status: 200, xml: listAllMyBucketsResult(await ownerOf(ctx), buckets) };
}
