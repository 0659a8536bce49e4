// Conditional writes as S3 has them: If-None-Match: * (write only if the key
// has no object) and If-Match: <etag> (write only over that object) on
// PutObject, CopyObject and CompleteMultipartUpload, If-Match on
// DeleteObject. The condition is checked against the object as it is while
// the request holds the key's claim (key-claim.ts), so conditional requests
// of one key never interleave.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
import { s3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../swift/store.js';
import type { OperationContext } from '../context.js';
import { etagListMatches, s3EtagOf } from './etag.js';
import { withKeyClaim } from './key-claim.js';

export interface WriteCondition {
  /** If-None-Match: * */
  readonly absent?: true;
  /** If-Match: the ETag list (`*`: any object). */
  readonly ifMatch?: string;
}

/**
 * The request's write condition, if it has one. S3 takes only `*` in
 * If-None-Match on a write; an ETag there asks for something S3 does not do.
 * DeleteObject has no If-None-Match (S3 ignores it there).
 */
export function parseWriteCondition(headers: Readonly<Record<string, string>>, op: 'write' | 'delete' = 'write'): WriteCondition | undefined {
  const ifMatch = headers['if-match']?.trim();
  const ifNoneMatch = op === 'write' ? headers['if-none-match']?.trim() : undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*' && ifNoneMatch !== '"*"') {
    throw s3Error('NotImplemented', { Header: 'If-None-Match' }, 'A header you provided implies functionality that is not implemented: on a write, If-None-Match takes only *.');
  }
  if (ifMatch === '') throw s3Error('InvalidArgument', { ArgumentName: 'If-Match', ArgumentValue: '' }, 'If-Match must name an ETag.');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return { ...(ifNoneMatch !== undefined ? { absent: true as const } : {}), ...(ifMatch !== undefined ? { ifMatch } : {}) };
}

/**
 * Judges the condition on the current object (undefined: the key has none,
 * or its newest version is a delete marker): 412 PreconditionFailed, or
 * 404 NoSuchKey for If-Match on a key without an object.
 */
export async function checkWriteCondition(ctx: OperationContext, bucket: string, key: string, condition: WriteCondition, current: ObjectInfo | undefined): Promise<void> {
  if (condition.absent && current !== undefined) throw s3Error('PreconditionFailed', { Condition: 'If-None-Match' });
  if (condition.ifMatch === undefined) return;
  if (current === undefined) throw s3Error('NoSuchKey', { Key: key });
  if (!etagListMatches(condition.ifMatch, await s3EtagOf(ctx, bucket, key, current))) throw s3Error('PreconditionFailed', { Condition: 'If-Match' });
}

/**
 * Runs a write of bucket/key under its condition, if the request has one:
 * while holding the key's claim, after checking the condition on the object
 * as it is then. `skip`: an object for which the condition is not asked
 * again (a retried Complete of the upload that made it).
 */
export async function conditionally<T>(
  ctx: OperationContext, bucket: string, key: string, condition: WriteCondition | undefined, write: () => Promise<T>,
  skip: (current: ObjectInfo | undefined) => boolean = () => false,
): Promise<T> {
  if (condition === undefined) return write();
  return withKeyClaim(ctx, bucket, key, async () => {
    const current = await ctx.store.findObject(bucket, key);
    if (!skip(current)) await checkWriteCondition(ctx, bucket, key, condition, current);
    return write();
  });
}
