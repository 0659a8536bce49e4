// Object Lock on the write paths a client library does not choose for you:
// a trailer checksum (aws-chunked), which elsewhere the gateway adds to the
// version by a Swift POST after the upload, but not in a lock-enabled bucket
// (a POST lands on whatever version is current by then, and could replace a
// concurrent writer's lock); and two gateway replicas reading each other's
// lock state.
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3v4, send, signV4Headers } from '../helpers/sigv4-client.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let other: TestGateway;
let keys: Keys;
const b = uniqueBucket('olwrite');
const crc32 = (d: Buffer) => { const o = Buffer.alloc(4); o.writeUInt32BE(zlibCrc32(d) >>> 0); return o.toString('base64'); };

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  other = await startGateway({ dialect: 'aws' });
  keys = gw.stack.users.demo.ec2;
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}`, headers: { 'x-amz-bucket-object-lock-enabled': 'true' } })).status).toBe(200);
  const config = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>3</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
  const md5 = createHash('md5').update(config).digest('base64');
  expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}?object-lock`, body: config, headers: { 'content-md5': md5 } })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await gw?.stop();
  await other?.stop();
});

describe('object lock and the metadata POST of a trailer checksum', () => {
  it('a CRC32 trailer is verified and answered, but not stored by a POST; the version keeps its default retention and legal hold', async () => {
    const data = Buffer.alloc(300_000, 'z');
    const value = crc32(data);
    const body = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n'), Buffer.from(`0\r\nx-amz-checksum-crc32:${value}\r\n\r\n`)]);
    const headers = await signV4Headers(gw.url, keys, {
      method: 'PUT', path: `/${b}/trailer`, payload: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'content-length': String(body.length),
        'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-object-lock-legal-hold': 'ON', 'x-amz-meta-kept': 'yes',
      },
    });
    const put = await send(gw.url, 'PUT', `/${b}/trailer`, headers, body);
    expect(put.status, put.text()).toBe(200);
    expect(put.headers['x-amz-checksum-crc32']).toBe(value);
    const version = put.headers['x-amz-version-id']!;
    const head = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${b}/trailer?versionId=${version}`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).toBeUndefined();
    expect(head.headers['x-amz-meta-kept']).toBe('yes');
    expect(head.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
    expect(head.headers['x-amz-object-lock-legal-hold']).toBe('ON');
    // In Swift: the lock items sit on the version itself, sealed; no POST came after the PUT.
    const direct = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'trailer', { query: { 'version-id': version } });
    expect(direct.headers['x-object-meta-s3gw-lock-mode']).toBe('GOVERNANCE');
    expect(direct.headers['x-object-meta-s3gw-lock-hold']).toBe('ON');
    expect(direct.headers['x-object-meta-s3gw-checksum-crc32']).toBeUndefined();
    expect(direct.headers['x-object-meta-s3gw-seal']).toMatch(/^v1\./);
    const del = await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${b}/trailer?versionId=${version}` });
    expect(del.status).toBe(403);
  });
});

describe('two gateway replicas', () => {
  it('each sees the lock the other wrote, on the version and in its records', async () => {
    const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/shared`, body: 'one', headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('one')) } });
    expect(put.status, put.text()).toBe(200);
    const version = put.headers['x-amz-version-id']!;
    const retention = '<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2199-01-01T00:00:00Z</RetainUntilDate></Retention>';
    const md5 = createHash('md5').update(retention).digest('base64');
    expect((await rawS3v4(other.url, keys, { method: 'PUT', path: `/${b}/shared?retention&versionId=${version}`, body: retention, headers: { 'content-md5': md5 } })).status).toBe(200);
    const got = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/shared?retention&versionId=${version}` });
    expect(xmlValue(got.text(), 'Mode')).toBe('COMPLIANCE');
    expect(xmlValue(got.text(), 'RetainUntilDate')).toBe('2199-01-01T00:00:00.000Z');
    const del = await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${b}/shared?versionId=${version}`, headers: { 'x-amz-bypass-governance-retention': 'true' } });
    expect(del.status).toBe(403);
  });
});

describe('lock enabled on an existing bucket through one replica', () => {
  it('protects at once on the other, whose cache still said "not enabled"', async () => {
    const plain = uniqueBucket('olstale');
    try {
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${plain}` })).status).toBe(200);
      const versioning = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${plain}?versioning`, body: versioning })).status).toBe(200);
      const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${plain}/k`, body: 'v' });
      const version = put.headers['x-amz-version-id']!;
      // gw reads (and caches) the bucket's configuration: not enabled.
      expect((await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${plain}/k` })).headers['x-amz-object-lock-mode']).toBeUndefined();
      const config = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>';
      expect((await rawS3v4(other.url, keys, { method: 'PUT', path: `/${plain}?object-lock`, body: config, headers: { 'content-md5': createHash('md5').update(config).digest('base64') } })).status).toBe(200);
      const hold = '<LegalHold><Status>ON</Status></LegalHold>';
      expect((await rawS3v4(other.url, keys, { method: 'PUT', path: `/${plain}/k?legal-hold&versionId=${version}`, body: hold, headers: { 'content-md5': createHash('md5').update(hold).digest('base64') } })).status).toBe(200);
      // At once, within gw's cache time: the delete still sees the hold.
      const del = await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${plain}/k?versionId=${version}` });
      expect(del.status).toBe(403);
      const batch = `<Delete><Object><Key>k</Key><VersionId>${version}</VersionId></Object></Delete>`;
      const many = await rawS3v4(gw.url, keys, { method: 'POST', path: `/${plain}?delete`, body: batch, headers: { 'content-md5': createHash('md5').update(batch).digest('base64') } });
      expect(xmlValue(many.text(), 'Code')).toBe('AccessDenied');
    } finally {
      await purgeBucket(gw.stack, 'demo', plain);
    }
  });
});

describe('a multipart object written before versioning, in a bucket that gets lock later', () => {
  it('stays whole as a version when overwritten, and takes a retention once it is a version of its own', async () => {
    const old = uniqueBucket('olnullmp');
    try {
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}` })).status).toBe(200);
      const id = xmlValue((await rawS3v4(gw.url, keys, { method: 'POST', path: `/${old}/k?uploads` })).text(), 'UploadId')!;
      const etag = (await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}/k?partNumber=1&uploadId=${id}`, body: 'part one' })).headers['etag']!;
      const done = await rawS3v4(gw.url, keys, { method: 'POST', path: `/${old}/k?uploadId=${id}`, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` });
      expect(done.status).toBe(200);
      const versioning = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}?versioning`, body: versioning })).status).toBe(200);
      const config = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>';
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}?object-lock`, body: config, headers: { 'content-md5': createHash('md5').update(config).digest('base64') } })).status).toBe(200);
      const retention = '<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2199-01-01T00:00:00Z</RetainUntilDate></Retention>';
      const md5 = createHash('md5').update(retention).digest('base64');
      // Still the version `null`, which Swift renames when it is overwritten: not lockable yet.
      const early = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}/k?retention`, body: retention, headers: { 'content-md5': md5 } });
      expect(early.status).toBe(400);
      expect(xmlValue(early.text(), 'Message')).toContain('before versioning was enabled');
      // The overwrite keeps the null multipart version, segments and all, under a version id of its own.
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}/k`, body: 'new', headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('new')) } })).status).toBe(200);
      const versions = (await rawS3v4(gw.url, keys, { method: 'GET', path: `/${old}?versions` })).text();
      const ids = [...versions.matchAll(/<VersionId>([^<]+)<\/VersionId>/g)].map((m) => m[1]!);
      expect(ids).toHaveLength(2);
      expect((await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${old}/k?retention&versionId=${ids[1]}`, body: retention, headers: { 'content-md5': md5 } })).status).toBe(200);
      const older = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${old}/k?versionId=${ids[1]}` });
      expect(older.status, older.text()).toBe(200);
      expect(older.text()).toBe('part one');
      expect(older.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
      expect((await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${old}/k?versionId=${ids[1]}` })).status).toBe(403);
    } finally {
      await purgeBucket(gw.stack, 'demo', old);
    }
  });
});

describe('PutObjectAcl on a locked version', () => {
  it('rewrites its metadata with the lock kept', async () => {
    const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/acl`, body: 'acl', headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('acl')), 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z', 'x-amz-meta-kept': 'yes' } });
    expect(put.status, put.text()).toBe(200);
    const version = put.headers['x-amz-version-id']!;
    const before = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'acl', { query: { 'version-id': version } });
    const acl = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/acl?acl`, headers: { 'x-amz-acl': 'authenticated-read' } });
    expect(acl.status, acl.text()).toBe(200);
    // The ACL went into the version's reserved items: a new seal over them and the lock.
    const after = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'acl', { query: { 'version-id': version } });
    expect(after.headers['x-object-meta-s3gw-seal']).not.toBe(before.headers['x-object-meta-s3gw-seal']);
    expect(after.headers['x-object-meta-s3gw-lock-mode']).toBe('COMPLIANCE');
    const head = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${b}/acl?versionId=${version}` });
    expect(head.headers['x-amz-object-lock-mode']).toBe('COMPLIANCE');
    expect(head.headers['x-amz-object-lock-retain-until-date']).toBe('2199-01-01T00:00:00.000Z');
    expect(head.headers['x-amz-meta-kept']).toBe('yes');
    expect((await rawS3v4(gw.url, keys, { method: 'DELETE', path: `/${b}/acl?versionId=${version}` })).status).toBe(403);
  });
});
