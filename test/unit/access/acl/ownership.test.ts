// Object Ownership: the controls document, and the ACLs BucketOwnerEnforced refuses.
import { describe, expect, it } from 'vitest';
import {
  aclFromRequestHeaders, cannedAcl, checkAclAllowedByOwnership, checkOwnershipChange, enforcedAcl, grant, objectOwnerFor, ownershipControlsDocument,
  parseObjectOwnershipHeader, parseOwnershipControls, user, OBJECT_OWNERSHIPS, type AclUse,
} from '../../../../src/access/acl/index.js';
import { toXml } from '../../../../src/s3/xml.js';
import { OTHER, OWNER, asyncErrorOf, errorOf, key } from './helpers.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const controls = (inner: string) => `<OwnershipControls xmlns="${NS}">${inner}</OwnershipControls>`;

describe('ownership controls documents', () => {
  for (const o of OBJECT_OWNERSHIPS) {
    it(`reads and writes ${o}`, async () => {
      const body = ownershipControlsDocument(o);
      const xml = toXml(body.root, body.doc, NS);
      expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<OwnershipControls xmlns="${NS}"><Rule><ObjectOwnership>${o}</ObjectOwnership></Rule></OwnershipControls>`);
      expect(await parseOwnershipControls(Buffer.from(xml))).toBe(o);
    });
  }

  it('reads an indented body', async () => {
    expect(await parseOwnershipControls(`\n${controls('\n  <Rule>\n    <ObjectOwnership> ObjectWriter </ObjectOwnership>\n  </Rule>\n')}\n`)).toBe('ObjectWriter');
  });

  const bad: Record<string, string> = {
    'no XML': 'BucketOwnerEnforced',
    'another root': '<OwnershipControl><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControl>',
    'no Rule': controls(''),
    'two Rules': controls('<Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule>'),
    'no ObjectOwnership': controls('<Rule></Rule>'),
    'an unknown value': controls('<Rule><ObjectOwnership>BucketOwner</ObjectOwnership></Rule>'),
    'a value in the wrong case': controls('<Rule><ObjectOwnership>objectwriter</ObjectOwnership></Rule>'),
  };
  for (const [what, body] of Object.entries(bad)) {
    it(`refuses ${what} with MalformedXML`, async () => {
      expect((await asyncErrorOf(() => parseOwnershipControls(body))).code).toBe('MalformedXML');
    });
  }

  it('reads the x-amz-object-ownership header of CreateBucket', () => {
    expect(parseObjectOwnershipHeader('BucketOwnerPreferred')).toBe('BucketOwnerPreferred');
    const err = errorOf(() => parseObjectOwnershipHeader('Owner'));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details['ArgumentName']).toBe('x-amz-object-ownership');
  });
});

describe('checkAclAllowedByOwnership', () => {
  const uses: AclUse[] = ['CreateBucket', 'PutBucketAcl', 'PutObject', 'PutObjectAcl'];

  it('refuses nothing without BucketOwnerEnforced', () => {
    for (const ownership of [undefined, 'BucketOwnerPreferred', 'ObjectWriter'] as const) {
      for (const use of uses) checkAclAllowedByOwnership(cannedAcl('public-read-write', OWNER, 'bucket'), ownership, use, OWNER.id);
    }
  });

  it('refuses nothing for a request without an ACL', () => {
    for (const use of uses) checkAclAllowedByOwnership(undefined, 'BucketOwnerEnforced', use, OWNER.id);
  });

  it('refuses every PutBucketAcl and PutObjectAcl with AccessControlListNotSupported, private included', () => {
    for (const use of ['PutBucketAcl', 'PutObjectAcl'] as const) {
      const err = errorOf(() => checkAclAllowedByOwnership(cannedAcl('private', OWNER, 'bucket'), 'BucketOwnerEnforced', use, OWNER.id));
      expect(err.code).toBe('AccessControlListNotSupported');
      expect(err.status).toBe(400);
      expect(err.message).toBe('The bucket does not allow ACLs');
    }
  });

  it('lets PutObject through with bucket-owner-full-control, from the bucket owner or another project', () => {
    checkAclAllowedByOwnership(cannedAcl('bucket-owner-full-control', OTHER, 'object', OWNER), 'BucketOwnerEnforced', 'PutObject', OWNER.id);
    checkAclAllowedByOwnership(cannedAcl('bucket-owner-full-control', OWNER, 'object', OWNER), 'BucketOwnerEnforced', 'PutObject', OWNER.id);
    // The same as grants: FULL_CONTROL to the bucket owner.
    const granted = aclFromRequestHeaders({ 'x-amz-grant-full-control': `id="${OWNER.id}"` }, OTHER, 'object', OWNER);
    checkAclAllowedByOwnership(granted, 'BucketOwnerEnforced', 'PutObject', OWNER.id);
    // The bucket owner's own private is the same grant.
    checkAclAllowedByOwnership(cannedAcl('private', OWNER, 'object'), 'BucketOwnerEnforced', 'PutObject', OWNER.id);
  });

  it('refuses PutObject with any other ACL with AccessControlListNotSupported', () => {
    const refused = [
      cannedAcl('public-read', OWNER, 'object'),
      cannedAcl('private', OTHER, 'object'),
      cannedAcl('bucket-owner-read', OTHER, 'object', OWNER),
      { owner: OTHER, grants: [grant(user(OWNER.id), 'FULL_CONTROL'), grant(user(OTHER.id), 'READ')] },
    ];
    for (const acl of refused) {
      expect(errorOf(() => checkAclAllowedByOwnership(acl, 'BucketOwnerEnforced', 'PutObject', OWNER.id)).code).toBe('AccessControlListNotSupported');
    }
  });

  it('refuses CreateBucket with BucketOwnerEnforced and an ACL granting others with InvalidBucketAclWithObjectOwnership', () => {
    checkAclAllowedByOwnership(cannedAcl('private', OWNER, 'bucket'), 'BucketOwnerEnforced', 'CreateBucket', OWNER.id);
    checkAclAllowedByOwnership(cannedAcl('bucket-owner-full-control', OWNER, 'bucket'), 'BucketOwnerEnforced', 'CreateBucket', OWNER.id);
    for (const name of ['public-read', 'authenticated-read', 'log-delivery-write']) {
      const err = errorOf(() => checkAclAllowedByOwnership(cannedAcl(name, OWNER, 'bucket'), 'BucketOwnerEnforced', 'CreateBucket', OWNER.id));
      expect(err.code).toBe('InvalidBucketAclWithObjectOwnership');
      expect(err.status).toBe(400);
    }
  });
});

describe('ownership changes and owners', () => {
  it('refuses BucketOwnerEnforced on a bucket whose ACL grants others', () => {
    expect(errorOf(() => checkOwnershipChange(cannedAcl('public-read', OWNER, 'bucket'), 'BucketOwnerEnforced')).code).toBe('InvalidBucketAclWithObjectOwnership');
    checkOwnershipChange(cannedAcl('private', OWNER, 'bucket'), 'BucketOwnerEnforced');
    checkOwnershipChange(cannedAcl('public-read', OWNER, 'bucket'), 'BucketOwnerPreferred');
    checkOwnershipChange(cannedAcl('public-read', OWNER, 'bucket'), 'ObjectWriter');
  });

  it('gives a written object to its writer, or to the bucket owner as the setting says', () => {
    expect(objectOwnerFor(undefined, OTHER, OWNER, 'bucket-owner-full-control')).toBe(OTHER);
    expect(objectOwnerFor('ObjectWriter', OTHER, OWNER, 'bucket-owner-full-control')).toBe(OTHER);
    expect(objectOwnerFor('BucketOwnerPreferred', OTHER, OWNER, 'bucket-owner-full-control')).toBe(OWNER);
    expect(objectOwnerFor('BucketOwnerPreferred', OTHER, OWNER, 'private')).toBe(OTHER);
    expect(objectOwnerFor('BucketOwnerPreferred', OTHER, OWNER, undefined)).toBe(OTHER);
    expect(objectOwnerFor('BucketOwnerEnforced', OTHER, OWNER, undefined)).toBe(OWNER);
  });

  it('shows full control for the bucket owner under BucketOwnerEnforced', () => {
    expect(enforcedAcl(OWNER, 'object').grants.map(key)).toEqual([`FULL_CONTROL ${OWNER.id}`]);
  });
});
