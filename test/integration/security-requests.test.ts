// Security findings F8, F11 and F15 against the real stack.
// F8: a client Content-Type carrying the gateway's reserved parameter
//     (`;s3gw_etag=`) forged the ETag listings show; Swift's `swift_bytes`
//     likewise forged the listed size.
// F11: a DeleteObjects key with a lone surrogate (`&#xD800;`) made the whole
//     request 500 while other deletions went on: it is a per-key InvalidArgument.
// F15: security headers were accepted and silently ignored (SSE-C stored
//     plaintext and served it without the key; `x-amz-acl: public-read` stayed
//     private): each is refused, NotImplemented naming the header, and nothing
//     is written.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const bucket = uniqueBucket('secreq');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(200);
});

afterAll(async () => {
  await purgeContainer(stack, 'demo', bucket);
  await purgeContainer(stack, 'demo', `${bucket}+segments`);
  await gw?.stop();
});

const listed = async (key: string) => {
  const list = await rawS3(gw.url, { method: 'GET', path: `/${bucket}?list-type=2&prefix=${key}`, keys });
  return { etag: xmlValue(list.text(), 'ETag'), size: xmlValue(list.text(), 'Size') };
};

describe('F8: a client Content-Type cannot carry reserved parameters', () => {
  it('strips ;s3gw_etag= and ;swift_bytes= from PutObject, CopyObject and CreateMultipartUpload', async () => {
    const forged = 'text/plain;s3gw_etag=00000000000000000000000000000000-7;swift_bytes=999999;charset=utf-8';
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/forged`, keys, body: 'hello', headers: { 'content-type': forged } });
    expect(put.status).toBe(200);
    const md5 = createHash('md5').update('hello').digest('hex');
    expect(await listed('forged')).toEqual({ etag: `"${md5}"`, size: '5' });
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'forged')).headers['content-type']).toBe('text/plain;charset=utf-8');

    const copy = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/forged-copy`, keys, headers: { 'x-amz-copy-source': `/${bucket}/forged`, 'x-amz-metadata-directive': 'REPLACE', 'content-type': forged } });
    expect(copy.status).toBe(200);
    expect(await listed('forged-copy')).toEqual({ etag: `"${md5}"`, size: '5' });

    const mp = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/forged-mp?uploads`, keys, headers: { 'content-type': forged } });
    const id = xmlValue(mp.text(), 'UploadId')!;
    const part = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/forged-mp?partNumber=1&uploadId=${id}`, keys, body: 'part' });
    const done = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/forged-mp?uploadId=${id}`, keys, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>` });
    const etag = xmlValue(done.text(), 'ETag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}-1"$/);
    expect(await listed('forged-mp')).toEqual({ etag, size: '4' });
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/forged-mp`, keys })).headers['content-type']).toBe('text/plain;charset=utf-8');
  });
});

describe('F11: DeleteObjects with a key that is not Unicode', () => {
  it('reports that key as InvalidArgument and deletes the others', async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/keep-going`, keys, body: 'x' })).status).toBe(200);
    const body = '<Delete><Object><Key>bad&#xD800;key</Key></Object><Object><Key>keep-going</Key></Object></Delete>';
    const res = await rawS3(gw.url, { method: 'POST', path: `/${bucket}?delete`, keys, body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } });
    expect(res.status, res.text()).toBe(200);
    expect(xmlValues(res.text(), 'Code')).toEqual(['InvalidArgument']);
    expect(xmlValues(res.text(), 'Key')).toContain('keep-going');
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'keep-going')).status).toBe(404);
  });
});

describe('F15: headers asking for what the gateway does not do are refused', () => {
  const sseC = {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': Buffer.alloc(32, 7).toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(Buffer.alloc(32, 7)).digest('base64'),
  };
  const cases: { what: string; headers: Record<string, string>; header: string }[] = [
    { what: 'SSE-C', headers: sseC, header: 'x-amz-server-side-encryption-customer-algorithm' },
    { what: 'SSE-S3', headers: { 'x-amz-server-side-encryption': 'AES256' }, header: 'x-amz-server-side-encryption' },
    { what: 'SSE-KMS', headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'k' }, header: 'x-amz-server-side-encryption' },
  ];

  it('PutObject: NotImplemented naming the header, and nothing stored (SSE-C is implemented: sse-c.test.ts)', async () => {
    for (const c of cases.filter((c) => c.what !== 'SSE-C')) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/refused`, keys, body: 'secret', headers: c.headers });
      expect(res.status, c.what).toBe(501);
      expect(xmlValue(res.text(), 'Code'), c.what).toBe('NotImplemented');
      expect(xmlValue(res.text(), 'Header'), c.what).toBe(c.header);
      expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'refused')).status, c.what).toBe(404);
    }
  });

  it('CopyObject refuses them too, and CreateMultipartUpload those without a key provider here (SSE-C multipart: sse-multipart.test.ts); GetObject with SSE-C keys of a plain object is refused', async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/plain`, keys, body: 'plain' })).status).toBe(200);
    for (const c of cases) {
      const copy = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/refused-copy`, keys, headers: { ...c.headers, 'x-amz-copy-source': `/${bucket}/plain` } });
      expect(copy.status, c.what).toBe(501);
      if (c.what === 'SSE-C') continue;
      const mp = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/refused-mp?uploads`, keys, headers: c.headers });
      expect(mp.status, c.what).toBe(501);
    }
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'refused-copy')).status).toBe(404);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/plain`, keys, headers: sseC });
    // S3's answer to SSE-C parameters on an object not stored with them.
    expect(get.status).toBe(400);
    expect(xmlValue(get.text(), 'Message')).toBe('The encryption parameters are not applicable to this object.');
    expect(get.text()).not.toBe('plain');
  });

  it('object lock headers in a bucket without object lock are InvalidRequest on every write, and nothing is stored (object-lock-*.test.ts: with lock)', async () => {
    const lock = { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z', 'content-md5': createHash('md5').update('secret').digest('base64') };
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/refused-lock`, keys, body: 'secret', headers: lock });
    const copy = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/refused-lock`, keys, headers: { ...lock, 'x-amz-copy-source': `/${bucket}/plain` } });
    const mp = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/refused-lock?uploads`, keys, headers: lock });
    for (const res of [put, copy, mp]) {
      expect(res.status).toBe(400);
      expect(xmlValue(res.text(), 'Message')).toBe('Bucket is missing Object Lock Configuration');
    }
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'refused-lock')).status).toBe(404);
  });

  it('keeps accepting what means the same as the default: private ACLs, STANDARD, lock disabled', async () => {
    const same: Record<string, string>[] = [{ 'x-amz-acl': 'private' }, { 'x-amz-acl': 'bucket-owner-full-control' }, { 'x-amz-storage-class': 'STANDARD' }];
    for (const headers of same) {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/fine`, keys, body: 'x', headers })).status, JSON.stringify(headers)).toBe(200);
    }
    const unknown = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/fine`, keys, body: 'x', headers: { 'x-amz-storage-class': 'FANCY' } });
    expect(xmlValue(unknown.text(), 'Code')).toBe('InvalidStorageClass');
    // A class S3 has but this gateway does not offer: also InvalidStorageClass (400), nothing stored.
    const glacier = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/glacier`, keys, body: 'x', headers: { 'x-amz-storage-class': 'GLACIER' } });
    expect([glacier.status, xmlValue(glacier.text(), 'Code'), xmlValue(glacier.text(), 'StorageClassRequested')]).toEqual([400, 'InvalidStorageClass', 'GLACIER']);
    expect((await swiftDirect(stack, 'demo', 'HEAD', bucket, 'glacier')).status).toBe(404);
  });

  it('checks x-amz-expected-bucket-owner against the bucket\'s owner', async () => {
    const mine = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/plain`, keys, headers: { 'x-amz-expected-bucket-owner': stack.users.demo.projectId } });
    expect(mine.status).toBe(200);
    const other = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/plain`, keys, headers: { 'x-amz-expected-bucket-owner': stack.users.alt.projectId } });
    expect(other.status).toBe(403);
    expect(xmlValue(other.text(), 'Code')).toBe('AccessDenied');
  });
});
