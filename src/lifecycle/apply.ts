// Carrying out one lifecycle action on the bucket's owner's account, as the
// gateway's own identity (the owner added it to the bucket's container ACLs
// when setting the rules: operations/bucket/lifecycle.ts). The gateway's own
// operations do the work, so a deleted multipart object loses its segments, an
// aborted upload its parts, and a version under Object Lock is never removed
// (deleteVersion checks it as for any client, and the runner never bypasses).
// Each action checks first that what was listed is still there as planned: a
// key overwritten since it was listed is the new object's, not the rule's.
import { Readable } from 'node:stream';
import type { BucketRecord } from '../namespace/record.js';
import { DIALECTS } from '../s3/dialect.js';
import { isS3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import type { SwiftStore } from '../swift/store.js';
import { deleteVersion } from '../operations/common/delete-version.js';
import { deleteSegments, KnownContainers, ownedSegments } from '../operations/common/segments.js';
import { latestVersion } from '../operations/common/versions.js';
import { DEFAULT_LIMITS, type OperationContext, type StorageSettings } from '../operations/context.js';
import { abortMultipartUpload } from '../operations/multipart/abort.js';
import type { Action } from './plan.js';
import { transitionVersion } from './transition.js';

/** changed: not as listed any more (overwritten); gone: already removed (another runner, Swift's expirer). */
export type Outcome = 'done' | 'changed' | 'gone' | 'locked' | 'unavailable';

/** One context per bucket run; `segments` is shared by its actions. */
export function runnerContext(store: SwiftStore, record: BucketRecord, bucket: string, segments: KnownContainers, target: { key?: string; query?: Record<string, string> } = {}, storage?: StorageSettings): OperationContext {
  const query = new Map(Object.entries(target.query ?? {}));
  const req: S3Request = {
    method: 'DELETE', rawPath: '', rawQuery: '', query, headers: {}, repeatedHeaders: new Set(), host: '', bucket, key: target.key, virtualHosted: false,
  };
  return {
    req, store, dialect: DIALECTS.aws, body: Readable.from([]), limits: DEFAULT_LIMITS, region: '', acceptedRegions: [],
    segmentsContainers: segments, bucketRecord: record, ...(storage ? { storage } : {}),
  };
}

export interface PlannedState {
  /** The current object's time as listed (unversioned), or its version (versioned). */
  readonly lastModifiedMs?: number;
  readonly versionId?: string;
}

/** Swift quirk: Last-Modified is the object's timestamp rounded UP to the second, where listings have microseconds. */
const sameTime = (listedMs: number | undefined, header: string | undefined): boolean =>
  listedMs !== undefined && header !== undefined && Math.abs(Date.parse(header) - listedMs) < 1000;

async function expireCurrent(ctx: OperationContext, bucket: string, key: string, versioned: boolean, planned: PlannedState): Promise<Outcome> {
  const now = await ctx.store.findObject(bucket, key);
  if (!now) return 'gone';
  if (versioned ? (now.versionId ?? 'null') !== planned.versionId : !sameTime(planned.lastModifiedMs, now.lastModified)) return 'changed';
  // As DeleteObject does: the manifest first, then the segments it owned (none in a versioned bucket: its version keeps them).
  const segments = await ownedSegments(ctx, bucket, key);
  await ctx.store.deleteObject(bucket, key);
  await deleteSegments(ctx, bucket, segments);
  return 'done';
}

const isLocked = (err: unknown): boolean => isS3Error(err) && err.code === 'AccessDenied';

export async function applyAction(ctx: OperationContext, action: Action, opts: { versioned: boolean; planned: PlannedState }): Promise<Outcome> {
  const bucket = ctx.req.bucket!;
  switch (action.kind) {
    case 'expire':
      return expireCurrent(ctx, bucket, action.key, opts.versioned, opts.planned);
    case 'expire-noncurrent':
      try {
        await deleteVersion(ctx, bucket, action.key, action.versionId);
        return 'done';
      } catch (err) {
        if (isLocked(err)) return 'locked';
        throw err;
      }
    case 'remove-delete-marker': {
      const latest = await latestVersion(ctx, bucket, action.key);
      if (latest?.version_id !== action.versionId) return 'changed';
      await deleteVersion(ctx, bucket, action.key, action.versionId);
      return 'done';
    }
    case 'abort-upload':
      try {
        await abortMultipartUpload({ ...ctx, req: { ...ctx.req, key: action.key, query: new Map([['uploadId', action.uploadId]]) } });
        return 'done';
      } catch (err) {
        if (isS3Error(err) && err.code === 'NoSuchUpload') return 'gone';
        throw err;
      }
    case 'transition':
      return transitionVersion(ctx, bucket, action.key, action.versionId, action.storageClass);
  }
}
