// The gateway's hidden record containers beside a bucket (`<bucket>+locks`,
// `<bucket>+tags`): made on the first record written, not before, so a bucket
// that never needs one costs nothing.
import { s3Error } from '../../s3/errors.js';
import { SwiftError } from '../../swift/errors.js';
import type { OperationContext } from '../context.js';
import { shareWithDelegate } from './delegation.js';

/** Runs `put` (a write into `container`), making the container first when Swift says it is missing. */
export async function putCreatingContainer(ctx: OperationContext, bucket: string, container: string, put: () => Promise<unknown>): Promise<void> {
  try {
    await put();
  } catch (err) {
    if (!(err instanceof SwiftError && err.status === 404)) throw err;
    await ctx.store.putContainer(container).catch((e: unknown) => {
      // Swift's 404 to a container PUT: the account (so the bucket) is gone.
      throw e instanceof SwiftError && e.status === 404 ? s3Error('NoSuchBucket', { BucketName: bucket }) : e;
    });
    // In a bucket whose policy admits others, the gateway acts for them: it must reach the records too.
    if (ctx.delegate !== undefined && ctx.bucketOwner === undefined && ctx.bucketRecord?.settings.delegatedWrites) await shareWithDelegate(ctx, container, ctx.delegate);
    await put();
  }
}
