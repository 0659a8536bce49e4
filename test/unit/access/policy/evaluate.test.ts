import { describe, expect, it } from 'vitest';
import { parseBucketPolicy } from '../../../../src/access/policy/document.js';
import { evaluatePolicy, type RequestFacts } from '../../../../src/access/policy/evaluate.js';
import type { Requester } from '../../../../src/access/policy/principal.js';

// Bucket policies from AWS's "Examples of Amazon S3 bucket policies" and the
// IAM guide, evaluated for owner, grantee, stranger and anonymous requesters.
const BUCKET = 'examplebucket';
const OWNER = '0123456789abcdef0123456789abcdef';
const GRANTEE = '111122223333';
const anonymous: Requester = { kind: 'anonymous' };
const owner: Requester = { kind: 'project', projectId: OWNER, userId: 'u-owner', userName: 'olivia' };
const alice: Requester = { kind: 'project', projectId: GRANTEE, userId: 'u-alice', userName: 'alice' };
const bob: Requester = { kind: 'project', projectId: GRANTEE, userId: 'u-bob', userName: 'bob' };
const stranger: Requester = { kind: 'project', projectId: '99999999999999999999999999999999', userId: 'u-x', userName: 'alice' };

const policy = (...statements: object[]) => parseBucketPolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), BUCKET);
const object = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const bucketArn = `arn:aws:s3:::${BUCKET}`;

function facts(requester: Requester, action: string | string[], resource: string, context: RequestFacts['context'] = {}): RequestFacts {
  const identity = requester.kind === 'project'
    ? { 'aws:username': requester.userName, 'aws:userid': requester.userId, 'aws:principalaccount': requester.projectId }
    : {};
  return { requester, actions: Array.isArray(action) ? action : [action], resource, context: { 'aws:securetransport': 'true', 'aws:sourceip': '203.0.113.9', ...identity, ...context } };
}

describe('public read (Principal "*", s3:GetObject on bucket/*)', () => {
  const p = policy({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [object('*')] });
  it.each([
    [anonymous, 's3:GetObject', object('index.html'), 'Allow'],
    [stranger, 's3:GetObject', object('a/b/c.png'), 'Allow'],
    [anonymous, 'S3:GETOBJECT', object('index.html'), 'Allow'],
    [anonymous, 's3:GetObjectVersion', object('index.html'), 'Allow'],
    [anonymous, 's3:PutObject', object('index.html'), 'Default'],
    [anonymous, 's3:ListBucket', bucketArn, 'Default'],
    [anonymous, 's3:GetObject', 'arn:aws:s3:::otherbucket/index.html', 'Default'],
  ] as const)('%j %s %s: %s', (requester, action, resource, decision) => {
    expect(evaluatePolicy(p, facts(requester, action, resource))).toBe(decision);
  });
});

describe('IP allow and deny (aws:SourceIp)', () => {
  const allow = policy({
    Sid: 'IPAllow', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: [object('*')],
    Condition: { IpAddress: { 'aws:SourceIp': ['54.240.143.0/24', '2001:DB8:1234:5678::/64'] }, NotIpAddress: { 'aws:SourceIp': ['54.240.143.128/30', '2001:DB8:1234:5678:ABCD::/80'] } },
  });
  it.each([
    ['54.240.143.1', 'Allow'],
    ['54.240.143.129', 'Default'],
    ['54.240.144.1', 'Default'],
    ['2001:db8:1234:5678::1', 'Allow'],
    ['2001:db8:1234:5678:abcd::1', 'Default'],
    ['::ffff:54.240.143.1', 'Allow'],
  ])('allows from %s: %s', (ip, decision) => {
    expect(evaluatePolicy(allow, facts(anonymous, 's3:GetObject', object('k'), { 'aws:sourceip': ip }))).toBe(decision);
  });

  const deny = policy(
    { Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:*', Resource: [bucketArn, object('*')] },
    { Sid: 'DenyOutside', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, object('*')], Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } },
  );
  it('denies the grantee outside the range, even though another statement allows', () => {
    expect(evaluatePolicy(deny, facts(alice, 's3:GetObject', object('k'), { 'aws:sourceip': '192.0.2.10' }))).toBe('Allow');
    expect(evaluatePolicy(deny, facts(alice, 's3:GetObject', object('k'), { 'aws:sourceip': '198.51.100.1' }))).toBe('Deny');
    expect(evaluatePolicy(deny, facts(owner, 's3:ListBucket', bucketArn, { 'aws:sourceip': '198.51.100.1' }))).toBe('Deny');
    expect(evaluatePolicy(deny, facts(owner, 's3:ListBucket', bucketArn, { 'aws:sourceip': '192.0.2.1' }))).toBe('Default');
  });
});

describe('referer (aws:Referer)', () => {
  const p = policy({
    Sid: 'AllowFromSite', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: object('*'),
    Condition: { StringLike: { 'aws:Referer': ['http://www.example.com/*', 'http://example.com/*'] } },
  });
  it.each([
    ['http://www.example.com/page.html', 'Allow'],
    ['http://example.com/', 'Allow'],
    ['https://www.example.com/page.html', 'Default'],
    ['http://evil.test/?http://example.com/', 'Default'],
    [undefined, 'Default'],
  ])('%s: %s', (referer, decision) => {
    expect(evaluatePolicy(p, facts(anonymous, 's3:GetObject', object('img.png'), referer === undefined ? {} : { 'aws:referer': referer }))).toBe(decision);
  });
});

describe('deny requests without TLS (aws:SecureTransport)', () => {
  const p = policy(
    { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('*') },
    { Sid: 'RestrictToTLS', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, object('*')], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  );
  it('allows over HTTPS and denies over HTTP, the owner too', () => {
    expect(evaluatePolicy(p, facts(anonymous, 's3:GetObject', object('k'), { 'aws:securetransport': 'true' }))).toBe('Allow');
    expect(evaluatePolicy(p, facts(anonymous, 's3:GetObject', object('k'), { 'aws:securetransport': 'false' }))).toBe('Deny');
    expect(evaluatePolicy(p, facts(owner, 's3:PutObject', object('k'), { 'aws:securetransport': 'false' }))).toBe('Deny');
  });
});

describe('cross-account grant (Principal an account and a user ARN)', () => {
  const p = policy(
    { Sid: 'Account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${GRANTEE}:root` }, Action: ['s3:GetObject', 's3:PutObject'], Resource: object('shared/*') },
    { Sid: 'OneUser', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${GRANTEE}:user/alice`] }, Action: 's3:DeleteObject', Resource: object('shared/*') },
    { Sid: 'ById', Effect: 'Allow', Principal: { CanonicalUser: GRANTEE }, Action: 's3:GetObjectAcl', Resource: object('*') },
  );
  it.each([
    [alice, 's3:GetObject', 'shared/x', 'Allow'],
    [bob, 's3:PutObject', 'shared/x', 'Allow'],
    [bob, 's3:GetObject', 'private/x', 'Default'],
    [alice, 's3:DeleteObject', 'shared/x', 'Allow'],
    [bob, 's3:DeleteObject', 'shared/x', 'Default'],
    [stranger, 's3:DeleteObject', 'shared/x', 'Default'],
    [stranger, 's3:GetObject', 'shared/x', 'Default'],
    [anonymous, 's3:GetObject', 'shared/x', 'Default'],
    [bob, 's3:GetObjectAcl', 'anything', 'Allow'],
  ] as const)('%j %s %s: %s', (requester, action, key, decision) => {
    expect(evaluatePolicy(p, facts(requester, action, object(key)))).toBe(decision);
  });

  it('names a user by Keystone user id as well as by name', () => {
    const byId = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${GRANTEE}:user/u-bob` }, Action: 's3:GetObject', Resource: object('*') });
    expect(evaluatePolicy(byId, facts(bob, 's3:GetObject', object('k')))).toBe('Allow');
    expect(evaluatePolicy(byId, facts(alice, 's3:GetObject', object('k')))).toBe('Default');
  });

  it('requires the bucket-owner-full-control ACL on uploads of the other account (s3:x-amz-acl)', () => {
    const acl = policy({
      Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:PutObject', Resource: object('*'),
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    });
    expect(evaluatePolicy(acl, facts(alice, 's3:PutObject', object('k'), { 's3:x-amz-acl': 'bucket-owner-full-control' }))).toBe('Allow');
    expect(evaluatePolicy(acl, facts(alice, 's3:PutObject', object('k'), { 's3:x-amz-acl': 'public-read' }))).toBe('Default');
    expect(evaluatePolicy(acl, facts(alice, 's3:PutObject', object('k')))).toBe('Default');
  });
});

describe('home folders: listing with s3:prefix and ${aws:username}', () => {
  const p = policy(
    {
      Sid: 'ListHome', Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:ListBucket', Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] }, StringEquals: { 's3:delimiter': '/' } },
    },
    { Sid: 'OwnFolder', Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:*', Resource: [object('home/${aws:username}'), object('home/${aws:username}/*')] },
  );
  it.each([
    [alice, { 's3:prefix': '', 's3:delimiter': '/' }, 'Allow'],
    [alice, { 's3:prefix': 'home/', 's3:delimiter': '/' }, 'Allow'],
    [alice, { 's3:prefix': 'home/alice/photos/', 's3:delimiter': '/' }, 'Allow'],
    [alice, { 's3:prefix': 'home/bob/', 's3:delimiter': '/' }, 'Default'],
    [alice, { 's3:prefix': 'home/' }, 'Default'],
    [alice, { 's3:delimiter': '/' }, 'Default'],
    [bob, { 's3:prefix': 'home/bob/', 's3:delimiter': '/' }, 'Allow'],
  ] as const)('%j lists with %j: %s', (requester, context, decision) => {
    expect(evaluatePolicy(p, facts(requester, 's3:ListBucket', bucketArn, context))).toBe(decision);
  });

  it('lets each user at their own folder only', () => {
    expect(evaluatePolicy(p, facts(alice, 's3:PutObject', object('home/alice/cv.pdf')))).toBe('Allow');
    expect(evaluatePolicy(p, facts(alice, 's3:PutObject', object('home/bob/cv.pdf')))).toBe('Default');
    expect(evaluatePolicy(p, facts(bob, 's3:GetObject', object('home/bob')))).toBe('Allow');
  });

  it('leaves the statement out when the variable has no value (an anonymous request)', () => {
    const open = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('home/${aws:username}/*') });
    expect(evaluatePolicy(open, facts(anonymous, 's3:GetObject', object('home/${aws:username}/x')))).toBe('Default');
    expect(evaluatePolicy(open, facts(alice, 's3:GetObject', object('home/alice/x')))).toBe('Allow');
  });

  it('reads ${...} literally in a policy without Version (2008-10-17)', () => {
    const old = parseBucketPolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('home/${aws:username}/*') }] }), BUCKET);
    expect(evaluatePolicy(old, facts(alice, 's3:GetObject', object('home/alice/x')))).toBe('Default');
    expect(evaluatePolicy(old, facts(alice, 's3:GetObject', object('home/${aws:username}/x')))).toBe('Allow');
  });
});

describe('NotPrincipal, NotAction, NotResource', () => {
  it('denies everyone but the named user and account (NotPrincipal with Deny)', () => {
    const p = policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('*') },
      { Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${GRANTEE}:user/bob`] }, Action: 's3:*', Resource: [bucketArn, object('*')] },
    );
    expect(evaluatePolicy(p, facts(bob, 's3:GetObject', object('k')))).toBe('Allow');
    expect(evaluatePolicy(p, facts(alice, 's3:GetObject', object('k')))).toBe('Deny');
    expect(evaluatePolicy(p, facts(anonymous, 's3:GetObject', object('k')))).toBe('Deny');
  });

  it('allows every action but the listed ones (NotAction)', () => {
    const p = policy({ Effect: 'Allow', Principal: { AWS: GRANTEE }, NotAction: ['s3:Delete*', 's3:PutBucketPolicy'], Resource: [bucketArn, object('*')] });
    expect(evaluatePolicy(p, facts(alice, 's3:GetObject', object('k')))).toBe('Allow');
    expect(evaluatePolicy(p, facts(alice, 's3:DeleteObject', object('k')))).toBe('Default');
    expect(evaluatePolicy(p, facts(alice, 's3:deletebucket', bucketArn))).toBe('Default');
    expect(evaluatePolicy(p, facts(alice, 's3:PutBucketPolicy', bucketArn))).toBe('Default');
  });

  it('denies everything outside a prefix (NotResource)', () => {
    const p = policy(
      { Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:*', Resource: object('*') },
      { Effect: 'Deny', Principal: { AWS: GRANTEE }, Action: 's3:*', NotResource: [object('public/*')] },
    );
    expect(evaluatePolicy(p, facts(alice, 's3:GetObject', object('public/a')))).toBe('Allow');
    expect(evaluatePolicy(p, facts(alice, 's3:GetObject', object('private/a')))).toBe('Deny');
    expect(evaluatePolicy(p, facts(owner, 's3:GetObject', object('private/a')))).toBe('Default');
  });
});

describe('resources', () => {
  const p = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: [object('Photos/*.jpg'), object('doc?.txt')] });
  it.each([
    ['Photos/a.jpg', 'Allow'],
    ['Photos/2024/a.jpg', 'Allow'],
    ['photos/a.jpg', 'Default'],
    ['Photos/a.JPG', 'Default'],
    ['doc1.txt', 'Allow'],
    ['doc10.txt', 'Default'],
    ['', 'Default'],
  ])('%j: %s (case-sensitive, * spans /)', (key, decision) => {
    expect(evaluatePolicy(p, facts(anonymous, 's3:GetObject', object(key)))).toBe(decision);
  });
});

describe('decisions', () => {
  const p = policy(
    { Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: object('*') },
    { Effect: 'Deny', Principal: '*', Action: 's3:PutObjectAcl', Resource: object('*') },
  );
  it('needs every action of an operation allowed, and a Deny of any denies', () => {
    expect(evaluatePolicy(p, facts(anonymous, ['s3:PutObject'], object('k')))).toBe('Allow');
    expect(evaluatePolicy(p, facts(anonymous, ['s3:PutObject', 's3:PutObjectAcl'], object('k')))).toBe('Deny');
    expect(evaluatePolicy(p, facts(anonymous, ['s3:PutObject', 's3:PutObjectTagging'], object('k')))).toBe('Default');
    expect(evaluatePolicy(p, facts(anonymous, [], object('k')))).toBe('Default');
  });

  it('lets a statement with an unmet condition say nothing', () => {
    const q = policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: object('*'), Condition: { Null: { 'aws:MultiFactorAuthAge': 'true' } } });
    expect(evaluatePolicy(q, facts(alice, 's3:GetObject', object('k')))).toBe('Deny');
    expect(evaluatePolicy(q, facts(alice, 's3:GetObject', object('k'), { 'aws:multifactorauthage': '30' }))).toBe('Default');
  });

  it('limits listings to 10 keys a page (s3:max-keys)', () => {
    const q = policy({ Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:ListBucket', Resource: bucketArn, Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } } });
    expect(evaluatePolicy(q, facts(alice, 's3:ListBucket', bucketArn, { 's3:max-keys': '10' }))).toBe('Allow');
    expect(evaluatePolicy(q, facts(alice, 's3:ListBucket', bucketArn, { 's3:max-keys': '1000' }))).toBe('Default');
  });

  it('opens a time window (aws:CurrentTime)', () => {
    const q = policy({
      Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('*'),
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } },
    });
    expect(evaluatePolicy(q, facts(anonymous, 's3:GetObject', object('k'), { 'aws:currenttime': '2026-06-01T12:00:00Z' }))).toBe('Allow');
    expect(evaluatePolicy(q, facts(anonymous, 's3:GetObject', object('k'), { 'aws:currenttime': '2027-01-01T00:00:00Z' }))).toBe('Default');
  });

  it('restricts by the requester\'s account (aws:PrincipalAccount)', () => {
    const q = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('*'), Condition: { StringEquals: { 'aws:PrincipalAccount': GRANTEE } } });
    expect(evaluatePolicy(q, facts(alice, 's3:GetObject', object('k')))).toBe('Allow');
    expect(evaluatePolicy(q, facts(stranger, 's3:GetObject', object('k')))).toBe('Default');
    expect(evaluatePolicy(q, facts(anonymous, 's3:GetObject', object('k')))).toBe('Default');
  });

  it('filters on object tags (s3:ExistingObjectTag/<key>, case of the tag key kept)', () => {
    const q = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('*'), Condition: { StringEquals: { 's3:ExistingObjectTag/Visibility': 'public' } } });
    expect(evaluatePolicy(q, facts(anonymous, 's3:GetObject', object('k'), { 's3:existingobjecttag/Visibility': 'public' }))).toBe('Allow');
    expect(evaluatePolicy(q, facts(anonymous, 's3:GetObject', object('k'), { 's3:existingobjecttag/visibility': 'public' }))).toBe('Default');
  });
});

describe('RestrictPublicBuckets', () => {
  const restrict = { restrictPublicBuckets: { ownerProjectId: OWNER } };
  const publicPolicy = policy(
    { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: object('*') },
    { Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:PutObject', Resource: object('*') },
    { Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:DeleteObject', Resource: object('*') },
    { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: object('locked/*') },
  );
  it('serves only the owner\'s project from a public policy, and still denies', () => {
    expect(publicPolicy.isPublic).toBe(true);
    expect(evaluatePolicy(publicPolicy, facts(anonymous, 's3:GetObject', object('k')), restrict)).toBe('Default');
    expect(evaluatePolicy(publicPolicy, facts(alice, 's3:PutObject', object('k')), restrict)).toBe('Default');
    expect(evaluatePolicy(publicPolicy, facts(owner, 's3:GetObject', object('k')), restrict)).toBe('Allow');
    expect(evaluatePolicy(publicPolicy, facts(owner, 's3:DeleteObject', object('k')), restrict)).toBe('Allow');
    expect(evaluatePolicy(publicPolicy, facts(owner, 's3:DeleteObject', object('locked/k')), restrict)).toBe('Deny');
    expect(evaluatePolicy(publicPolicy, facts(alice, 's3:PutObject', object('k')))).toBe('Allow');
  });

  it('leaves a non-public policy as written (delegation to another account keeps working)', () => {
    const shared = policy({ Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:PutObject', Resource: object('*') });
    expect(shared.isPublic).toBe(false);
    expect(evaluatePolicy(shared, facts(alice, 's3:PutObject', object('k')), restrict)).toBe('Allow');
  });
});

describe('more examples from the S3 user guide', () => {
  it('denies uploads without server-side encryption, or with the wrong kind (Null and StringNotEquals)', () => {
    const p = policy(
      { Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:PutObject', Resource: object('*') },
      { Sid: 'DenyIncorrectEncryptionHeader', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: object('*'), Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
      { Sid: 'DenyUnencryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: object('*'), Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } },
    );
    expect(evaluatePolicy(p, facts(alice, 's3:PutObject', object('k'), { 's3:x-amz-server-side-encryption': 'aws:kms' }))).toBe('Allow');
    expect(evaluatePolicy(p, facts(alice, 's3:PutObject', object('k'), { 's3:x-amz-server-side-encryption': 'AES256' }))).toBe('Deny');
    expect(evaluatePolicy(p, facts(alice, 's3:PutObject', object('k')))).toBe('Deny');
  });

  it('grants several accounts uploads only with the public-read canned ACL', () => {
    const p = policy({
      Sid: 'AddCannedAcl', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${GRANTEE}:root`, `arn:aws:iam::${OWNER}:root`] },
      Action: ['s3:PutObject', 's3:PutObjectAcl'], Resource: object('*'), Condition: { StringEquals: { 's3:x-amz-acl': ['public-read'] } },
    });
    expect(evaluatePolicy(p, facts(bob, ['s3:PutObject', 's3:PutObjectAcl'], object('k'), { 's3:x-amz-acl': 'public-read' }))).toBe('Allow');
    expect(evaluatePolicy(p, facts(bob, ['s3:PutObject'], object('k'), { 's3:x-amz-acl': 'private' }))).toBe('Default');
    expect(evaluatePolicy(p, facts(stranger, ['s3:PutObject'], object('k'), { 's3:x-amz-acl': 'public-read' }))).toBe('Default');
  });

  it('allows tagged uploads only with the listed tag keys (ForAllValues over s3:RequestObjectTagKeys)', () => {
    const p = policy({
      Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: ['s3:PutObject', 's3:PutObjectTagging'], Resource: object('*'),
      Condition: { 'ForAllValues:StringLike': { 's3:RequestObjectTagKeys': ['Owner', 'CreationDate'] } },
    });
    const put = (keys?: string[]) => evaluatePolicy(p, facts(alice, ['s3:PutObject', 's3:PutObjectTagging'], object('k'), keys ? { 's3:requestobjecttagkeys': keys } : {}));
    expect(put(['Owner'])).toBe('Allow');
    expect(put(['Owner', 'CreationDate'])).toBe('Allow');
    expect(put(['Owner', 'Secret'])).toBe('Default');
    // ForAllValues holds over no values at all: an upload without tags is allowed too, as IAM warns.
    expect(put()).toBe('Allow');
  });

  it('keeps the owner\'s own folder when a Deny for everyone else uses ArnNotLike on aws:PrincipalArn', () => {
    const p = policy(
      { Effect: 'Allow', Principal: { AWS: GRANTEE }, Action: 's3:*', Resource: [bucketArn, object('*')] },
      { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: object('admin/*'), Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${GRANTEE}:user/alice` } } },
    );
    const withArn = (who: Requester) => ({ 'aws:principalarn': who.kind === 'project' ? `arn:aws:iam::${who.projectId}:user/${who.userName}` : undefined });
    expect(evaluatePolicy(p, facts(alice, 's3:GetObject', object('admin/x'), withArn(alice)))).toBe('Allow');
    expect(evaluatePolicy(p, facts(bob, 's3:GetObject', object('admin/x'), withArn(bob)))).toBe('Deny');
    expect(evaluatePolicy(p, facts(anonymous, 's3:GetObject', object('admin/x')))).toBe('Deny');
    expect(evaluatePolicy(p, facts(bob, 's3:GetObject', object('public/x'), withArn(bob)))).toBe('Allow');
  });
});
