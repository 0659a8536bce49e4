// Whether a bucket policy is public, as S3 decides it for GetBucketPolicyStatus
// (IsPublic), BlockPublicPolicy (PutBucketPolicy refused) and
// RestrictPublicBuckets (only the owner's account served).
//
// "When evaluating a bucket policy, Amazon S3 begins by assuming that the
// policy is public. It then evaluates the policy to determine whether it
// qualifies as non-public. To be considered non-public, a bucket policy must
// grant access only to fixed values (values that don't contain a wildcard) of
// one or more of the following:" a set of CIDRs using aws:SourceIp, an AWS
// principal, user, role or service principal, aws:SourceArn, aws:SourceVpc, ...
// Its examples: Principal "*" is public; {"Federated": "graph.facebook.com"} is
// public; "*" with StringLike aws:SourceVpc "vpc-*" is public; with
// StringEquals aws:SourceVpc "vpc-91237329" it is not.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
import { RESTRICTING_KEYS } from './condition-keys.js';
import { valueSource, type Condition } from './conditions.js';
import type { BucketPolicy, Statement } from './document.js';
import { parseCidr, type Cidr } from './ip.js';

/**
 * Whether any Allow statement grants to the public (parseBucketPolicy has
 * worked it out: BucketPolicy.isPublic). Deny statements never make a policy public.
 */
export function isPublicPolicy(policy: BucketPolicy): boolean {
  return policy.isPublic;
}

export function isPublicStatement(statement: Statement): boolean {
  if (statement.effect !== 'Allow') return false;
  // An Allow has a Principal: parseBucketPolicy refuses NotPrincipal with Allow.
  const principal = statement.principal;
  if (principal === undefined || !(principal.everyone || principal.federated)) return false;
  return !statement.conditions.some(restrictsToFixedValues);
}

/**
 * A condition that pins one of the restricting keys to fixed values: an
 * operator that must match (not negated, not ...IfExists, not ForAllValues —
 * each holds for a request without the key), values with no wildcard and no
 * policy variable. For aws:userid that makes "AROLEID:*" public.
 */
function restrictsToFixedValues(condition: Condition): boolean {
  const { operator, key, values } = condition;
  if (!RESTRICTING_KEYS.has(key)) return false;
  if (operator.negated || operator.ifExists || operator.set === 'ForAllValues' || values.length === 0) return false;
  if (operator.family === 'ip') return key === 'aws:sourceip' && values.every((value) => value.family === 'ip' && !isWholeInternet(value.cidr));
  if (operator.family !== 'string' && operator.family !== 'arn') return false;
  return values.every((value) => {
    const source = valueSource(value);
    if (source === undefined) return false;
    if (key === 'aws:sourceip') {
      const cidr = parseCidr(source);
      return cidr !== undefined && !isWholeInternet(cidr);
    }
    return isFixed(source) || (key === 's3:dataaccesspointarn' && isAccessPointOfFixedAccount(source));
  });
}

const isFixed = (source: string): boolean => !/[*?]/.test(source) && !source.includes('${');

/**
 * A range wider than /8 (IPv4) or /32 (IPv6) is taken for the whole internet:
 * such an aws:SourceIp restricts nothing. The user guide names no width; this
 * is the line other S3 implementations draw, and the safer side for
 * BlockPublicPolicy (0.0.0.0/0 must not make a policy private).
 */
function isWholeInternet(cidr: Cidr): boolean {
  return cidr.prefix < (cidr.bytes.length === 4 ? 8 : 32);
}

/**
 * "When used in a bucket policy, this value can contain a wildcard for the
 * access point name without rendering the policy public, as long as the
 * account id is fixed" (`arn:aws:s3:us-west-2:123456789012:accesspoint/*`).
 */
function isAccessPointOfFixedAccount(source: string): boolean {
  const parts = source.split(':');
  return parts.length >= 6 && parts.slice(0, 5).every(isFixed) && /^\d+$/.test(parts[4]!);
}
