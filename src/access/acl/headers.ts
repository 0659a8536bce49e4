// An ACL from request headers: the canned `x-amz-acl`, or the grant headers
// `x-amz-grant-read`, `-write`, `-read-acp`, `-write-acp`, `-full-control`, each
// a comma-separated list of `type=value` grantees, the value optionally quoted:
//   x-amz-grant-read: id="1111", uri="http://acs.amazonaws.com/groups/global/AllUsers"
//   x-amz-grant-full-control: emailAddress="xyz@amazon.com"
// (the aws CLI passes `--grant-read uri=http://...` through unquoted, and writes
// `emailaddress=` in lower case: the type is matched without regard to case).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee
import { s3Error } from '../../s3/errors.js';
import { cannedAcl } from './canned.js';
import {
  checkCanonicalId, checkGrantCount, checkGroupUri, grant, group, unresolvableEmail, user,
  type Acl, type AclTarget, type Grant, type Grantee, type Owner, type Permission,
} from './model.js';

/** The grant headers, in the order their grants are listed in the ACL. */
export const GRANT_HEADERS: readonly (readonly [string, Permission])[] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

/** Whether a request carries any ACL header (canned or grant); header names in lower case. */
export function hasAclHeaders(headers: Readonly<Record<string, string | undefined>>): boolean {
  return headers['x-amz-acl'] !== undefined || GRANT_HEADERS.some(([name]) => headers[name] !== undefined);
}

function badGrantee(header: string, value: string, why: string): never {
  throw s3Error('InvalidArgument', { ArgumentName: header, ArgumentValue: value }, why);
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** The grantees of one grant header, in order; InvalidArgument for anything that is not `type=value[, ...]`. */
export function parseGranteeList(header: string, value: string): Grantee[] {
  const grantees: Grantee[] = [];
  let at = 0;
  const skipSpace = () => { while (isSpace(value[at])) at++; };
  skipSpace();
  if (at === value.length) badGrantee(header, value, 'A grant header must name at least one grantee.');
  while (at < value.length) {
    skipSpace();
    const eq = value.indexOf('=', at);
    if (eq < 0) badGrantee(header, value, 'Argument format not recognized: a grantee is written type="value".');
    const type = value.slice(at, eq).trim().toLowerCase();
    at = eq + 1;
    skipSpace();
    let granteeValue: string;
    if (value[at] === '"') {
      const close = value.indexOf('"', at + 1);
      if (close < 0) badGrantee(header, value, 'Argument format not recognized: a quoted grantee value is not closed.');
      granteeValue = value.slice(at + 1, close);
      at = close + 1;
    } else {
      const comma = value.indexOf(',', at);
      const end = comma < 0 ? value.length : comma;
      granteeValue = value.slice(at, end).trim();
      at = end;
    }
    skipSpace();
    if (at < value.length) {
      if (value[at] !== ',') badGrantee(header, value, 'Argument format not recognized: grantees are separated by commas.');
      at++;
      skipSpace();
      if (at === value.length) badGrantee(header, value, 'Argument format not recognized: a comma ends the grantee list.');
    }
    if (granteeValue === '') badGrantee(header, value, `Argument format not recognized: the ${type} grantee has no value.`);
    switch (type) {
      case 'id':
        grantees.push(user(checkCanonicalId(granteeValue, header)));
        break;
      case 'uri':
        grantees.push(group(checkGroupUri(granteeValue, header)));
        break;
      case 'emailaddress':
        unresolvableEmail(granteeValue);
        break;
      default:
        badGrantee(header, value, `Argument format not recognized: the grantee type "${type}" is not id, uri or emailAddress.`);
    }
  }
  return grantees;
}

/**
 * The ACL a request's headers ask for (header names in lower case), or
 * undefined when it has neither `x-amz-acl` nor a grant header.
 *
 * - `x-amz-acl` with any grant header: InvalidRequest, S3's "Specifying both
 *   Canned ACLs and Header Grants is not allowed".
 * - Grant headers give exactly the grants they list: S3 adds no FULL_CONTROL
 *   for the owner (who keeps READ_ACP and WRITE_ACP implicitly, see evaluate.ts).
 * - More than 100 grants: MalformedACLError.
 */
export function aclFromRequestHeaders(headers: Readonly<Record<string, string | undefined>>, owner: Owner, target: AclTarget, bucketOwner?: Owner): Acl | undefined {
  const canned = headers['x-amz-acl'];
  const present = GRANT_HEADERS.filter(([name]) => headers[name] !== undefined);
  if (canned !== undefined) {
    if (present.length > 0) throw s3Error('InvalidRequest', {}, 'Specifying both Canned ACLs and Header Grants is not allowed');
    return cannedAcl(canned.trim(), owner, target, bucketOwner);
  }
  if (present.length === 0) return undefined;
  const grants: Grant[] = [];
  for (const [name, permission] of present) {
    for (const grantee of parseGranteeList(name, headers[name]!)) grants.push(grant(grantee, permission));
  }
  checkGrantCount(grants);
  return { owner, grants };
}
