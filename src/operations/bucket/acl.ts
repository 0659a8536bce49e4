// Bucket and object ACLs, as far as Swift has them through this gateway: the
// owner (the project) has FULL_CONTROL and nobody else has anything. Get*Acl
// answers exactly that; Put*Acl accepts only a request that asks for exactly
// that (the canned `private` ACL) and answers NotImplemented for anything else,
// rather than pretend a grant took effect.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
import { s3Error } from '../../s3/errors.js';
import type { S3Result } from '../../s3/result.js';
import { isBlank, parseXml } from '../../s3/xml.js';
import { readXmlBody } from '../common/body.js';
import type { OperationContext } from '../context.js';
import { ownerOnlyPolicy } from '../../s3/results.js';
import { missingObject, ownerOf, requireBucket } from '../common/bucket.js';

async function requireObject(ctx: OperationContext, bucket: string, key: string): Promise<void> {
  const versionId = ctx.req.query.get('versionId');
  if (await ctx.store.findObject(bucket, key, { versionId })) return;
  if (versionId === undefined) await missingObject(ctx, bucket, key);
  await requireBucket(ctx, bucket);
  throw s3Error('NoSuchVersion', { Key: key, VersionId: versionId });
}

const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

function notImplemented(what: string): never {
  throw s3Error('NotImplemented', {}, `This gateway keeps every bucket and object private to its owner: ${what} is not implemented; only the canned ACL "private" (or a policy granting only the owner FULL_CONTROL) is accepted.`);
}

type Grant = { Grantee?: { ID?: unknown; URI?: unknown; EmailAddress?: unknown }; Permission?: unknown };

/**
 * Whether a Put*Acl request asks for what already holds (the owner alone, with
 * FULL_CONTROL); NotImplemented for any other ACL, MalformedXML for a bad body.
 */
export async function checkPrivateAcl(headers: Readonly<Record<string, string>>, body: Buffer | string, ownerId: string): Promise<void> {
  const canned = headers['x-amz-acl'];
  const grants = GRANT_HEADERS.filter((h) => headers[h] !== undefined);
  if (grants.length > 0) notImplemented(`granting with ${grants.join(', ')}`);
  if (canned !== undefined) {
    if (canned.trim() !== 'private') notImplemented(`the canned ACL "${canned.trim()}"`);
    if (!isBlank(body)) throw s3Error('UnexpectedContent', {}, 'This request does not support content when x-amz-acl is given.');
    return;
  }
  if (isBlank(body)) throw s3Error('MissingSecurityHeader', { MissingHeaderName: 'x-amz-acl' }, 'Your request was missing a required header: x-amz-acl, or an AccessControlPolicy body.');
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['AccessControlPolicy.AccessControlList.Grant']);
  } catch {
    throw s3Error('MalformedACLError');
  }
  const policy = doc['AccessControlPolicy'] as { AccessControlList?: { Grant?: Grant[] } | string } | undefined;
  if (policy === undefined || typeof policy !== 'object' || policy === null) throw s3Error('MalformedACLError');
  const list = policy.AccessControlList;
  const entries = typeof list === 'object' && list !== null ? (list.Grant ?? []) : [];
  const ownerOnly = entries.length === 1 && typeof entries[0]?.Grantee === 'object' && entries[0].Grantee !== null
    && String(entries[0].Grantee.ID ?? '').trim() === ownerId && String(entries[0].Permission ?? '').trim() === 'FULL_CONTROL';
  if (!ownerOnly) notImplemented('an ACL granting anything but FULL_CONTROL to the owner alone');
}

export async function getBucketAcl(ctx: OperationContext): Promise<S3Result> {
  await requireBucket(ctx, ctx.req.bucket!);
  return { status: 200, xml: ownerOnlyPolicy(await ownerOf(ctx)) };
}

export async function getObjectAcl(ctx: OperationContext): Promise<S3Result> {
  await requireObject(ctx, ctx.req.bucket!, ctx.req.key!);
  return { status: 200, xml: ownerOnlyPolicy(await ownerOf(ctx)) };
}

export async function putBucketAcl(ctx: OperationContext): Promise<S3Result> {
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  await requireBucket(ctx, ctx.req.bucket!);
  await checkPrivateAcl(ctx.req.headers, body, (await ownerOf(ctx)).id);
  return { status: 200 };
}

export async function putObjectAcl(ctx: OperationContext): Promise<S3Result> {
  const body = (await readXmlBody(ctx, ctx.limits.maxXmlBodyBytes)).bytes;
  await requireObject(ctx, ctx.req.bucket!, ctx.req.key!);
  await checkPrivateAcl(ctx.req.headers, body, (await ownerOf(ctx)).id);
  return { status: 200 };
}
