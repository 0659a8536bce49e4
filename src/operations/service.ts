// ListBuckets: GET / → the account's container listing, paged past Swift's
// listing limit, with S3's max-buckets, continuation-token, prefix and
// bucket-region. https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
import { listAllMyBucketsResult, type BucketEntry } from '../s3/documents.js';
import { s3Error } from '../s3/errors.js';
import type { S3Result } from '../s3/result.js';
import { ownerOf } from './common/bucket.js';
import { SEGMENTS_SUFFIX } from './common/segments.js';
import type { OperationContext } from './context.js';
import { LOCKS_SUFFIX } from './lock/layout.js';
import { TAGS_SUFFIX } from './tagging/layout.js';
import { swiftIsoTimestamp } from './common/listing-rows.js';

/** S3's largest page; also its page size when a paging parameter comes without max-buckets. */
export const MAX_BUCKETS = 10_000;

export interface ListBucketsParams {
  /** Undefined: every bucket in one answer (no paging parameter was given). */
  readonly maxBuckets?: number;
  readonly prefix?: string;
  /** The last bucket name of the previous page. */
  readonly after?: string;
  readonly region?: string;
}

/** The query of a ListBuckets; a max-buckets outside 1..10000 or a token that is not one of ours is InvalidArgument. */
export function parseListBucketsParams(query: ReadonlyMap<string, string>): ListBucketsParams {
  const raw = query.get('max-buckets');
  const token = query.get('continuation-token');
  const prefix = query.get('prefix');
  const region = query.get('bucket-region');
  let maxBuckets: number | undefined;
  if (raw !== undefined) {
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_BUCKETS) {
      throw s3Error('InvalidArgument', { ArgumentName: 'max-buckets', ArgumentValue: raw }, `Argument max-buckets must be an integer between 1 and ${MAX_BUCKETS}`);
    }
    maxBuckets = Number(raw);
  } else if (token !== undefined || prefix !== undefined || region !== undefined) {
    // S3: paging parameters without max-buckets page by 10,000.
    maxBuckets = MAX_BUCKETS;
  }
  let after: string | undefined;
  if (token !== undefined && token !== '') {
    after = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
    if (after === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) {
      throw s3Error('InvalidArgument', { ArgumentName: 'continuation-token', ArgumentValue: token }, 'The continuation token provided is incorrect');
    }
  }
  return { maxBuckets, prefix: prefix || undefined, after, region: region || undefined };
}

export async function listBuckets(ctx: OperationContext): Promise<S3Result> {
  const params = parseListBucketsParams(ctx.req.query);
  const buckets: BucketEntry[] = [];
  let more = false;
  // Every bucket here is in the gateway's one region: another region has none.
  if (params.region === undefined || params.region === ctx.region) {
    // Swift answers at most account_listing_limit names per call; a shorter page is the last.
    const limit = (await ctx.store.limits()).accountListingLimit;
    const want = params.maxBuckets ?? Infinity;
    let marker = params.after;
    for (;;) {
      const rows = await ctx.store.listContainers({ limit, marker, prefix: params.prefix });
      for (const row of rows) {
        // Multipart segments, object lock records and tags live in hidden `<bucket>+segments` / `+locks` / `+tags` containers.
        if (row.name.endsWith(SEGMENTS_SUFFIX) || row.name.endsWith(LOCKS_SUFFIX) || row.name.endsWith(TAGS_SUFFIX)) continue;
        if (buckets.length === want) {
          more = true;
          break;
        }
        buckets.push({ name: row.name, creationDate: swiftIsoTimestamp(row.last_modified), region: ctx.region });
      }
      if (more || rows.length < limit) break;
      marker = rows[rows.length - 1]!.name;
    }
  }
  const continuationToken = more ? Buffer.from(buckets[buckets.length - 1]!.name, 'utf8').toString('base64url') : undefined;
  return { status: 200, xml: listAllMyBucketsResult(await ownerOf(ctx), buckets, { continuationToken, prefix: params.prefix }) };
}
