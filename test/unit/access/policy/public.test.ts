import { describe, expect, it } from 'vitest';
import { parseBucketPolicy } from '../../../../src/access/policy/document.js';
import { isPublicPolicy } from '../../../../src/access/policy/public.js';

// The cases of "The meaning of 'public'" (S3 User Guide, Block Public Access),
// with the bucket's own ARN in place of the guide's "Resource": "*", which a
// bucket policy may not carry.
const BUCKET = 'examplebucket';
const statement = (extra: object) => ({ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`, ...extra });
const isPublic = (...statements: object[]) => isPublicPolicy(parseBucketPolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), BUCKET));

describe('isPublicPolicy', () => {
  it.each([
    ['Principal "*"', { Principal: '*' }, true],
    ['{"AWS": "*"}', { Principal: { AWS: '*' } }, true],
    ['a Federated principal (graph.facebook.com)', { Principal: { Federated: 'graph.facebook.com' } }, true],
    ['"*" with StringLike aws:SourceVpc "vpc-*"', { Principal: '*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } }, true],
    ['"*" with StringEquals aws:SourceVpc "vpc-91237329"', { Principal: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-91237329' } } }, false],
    ['a fixed account', { Principal: { AWS: '111122223333' } }, false],
    ['a fixed user', { Principal: { AWS: 'arn:aws:iam::111122223333:user/alice' } }, false],
    ['a service principal', { Principal: { Service: 'cloudtrail.amazonaws.com' } }, false],
    ['a canonical user', { Principal: { CanonicalUser: '0123456789abcdef0123456789abcdef' } }, false],
    ['"*" limited to a set of CIDRs', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } } }, false],
    ['"*" limited to 0.0.0.0/0 (everyone)', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }, true],
    ['"*" limited to a /7 (wider than /8: the internet)', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/7' } } }, true],
    ['"*" limited to a /8', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, false],
    ['"*" limited to an IPv6 /31', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/31' } } }, true],
    ['"*" limited to an IPv6 /32', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } } }, false],
    ['"*" with one narrow and one wide range', { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '0.0.0.0/1'] } } }, true],
    ['"*" with StringEquals on one aws:SourceIp', { Principal: '*', Condition: { StringEquals: { 'aws:SourceIp': '192.0.2.7' } } }, false],
    ['"*" with any access point of a fixed account', { Principal: '*', Condition: { StringLike: { 's3:DataAccessPointArn': 'arn:aws:s3:us-west-2:123456789012:accesspoint/*' } } }, false],
    ['"*" with access points of any account', { Principal: '*', Condition: { StringLike: { 's3:DataAccessPointArn': 'arn:aws:s3:us-west-2:*:accesspoint/*' } } }, true],
    ['"*" excluding a range only (NotIpAddress)', { Principal: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, true],
    ['"*" with IpAddressIfExists', { Principal: '*', Condition: { IpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' } } }, true],
    ['"*" with a fixed aws:SourceArn', { Principal: '*', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t' } } }, false],
    ['"*" with a wildcard aws:SourceArn', { Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:111122223333:trail/*' } } }, true],
    ['"*" with a fixed aws:SourceAccount', { Principal: '*', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }, false],
    ['"*" with a fixed aws:PrincipalAccount', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }, false],
    ['"*" with a fixed aws:PrincipalOrgID', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }, false],
    ['"*" with aws:PrincipalAccount from a variable', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:username}' } } }, true],
    ['"*" with aws:SourceAccount ...IfExists', { Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } }, true],
    ['"*" with aws:SourceAccount not equal', { Principal: '*', Condition: { StringNotEquals: { 'aws:SourceAccount': '111122223333' } } }, true],
    ['"*" with ForAllValues on aws:SourceAccount', { Principal: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:SourceAccount': '111122223333' } } }, true],
    ['"*" with a fixed aws:userid', { Principal: '*', Condition: { StringEquals: { 'aws:userid': 'AIDAEXAMPLE' } } }, false],
    ['"*" with aws:userid "AROLEID:*"', { Principal: '*', Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } } }, true],
    ['"*" with a fixed KMS key id', { Principal: '*', Condition: { StringEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:us-east-1:111122223333:key/k' } } }, false],
    ['"*" with aws:Referer (anyone can send it)', { Principal: '*', Condition: { StringLike: { 'aws:Referer': 'http://www.example.com/*' } } }, true],
    ['"*" with aws:SecureTransport', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, true],
  ])('%s: %s', (_name, extra, expected) => {
    expect(isPublic(statement(extra))).toBe(expected);
  });

  it('counts Deny statements as never public', () => {
    expect(isPublic({ ...statement({ Principal: '*' }), Effect: 'Deny' })).toBe(false);
    expect(isPublic({ ...statement({ NotPrincipal: { AWS: '111122223333' } }), Effect: 'Deny' })).toBe(false);
  });

  it('is public when one statement of several is (the guide\'s Account-1 / Account-2 / "*" example)', () => {
    const service = statement({ Principal: { Service: 'cloudtrail.amazonaws.com' } });
    const account = statement({ Principal: { AWS: 'arn:aws:iam::222233334444:root' } });
    const everyone = statement({ Principal: '*' });
    expect(isPublic(service, account)).toBe(false);
    expect(isPublic(service, account, everyone)).toBe(true);
  });

  it('is public when the restricting key sits in a different statement than the grant to everyone', () => {
    expect(isPublic(
      statement({ Principal: '*' }),
      statement({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-91237329' } } }),
    )).toBe(true);
  });
});
