// PutObjectLegalHold and GetObjectLegalHold, on one version. A legal hold
// has no date: it blocks deletion until it is turned OFF, whatever the
// retention says, and anyone who may write the bucket may set or lift it
// (S3's s3:PutObjectLegalHold; here the operator roles).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLegalHold.html
import { s3Error } from '../../s3/errors.js';
import { legalHoldDocument } from '../../s3/lock-documents.js';
import type { S3Result } from '../../s3/result.js';
import { versionHeaders } from '../common/versions.js';
import type { OperationContext } from '../context.js';
import { lockedError, versionLock } from './enforce.js';
import { element, readBody, readLockDocument } from './lock-body.js';
import { writeRecord } from './records.js';
import { requireLockableVersion, targetVersion } from './target-version.js';

export async function parseLegalHold(body: Buffer | string): Promise<boolean> {
  const status = element(await readLockDocument(body, 'LegalHold'), 'Status');
  if (status !== 'ON' && status !== 'OFF') throw s3Error('MalformedXML');
  return status === 'ON';
}

export async function putObjectLegalHold(ctx: OperationContext): Promise<S3Result> {
  const on = await parseLegalHold(await readBody(ctx));
  const target = await targetVersion(ctx);
  requireLockableVersion(target);
  const { bucket, key, info } = target;
  // A hold that cannot be verified is not lifted: it may be a real one.
  if (!on && (await versionLock(ctx, bucket, key, info)).unverified) throw lockedError('Access Denied: the object lock state of this version cannot be verified.');
  await writeRecord(ctx, bucket, key, info.versionId ?? 'null', { legalHold: on });
  return { status: 200, headers: versionHeaders(info.versionId) };
}

export async function getObjectLegalHold(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key, info } = await targetVersion(ctx);
  const state = await versionLock(ctx, bucket, key, info);
  if (state.legalHold === undefined) throw s3Error('NoSuchObjectLockConfiguration');
  return { status: 200, xml: legalHoldDocument(state.legalHold) };
}
