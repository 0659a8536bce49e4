import { describe, expect, it } from 'vitest';
import { MAX_POLICY_BYTES, MAX_RAW_BYTES, parseBucketPolicy } from '../../../../src/access/policy/document.js';
import { s3ErrorOf } from '../../../helpers/s3-error.js';

const BUCKET = 'examplebucket';

/** A one-statement policy with a public-read statement as the base; `change` edits the statement. */
function policyWith(change: Record<string, unknown>, top: Record<string, unknown> = {}): string {
  const statement: Record<string, unknown> = {
    Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`,
  };
  for (const [name, value] of Object.entries(change)) {
    if (value === undefined) delete statement[name];
    else statement[name] = value;
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement], ...top });
}

const reason = (text: string | Buffer) => {
  const err = s3ErrorOf(() => parseBucketPolicy(text, BUCKET));
  expect(err.code).toBe('MalformedPolicy');
  expect(err.status).toBe(400);
  return err.message;
};

describe('parseBucketPolicy accepts', () => {
  it('the public-read policy of the S3 examples, keeping the text as sent', () => {
    const text = `{\n  "Version":"2012-10-17",\n  "Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::${BUCKET}/*"]}]\n}`;
    const policy = parseBucketPolicy(text, BUCKET);
    expect(policy.text).toBe(text);
    expect(policy.version).toBe('2012-10-17');
    expect(policy.statements).toHaveLength(1);
    expect(policy.statements[0]!.sid).toBe('PublicRead');
    expect(policy.statements[0]!.effect).toBe('Allow');
    expect(policy.statements[0]!.principal!.everyone).toBe(true);
    expect(policy.statements[0]!.action!.map((p) => p.source)).toEqual(['s3:getobject', 's3:getobjectversion']);
  });

  it('a Buffer, and a single Statement object instead of a list', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Id: 'P1', Statement: { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}` } });
    const policy = parseBucketPolicy(Buffer.from(text), BUCKET);
    expect(policy.id).toBe('P1');
    expect(policy.statements[0]!.effect).toBe('Deny');
  });

  it('a missing Version as 2008-10-17, and 2008-10-17 itself', () => {
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] });
    expect(parseBucketPolicy(text, BUCKET).version).toBe('2008-10-17');
    expect(parseBucketPolicy(policyWith({}, { Version: '2008-10-17' }), BUCKET).version).toBe('2008-10-17');
  });

  it.each([
    [{ Action: 's3:*' }],
    [{ Action: '*' }],
    [{ Action: 'S3:getobject' }],
    [{ Action: 's3:Get*' }],
    [{ Action: 's3:*Object' }],
    [{ Action: 's3:GetObjectV?rsion' }],
    [{ Action: ['s3:ListBucket', 's3:GetObject'], Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
    [{ Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }],
    [{ Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}` }],
    [{ Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}*` }],
    [{ Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/home/\${aws:username}/*` }],
    [{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }],
    [{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::example*/*' }],
    [{ NotAction: 's3:DeleteObject', Action: undefined }],
    [{ NotResource: `arn:aws:s3:::${BUCKET}/private/*`, Resource: undefined }],
    [{ NotPrincipal: { AWS: ['arn:aws:iam::444455556666:user/Bob', 'arn:aws:iam::444455556666:root'] }, Principal: undefined, Effect: 'Deny' }],
    [{ Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:user/path/to/alice', 'arn:aws:iam::111122223333:role/reader'] } }],
    [{ Principal: { AWS: 'arn:aws:sts::111122223333:assumed-role/reader/session' } }],
    [{ Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' } }],
    [{ Principal: { Service: 'cloudtrail.amazonaws.com' } }],
    [{ Principal: { Federated: 'graph.facebook.com' } }],
    [{ Principal: { AWS: '0123456789abcdef0123456789abcdef' } }],
    [{ Condition: { IpAddress: { 'aws:SourceIp': ['54.240.143.0/24', '2001:DB8:1234:5678::/64'] }, NotIpAddress: { 'aws:SourceIp': '54.240.143.188/32' } } }],
    [{ Condition: { StringLike: { 'aws:Referer': ['http://www.example.com/*', 'http://example.com/*'] } } }],
    [{ Condition: { Bool: { 'aws:SecureTransport': false } } }],
    [{ Condition: { NumericLessThanEquals: { 's3:max-keys': 10 } }, Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }],
    [{ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, DateLessThan: { 'aws:EpochTime': '1893456000' } } }],
    [{ Condition: { Null: { 'aws:userid': 'true' } } }],
    [{ Condition: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['a', 'b'] } } }],
    [{ Condition: { 'ForAllValues:StringLikeIfExists': { 's3:ExistingObjectTag/Project': 'x*' } } }],
    [{ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*:111122223333:trail/*' } } }],
    [{ Condition: { BinaryEquals: { 'aws:UserAgent': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } } }],
    [{ Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }, Action: 's3:PutObject' }],
    [{ Condition: { StringEquals: { 's3:x-amz-acl': 'public-read' } }, Action: 's3:*' }],
    [{ Condition: { StringEquals: { 's3:prefix': 'home/' } }, Action: ['s3:ListBucket', 's3:ListBucketVersions'], Resource: `arn:aws:s3:::${BUCKET}` }],
    [{ Condition: { StringEquals: { 's3:VersionId': 'v1' } }, Action: 's3:GetObjectVersion' }],
    [{ Condition: { StringEquals: { 'AWS:PrincipalAccount': '111122223333' } } }],
  ])('a statement with %j', (change) => {
    expect(() => parseBucketPolicy(policyWith(change), BUCKET)).not.toThrow();
  });

  it('up to 20 KB as S3 counts it, without the whitespace of the layout', () => {
    const withSid = (length: number) => policyWith({ Sid: 'x'.repeat(length) });
    const room = MAX_POLICY_BYTES - Buffer.byteLength(withSid(0));
    expect(Buffer.byteLength(withSid(room))).toBe(MAX_POLICY_BYTES);
    expect(() => parseBucketPolicy(withSid(room), BUCKET)).not.toThrow();
    expect(reason(withSid(room + 1))).toBe('Policy exceeds the maximum allowed document size.');
    // The same 20 KB pretty-printed is larger as text, and still fits.
    const pretty = JSON.stringify(JSON.parse(withSid(room)), null, 4);
    expect(Buffer.byteLength(pretty)).toBeGreaterThan(MAX_POLICY_BYTES);
    expect(parseBucketPolicy(pretty, BUCKET).text).toBe(pretty);
    expect(reason(JSON.stringify(JSON.parse(withSid(room + 1)), null, 4))).toBe('Policy exceeds the maximum allowed document size.');
  });

  it('refuses a body past 64 KB without reading it as JSON', () => {
    expect(reason(`{${' '.repeat(MAX_RAW_BYTES)}`)).toBe('Policy exceeds the maximum allowed document size.');
  });
});

describe('parseBucketPolicy refuses, with the reason S3 gives', () => {
  it.each([
    ['', "Policies must be valid JSON and the first byte must be '{'"],
    [' {}', "Policies must be valid JSON and the first byte must be '{'"],
    ['[{"Statement":[]}]', "Policies must be valid JSON and the first byte must be '{'"],
    ['\ufeff{"Statement":[]}', "Policies must be valid JSON and the first byte must be '{'"],
    ['{"Statement": [', 'This policy contains invalid Json'],
    ["{'Statement': []}", 'This policy contains invalid Json'],
    ['{"Version":"2012-10-17"}', 'Missing required field Statement'],
    ['{"Version":"2012-10-17","Statement":[]}', 'Could not parse the policy: Statement is empty!'],
    ['{"Version":"2012-10-17","Statement":["x"]}', 'Invalid policy syntax.'],
    ['{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}', 'Statement/policy already has instance of Version'],
    ['{"Version":"2012-10-18","Statement":[]}', 'The policy must contain a valid version string'],
    ['{"Version":2012,"Statement":[]}', 'The policy must contain a valid version string'],
  ])('%j: %s', (text, message) => {
    expect(reason(text)).toBe(message);
  });

  it('bytes that are not UTF-8 as invalid JSON', () => {
    expect(reason(Buffer.from([0x7b, 0xff, 0x7d]))).toBe('This policy contains invalid Json');
  });

  it.each([
    [{ Effect: undefined }, 'Missing required field Effect'],
    [{ Effect: 'hello' }, 'Invalid effect: hello'],
    [{ Effect: 'allow' }, 'Invalid effect: allow'],
    [{ Principal: undefined }, 'Missing required field Principal'],
    [{ Action: undefined }, 'Missing required field Action'],
    [{ Resource: undefined }, 'Missing required field Resource'],
    [{ NotPrincipal: '*' }, 'Statement/policy already has instance of Principal'],
    [{ NotPrincipal: { AWS: '111122223333' }, Principal: undefined }, 'NotPrincipal must be used with "Effect":"Deny"'],
    [{ NotAction: 's3:PutObject' }, 'Statement/policy already has instance of Action'],
    [{ NotResource: `arn:aws:s3:::${BUCKET}/x` }, 'Statement/policy already has instance of Resource'],
    [{ Sid: 7 }, 'Invalid policy syntax.'],
    [{ Principal: 'me' }, 'Invalid principal in policy'],
    [{ Principal: {} }, 'Invalid principal in policy'],
    [{ Principal: { AWS: [] } }, 'Invalid principal in policy'],
    [{ Principal: { AWS: '' } }, 'Invalid principal in policy'],
    [{ Principal: { AWS: 'arn:aws:iam::*:root' } }, 'Invalid principal in policy'],
    [{ Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }, 'Invalid principal in policy'],
    [{ Principal: { AWS: 'arn:aws:iam::111122223333:group/admins' } }, 'Invalid principal in policy'],
    [{ Principal: { AWS: 'not an id' } }, 'Invalid principal in policy'],
    [{ Principal: { User: 'alice' } }, 'Invalid principal in policy'],
    [{ Principal: { CanonicalUser: '*' } }, 'Invalid principal in policy'],
    [{ Principal: { AWS: 42 } }, 'Invalid principal in policy'],
    [{ Action: 'invalid_action' }, 'Policy has invalid action'],
    [{ Action: 'ec2:RunInstances' }, 'Policy has invalid action'],
    [{ Action: 's3:GetObjects' }, 'Policy has invalid action'],
    [{ Action: 's3:Fly*' }, 'Policy has invalid action'],
    [{ Action: [] }, 'Policy has invalid action'],
    [{ Action: ['s3:GetObject', 3] }, 'Policy has invalid action'],
    [{ Resource: '*' }, 'Policy has invalid resource'],
    [{ Resource: 'examplebucket/*' }, 'Policy has invalid resource'],
    [{ Resource: 'arn:aws:s3:::otherbucket/*' }, 'Policy has invalid resource'],
    [{ Resource: 'arn:aws:s3:::examplebucket2/*' }, 'Policy has invalid resource'],
    [{ Resource: 'arn:aws:s3:::' }, 'Policy has invalid resource'],
    [{ Resource: 'arn:aws:s3:::/examplebucket' }, 'Policy has invalid resource'],
    [{ Resource: 'arn:aws:iam::111122223333:root' }, 'Policy has invalid resource'],
    [{ Resource: [] }, 'Policy has invalid resource'],
    [{ Resource: `arn:aws:s3:::${BUCKET}` }, 'Action does not apply to any resource(s) in statement'],
    [{ Action: 's3:ListBucket' }, 'Action does not apply to any resource(s) in statement'],
    [{ Action: ['s3:GetObject', 's3:GetBucketAcl'] }, 'Action does not apply to any resource(s) in statement'],
    [{ Action: 's3:ListAllMyBuckets', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }, 'Action does not apply to any resource(s) in statement'],
    [{ Action: 's3:GetBucket*' }, 'Action does not apply to any resource(s) in statement'],
    [{ Condition: { StringEqualz: { 'aws:Referer': 'x' } } }, 'Invalid Condition type : StringEqualz'],
    [{ Condition: { stringequals: { 'aws:Referer': 'x' } } }, 'Invalid Condition type : stringequals'],
    [{ Condition: { NullIfExists: { 'aws:Referer': 'true' } } }, 'Invalid Condition type : NullIfExists'],
    [{ Condition: { 'ForAnyValue:Null': { 'aws:Referer': 'true' } } }, 'Invalid Condition type : ForAnyValue:Null'],
    [{ Condition: { 'ForSomeValues:StringEquals': { 'aws:Referer': 'x' } } }, 'Invalid Condition type : ForSomeValues:StringEquals'],
    [{ Condition: { StringEquals: { 's3:FakeKey': 'x' } } }, 'Policy has an invalid condition key'],
    [{ Condition: { StringEquals: { 'ec2:InstanceType': 'x' } } }, 'Policy has an invalid condition key'],
    [{ Condition: { StringEquals: { Referer: 'x' } } }, 'Policy has an invalid condition key'],
    [{ Condition: { StringEquals: { 's3:ExistingObjectTag/': 'x' } } }, 'Policy has an invalid condition key'],
    [{ Condition: { StringEquals: { 's3:prefix': 'home/' } } }, 'Conditions do not apply to combination of actions and resources in statement'],
    [{ Condition: { StringEquals: { 's3:x-amz-acl': 'public-read' } }, Action: ['s3:GetObject', 's3:PutObject'] }, 'Conditions do not apply to combination of actions and resources in statement'],
    [{ Condition: { IpAddress: { 'aws:SourceIp': 'not-an-ip' } } }, 'Invalid IP address in Conditions'],
    [{ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }, 'Invalid IP address in Conditions'],
    [{ Condition: { StringEquals: { 'aws:SourceIp': '10.0.0.*' } } }, 'Invalid IP address in Conditions'],
    [{ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } }, Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }, 'Invalid value for NumericLessThan on s3:max-keys: ten'],
    [{ Condition: { DateGreaterThan: { 'aws:CurrentTime': 'tomorrow' } } }, 'Invalid value for DateGreaterThan on aws:currenttime: tomorrow'],
    [{ Condition: { Null: { 'aws:Referer': 'maybe' } } }, 'Invalid value for Null on aws:referer: maybe'],
    [{ Condition: { BinaryEquals: { 'aws:UserAgent': 'not base64!' } } }, 'Invalid value for BinaryEquals on aws:useragent: not base64!'],
    [{ Condition: { StringEquals: { 'aws:Referer': { nested: 1 } } } }, 'Invalid policy syntax.'],
    [{ Condition: { StringEquals: { 'aws:Referer': null } } }, 'Invalid policy syntax.'],
    [{ Condition: { StringEquals: 'aws:Referer' } }, 'Invalid policy syntax.'],
    [{ Condition: ['StringEquals'] }, 'Invalid policy syntax.'],
  ])('a statement with %j: %s', (change, message) => {
    expect(reason(policyWith(change))).toBe(message);
  });

  it('an element S3 does not know, in the policy or in a statement', () => {
    expect(reason(policyWith({}, { Comment: 'x' }))).toBe('Unknown field Comment');
    expect(reason(policyWith({ Principals: '*' }))).toBe('Unknown field Principals');
    expect(reason(policyWith({ effect: 'Allow' }))).toBe('Unknown field effect');
  });

  it('a name given twice in one object, at any depth', () => {
    const statement = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::${BUCKET}/*"`;
    expect(reason(`{"Statement":[${statement},"Effect":"Deny"}]}`)).toBe('Statement/policy already has instance of Effect');
    expect(reason(`{"Statement":[${statement},"Condition":{"StringLike":{"aws:Referer":"a","aws:Referer":"b"}}}]}`)).toBe('Statement/policy already has instance of aws:Referer');
    // Equal names in different objects, and names inside strings, are fine.
    expect(() => parseBucketPolicy(`{"Statement":[${statement},"Sid":"a \\"Sid\\": {\\"x"}, ${statement},"Sid":"b"}]}`, BUCKET)).not.toThrow();
  });

  it('an Id that is not a string', () => {
    expect(reason(policyWith({}, { Id: 5 }))).toBe('Invalid policy syntax.');
  });

  it('the first bad statement of several', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*' },
      ],
    });
    expect(reason(text)).toBe('Policy has invalid resource');
  });
});
