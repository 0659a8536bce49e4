// An ACL from an AccessControlPolicy request body (PutBucketAcl, PutObjectAcl):
//   <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
//     <Owner><ID>owner-id</ID><DisplayName>..</DisplayName></Owner>
//     <AccessControlList>
//       <Grant>
//         <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>..</ID></Grantee>
//         <Permission>READ</Permission>
//       </Grant>
//     </AccessControlList>
//   </AccessControlPolicy>
// (botocore, and so boto3 and the aws CLI, write AccessControlList before Owner:
// the order does not matter.)
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_AccessControlPolicy.html
import { s3Error } from '../../s3/errors.js';
import { XmlSyntaxError, isBlank, parseXml } from '../../s3/xml.js';
import { aclFromRequestHeaders, hasAclHeaders } from './headers.js';
import {
  MAX_GRANTS, checkCanonicalId, checkGrantCount, checkGroupUri, grant, group, isPermission, unresolvableEmail, user,
  type Acl, type AclTarget, type Grant, type Grantee, type Owner,
} from './model.js';

const GRANT_PATH = 'AccessControlPolicy.AccessControlList.Grant';
/** Elements a document of MAX_GRANTS grants needs (six per grant at most), with room: more is refused unread. */
const MAX_ELEMENTS = (MAX_GRANTS + 1) * 8 + 16;

function malformed(why: string): never {
  throw s3Error('MalformedACLError', {}, `The XML you provided was not well-formed or did not validate against our published schema: ${why}`);
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The trimmed text of a child element, undefined when absent; an element with children is malformed. */
function text(node: Node, name: string): string | undefined {
  const v = node[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') malformed(`<${name}> must hold text, once.`);
  return v.trim();
}

/**
 * A Grantee is told apart by the element it holds: ID (CanonicalUser), URI
 * (Group) or EmailAddress (AmazonCustomerByEmail). S3 also reads its xsi:type
 * attribute, which s3/xml.ts drops: a type that disagrees with the element is
 * not detected (the element decides).
 */
function granteeOf(node: Node): Grantee {
  const id = text(node, 'ID');
  const uri = text(node, 'URI');
  const email = text(node, 'EmailAddress');
  const kinds = [id, uri, email].filter((v) => v !== undefined).length;
  if (kinds !== 1) malformed('a <Grantee> holds exactly one of <ID>, <URI> or <EmailAddress>.');
  if (email !== undefined) unresolvableEmail(email);
  if (uri !== undefined) return group(checkGroupUri(uri, 'Grantee/URI'));
  // DisplayName in a request is ignored, as S3 does: the owner's name is S3's to say.
  return user(checkCanonicalId(id!, 'Grantee/ID'));
}

function grantOf(entry: unknown): Grant {
  if (!isNode(entry)) malformed('a <Grant> holds a <Grantee> and a <Permission>.');
  const grantee = entry['Grantee'];
  if (!isNode(grantee)) malformed('a <Grant> holds a <Grantee> with an <ID> or a <URI>.');
  const permission = text(entry, 'Permission');
  if (permission === undefined || !isPermission(permission)) {
    malformed(`<Permission> is one of READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL${permission === undefined ? '' : `, not "${permission}"`}.`);
  }
  return grant(granteeOf(grantee), permission);
}

/**
 * The ACL an AccessControlPolicy body sets on a resource owned by `owner`.
 *
 * - Not XML, or not an AccessControlPolicy, or a Grant without Grantee or with
 *   a Permission S3 does not know, or no Owner/ID (S3 requires it, boto3 #180):
 *   MalformedACLError.
 * - An Owner ID other than the resource's owner: AccessDenied. S3 does not let
 *   an ACL give a resource away (s3-tests' test_object_giveaway and
 *   test_bucket_acl_giveaway expect AccessDenied).
 * - E-mail grantees: UnresolvableGrantByEmailAddress; an unknown group URI or
 *   an id that cannot be a project id: InvalidArgument.
 * - More than 100 grants: MalformedACLError. Grants are kept as given, in
 *   order, duplicates included (S3 keeps them too).
 */
export async function aclFromPolicyBody(body: Buffer | string, owner: Owner, _target: AclTarget): Promise<Acl> {
  let doc: Node;
  try {
    doc = await parseXml(body, [GRANT_PATH], MAX_ELEMENTS);
  } catch (err) {
    if (err instanceof XmlSyntaxError) malformed(err.message);
    throw err;
  }
  const policy = doc['AccessControlPolicy'];
  if (!isNode(policy)) malformed('the document is not an <AccessControlPolicy>.');
  const ownerNode = policy['Owner'];
  const ownerId = isNode(ownerNode) ? text(ownerNode, 'ID') : undefined;
  if (ownerId === undefined || ownerId === '') malformed('an <AccessControlPolicy> names its <Owner> with an <ID>.');
  const list = policy['AccessControlList'];
  if (list === undefined) malformed('an <AccessControlPolicy> holds an <AccessControlList>.');
  // `<AccessControlList/>` (or only white space): no grants at all, which S3 accepts.
  const entries = isNode(list) ? ((list['Grant'] as unknown[] | undefined) ?? []) : typeof list === 'string' && list.trim() === '' ? [] : malformed('<AccessControlList> holds <Grant> elements.');
  const grants = entries.map(grantOf);
  checkGrantCount(grants);
  if (ownerId !== owner.id) throw s3Error('AccessDenied', {}, 'Access Denied: the Owner of an ACL is the resource\'s owner, and an ACL cannot change it.');
  return { owner, grants };
}

/**
 * The ACL of a PutBucketAcl or PutObjectAcl request, which gives it either in
 * headers or in the body, never both (S3: "You cannot specify access
 * permission using both the body and the request headers"):
 * - headers and a body: UnexpectedContent (what Swift's s3api answers, after S3);
 * - neither: MissingSecurityHeader naming x-amz-acl.
 */
export async function aclFromPutAclRequest(headers: Readonly<Record<string, string | undefined>>, body: Buffer | string, owner: Owner, target: AclTarget, bucketOwner?: Owner): Promise<Acl> {
  if (hasAclHeaders(headers)) {
    if (!isBlank(body)) throw s3Error('UnexpectedContent', {}, 'This request does not support content when the ACL is given in headers.');
    return aclFromRequestHeaders(headers, owner, target, bucketOwner)!;
  }
  if (isBlank(body)) throw s3Error('MissingSecurityHeader', { MissingHeaderName: 'x-amz-acl' }, 'Your request was missing a required header: x-amz-acl, a grant header, or an AccessControlPolicy body.');
  return aclFromPolicyBody(body, owner, target);
}
