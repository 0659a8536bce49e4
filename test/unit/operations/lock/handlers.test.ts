// Object Lock handlers on the fake Swift (no versioning there: every object
// is the version `null`): what each answers, what it leaves in Swift.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { xmlValue } from '../../../helpers/raw-s3.js';
import { gatewayRig, type GatewayRig } from '../fake-rig.js';

const md5 = (s: string) => createHash('md5').update(s).digest('base64');
const LOCK_ON = { 'x-amz-bucket-object-lock-enabled': 'true' };
let rig: GatewayRig;
beforeEach(async () => {
  rig = await gatewayRig();
});
afterEach(async () => rig.close());

describe('CreateBucket with x-amz-bucket-object-lock-enabled', () => {
  it('leaves no bucket behind when lock cannot be turned on (the POST fails)', async () => {
    rig.fake.fail({ match: { origin: 'swift', method: 'POST' }, status: 503, times: 1 });
    const res = await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
    expect(res.status).toBe(503);
    expect((await rig.s3('HEAD', '/bkt')).status).toBe(404);
  });

  it('refuses a value that is neither true nor false, before anything is made', async () => {
    const res = await rig.s3('PUT', '/bkt', { headers: { 'x-amz-bucket-object-lock-enabled': 'yes' } });
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
    expect((await rig.s3('HEAD', '/bkt')).status).toBe(404);
  });

  it('leaves an existing bucket as it was', async () => {
    await rig.s3('PUT', '/bkt');
    expect((await rig.s3('PUT', '/bkt', { headers: LOCK_ON })).status).toBe(409);
    expect(xmlValue((await rig.s3('GET', '/bkt?object-lock')).text(), 'Code')).toBe('ObjectLockConfigurationNotFoundError');
  });
});

describe('the lock operations refuse what S3 refuses', () => {
  it('PutObjectLockConfiguration needs Content-MD5 (or a checksum); a body that does not match is BadDigest', async () => {
    await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
    const body = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>';
    expect(xmlValue((await rig.s3('PUT', '/bkt?object-lock', { body })).text(), 'Message')).toBe('Missing required header for this request: Content-Md5');
    expect(xmlValue((await rig.s3('PUT', '/bkt?object-lock', { body, headers: { 'content-md5': md5('other') } })).text(), 'Code')).toBe('BadDigest');
    expect((await rig.s3('PUT', '/bkt?object-lock', { body, headers: { 'content-md5': md5(body) } })).status).toBe(200);
  });

  it('retention and legal hold of a key that is not there: NoSuchKey, of a version: NoSuchVersion; of a missing bucket: NoSuchBucket', async () => {
    await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
    expect(xmlValue((await rig.s3('GET', '/bkt/none?retention')).text(), 'Code')).toBe('NoSuchKey');
    expect(xmlValue((await rig.s3('GET', '/bkt/none?legal-hold&versionId=1796138750.43162')).text(), 'Code')).toBe('NoSuchVersion');
    expect(xmlValue((await rig.s3('GET', '/gone/none?retention')).text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('a locked version and its records', () => {
  it('a legal hold set later is a record in <bucket>+locks; lifting it lets the version go, and its records go with it', async () => {
    await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
    await rig.s3('PUT', '/bkt/k', { body: 'hello' });
    const hold = (status: string) => {
      const body = `<LegalHold><Status>${status}</Status></LegalHold>`;
      return rig.s3('PUT', '/bkt/k?legal-hold', { body, headers: { 'content-md5': md5(body) } });
    };
    expect((await hold('ON')).status).toBe(200);
    expect((await rig.s3('HEAD', '/bkt/k')).headers['x-amz-object-lock-legal-hold']).toBe('ON');
    // (The first record PUT finds no container: it is made, and the PUT repeated.)
    const records = rig.fake.callsTo('swift').filter((c) => c.method === 'PUT' && c.container === 'bkt+locks');
    expect(records.map((c) => c.object ?? '(container)')).toHaveLength(3);
    expect(new Set(records.map((c) => c.object ?? '(container)'))).toEqual(new Set([`${createHash('sha256').update('k').digest('hex')}/null/legal-hold`, '(container)']));
    const denied = await rig.s3('DELETE', '/bkt/k?versionId=null', { headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(denied.status).toBe(403);
    expect(xmlValue(denied.text(), 'Message')).toBe('Access Denied because object protected by object lock.');
    expect((await hold('OFF')).status).toBe(200);
    expect((await rig.s3('DELETE', '/bkt/k?versionId=null')).status).toBe(204);
    const deletes = rig.fake.callsTo('swift').filter((c) => c.method === 'DELETE' && c.container === 'bkt+locks');
    expect(deletes.map((c) => c.object?.split('/').slice(1).join('/')).sort()).toEqual(['null/legal-hold', 'null/retention']);
  });

  it('DeleteBucket removes the records container too', async () => {
    await rig.s3('PUT', '/bkt', { headers: LOCK_ON });
    await rig.s3('PUT', '/bkt/k', { body: 'x', headers: { 'content-md5': md5('x'), 'x-amz-object-lock-legal-hold': 'OFF' } });
    const body = '<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2199-01-01T00:00:00Z</RetainUntilDate></Retention>';
    expect((await rig.s3('PUT', '/bkt/k?retention', { body, headers: { 'content-md5': md5(body) } })).status).toBe(200);
    expect((await rig.s3('DELETE', '/bkt/k?versionId=null', { headers: { 'x-amz-bypass-governance-retention': 'true' } })).status).toBe(204);
    expect((await rig.s3('DELETE', '/bkt')).status).toBe(204);
    expect(rig.fake.callsTo('swift').some((c) => c.method === 'DELETE' && c.container === 'bkt+locks' && c.object === undefined)).toBe(true);
    expect(xmlValue((await rig.s3('GET', '/')).text(), 'Name')).toBeUndefined();
  });
});
