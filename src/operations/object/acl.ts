// Object ACLs: GetObjectAcl and PutObjectAcl (see common/object-acl.ts for
// where they live and who enforces them).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html
import { storedEncryption } from '../encryption/state.js';
import { aclAllows, aclDocument, aclFromPutAclRequest, encodeObjectAcl } from '../../access/acl/index.js';
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import type { ObjectInfo } from '../../swift/store.js';
import { readXmlBody } from '../common/body.js';
import { missingObject, ownerOf, requireBucket } from '../common/bucket.js';
import { checkObjectAcl, objectAcl, objectOwner, withoutAclItems } from '../common/object-acl.js';
import { ensureDelegatedReads } from '../common/delegation.js';
import type { OperationContext } from '../context.js';
import { hasUnverifiedLock } from '../lock/state.js';

async function requireObject(ctx: OperationContext, bucket: string, key: string): Promise<ObjectInfo> {
  const versionId = ctx.req.query.get('versionId');
  const info = await ctx.store.findObject(bucket, key, { versionId });
  if (info) return info;
  if (versionId === undefined) await missingObject(ctx, bucket, key);
  await requireBucket(ctx, bucket);
  throw s3Error('NoSuchVersion', { Key: key, VersionId: versionId });
}

/** The bucket owner and the object's owner manage its ACL; others need the grant, or the bucket policy's Allow. */
async function mayManage(ctx: OperationContext, info: ObjectInfo, permission: 'READ_ACP' | 'WRITE_ACP'): Promise<boolean> {
  if (ctx.bucketOwner === undefined || ctx.policyDecision === 'Allow') return true;
  const acl = await objectAcl(ctx, info);
  return ctx.requester !== undefined && aclAllows(acl, ctx.requester, permission);
}

export async function getObjectAcl(ctx: OperationContext): Promise<S3Result> {
  const info = await requireObject(ctx, ctx.req.bucket!, ctx.req.key!);
  if (!(await mayManage(ctx, info, 'READ_ACP'))) throw s3Error('AccessDenied');
  return { status: 200, xml: aclDocument(await objectAcl(ctx, info)) };
}

export async function putObjectAcl(ctx: OperationContext): Promise<S3Result> {
  const { bucket, key } = ctx.req as { bucket: string; key: string };
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  const info = await requireObject(ctx, bucket, key);
  if (!(await mayManage(ctx, info, 'WRITE_ACP'))) throw s3Error('AccessDenied');
  const owner = await objectOwner(ctx, info);
  const bucketOwner = await ownerOf(ctx);
  const acl = await aclFromPutAclRequest(ctx.req.headers, body, owner, 'object', bucketOwner);
  checkObjectAcl(ctx, acl, 'PutObjectAcl', bucketOwner.id);
  const versionId = ctx.req.query.get('versionId');
  const current = await ctx.store.findObject(bucket, key);
  if (versionId !== undefined && current?.versionId !== versionId) {
    // Swift quirk: a POST reaches only the current version.
    throw s3Error('InvalidRequest', {}, 'This gateway can change the ACL of an object\'s current version only.');
  }
  // Object lock items that do not verify would not survive the rewrite (only verified items are re-sealed): such a version reads as locked, and stays so.
  if (hasUnverifiedLock(info)) throw s3Error('AccessDenied', {}, 'Access Denied: the object lock state of this version cannot be verified, so its metadata is not rewritten.');
  // So would encryption items that do not verify: the object would then read as plaintext (its ciphertext served as such).
  if (storedEncryption(info).kind === 'unverifiable') throw s3Error('AccessDenied', {}, 'Access Denied: the encryption metadata of this object cannot be verified, so its metadata is not rewritten.');
  const owned: Record<string, string> = owner.id === bucketOwner.id ? {} : { owner: owner.id };
  const rewritten = await ctx.store.rewriteReserved(bucket, key, info, { ...withoutAclItems(info.reserved), ...encodeObjectAcl(acl), ...owned });
  if (rewritten === 'gone') throw s3Error('NoSuchKey', { Key: key });
  if (rewritten === 'changed') throw s3Error('OperationAborted', { Key: key }, 'The object changed while its ACL was being set; please retry.');
  await ensureDelegatedReads(ctx, bucket, acl);
  return { status: 200 };
}
