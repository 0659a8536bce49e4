// Object writes: PutObject and DeleteObject. Bodies stream straight through to
// Swift. Replacing or deleting a multipart object also removes its segments.
import type { S3Result } from '../../s3/result.js';
import { requireBucket } from '../common/bucket.js';
import { checkMetadataLimits } from '../common/metadata-limits.js';
import { checkKey } from '../common/names.js';
import { deleteSegments, ownedSegments } from '../common/segments.js';
import { bodyLength, storedObjectHeaders, writeBody } from '../common/write-body.js';
import type { OperationContext } from '../context.js';
import { s3Error } from '../../s3/errors.js';

export async function putObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  checkKey(key, ctx.limits.maxKeyBytes);
  const length = await bodyLength(ctx);
  const headers = storedObjectHeaders(ctx.req.headers);
  checkMetadataLimits(headers, await ctx.store.limits());
  const replaced = await ownedSegments(ctx, bucket, key);
  const out = await writeBody(ctx, { container: bucket, object: key }, headers, length, () => deleteSegments(ctx, bucket, replaced));
  return { status: ctx.dialect.objectCreatedStatus, headers: out };
}

export async function deleteObject(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const segments = await ownedSegments(ctx, bucket, key);
  if (await ctx.store.deleteObject(bucket, key)) {
    // The manifest goes first, so the object never reads as broken.
    await deleteSegments(ctx, bucket, segments);
    return { status: 204 };
  }
  await requireBucket(ctx, bucket);
  if (ctx.dialect.deleteMissingKey === 'no-content') return { status: 204 };
  throw s3Error('NoSuchKey', { Key: key });
}
