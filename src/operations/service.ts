// ListBuckets: GET / → GET account ?format=json, paged past Swift's listing limit.
import { listAllMyBucketsResult, type BucketEntry } from '../s3/documents.js';
import type { S3Result } from '../s3/result.js';
import type { OperationContext } from './context.js';
import { SEGMENTS_SUFFIX } from './names.js';
import { swiftFailure } from './swift-errors.js';
import { readJsonListing, swiftIsoTimestamp, type SwiftContainerRow } from './swift-listing.js';

export async function listBuckets(ctx: OperationContext): Promise<S3Result> {
  // Swift answers at most account_listing_limit names per call; a shorter page is the last.
  const page = (await ctx.swift.limits()).accountListingLimit;
  const buckets: BucketEntry[] = [];
  let marker: string | undefined;
  for (;;) {
    const res = await ctx.swift.call({ method: 'GET', query: { format: 'json', limit: page, marker } });
    if (res.status !== 200 && res.status !== 204) throw await swiftFailure(res, {});
    const rows = await readJsonListing<SwiftContainerRow>(res);
    for (const row of rows) {
      // Multipart segments live in hidden `<bucket>+segments` containers.
      if (row.name.endsWith(SEGMENTS_SUFFIX)) continue;
      buckets.push({ name: row.name, creationDate: swiftIsoTimestamp(row.last_modified) });
    }
    if (rows.length < page) break;
    marker = rows[rows.length - 1]!.name;
  }
  const account = await ctx.swift.account();
  return { status: 200, xml: listAllMyBucketsResult({ id: account.projectId, displayName: account.userName }, buckets) };
}
