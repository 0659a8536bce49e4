// What an ACL allows whom, and what is public.
import { describe, expect, it } from 'vitest';
import {
  ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, PERMISSIONS, aclAllows, cannedAcl, grant, group, isPublicAcl, user, withoutPublicGrants,
  type Acl, type Requester,
} from '../../../../src/access/acl/index.js';
import { OTHER, OWNER, THIRD } from './helpers.js';

const anonymous: Requester = { kind: 'anonymous' };
const owner: Requester = { kind: 'project', projectId: OWNER.id };
const other: Requester = { kind: 'project', projectId: OTHER.id };
const third: Requester = { kind: 'project', projectId: THIRD };
const acl = (...grants: Acl['grants']): Acl => ({ owner: OWNER, grants });

describe('aclAllows', () => {
  it('gives the owner everything under private, and nobody else anything', () => {
    const priv = cannedAcl('private', OWNER, 'bucket');
    for (const p of PERMISSIONS) {
      expect(aclAllows(priv, owner, p)).toBe(true);
      expect(aclAllows(priv, other, p)).toBe(false);
      expect(aclAllows(priv, anonymous, p)).toBe(false);
    }
  });

  it('lets anyone, signed or not, READ under public-read, and nothing more', () => {
    const pub = cannedAcl('public-read', OWNER, 'bucket');
    for (const who of [anonymous, other]) {
      expect(aclAllows(pub, who, 'READ')).toBe(true);
      expect(aclAllows(pub, who, 'WRITE')).toBe(false);
      expect(aclAllows(pub, who, 'READ_ACP')).toBe(false);
    }
    expect(aclAllows(cannedAcl('public-read-write', OWNER, 'bucket'), anonymous, 'WRITE')).toBe(true);
  });

  it('lets signed requests of any project READ under authenticated-read, but not unsigned ones', () => {
    const auth = cannedAcl('authenticated-read', OWNER, 'bucket');
    expect(aclAllows(auth, other, 'READ')).toBe(true);
    expect(aclAllows(auth, third, 'READ')).toBe(true);
    expect(aclAllows(auth, anonymous, 'READ')).toBe(false);
  });

  it('gives a canonical grant to that project only', () => {
    const shared = acl(grant(user(OTHER.id), 'WRITE'));
    expect(aclAllows(shared, other, 'WRITE')).toBe(true);
    expect(aclAllows(shared, other, 'READ')).toBe(false);
    expect(aclAllows(shared, third, 'WRITE')).toBe(false);
    expect(aclAllows(shared, anonymous, 'WRITE')).toBe(false);
  });

  it('makes FULL_CONTROL imply the four other permissions, and FULL_CONTROL asked for need all four', () => {
    const full = acl(grant(user(OTHER.id), 'FULL_CONTROL'));
    for (const p of PERMISSIONS) expect(aclAllows(full, other, p)).toBe(true);
    const pieces = acl(grant(user(OTHER.id), 'READ'), grant(group(AUTHENTICATED_USERS), 'WRITE'), grant(user(OTHER.id), 'READ_ACP'));
    expect(aclAllows(pieces, other, 'FULL_CONTROL')).toBe(false);
    const all = acl(...pieces.grants, grant(group(ALL_USERS), 'WRITE_ACP'));
    expect(aclAllows(all, other, 'FULL_CONTROL')).toBe(true);
  });

  it('always lets the owner read and write the ACL, even when no grant names it', () => {
    const none = acl(grant(user(OTHER.id), 'FULL_CONTROL'));
    expect(aclAllows(none, owner, 'READ_ACP')).toBe(true);
    expect(aclAllows(none, owner, 'WRITE_ACP')).toBe(true);
    expect(aclAllows(none, owner, 'READ')).toBe(false);
    expect(aclAllows(none, owner, 'FULL_CONTROL')).toBe(false);
  });

  it('gives LogDelivery grants to nobody here', () => {
    const log = cannedAcl('log-delivery-write', OWNER, 'bucket');
    expect(aclAllows(log, other, 'WRITE')).toBe(false);
    expect(aclAllows(log, anonymous, 'WRITE')).toBe(false);
  });
});

describe('isPublicAcl', () => {
  it('is true for any permission to AllUsers or AuthenticatedUsers, and only then', () => {
    expect(isPublicAcl(cannedAcl('public-read', OWNER, 'bucket'))).toBe(true);
    expect(isPublicAcl(cannedAcl('authenticated-read', OWNER, 'object'))).toBe(true);
    expect(isPublicAcl(acl(grant(group(ALL_USERS), 'READ_ACP')))).toBe(true);
    expect(isPublicAcl(acl(grant(group(AUTHENTICATED_USERS), 'WRITE_ACP')))).toBe(true);
    expect(isPublicAcl(cannedAcl('private', OWNER, 'bucket'))).toBe(false);
    expect(isPublicAcl(cannedAcl('log-delivery-write', OWNER, 'bucket'))).toBe(false);
    expect(isPublicAcl(cannedAcl('bucket-owner-full-control', OWNER, 'object', OTHER))).toBe(false);
    expect(isPublicAcl(acl(grant(group(LOG_DELIVERY), 'FULL_CONTROL'), grant(user(OTHER.id), 'FULL_CONTROL')))).toBe(false);
  });

  it('leaves the public grants out for IgnorePublicAcls', () => {
    const pub = cannedAcl('public-read-write', OWNER, 'bucket');
    expect(withoutPublicGrants(pub)).toEqual(cannedAcl('private', OWNER, 'bucket'));
    const priv = cannedAcl('private', OWNER, 'bucket');
    expect(withoutPublicGrants(priv)).toBe(priv);
  });
});
