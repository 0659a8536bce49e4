// ACLs from request headers: x-amz-acl, or the x-amz-grant-* lists.
import { describe, expect, it } from 'vitest';
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, aclFromRequestHeaders, hasAclHeaders, parseGranteeList } from '../../../../src/access/acl/index.js';
import { OTHER, OWNER, THIRD, errorOf, key } from './helpers.js';

describe('parseGranteeList', () => {
  it('reads several grantees, quoted or not, with spaces around them', () => {
    const grantees = parseGranteeList('x-amz-grant-read', ` id="${OTHER.id}",uri=${ALL_USERS} ,  id=${THIRD}, uri="${AUTHENTICATED_USERS}" `);
    expect(grantees).toEqual([
      { type: 'CanonicalUser', id: OTHER.id },
      { type: 'Group', uri: ALL_USERS },
      { type: 'CanonicalUser', id: THIRD },
      { type: 'Group', uri: AUTHENTICATED_USERS },
    ]);
  });

  it('matches the grantee type without regard to case, as the aws CLI writes emailaddress=', () => {
    expect(parseGranteeList('x-amz-grant-read', `ID="${OTHER.id}", URI="${LOG_DELIVERY}"`)).toEqual([
      { type: 'CanonicalUser', id: OTHER.id },
      { type: 'Group', uri: LOG_DELIVERY },
    ]);
  });

  it('answers an e-mail grantee with UnresolvableGrantByEmailAddress', () => {
    for (const value of ['emailAddress="xyz@amazon.com"', 'emailaddress=xyz@amazon.com', `id="${OTHER.id}", emailAddress="a@b.c"`]) {
      const err = errorOf(() => parseGranteeList('x-amz-grant-read', value));
      expect(err.code).toBe('UnresolvableGrantByEmailAddress');
      expect(err.status).toBe(400);
    }
  });

  const bad: Record<string, string> = {
    'an empty value': '',
    'only spaces': '   ',
    'no =': OTHER.id,
    'an unknown type': 'name="bob"',
    'an unclosed quote': `id="${OTHER.id}`,
    'text after a quoted value': `id="${OTHER.id}"x`,
    'a trailing comma': `id="${OTHER.id}",`,
    'an empty value after =': 'id=',
    'an empty quoted value': 'id=""',
    'an unknown group': 'uri="http://acs.amazonaws.com/groups/global/Everyone"',
    'an id with a colon (it would break the Swift ACL)': 'id="proj:user"',
    'an id with a space': 'id="a b"',
    'an over-long id': `id="${'a'.repeat(65)}"`,
  };
  for (const [what, value] of Object.entries(bad)) {
    it(`refuses ${what} with InvalidArgument naming the header`, () => {
      const err = errorOf(() => parseGranteeList('x-amz-grant-write', value));
      expect(err.code).toBe('InvalidArgument');
      expect(err.details['ArgumentName']).toBe('x-amz-grant-write');
    });
  }
});

describe('aclFromRequestHeaders', () => {
  it('is undefined without any ACL header', () => {
    expect(aclFromRequestHeaders({ 'content-type': 'text/plain' }, OWNER, 'object')).toBeUndefined();
    expect(hasAclHeaders({ 'x-amz-meta-acl': 'private' })).toBe(false);
  });

  it('expands x-amz-acl with the bucket owner for objects', () => {
    const acl = aclFromRequestHeaders({ 'x-amz-acl': 'bucket-owner-read' }, OWNER, 'object', OTHER)!;
    expect(acl.grants.map(key)).toEqual([`FULL_CONTROL ${OWNER.id}`, `READ ${OTHER.id}`]);
    expect(hasAclHeaders({ 'x-amz-acl': 'private' })).toBe(true);
  });

  it('trims the canned name', () => {
    expect(aclFromRequestHeaders({ 'x-amz-acl': ' public-read ' }, OWNER, 'bucket')!.grants.map(key)).toEqual([`FULL_CONTROL ${OWNER.id}`, `READ ${ALL_USERS}`]);
  });

  it('gives exactly the grants the headers list, in header order, and no owner grant', () => {
    const acl = aclFromRequestHeaders({
      'x-amz-grant-full-control': `id="${THIRD}"`,
      'x-amz-grant-read': `id="${OTHER.id}", uri="${ALL_USERS}"`,
      'x-amz-grant-write': `id="${OTHER.id}"`,
      'x-amz-grant-read-acp': `uri="${AUTHENTICATED_USERS}"`,
      'x-amz-grant-write-acp': `id="${OTHER.id}"`,
    }, OWNER, 'bucket')!;
    expect(acl.owner).toEqual(OWNER);
    expect(acl.grants.map(key)).toEqual([
      `READ ${OTHER.id}`, `READ ${ALL_USERS}`, `WRITE ${OTHER.id}`, `READ_ACP ${AUTHENTICATED_USERS}`, `WRITE_ACP ${OTHER.id}`, `FULL_CONTROL ${THIRD}`,
    ]);
  });

  it('refuses x-amz-acl together with a grant header with InvalidRequest', () => {
    const err = errorOf(() => aclFromRequestHeaders({ 'x-amz-acl': 'private', 'x-amz-grant-read': `id="${OTHER.id}"` }, OWNER, 'bucket'));
    expect(err.code).toBe('InvalidRequest');
    expect(err.message).toBe('Specifying both Canned ACLs and Header Grants is not allowed');
  });

  it('refuses an unknown canned ACL with InvalidArgument', () => {
    expect(errorOf(() => aclFromRequestHeaders({ 'x-amz-acl': 'world-writable' }, OWNER, 'bucket')).code).toBe('InvalidArgument');
  });

  it('accepts 100 grants and refuses 101 with MalformedACLError', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id="${i.toString(16).padStart(32, '0')}"`).join(',');
    expect(aclFromRequestHeaders({ 'x-amz-grant-read': ids(100) }, OWNER, 'bucket')!.grants).toHaveLength(100);
    const err = errorOf(() => aclFromRequestHeaders({ 'x-amz-grant-read': ids(60), 'x-amz-grant-write': ids(41) }, OWNER, 'bucket'));
    expect(err.code).toBe('MalformedACLError');
  });
});
