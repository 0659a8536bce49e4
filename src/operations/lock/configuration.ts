// PutObjectLockConfiguration and GetObjectLockConfiguration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
import { s3Error } from '../../s3/errors.js';
import { objectLockConfiguration } from '../../s3/lock-documents.js';
import type { S3Result } from '../../s3/result.js';
import { bucketInfo } from '../common/bucket.js';
import { ensureDelegatedLocks } from '../common/delegation.js';
import type { OperationContext } from '../context.js';
import { BUCKET_LOCK_ITEM, bucketLock, bucketLockOf, encodeBucketLock, rememberBucketLock, type DefaultRetention } from './bucket-config.js';
import { element, readBody, readLockDocument } from './lock-body.js';
import { LOCK_MODES, type LockMode } from './state.js';

/** AWS's limits of a default retention period. */
const MAX_DAYS = 36_500;
const MAX_YEARS = 100;

function period(value: unknown, name: 'Days' | 'Years'): number | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+$/.test(text)) throw s3Error('MalformedXML');
  const n = Number(text);
  if (n <= 0) throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: text }, 'Default retention period must be a positive integer value.');
  if (n > (name === 'Days' ? MAX_DAYS : MAX_YEARS)) throw s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: text }, 'Default retention period is too large.');
  return n;
}

/** An ObjectLockConfiguration document: its default retention rule, if it has one. */
export async function parseObjectLockConfiguration(body: Buffer | string): Promise<DefaultRetention | undefined> {
  const config = await readLockDocument(body, 'ObjectLockConfiguration');
  if (element(config, 'ObjectLockEnabled') !== 'Enabled') throw s3Error('MalformedXML');
  const rule = config['Rule'];
  if (rule === undefined) return undefined;
  if (rule === null || typeof rule !== 'object') throw s3Error('MalformedXML');
  const retention = (rule as Record<string, unknown>)['DefaultRetention'];
  if (retention === null || typeof retention !== 'object') throw s3Error('MalformedXML');
  const r = retention as Record<string, unknown>;
  const mode = element(r, 'Mode');
  if (mode === undefined || !(LOCK_MODES as readonly string[]).includes(mode)) throw s3Error('MalformedXML');
  const days = period(r['Days'], 'Days');
  const years = period(r['Years'], 'Years');
  // "You cannot specify Days and Years at the same time", and one of them is required.
  if ((days === undefined) === (years === undefined)) throw s3Error('MalformedXML');
  return { mode: mode as LockMode, ...(days !== undefined ? { days } : { years }) };
}

export async function putObjectLockConfiguration(ctx: OperationContext): Promise<S3Result> {
  const bucket = ctx.req.bucket!;
  const rule = await parseObjectLockConfiguration(await readBody(ctx));
  const info = await bucketInfo(ctx, bucket);
  const current = bucketLockOf(info);
  // Lock can be enabled on an existing bucket only while its versioning is on (and it never goes off after).
  if (!current.enabled && info.versioning !== 'enabled') {
    throw s3Error('InvalidBucketState', {}, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
  }
  await ctx.store.setContainerReserved(bucket, { [BUCKET_LOCK_ITEM]: encodeBucketLock(rule) });
  await rememberBucketLock(ctx, bucket, { enabled: true, rule, unverified: false, versioning: 'enabled', tagRecords: current.tagRecords, defaultEncryption: current.defaultEncryption });
  // Lock enabled on a bucket whose policy already admits others: they reach its records through the gateway.
  if (!current.enabled && ctx.bucketRecord?.settings.delegatedWrites) await ensureDelegatedLocks(ctx, bucket);
  return { status: 200 };
}

export async function getObjectLockConfiguration(ctx: OperationContext): Promise<S3Result> {
  const lock = await bucketLock(ctx, ctx.req.bucket!, { fresh: true });
  if (!lock.enabled) throw s3Error('ObjectLockConfigurationNotFoundError', { BucketName: ctx.req.bucket! });
  return { status: 200, xml: objectLockConfiguration(lock.rule) };
}
