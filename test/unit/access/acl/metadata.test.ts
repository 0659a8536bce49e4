// Object ACLs (and a bucket's extra grants) as Swift metadata items.
import { describe, expect, it } from 'vitest';
import {
  ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, MAX_VALUE_BYTES, PERMISSIONS, cannedAcl, decodeGrantList, decodeObjectAcl, encodeGrantList, encodeObjectAcl,
  grant, group, user, type Acl, type Grant,
} from '../../../../src/access/acl/index.js';
import { OTHER, OWNER, key } from './helpers.js';

const keys = (grants: readonly Grant[]) => grants.map(key);
const hexId = (n: number) => n.toString(16).padStart(32, '0');

describe('encodeObjectAcl / decodeObjectAcl', () => {
  it('writes public-read in one short item', () => {
    expect(encodeObjectAcl(cannedAcl('public-read', OWNER, 'object'))).toEqual({ acl: 'Fo,R*' });
  });

  it('writes a grant to a 32-hex-digit project id in 25 bytes', () => {
    const meta = encodeObjectAcl({ owner: OWNER, grants: [grant(user(OTHER.id), 'READ')] });
    expect(meta['acl']).toHaveLength(24);
    expect(meta['acl']?.startsWith('Rh')).toBe(true);
  });

  it('writes an ACL without grants as "-" (Swift drops an empty item)', () => {
    const meta = encodeObjectAcl({ owner: OWNER, grants: [] });
    expect(meta).toEqual({ acl: '-' });
    expect(decodeObjectAcl(meta, OWNER)).toEqual({ owner: OWNER, grants: [] });
  });

  it('is undefined when nothing is stored', () => {
    expect(decodeObjectAcl({ 'checksum-crc32': 'AAAAAA==' }, OWNER)).toBeUndefined();
  });

  it('round-trips every canned ACL, each grantee kind and each permission', () => {
    for (const name of ['private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write']) {
      const acl = cannedAcl(name, OWNER, 'object', OTHER);
      expect(keys(decodeObjectAcl(encodeObjectAcl(acl), OWNER)!.grants)).toEqual(keys(acl.grants));
    }
    const every: Acl = {
      owner: OWNER,
      grants: PERMISSIONS.flatMap((p) => [user(OWNER.id), user(OTHER.id), user('Not-Hex_id.with@chars'), user('0123456789ABCDEF0123456789ABCDEF'), group(ALL_USERS), group(AUTHENTICATED_USERS), group(LOG_DELIVERY)].map((g) => grant(g, p))),
    };
    expect(keys(decodeObjectAcl(encodeObjectAcl(every), OWNER)!.grants)).toEqual(keys(every.grants));
  });

  it('round-trips 1 to 100 grants in order, every value at most 256 bytes and every name short', () => {
    for (let n = 1; n <= 100; n++) {
      const grants = Array.from({ length: n }, (_, i) => grant(i % 7 === 3 ? user(`project-${i}-${'x'.repeat(i % 50)}`) : user(hexId(i * 7919)), PERMISSIONS[i % 5]!));
      const acl: Acl = { owner: OWNER, grants };
      const meta = encodeObjectAcl(acl);
      for (const [name, value] of Object.entries(meta)) {
        expect(Buffer.byteLength(value)).toBeLessThanOrEqual(MAX_VALUE_BYTES);
        expect(name.length).toBeLessThanOrEqual(16);
        expect(value).toMatch(/^[\x21-\x7e]+$/);
      }
      expect(Object.keys(meta).length).toBeLessThan(40);
      expect(keys(decodeObjectAcl(meta, OWNER)!.grants)).toEqual(keys(grants));
    }
  });

  it('keeps 100 grants to projects within 2.6 KB', () => {
    const acl: Acl = { owner: OWNER, grants: Array.from({ length: 100 }, (_, i) => grant(user(hexId(i + 1)), 'READ')) };
    const meta = encodeObjectAcl(acl);
    const total = Object.entries(meta).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    expect(total).toBeLessThan(2600);
    expect(Object.keys(meta)).toEqual(['acl', ...Array.from({ length: Object.keys(meta).length - 1 }, (_, i) => `acl-${i + 2}`)]);
  });

  it('reads names in any case (Swift title-cases metadata names)', () => {
    const meta = encodeObjectAcl({ owner: OWNER, grants: Array.from({ length: 30 }, (_, i) => grant(user(hexId(i)), 'WRITE_ACP')) });
    const titled = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k.replace(/^a/, 'A'), v]));
    expect(decodeObjectAcl(titled, OWNER)!.grants).toHaveLength(30);
  });

  it('follows the owner it is given for grants written as the owner', () => {
    const meta = encodeObjectAcl(cannedAcl('private', OWNER, 'object'));
    expect(keys(decodeObjectAcl(meta, OTHER)!.grants)).toEqual([`FULL_CONTROL ${OTHER.id}`]);
  });

  it('treats what it could not have written as no stored ACL', () => {
    for (const value of ['', 'X*', 'R', 'Rq', 'Fo,,R*', 'Ru', 'Rhshort', `Ru${hexId(5)}`, 'Ru bad id', `Ru${'a'.repeat(65)}`]) {
      expect(decodeGrantList({ acl: value }, OWNER.id)).toBeUndefined();
    }
    expect(decodeGrantList({ acl: Array.from({ length: 101 }, () => 'R*').join(',') }, OWNER.id)).toBeUndefined();
  });

  it('stores a bucket extra list under another name', () => {
    const meta = encodeGrantList([grant(group(LOG_DELIVERY), 'READ_ACP')], OWNER.id, 'acl-extra');
    expect(meta).toEqual({ 'acl-extra': 'rl' });
    expect(keys(decodeGrantList(meta, OWNER.id, 'acl-extra')!)).toEqual([`READ_ACP ${LOG_DELIVERY}`]);
    expect(decodeGrantList(meta, OWNER.id)).toBeUndefined();
  });
});
