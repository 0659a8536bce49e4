// S3 Object Ownership: the bucket setting that decides who owns new objects and
// whether ACLs count at all (Get/Put/DeleteBucketOwnershipControls, and
// CreateBucket's x-amz-object-ownership).
// - BucketOwnerEnforced: ACLs are disabled; the bucket owner owns every object.
// - BucketOwnerPreferred: an object written with bucket-owner-full-control
//   belongs to the bucket owner, any other to its writer.
// - ObjectWriter: the writer owns the object.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
import { s3Error } from '../../s3/errors.js';
import type { XmlBody } from '../../s3/result.js';
import { XmlSyntaxError, parseXml } from '../../s3/xml.js';
import { cannedAcl } from './canned.js';
import { isUser, type Acl, type Owner } from './model.js';

export const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
export type ObjectOwnership = (typeof OBJECT_OWNERSHIPS)[number];

export const isObjectOwnership = (v: string): v is ObjectOwnership => (OBJECT_OWNERSHIPS as readonly string[]).includes(v);

/** CreateBucket's x-amz-object-ownership header; InvalidArgument for any other value. */
export function parseObjectOwnershipHeader(value: string): ObjectOwnership {
  const v = value.trim();
  if (!isObjectOwnership(v)) {
    throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-object-ownership', ArgumentValue: value },
      `Invalid x-amz-object-ownership header: expected one of ${OBJECT_OWNERSHIPS.join(', ')}.`);
  }
  return v;
}

function malformed(why: string): never {
  throw s3Error('MalformedXML', {}, `The XML you provided was not well-formed or did not validate against our published schema: ${why}`);
}

/**
 * A PutBucketOwnershipControls body:
 *   <OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
 *     <Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule>
 *   </OwnershipControls>
 * Anything else (no document, another root, not exactly one Rule, a value not
 * among the three): MalformedXML.
 */
export async function parseOwnershipControls(body: Buffer | string): Promise<ObjectOwnership> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['OwnershipControls.Rule'], 64);
  } catch (err) {
    if (err instanceof XmlSyntaxError) malformed(err.message);
    throw err;
  }
  const root = doc['OwnershipControls'];
  if (typeof root !== 'object' || root === null) malformed('the document is not an <OwnershipControls>.');
  const rules = (root as Record<string, unknown>)['Rule'] as unknown[] | undefined;
  if (rules === undefined || rules.length !== 1) malformed('<OwnershipControls> holds exactly one <Rule>.');
  const rule = rules[0];
  const value = typeof rule === 'object' && rule !== null ? (rule as Record<string, unknown>)['ObjectOwnership'] : undefined;
  if (typeof value !== 'string' || !isObjectOwnership(value.trim())) {
    malformed(`<ObjectOwnership> is one of ${OBJECT_OWNERSHIPS.join(', ')}.`);
  }
  return value.trim() as ObjectOwnership;
}

/** The GetBucketOwnershipControls document. */
export function ownershipControlsDocument(ownership: ObjectOwnership): XmlBody {
  return { root: 'OwnershipControls', doc: { Rule: { ObjectOwnership: ownership } } };
}

/** Which request carries the ACL being checked (PutObject stands for CopyObject and CreateMultipartUpload too). */
export type AclUse = 'CreateBucket' | 'PutBucketAcl' | 'PutObject' | 'PutObjectAcl';

/** "Bucket owner full control": FULL_CONTROL for the bucket owner, and nothing but FULL_CONTROL for the writer beside it. */
function isBucketOwnerFullControl(acl: Acl, bucketOwnerId: string): boolean {
  return acl.grants.some((g) => g.permission === 'FULL_CONTROL' && isUser(g.grantee, bucketOwnerId))
    && acl.grants.every((g) => g.permission === 'FULL_CONTROL' && (isUser(g.grantee, bucketOwnerId) || isUser(g.grantee, acl.owner.id)));
}

/** Whether an ACL grants nobody but the bucket owner anything. */
const grantsOnlyTo = (acl: Acl, ownerId: string) => acl.grants.every((g) => isUser(g.grantee, ownerId));

/**
 * Refuses an ACL a request carries (`acl`, undefined when it carries none)
 * where the bucket's Object Ownership disables ACLs, as S3 does. Only
 * BucketOwnerEnforced refuses anything:
 * - PutBucketAcl, PutObjectAcl: AccessControlListNotSupported ("Requests to
 *   set ACLs or update ACLs fail"; even `private`, as terraform users of
 *   aws_s3_bucket_acl found).
 * - PutObject (and CopyObject, CreateMultipartUpload): accepted without an ACL
 *   or with "bucket owner full control ACLs, such as the
 *   bucket-owner-full-control canned ACL or an equivalent form of this ACL
 *   expressed in the XML format" (so the bucket owner's own `private` too);
 *   otherwise AccessControlListNotSupported.
 * - CreateBucket with BucketOwnerEnforced: an ACL granting anyone but the
 *   bucket owner is InvalidBucketAclWithObjectOwnership.
 */
export function checkAclAllowedByOwnership(acl: Acl | undefined, ownership: ObjectOwnership | undefined, use: AclUse, bucketOwnerId: string): void {
  if (ownership !== 'BucketOwnerEnforced' || acl === undefined) return;
  switch (use) {
    case 'PutBucketAcl':
    case 'PutObjectAcl':
      throw s3Error('AccessControlListNotSupported');
    case 'PutObject':
      if (!isBucketOwnerFullControl(acl, bucketOwnerId)) throw s3Error('AccessControlListNotSupported');
      return;
    case 'CreateBucket':
      if (!grantsOnlyTo(acl, bucketOwnerId)) throw s3Error('InvalidBucketAclWithObjectOwnership');
      return;
  }
}

/**
 * PutBucketOwnershipControls to BucketOwnerEnforced on a bucket whose ACL
 * grants anyone but its owner: InvalidBucketAclWithObjectOwnership ("the bucket
 * ACL must give full control only to the bucket owner"; move the grants to a
 * policy and reset the ACL to private first).
 */
export function checkOwnershipChange(bucketAcl: Acl, ownership: ObjectOwnership): void {
  if (ownership === 'BucketOwnerEnforced' && !grantsOnlyTo(bucketAcl, bucketAcl.owner.id)) {
    throw s3Error('InvalidBucketAclWithObjectOwnership');
  }
}

/**
 * Who owns an object `writer` writes into a bucket of `bucketOwner`, given the
 * request's x-amz-acl (undefined when none): the bucket owner under
 * BucketOwnerEnforced, and under BucketOwnerPreferred when the object is
 * written with bucket-owner-full-control; the writer otherwise (ObjectWriter,
 * and a bucket without ownership controls).
 */
export function objectOwnerFor(ownership: ObjectOwnership | undefined, writer: Owner, bucketOwner: Owner, cannedAclHeader: string | undefined): Owner {
  if (ownership === 'BucketOwnerEnforced') return bucketOwner;
  if (ownership === 'BucketOwnerPreferred' && cannedAclHeader?.trim() === 'bucket-owner-full-control') return bucketOwner;
  return writer;
}

/** What Get*Acl answers under BucketOwnerEnforced: "full control for the bucket owner", whatever is stored. */
export function enforcedAcl(bucketOwner: Owner, target: 'bucket' | 'object'): Acl {
  return cannedAcl('private', bucketOwner, target);
}
