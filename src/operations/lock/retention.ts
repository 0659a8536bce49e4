// PutObjectRetention and GetObjectRetention, on one version.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html
import { s3Error } from '../../s3/errors.js';
import { retentionDocument } from '../../s3/lock-documents.js';
import type { S3Result } from '../../s3/result.js';
import { versionHeaders } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { checkRetentionChange, versionLock } from './enforce.js';
import { element, readBody, readLockDocument } from './lock-body.js';
import { writeRecord } from './records.js';
import { LOCK_MODES, parseRetainUntil, requireFuture, type LockMode, type Retention } from './state.js';
import { requireLockableVersion, targetVersion } from './target-version.js';

/** A Retention document: a mode and a date, or neither (the retention removed). */
export async function parseRetention(body: Buffer | string, now: number): Promise<Retention | null> {
  const doc = await readLockDocument(body, 'Retention');
  const mode = element(doc, 'Mode');
  const until = element(doc, 'RetainUntilDate');
  if (mode === undefined && until === undefined) return null;
  if (mode === undefined || until === undefined || !(LOCK_MODES as readonly string[]).includes(mode)) throw s3Error('MalformedXML');
  const date = parseRetainUntil(until, 'RetainUntilDate');
  requireFuture(date, now, 'RetainUntilDate');
  return { mode: mode as LockMode, until: date };
}

export async function putObjectRetention(ctx: OperationContext): Promise<S3Result> {
  const next = await parseRetention(await readBody(ctx), Date.now());
  const target = await targetVersion(ctx);
  requireLockableVersion(target);
  const { bucket, key, info } = target;
  await checkRetentionChange(ctx, await versionLock(ctx, bucket, key, info), next);
  await writeRecord(ctx, bucket, key, info.versionId ?? 'null', { retention: next });
  return { status: 200, headers: versionHeaders(info.versionId) };
}

export async function getObjectRetention(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key, info } = await targetVersion(ctx);
  const state = await versionLock(ctx, bucket, key, info);
  if (!state.retention) throw s3Error('NoSuchObjectLockConfiguration');
  return { status: 200, xml: retentionDocument(state.retention.mode, state.retention.until) };
}
