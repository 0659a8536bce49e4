import { describe, expect, it } from 'vitest';
import { buildRequestContext, resourceArn, type ContextInput } from '../../../../src/access/policy/context.js';
import { parseBucketPolicy } from '../../../../src/access/policy/document.js';
import { evaluatePolicy } from '../../../../src/access/policy/evaluate.js';

const NOW = new Date(Date.UTC(2026, 11, 1, 15, 30, 0, 123));
const base: ContextInput = {
  requester: { kind: 'project', projectId: 'p1', userId: 'u1', userName: 'alice' },
  sourceIp: '::ffff:198.51.100.7', secureTransport: true, now: NOW, headers: {}, query: new Map(),
};

describe('buildRequestContext', () => {
  it('gives the global keys of a signed request', () => {
    const context = buildRequestContext({ ...base, headers: { referer: 'http://www.example.com/', 'user-agent': 'aws-cli/2' }, auth: { type: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256' } });
    expect(context).toEqual({
      'aws:sourceip': '::ffff:198.51.100.7', 'aws:securetransport': 'true', 'aws:currenttime': '2026-12-01T15:30:00Z',
      'aws:epochtime': String(Math.floor(NOW.getTime() / 1000)), 'aws:referer': 'http://www.example.com/', 'aws:useragent': 'aws-cli/2',
      'aws:principalaccount': 'p1', 'aws:principaltype': 'User', 'aws:userid': 'u1', 'aws:username': 'alice',
      'aws:principalarn': 'arn:aws:iam::p1:user/alice', 's3:authtype': 'REST-HEADER', 's3:signatureversion': 'AWS4-HMAC-SHA256',
    });
  });

  it('gives an anonymous request no principal keys but its type', () => {
    const context = buildRequestContext({ ...base, requester: { kind: 'anonymous' }, secureTransport: false });
    expect(context['aws:principaltype']).toBe('Anonymous');
    expect(context['aws:securetransport']).toBe('false');
    for (const key of ['aws:principalaccount', 'aws:userid', 'aws:username', 'aws:principalarn', 's3:authtype']) expect(key in context).toBe(false);
  });

  it('gives listing parameters, ACL and other S3 headers, Object Lock headers and request tags', () => {
    const context = buildRequestContext({
      ...base,
      query: new Map([['prefix', 'home/'], ['delimiter', '/'], ['max-keys', '10'], ['versionId', 'v1']]),
      headers: { 'x-amz-acl': 'public-read', 'x-amz-grant-read': 'id=p2', 'x-amz-storage-class': 'STANDARD', 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-tagging': 'Project=Blue&Team=a%20b&Project=Red' },
      existingObjectTags: { Visibility: 'public' },
    });
    expect(context).toMatchObject({
      's3:prefix': 'home/', 's3:delimiter': '/', 's3:max-keys': '10', 's3:versionid': 'v1',
      's3:x-amz-acl': 'public-read', 's3:x-amz-grant-read': 'id=p2', 's3:x-amz-storage-class': 'STANDARD',
      's3:object-lock-mode': 'GOVERNANCE', 's3:requestobjecttag/Project': 'Red', 's3:requestobjecttag/Team': 'a b',
      's3:requestobjecttagkeys': ['Project', 'Team'], 's3:existingobjecttag/Visibility': 'public',
    });
    expect('s3:prefix' in buildRequestContext(base)).toBe(false);
  });

  it('feeds the evaluator: an IP-restricted, TLS-only policy decides on the real request', () => {
    const policy = parseBucketPolicy(JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } },
        { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    }), 'b');
    const decide = (input: ContextInput) => evaluatePolicy(policy, { requester: input.requester, actions: ['s3:GetObject'], resource: resourceArn('b', 'k'), context: buildRequestContext(input) });
    expect(decide(base)).toBe('Allow');
    expect(decide({ ...base, secureTransport: false })).toBe('Deny');
    expect(decide({ ...base, sourceIp: '203.0.113.1' })).toBe('Default');
  });
});

describe('resourceArn', () => {
  it('names the bucket, or an object in it with its key as stored', () => {
    expect(resourceArn('b')).toBe('arn:aws:s3:::b');
    expect(resourceArn('b', 'a/b c%2F')).toBe('arn:aws:s3:::b/a/b c%2F');
    expect(resourceArn('b', '')).toBe('arn:aws:s3:::b/');
  });
});
