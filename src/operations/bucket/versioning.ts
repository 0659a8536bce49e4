// PutBucketVersioning and GetBucketVersioning on Swift's object versioning
// (X-Versions-Enabled on the container; Swift keeps the versions in a hidden
// container of its own).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { versioningConfiguration } from '../../s3/results.js';
import { isBlank, parseXml } from '../../s3/xml.js';
import { readXmlBody } from '../common/body.js';
import type { OperationContext } from '../context.js';
import { bucketLock } from '../lock/bucket-config.js';

/** A VersioningConfiguration is a few dozen bytes; s3api takes at most 10 KiB. */
const MAX_VERSIONING_BODY = 10 * 1024;

/** The Status of a VersioningConfiguration body: Enabled or Suspended. */
export async function parseVersioningConfiguration(body: Buffer | string): Promise<'Enabled' | 'Suspended'> {
  if (isBlank(body)) throw s3Error('MalformedXML');
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = doc['VersioningConfiguration'];
  if (config === null || typeof config !== 'object') throw s3Error('MalformedXML');
  const { Status: status, MfaDelete: mfa } = config as { Status?: unknown; MfaDelete?: unknown };
  if (typeof mfa === 'string' && mfa.trim() === 'Enabled') {
    throw s3Error('NotImplemented', { Element: 'MfaDelete' }, 'MFA delete is not supported by this gateway.');
  }
  if (mfa !== undefined && (typeof mfa !== 'string' || mfa.trim() !== 'Disabled')) throw s3Error('IllegalVersioningConfigurationException');
  if (typeof status !== 'string') throw s3Error('MalformedXML', {}, 'The XML you provided was not well-formed or did not validate against our published schema: it names no Status.');
  const value = status.trim();
  if (value !== 'Enabled' && value !== 'Suspended') throw s3Error('IllegalVersioningConfigurationException', { Status: value });
  return value;
}

export async function putBucketVersioning(ctx: OperationContext): Promise<S3Result> {
  const status = await parseVersioningConfiguration((await readXmlBody(ctx, MAX_VERSIONING_BODY)).bytes);
  // Object Lock needs every version kept: a lock-enabled bucket stays versioned.
  if (status === 'Suspended' && (await bucketLock(ctx, ctx.req.bucket!, { fresh: true })).enabled) {
    throw s3Error('InvalidBucketState', {}, 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.');
  }
  await ctx.store.setVersioning(ctx.req.bucket!, status === 'Enabled');
  // This replica's cached view of the bucket (lock and versioning) is read again.
  await bucketLock(ctx, ctx.req.bucket!, { fresh: true });
  return { status: 200 };
}

/** A bucket that never had versioning answers an empty VersioningConfiguration (no Status element). */
export async function getBucketVersioning(ctx: OperationContext): Promise<S3Result> {
  const { versioning } = await ctx.store.headContainer(ctx.req.bucket!);
  return { status: 200, xml: versioningConfiguration(versioning === undefined ? undefined : versioning === 'enabled' ? 'Enabled' : 'Suspended') };
}
