// Get/PutBucketAcl, Get/PutObjectAcl and GetBucketVersioning through the
// gateway against the real stack (namespace.mode account: one project): the
// default owner-only ACL, ACLs set and read back, S3's refusals; versioning never on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('acl');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/obj`, keys, body: 'hello' })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const demo = () => gw.stack.users.demo;

function policy(grants: string): string {
  const owner = `<Owner><ID>${demo().projectId}</ID><DisplayName>${demo().username}</DisplayName></Owner>`;
  return `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${owner}<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
}
const grant = (grantee: string, permission: string) =>
  `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${grantee.startsWith('<URI>') ? 'Group' : 'CanonicalUser'}">${grantee}</Grantee><Permission>${permission}</Permission></Grant>`;
const ownerGrant = () => grant(`<ID>${demo().projectId}</ID>`, 'FULL_CONTROL');

function expectOwnerOnly(xml: string): void {
  expect(xml).toContain('<AccessControlPolicy');
  expect(xmlValues(xml, 'ID')).toEqual([demo().projectId, demo().projectId]);
  expect(xmlValues(xml, 'DisplayName')).toEqual([demo().username, demo().username]);
  expect(xmlValues(xml, 'Permission')).toEqual(['FULL_CONTROL']);
  expect(xml).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"');
}

describe('GetBucketAcl and GetObjectAcl', () => {
  it('answer the owner (project id, user name) with FULL_CONTROL, with SigV2 and SigV4', async () => {
    const bucketAcl = await rawS3(gw.url, { method: 'GET', path: `/${b}?acl`, keys });
    expect(bucketAcl.status, bucketAcl.text()).toBe(200);
    expectOwnerOnly(bucketAcl.text());
    const objectAcl = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/obj?acl` });
    expect(objectAcl.status, objectAcl.text()).toBe(200);
    expectOwnerOnly(objectAcl.text());
  });

  it('answer NoSuchBucket and NoSuchKey for what does not exist', async () => {
    const bucket = await rawS3(gw.url, { method: 'GET', path: `/${uniqueBucket('none')}?acl`, keys });
    expect(bucket.status).toBe(404);
    expect(xmlValue(bucket.text(), 'Code')).toBe('NoSuchBucket');
    const key = await rawS3(gw.url, { method: 'GET', path: `/${b}/missing?acl`, keys });
    expect(key.status).toBe(404);
    expect(xmlValue(key.text(), 'Code')).toBe('NoSuchKey');
    const both = await rawS3(gw.url, { method: 'GET', path: `/${uniqueBucket('none')}/missing?acl`, keys });
    expect(xmlValue(both.text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('PutBucketAcl and PutObjectAcl', () => {
  it('accept x-amz-acl: private as a no-op (200), and change nothing in Swift', async () => {
    const before = await swiftDirect(gw.stack, 'demo', 'HEAD', b);
    for (const path of [`/${b}?acl`, `/${b}/obj?acl`]) {
      const res = await rawS3(gw.url, { method: 'PUT', path, keys, headers: { 'x-amz-acl': 'private' } });
      expect(res.status, `${path}: ${res.text()}`).toBe(200);
    }
    const after = await swiftDirect(gw.stack, 'demo', 'HEAD', b);
    expect(after.headers['x-container-read']).toBe(before.headers['x-container-read']);
    expect(after.headers['x-container-read']).toBeUndefined();
  });

  it('accept a policy body granting only the owner FULL_CONTROL (what s3cmd setacl --acl-private sends)', async () => {
    for (const path of [`/${b}?acl`, `/${b}/obj?acl`]) {
      const res = await rawS3v4(gw.url, keys, { method: 'PUT', path, body: policy(ownerGrant()) });
      expect(res.status, `${path}: ${res.text()}`).toBe(200);
    }
  });

  it('set any other ACL as asked, and read it back: the object\'s kept with it, the bucket\'s READ and WRITE in Swift\'s container ACLs', async () => {
    const allUsers = '<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>';
    const objectCases: { headers?: Record<string, string>; body?: string; permissions: string[] }[] = [
      { headers: { 'x-amz-acl': 'public-read' }, permissions: ['FULL_CONTROL', 'READ'] },
      { headers: { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }, permissions: ['READ'] },
      { body: policy(ownerGrant() + grant(allUsers, 'READ')), permissions: ['FULL_CONTROL', 'READ'] },
      { body: policy(grant(`<ID>${demo().projectId}</ID>`, 'READ')), permissions: ['READ'] },
    ];
    for (const c of objectCases) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/obj?acl`, keys, headers: c.headers, body: c.body });
      expect(res.status, `${JSON.stringify(c)}: ${res.text()}`).toBe(200);
      const back = await rawS3(gw.url, { method: 'GET', path: `/${b}/obj?acl`, keys });
      expect(xmlValues(back.text(), 'Permission'), JSON.stringify(c)).toEqual(c.permissions);
    }
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/obj?acl`, keys, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    expectOwnerOnly((await rawS3(gw.url, { method: 'GET', path: `/${b}/obj?acl`, keys })).text());

    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys, headers: { 'x-amz-acl': 'public-read' } })).status).toBe(200);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b)).headers['x-container-read']).toBe('.r:*,.rlistings');
    const bucketAcl = await rawS3(gw.url, { method: 'GET', path: `/${b}?acl`, keys });
    expect(xmlValues(bucketAcl.text(), 'Permission')).toEqual(['FULL_CONTROL', 'READ']);
    expect(bucketAcl.text()).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys, headers: { 'x-amz-acl': 'private' } })).status).toBe(200);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b)).headers['x-container-read']).toBeUndefined();
  });

  it('refuse what S3 refuses: an unknown canned ACL (InvalidArgument), an e-mail grantee (UnresolvableGrantByEmailAddress), canned and grant headers at once (InvalidRequest)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'x-amz-acl': 'world-writable' }, 'InvalidArgument'],
      [{ 'x-amz-grant-read': 'emailAddress="someone@example.com"' }, 'UnresolvableGrantByEmailAddress'],
      [{ 'x-amz-acl': 'public-read', 'x-amz-grant-read': `id="${demo().projectId}"` }, 'InvalidRequest'],
    ];
    for (const [headers, code] of cases) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/obj?acl`, keys, headers });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(xmlValue(res.text(), 'Code'), JSON.stringify(headers)).toBe(code);
    }
  });

  it('refuse a malformed policy (MalformedACLError) and a request with neither header nor body (MissingSecurityHeader)', async () => {
    const bad = await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys, body: '<NotAPolicy/>' });
    expect(bad.status).toBe(400);
    expect(xmlValue(bad.text(), 'Code')).toBe('MalformedACLError');
    const none = await rawS3(gw.url, { method: 'PUT', path: `/${b}?acl`, keys });
    expect(none.status).toBe(400);
    expect(xmlValue(none.text(), 'Code')).toBe('MissingSecurityHeader');
  });

  it('answer NoSuchKey for a missing object', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/missing?acl`, keys, headers: { 'x-amz-acl': 'private' } });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchKey');
  });
});

describe('GetBucketVersioning', () => {
  it('answers an empty VersioningConfiguration (versioning was never enabled)', async () => {
    const res = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}?versioning` });
    expect(res.status, res.text()).toBe(200);
    expect(res.text()).toMatch(/<VersioningConfiguration[^>]*>\s*<\/VersioningConfiguration>|<VersioningConfiguration[^>]*\/>/);
    expect(res.text()).not.toContain('<Status>');
  });

  it('answers NoSuchBucket for a missing bucket, to GetBucketVersioning and PutBucketVersioning (versioning.test.ts has the rest)', async () => {
    const missing = uniqueBucket('none');
    const res = await rawS3(gw.url, { method: 'GET', path: `/${missing}?versioning`, keys });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
    const put = await rawS3(gw.url, {
      method: 'PUT', path: `/${missing}?versioning`, keys,
      body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
    });
    expect(put.status).toBe(404);
    expect(xmlValue(put.text(), 'Code')).toBe('NoSuchBucket');
  });
});
