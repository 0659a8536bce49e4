import { describe, expect, it } from 'vitest';
import { namedPrincipals, parseBucketPolicy } from '../../../../src/access/policy/document.js';
import { parsePrincipal, principalMatches, type Requester } from '../../../../src/access/policy/principal.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const anonymous: Requester = { kind: 'anonymous' };
const alice: Requester = { kind: 'project', projectId: PROJECT, userId: 'f00d', userName: 'alice' };
const bob: Requester = { kind: 'project', projectId: PROJECT, userId: 'beef', userName: 'bob' };
const other: Requester = { kind: 'project', projectId: 'fedcba9876543210fedcba9876543210', userId: 'f00d', userName: 'alice' };
const idOnly: Requester = { kind: 'project', projectId: PROJECT };

describe('Principal matching (Keystone projects as accounts)', () => {
  it.each([
    ['*', [anonymous, alice, bob, other, idOnly], []],
    [{ AWS: '*' }, [anonymous, alice, other], []],
    [{ AWS: PROJECT }, [alice, bob, idOnly], [anonymous, other]],
    [{ AWS: `arn:aws:iam::${PROJECT}:root` }, [alice, bob, idOnly], [anonymous, other]],
    [{ CanonicalUser: PROJECT }, [alice, bob], [anonymous, other]],
    [{ AWS: `arn:aws:iam::${PROJECT}:user/alice` }, [alice], [bob, other, anonymous, idOnly]],
    [{ AWS: `arn:aws:iam::${PROJECT}:user/division/team/alice` }, [alice], [bob]],
    [{ AWS: `arn:aws:iam::${PROJECT}:user/beef` }, [bob], [alice]],
    [{ AWS: [`arn:aws:iam::${PROJECT}:user/alice`, `arn:aws:iam::${PROJECT}:user/bob`] }, [alice, bob], [other]],
    [{ AWS: `arn:aws:iam::${PROJECT}:role/reader` }, [], [alice, bob, anonymous]],
    [{ AWS: `arn:aws:sts::${PROJECT}:assumed-role/reader/alice` }, [], [alice]],
    [{ Service: 'cloudtrail.amazonaws.com' }, [], [alice, anonymous]],
    [{ Federated: 'graph.facebook.com' }, [], [alice, anonymous]],
    [{ AWS: PROJECT, Service: 'logging.s3.amazonaws.com' }, [alice], [other]],
  ])('%j names %j and not %j', (element, named, notNamed) => {
    const set = parsePrincipal(element);
    for (const requester of named) expect(principalMatches(set, requester)).toBe(true);
    for (const requester of notNamed) expect(principalMatches(set, requester)).toBe(false);
  });

  it('knows which forms are public', () => {
    expect(parsePrincipal('*').everyone).toBe(true);
    expect(parsePrincipal({ AWS: ['*'] }).everyone).toBe(true);
    expect(parsePrincipal({ Federated: 'accounts.google.com' }).federated).toBe(true);
    expect(parsePrincipal({ AWS: PROJECT }).everyone).toBe(false);
  });
});

describe('namedPrincipals', () => {
  it('lists the projects and users of Principal and NotPrincipal, for an existence check against Keystone', () => {
    const policy = parseBucketPolicy(JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: [PROJECT, `arn:aws:iam::${PROJECT}:user/alice`], CanonicalUser: 'c0ffee' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::abc:root' }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' },
      ],
    }), 'b');
    const named = namedPrincipals(policy);
    expect([...named.projects].sort()).toEqual([PROJECT, 'abc', 'c0ffee'].sort());
    expect(named.users).toEqual([{ projectId: PROJECT, user: 'alice' }]);
  });
});
