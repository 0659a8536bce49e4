// Staged single PUTs (object/staged-put.ts) against the real Swift: to Swift a
// one-segment SLO manifest, to every S3 operation a plain object — its MD5
// ETag everywhere (PUT, HEAD, GET, listings, conditions, 304s, attributes),
// no parts, its metadata, checksum and type; and nothing left behind when it
// fails, is replaced, deleted, or is a version. Staging starts at 1 MiB here
// (s3.stagedPutFromBytes) so the bodies stay small.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { openSocket, signedHead } from '../helpers/raw-socket.js';
import { purgeBucket, segmentNames, swiftDirect } from '../helpers/swift-direct.js';

const MiB = 1024 * 1024;
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const body = (size: number, seed: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff));

let gw: TestGateway;
let keys: Keys;
let b: string;
let versioned: string;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws', env: { S3GW_S3_STAGED_PUT_FROM_BYTES: String(MiB) } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('staged');
  versioned = uniqueBucket('staged-v');
  for (const name of [b, versioned]) expect((await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys })).status).toBe(200);
  const on = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${versioned}?versioning`, keys, body: on })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(gw.stack, 'demo', b);
  await purgeBucket(gw.stack, 'demo', versioned);
  await gw.stop();
});

describe('a staged PUT is a plain object to S3', () => {
  const data = body(2 * MiB + 123, 7);
  const etag = `"${md5(data)}"`;

  beforeAll(async () => {
    const put = await rawS3(gw.url, {
      method: 'PUT', path: `/${b}/docs/a.txt`, keys, body: data,
      headers: { 'content-md5': createHash('md5').update(data).digest('base64'), 'x-amz-meta-colour': 'blue', 'cache-control': 'max-age=60' },
    });
    expect(put.status).toBe(200);
    expect(put.headers['etag']).toBe(etag);
  });

  it('is a one-segment manifest in Swift, its segment in the segments container', async () => {
    const head = await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'docs/a.txt');
    expect(head.headers['x-static-large-object']).toBe('True');
    expect((await segmentNames(gw.stack, 'demo', b)).filter((n) => n.startsWith('docs/a.txt/'))).toHaveLength(1);
  });

  it('HEAD and GET give its MD5 ETag, size, metadata and the type Swift guesses from the name', async () => {
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/docs/a.txt`, keys });
    expect(head.headers['etag']).toBe(etag);
    expect(head.headers['content-length']).toBe(String(data.length));
    expect(head.headers['content-type']).toBe('text/plain');
    expect(head.headers['x-amz-meta-colour']).toBe('blue');
    expect(head.headers['cache-control']).toBe('max-age=60');
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt`, keys });
    expect(get.headers['etag']).toBe(etag);
    expect(md5(get.body)).toBe(md5(data));
    const range = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt`, keys, headers: { range: 'bytes=1048570-1048589' } });
    expect(range.status).toBe(206);
    expect(range.body).toEqual(data.subarray(1048570, 1048590));
  });

  it('listings (V1 and V2) show the same ETag and size', async () => {
    for (const path of [`/${b}?prefix=docs/`, `/${b}?list-type=2&prefix=docs/`]) {
      const list = (await rawS3(gw.url, { method: 'GET', path, keys })).text();
      expect(xmlValue(list, 'ETag')).toBe(etag);
      expect(xmlValue(list, 'Size')).toBe(String(data.length));
    }
  });

  it('has no parts: partNumber=1 is the whole object with no parts count, partNumber=2 is InvalidPartNumber', async () => {
    const one = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt?partNumber=1`, keys });
    expect(one.status).toBe(200);
    expect(one.headers['x-amz-mp-parts-count']).toBeUndefined();
    expect(one.body.length).toBe(data.length);
    const two = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt?partNumber=2`, keys });
    expect(two.status).toBe(416); // S3's status for it
    expect(xmlValue(two.text(), 'Code')).toBe('InvalidPartNumber');
    const attrs = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt?attributes`, keys, headers: { 'x-amz-object-attributes': 'ETag,ObjectParts,ObjectSize' } });
    expect(attrs.status).toBe(200);
    expect(xmlValue(attrs.text(), 'ETag')).toBe(md5(data));
    expect(attrs.text()).not.toContain('ObjectParts');
    expect(xmlValue(attrs.text(), 'ObjectSize')).toBe(String(data.length));
  });

  it('conditions compare its MD5 ETag: If-Match passes, If-None-Match is a 304 that names it', async () => {
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt`, keys, headers: { 'if-match': etag } })).status).toBe(200);
    const not = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt`, keys, headers: { 'if-none-match': etag } });
    expect(not.status).toBe(304);
    expect(not.headers['etag']).toBe(etag);
    const since = await rawS3(gw.url, { method: 'GET', path: `/${b}/docs/a.txt`, keys, headers: { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() } });
    expect(since.status).toBe(304);
    expect(since.headers['etag']).toBe(etag);
  });

  it('a copy is a plain object with the same ETag and bytes', async () => {
    const copy = await rawS3(gw.url, { method: 'PUT', path: `/${b}/copy.txt`, keys, headers: { 'x-amz-copy-source': `/${b}/docs/a.txt` } });
    expect(copy.status).toBe(200);
    expect(xmlValue(copy.text(), 'ETag')).toBe(etag);
    expect(md5((await rawS3(gw.url, { method: 'GET', path: `/${b}/copy.txt`, keys })).body)).toBe(md5(data));
  });
});

describe('a staged PUT keeps its checksum and leaves nothing behind', () => {
  it('stores the request\'s checksum with the object (checksum mode answers it)', async () => {
    const data = body(MiB + 5, 3);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data) >>> 0);
    const value = crc.toString('base64');
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/sum`, keys, body: data, headers: { 'x-amz-checksum-crc32': value } });
    expect(put.status).toBe(200);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/sum`, keys, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).toBe(value);
  });

  it('a wrong Content-MD5 is BadDigest and stores neither object nor segment', async () => {
    const data = body(MiB + 1, 9);
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/bad-md5`, keys, body: data, headers: { 'content-md5': createHash('md5').update('other').digest('base64') } });
    expect(put.status).toBe(400);
    expect(xmlValue(put.text(), 'Code')).toBe('BadDigest');
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'bad-md5')).status).toBe(404);
    expect((await segmentNames(gw.stack, 'demo', b)).filter((n) => n.startsWith('bad-md5/'))).toEqual([]);
  });

  it('a client that drops mid-body stores neither object nor segment', async () => {
    const conn = await openSocket(gw.port);
    conn.write(signedHead('PUT', `/${b}/dropped`, keys, [`Content-Length: ${4 * MiB}`]));
    conn.write(Buffer.alloc(MiB, 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    conn.socket.destroy();
    // The gateway aborts its Swift upload; give it a moment, then nothing may be there.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'dropped')).status).toBe(404);
    expect((await segmentNames(gw.stack, 'demo', b)).filter((n) => n.startsWith('dropped/'))).toEqual([]);
  });

  it('an overwrite (staged or plain) and a delete remove the segments of what they replace', async () => {
    const key = 'replaced';
    const segs = async () => (await segmentNames(gw.stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`));
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys, body: body(MiB * 2, 1) });
    const first = await segs();
    expect(first).toHaveLength(1);
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys, body: body(MiB * 2, 2) });
    const second = await segs();
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    const small = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys, body: 'small now' });
    expect(small.status).toBe(200);
    expect(await segs()).toEqual([]);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).headers['x-static-large-object']).toBeUndefined();
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys, body: body(MiB * 2, 3) });
    expect(await segs()).toHaveLength(1);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/${key}`, keys })).status).toBe(204);
    expect(await segs()).toEqual([]);
  });

  it('below the threshold a PUT is a plain Swift object', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/plain`, keys, body: body(MiB - 1, 4) });
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'plain')).headers['x-static-large-object']).toBeUndefined();
  });
});

describe('staged PUTs in a versioned bucket', () => {
  it('each version keeps its own segment until that version is deleted', async () => {
    const one = body(MiB + 10, 5);
    const two = body(MiB + 20, 6);
    const v1 = (await rawS3(gw.url, { method: 'PUT', path: `/${versioned}/k`, keys, body: one })).headers['x-amz-version-id']!;
    const v2 = (await rawS3(gw.url, { method: 'PUT', path: `/${versioned}/k`, keys, body: two })).headers['x-amz-version-id']!;
    expect(v1).toBeTruthy();
    expect(v2).not.toBe(v1);
    expect(await segmentNames(gw.stack, 'demo', versioned)).toHaveLength(2);
    expect(md5((await rawS3(gw.url, { method: 'GET', path: `/${versioned}/k?versionId=${v1}`, keys })).body)).toBe(md5(one));
    expect(md5((await rawS3(gw.url, { method: 'GET', path: `/${versioned}/k`, keys })).body)).toBe(md5(two));
    const versions = (await rawS3(gw.url, { method: 'GET', path: `/${versioned}?versions`, keys })).text();
    expect(xmlValues(versions, 'ETag')).toEqual([`"${md5(two)}"`, `"${md5(one)}"`]);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${versioned}/k?versionId=${v1}`, keys })).status).toBe(204);
    expect(await segmentNames(gw.stack, 'demo', versioned)).toHaveLength(1);
    expect(md5((await rawS3(gw.url, { method: 'GET', path: `/${versioned}/k`, keys })).body)).toBe(md5(two));
  });
});
