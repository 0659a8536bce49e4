// Object Lock in a bucket another project reaches through Swift container
// ACLs, and anonymous readers (the global namespace): the bucket's default
// applies to a grantee's writes, a grantee's bypass header never lifts
// GOVERNANCE, and readers who cannot see the lock records still read the
// object, with the lock its version was written with.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const demo: Keys = stack.users.demo.ec2!;
const alt: Keys = stack.users.alt.ec2!;
const md5 = (s: string) => createHash('md5').update(s).digest('base64');
const b = uniqueBucket('olshare');
let gw: TestGateway;
let version = '';

beforeAll(async () => {
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws' });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } })).status).toBe(200);
  const config = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?object-lock`, keys: demo, body: config, headers: { 'content-md5': md5(config) } })).status).toBe(200);
  const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/doc`, keys: demo, body: 'locked', headers: { 'content-md5': md5('locked') } });
  expect(put.status).toBe(200);
  version = put.headers['x-amz-version-id']!;
  const acl = { 'x-container-read': `.r:*,.rlistings,${stack.users.alt.projectId}:*`, 'x-container-write': `${stack.users.alt.projectId}:*` };
  expect((await swiftDirect(stack, 'demo', 'POST', b, undefined, { headers: acl })).status).toBe(204);
});

afterAll(async () => {
  await purgeBucket(stack, 'demo', b);
  await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo });
  await gw?.stop();
});

describe('object lock in a bucket shared through Swift ACLs', () => {
  it('an anonymous reader reads a locked object, with its lock', async () => {
    const got = await rawS3(gw.url, { method: 'GET', path: `/${b}/doc` });
    expect(got.status, got.text()).toBe(200);
    expect(got.text()).toBe('locked');
    expect(got.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
  });

  it("another project's grantee reads it too, and its writes get the bucket's default retention", async () => {
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/doc`, keys: alt });
    expect(head.status).toBe(200);
    expect(head.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/from-alt`, keys: alt, body: 'by alt', headers: { 'content-md5': md5('by alt') } });
    expect(put.status, put.text()).toBe(200);
    const seen = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/from-alt`, keys: demo });
    expect(seen.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    expect(new Date(seen.headers['x-amz-object-lock-retain-until-date']!).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
  });

  it("the grantee's x-amz-bypass-governance-retention does not lift GOVERNANCE in the owner's bucket", async () => {
    const del = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/doc?versionId=${version}`, keys: alt, headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(del.status).toBe(403);
    expect(xmlValue(del.text(), 'Code')).toBe('AccessDenied');
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/doc?versionId=${version}`, keys: demo })).status).toBe(200);
    // The owner's own key may.
    const own = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/doc?versionId=${version}`, keys: demo, headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(own.status).toBe(204);
  });
});

describe('a bucket policy allowing s3:BypassGovernanceRetention', () => {
  let strict: TestGateway;
  const pb = uniqueBucket('olpolicy');
  beforeAll(async () => {
    // The demo key's role (member) is not a bypass role on this gateway.
    strict = await startGateway({ keystoneEc2: true, dialect: 'aws', env: { S3GW_S3_OBJECT_LOCK_BYPASS_GOVERNANCE_ROLES: 'lock-officer' } });
    expect((await rawS3(strict.url, { method: 'PUT', path: `/${pb}`, keys: demo, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } })).status).toBe(200);
  });
  afterAll(async () => {
    await purgeBucket(stack, 'demo', pb);
    await rawS3(strict.url, { method: 'DELETE', path: `/${pb}`, keys: demo });
    await strict?.stop();
  });

  it('lets a principal it names bypass, where the roles alone would not', async () => {
    const lock = { 'content-md5': md5('gov'), 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z' };
    const put = await rawS3(strict.url, { method: 'PUT', path: `/${pb}/gov`, keys: demo, body: 'gov', headers: lock });
    expect(put.status, put.text()).toBe(200);
    const version = put.headers['x-amz-version-id']!;
    const bypass = { 'x-amz-bypass-governance-retention': 'true' };
    const refused = await rawS3(strict.url, { method: 'DELETE', path: `/${pb}/gov?versionId=${version}`, keys: demo, headers: bypass });
    expect(refused.status).toBe(403);
    expect(xmlValue(refused.text(), 'Message')).toContain('bypassGovernanceRoles');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${stack.users.demo.projectId}:root` }, Action: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'], Resource: `arn:aws:s3:::${pb}/*` }],
    });
    const set = await rawS3(strict.url, { method: 'PUT', path: `/${pb}?policy`, keys: demo, body: policy });
    expect(set.status, set.text()).toBe(204);
    // Without the header the policy changes nothing: GOVERNANCE still holds.
    expect((await rawS3(strict.url, { method: 'DELETE', path: `/${pb}/gov?versionId=${version}`, keys: demo })).status).toBe(403);
    const allowed = await rawS3(strict.url, { method: 'DELETE', path: `/${pb}/gov?versionId=${version}`, keys: demo, headers: bypass });
    expect(allowed.status, allowed.text()).toBe(204);
  });
});

describe("object lock for another project's principal a bucket policy admits", () => {
  const vb = uniqueBucket('olvault');
  const altRoot = `arn:aws:iam::${stack.users.alt.projectId}:root`;
  const lockHeaders = (body: string) => ({ 'content-md5': md5(body), 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z' });
  beforeAll(async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${vb}`, keys: demo, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } })).status).toBe(200);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Principal: { AWS: altRoot }, Resource: `arn:aws:s3:::${vb}/*`,
        Action: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObjectRetention', 's3:GetObjectRetention', 's3:PutObjectLegalHold', 's3:GetObjectLegalHold', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
      }],
    });
    const set = await rawS3(gw.url, { method: 'PUT', path: `/${vb}?policy`, keys: demo, body: policy });
    expect(set.status, set.text()).toBe(204);
  });
  afterAll(async () => {
    await purgeBucket(stack, 'demo', vb);
    await rawS3(gw.url, { method: 'DELETE', path: `/${vb}`, keys: demo });
  });

  it('writes locked versions, extends and reads the current one\'s retention and legal hold, never deletes one by id', async () => {
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${vb}/backup`, keys: alt, body: 'by alt', headers: lockHeaders('by alt') });
    expect(put.status, put.text()).toBe(200);
    const version = put.headers['x-amz-version-id']!;
    const retention = '<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2199-06-01T00:00:00Z</RetainUntilDate></Retention>';
    const extend = await rawS3(gw.url, { method: 'PUT', path: `/${vb}/backup?retention`, keys: alt, body: retention, headers: { 'content-md5': md5(retention) } });
    expect(extend.status, extend.text()).toBe(200);
    expect(extend.headers['x-amz-version-id']).toBe(version);
    const got = await rawS3(gw.url, { method: 'GET', path: `/${vb}/backup?retention`, keys: alt });
    expect(xmlValue(got.text(), 'RetainUntilDate')).toBe('2199-06-01T00:00:00.000Z');
    const hold = '<LegalHold><Status>ON</Status></LegalHold>';
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${vb}/backup?legal-hold`, keys: alt, body: hold, headers: { 'content-md5': md5(hold) } })).status).toBe(200);
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${vb}/backup?legal-hold`, keys: alt })).text(), 'Status')).toBe('ON');
    // The owner sees the same records.
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${vb}/backup?retention&versionId=${version}`, keys: demo })).text(), 'RetainUntilDate')).toBe('2199-06-01T00:00:00.000Z');
    expect(xmlValue((await rawS3(gw.url, { method: 'GET', path: `/${vb}/backup?legal-hold&versionId=${version}`, keys: demo })).text(), 'Status')).toBe('ON');
    // A version by id: Swift refuses the gateway's identity there (object_versioning checks the hidden versions container), so no delete.
    const del = await rawS3(gw.url, { method: 'DELETE', path: `/${vb}/backup?versionId=${version}`, keys: alt, headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(del.status).toBe(403);
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${vb}/backup?versionId=${version}`, keys: demo })).status).toBe(200);
  });
});
