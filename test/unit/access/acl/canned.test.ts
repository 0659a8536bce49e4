// Canned ACLs: AWS's table, on buckets and on objects.
import { describe, expect, it } from 'vitest';
import { ALL_USERS, AUTHENTICATED_USERS, CANNED_ACLS, LOG_DELIVERY, cannedAcl, type Grant } from '../../../../src/access/acl/index.js';
import { OTHER, OWNER, errorOf, key } from './helpers.js';

const fc = (id: string) => `FULL_CONTROL ${id}`;
const keys = (grants: readonly Grant[]) => grants.map(key);

describe('cannedAcl', () => {
  const table: Record<string, { bucket: string[]; object: string[] }> = {
    'private': { bucket: [fc(OWNER.id)], object: [fc(OWNER.id)] },
    'public-read': { bucket: [fc(OWNER.id), `READ ${ALL_USERS}`], object: [fc(OWNER.id), `READ ${ALL_USERS}`] },
    'public-read-write': {
      bucket: [fc(OWNER.id), `READ ${ALL_USERS}`, `WRITE ${ALL_USERS}`],
      object: [fc(OWNER.id), `READ ${ALL_USERS}`, `WRITE ${ALL_USERS}`],
    },
    'authenticated-read': { bucket: [fc(OWNER.id), `READ ${AUTHENTICATED_USERS}`], object: [fc(OWNER.id), `READ ${AUTHENTICATED_USERS}`] },
    // "If you specify this canned ACL when creating a bucket, Amazon S3 ignores it."
    'bucket-owner-read': { bucket: [fc(OWNER.id)], object: [fc(OWNER.id), `READ ${OTHER.id}`] },
    'bucket-owner-full-control': { bucket: [fc(OWNER.id)], object: [fc(OWNER.id), fc(OTHER.id)] },
    'log-delivery-write': {
      bucket: [fc(OWNER.id), `WRITE ${LOG_DELIVERY}`, `READ_ACP ${LOG_DELIVERY}`],
      object: [fc(OWNER.id), `WRITE ${LOG_DELIVERY}`, `READ_ACP ${LOG_DELIVERY}`],
    },
  };

  for (const [name, expected] of Object.entries(table)) {
    it(`gives ${name} on a bucket the grants of AWS's table`, () => {
      const acl = cannedAcl(name, OWNER, 'bucket', OTHER);
      expect(acl.owner).toEqual(OWNER);
      expect(keys(acl.grants)).toEqual(expected.bucket);
    });
    it(`gives ${name} on an object of another project's bucket the grants of AWS's table`, () => {
      const acl = cannedAcl(name, OWNER, 'object', OTHER);
      expect(acl.owner).toEqual(OWNER);
      expect(keys(acl.grants)).toEqual(expected.object);
    });
  }

  it('covers every canned name AWS lists', () => {
    expect([...CANNED_ACLS].sort()).toEqual([...Object.keys(table), 'aws-exec-read'].sort());
  });

  it('gives the bucket owner no second grant when the bucket owner wrote the object', () => {
    expect(keys(cannedAcl('bucket-owner-full-control', OWNER, 'object', OWNER).grants)).toEqual([fc(OWNER.id)]);
    expect(keys(cannedAcl('bucket-owner-read', OWNER, 'object').grants)).toEqual([fc(OWNER.id)]);
  });

  it('names the owner with its display name in the owner grant', () => {
    const [first] = cannedAcl('private', OWNER, 'bucket').grants;
    expect(first?.grantee).toEqual({ type: 'CanonicalUser', id: OWNER.id, displayName: OWNER.displayName });
  });

  it('refuses an unknown canned ACL with InvalidArgument naming x-amz-acl', () => {
    for (const bad of ['public', 'Private', '', 'public-write']) {
      const err = errorOf(() => cannedAcl(bad, OWNER, 'bucket'));
      expect(err.code).toBe('InvalidArgument');
      expect(err.status).toBe(400);
      expect(err.details).toMatchObject({ ArgumentName: 'x-amz-acl', ArgumentValue: bad });
    }
  });

  it('answers aws-exec-read with NotImplemented: there is no EC2 to grant', () => {
    const err = errorOf(() => cannedAcl('aws-exec-read', OWNER, 'object'));
    expect(err.code).toBe('NotImplemented');
    expect(err.message).toMatch(/EC2/);
  });
});
