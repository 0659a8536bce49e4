// Object operations of the seed spec through the gateway, against the real
// Keystone and Swift of the local stack. Where it matters, the test looks in
// Swift directly to see what was (or was not) stored.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPath, rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('obj');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest();

describe('PutObject and GetObject', () => {
  it('stores the body and returns 201 with the quoted MD5 ETag; GET streams it back with its headers', async () => {
    const body = Buffer.from('hello, swift');
    const put = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/greeting.txt`, keys, body,
      headers: {
        'content-type': 'text/plain', 'content-encoding': 'identity', 'content-disposition': 'attachment; filename="g.txt"',
        'cache-control': 'max-age=60', expires: 'Thu, 01 Dec 2033 16:00:00 GMT', 'content-language': 'ko',
        'x-amz-meta-color': 'blue', 'x-amz-meta-two_words': 'under score',
      },
    });
    expect(put.status).toBe(201);
    expect(put.headers['etag']).toBe(`"${md5(body).toString('hex')}"`);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/greeting.txt`, keys });
    expect(get.status).toBe(200);
    expect(get.body.equals(body)).toBe(true);
    expect(get.headers).toMatchObject({
      'content-type': 'text/plain', 'content-encoding': 'identity', 'content-disposition': 'attachment; filename="g.txt"',
      'cache-control': 'max-age=60', expires: 'Thu, 01 Dec 2033 16:00:00 GMT', 'content-language': 'ko',
      'x-amz-meta-color': 'blue', 'x-amz-meta-two_words': 'under score', etag: put.headers['etag'], 'accept-ranges': 'bytes',
    });
    expect(get.headers['last-modified']).toMatch(/GMT$/);
  });

  it('HEAD answers Content-Length, Content-Type, ETag, Last-Modified and x-amz-meta-* without a body', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/h`, keys, body: '12345', headers: { 'content-type': 'application/x-test', 'x-amz-meta-a': '1' } });
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/h`, keys });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers).toMatchObject({ 'content-length': '5', 'content-type': 'application/x-test', 'x-amz-meta-a': '1' });
    expect(head.headers['etag']).toBe(`"${md5('12345').toString('hex')}"`);
    expect(head.headers['last-modified']).toBeDefined();
  });

  it('answers NoSuchKey (404) for a missing key and NoSuchBucket (404) for a missing bucket', async () => {
    const key = await rawS3(gw.url, { method: 'GET', path: `/${b}/nope`, keys });
    expect(key.status).toBe(404);
    expect(xmlValue(key.text(), 'Code')).toBe('NoSuchKey');
    const bucket = await rawS3(gw.url, { method: 'GET', path: `/${uniqueBucket('missing')}/k`, keys });
    expect(xmlValue(bucket.text(), 'Code')).toBe('NoSuchBucket');
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${uniqueBucket('missing')}/k`, keys, body: 'x' });
    expect(put.status).toBe(404);
    expect(xmlValue(put.text(), 'Code')).toBe('NoSuchBucket');
  });

  it('serves Range requests with 206 and Content-Range, and InvalidRange (416) past the end', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/range`, keys, body: '0123456789' });
    const part = await rawS3(gw.url, { method: 'GET', path: `/${b}/range`, keys, headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.text()).toBe('2345');
    expect(part.headers['content-range']).toBe('bytes 2-5/10');
    const past = await rawS3(gw.url, { method: 'GET', path: `/${b}/range`, keys, headers: { range: 'bytes=20-30' } });
    expect(past.status).toBe(416);
    expect(xmlValue(past.text(), 'Code')).toBe('InvalidRange');
  });

  it('honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since (200 / 304 / 412)', async () => {
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/cond`, keys, body: 'c' });
    const etag = put.headers['etag']!;
    const get = (headers: Record<string, string>) => rawS3(gw.url, { method: 'GET', path: `/${b}/cond`, keys, headers });
    expect((await get({ 'if-match': etag })).status).toBe(200);
    const failed = await get({ 'if-match': '"0000"' });
    expect(failed.status).toBe(412);
    expect(xmlValue(failed.text(), 'Code')).toBe('PreconditionFailed');
    const notModified = await get({ 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect((await get({ 'if-modified-since': 'Thu, 01 Dec 2033 16:00:00 GMT' })).status).toBe(304);
    expect((await get({ 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(412);
    expect((await get({ 'if-unmodified-since': 'Thu, 01 Dec 2033 16:00:00 GMT' })).status).toBe(200);
  });

  it('applies the response-* query overrides to the GET response headers', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/over`, keys, body: 'o', headers: { 'content-type': 'text/plain' } });
    const res = await rawS3(gw.url, {
      method: 'GET', keys,
      path: `/${b}/over?response-content-type=application%2Fjson&response-content-disposition=attachment%3B%20filename%3D%22x.json%22&response-cache-control=no-cache&response-content-language=en&response-expires=Thu%2C%2001%20Dec%202033%2016%3A00%3A00%20GMT&response-content-encoding=gzip`,
    });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json', 'content-disposition': 'attachment; filename="x.json"', 'cache-control': 'no-cache',
      'content-language': 'en', expires: 'Thu, 01 Dec 2033 16:00:00 GMT', 'content-encoding': 'gzip',
    });
  });
});

describe('PutObject validation: nothing is stored when a check fails', () => {
  it('checks Content-MD5: a mismatch is BadDigest (400) and nothing is stored', async () => {
    const bad = await rawS3(gw.url, { method: 'PUT', path: `/${b}/digest`, keys, body: 'payload', headers: { 'content-md5': md5('other').toString('base64') } });
    expect(bad.status).toBe(400);
    expect(xmlValue(bad.text(), 'Code')).toBe('BadDigest');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'digest')).status).toBe(404);
    const good = await rawS3(gw.url, { method: 'PUT', path: `/${b}/digest`, keys, body: 'payload', headers: { 'content-md5': md5('payload').toString('base64') } });
    expect(good.status).toBe(201);
  });

  it('refuses a Content-MD5 that is not base64 of 16 bytes with InvalidDigest', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/digest2`, keys, body: 'p', headers: { 'content-md5': 'not-an-md5' } });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidDigest');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'digest2')).status).toBe(404);
  });

  it('takes a PUT sent chunked without Content-Length, as S3 does (no length at all is 411: object-corners.test.ts)', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/chunked`, keys, body: 'abc', chunked: true });
    expect(res.status).toBe(201);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/chunked`, keys })).text()).toBe('abc');
  });

  it('refuses keys over 1024 bytes with KeyTooLongError', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${'k'.repeat(1025)}`, keys, body: 'x' });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('KeyTooLongError');
  });

  it('refuses user metadata over 2 KB with MetadataTooLarge', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/meta`, keys, body: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2100) } });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('MetadataTooLarge');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'meta')).status).toBe(404);
  });
});

describe('Swift controls never pass from a client', () => {
  it('ignores X-Auth-Token, X-Object-Manifest, X-Delete-At, X-Copy-From, X-Symlink-Target and Swift query controls', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/victim`, keys, body: 'secret data' });
    const put = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/sneaky?multipart-manifest=put&symlink=get&format=json`, keys, body: 'plain',
      headers: {
        'x-auth-token': 'forged', 'x-object-manifest': `${b}/victim`, 'x-delete-at': String(Math.floor(Date.now() / 1000) + 5),
        'x-copy-from': `/${b}/victim`, 'x-symlink-target': `${b}/victim`, 'x-container-read': '.r:*', 'x-object-meta-evil': '1',
      },
    });
    expect(put.status).toBe(201);
    const direct = await swiftDirect(gw.stack, 'demo', 'GET', b, 'sneaky', { query: { 'multipart-manifest': 'get' } });
    expect(direct.body.toString()).toBe('plain');
    for (const h of ['x-object-manifest', 'x-delete-at', 'x-symlink-target', 'x-static-large-object', 'x-object-meta-evil']) {
      expect(direct.headers[h], h).toBeUndefined();
    }
  });
});

describe('object keys round-trip byte for byte', () => {
  const keysToTry = [
    'plain', 'with space', 'plus+sign', 'percent%20literal', 'question?mark', 'hash#tag', 'a//double', 'dot/./seg',
    'dotdot/../seg', '.', '..', 'trailing/', 'unicode/한국어/émoji-😀', 'amp&lt;<tag>', 'semi;colon=eq', "quote'\"",
  ];

  it.each(keysToTry)('PUT, GET, list and Swift agree on the key %j', async (key) => {
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${keyPath(key)}`, keys, body: `body of ${key}` });
    expect(put.status, await put.text()).toBe(201);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/${keyPath(key)}`, keys });
    expect(get.text()).toBe(`body of ${key}`);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).status).toBe(200);
    const list = await rawS3(gw.url, { method: 'GET', path: `/${b}?prefix=${encodeURIComponent(key)}&encoding-type=url`, keys });
    expect(xmlValues(list.text(), 'Key').map((k) => decodeURIComponent(k))).toContain(key);
    const del = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/${keyPath(key)}`, keys });
    expect(del.status).toBe(204);
  });
});

describe('metadata names with _ written by Swift s3api', () => {
  it('reads =5F (Swift s3api) and %5F (this gateway) as _', async () => {
    // Written through Swift's own s3api (the reference proxy of the stack), which stores `_` as `=5F`.
    const viaS3api = await rawS3(gw.stack.s3api.url, { method: 'PUT', path: `/${b}/s3api-meta`, keys, body: 'x', headers: { 'x-amz-meta-from_s3api': 'yes' } });
    expect(viaS3api.status).toBe(200);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/s3api-meta`, keys });
    expect(head.headers['x-amz-meta-from_s3api']).toBe('yes');
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/gw-meta`, keys, body: 'x', headers: { 'x-amz-meta-snake_case_name': 'v' } });
    const direct = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'gw-meta');
    expect(direct.headers['x-object-meta-snake%5fcase%5fname']).toBe('v');
  });
});

describe('DeleteObject', () => {
  it('answers 204 and removes the object; a missing key is NoSuchKey (404) as the spec lists', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/gone`, keys, body: 'x' });
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/gone`, keys })).status).toBe(204);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'gone')).status).toBe(404);
    const again = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/gone`, keys });
    expect(again.status).toBe(404);
    expect(xmlValue(again.text(), 'Code')).toBe('NoSuchKey');
  });
});
