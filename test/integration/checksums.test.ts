// Flexible checksums on PutObject through the gateway: verified while the body
// streams, kept with the object, returned only with x-amz-checksum-mode.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3v4, send, signV4Headers } from '../helpers/sigv4-client.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('cksum');
  await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}` });
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const data = Buffer.alloc(2 * 1024 * 1024 + 17, 'q');
const crc32 = (d: Buffer) => { const o = Buffer.alloc(4); o.writeUInt32BE(zlibCrc32(d) >>> 0); return o.toString('base64'); };
const swiftStatus = async (key: string) => (await swiftDirect(gw.stack, 'demo', 'HEAD', b, key)).status;

describe('x-amz-checksum-* on PutObject', () => {
  it('round-trips a CRC32: returned by GET/HEAD only with x-amz-checksum-mode: ENABLED, never as x-amz-meta-*', async () => {
    const value = crc32(data);
    const put = await rawS3v4(gw.url, keys, {
      method: 'PUT', path: `/${b}/crc`, body: data, payload: 'UNSIGNED-PAYLOAD',
      headers: { 'x-amz-checksum-crc32': value, 'x-amz-sdk-checksum-algorithm': 'CRC32' },
    });
    expect(put.status, put.text()).toBe(201);
    expect(put.headers['x-amz-checksum-crc32']).toBe(value);
    const get = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/crc`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(get.headers['x-amz-checksum-crc32']).toBe(value);
    expect(get.body.equals(data)).toBe(true);
    const plain = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${b}/crc` });
    expect(plain.headers['x-amz-checksum-crc32']).toBeUndefined();
    expect(Object.keys(plain.headers).filter((h) => h.startsWith('x-amz-meta-'))).toEqual([]);
    const ranged = await rawS3v4(gw.url, keys, { method: 'GET', path: `/${b}/crc`, headers: { 'x-amz-checksum-mode': 'ENABLED', range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['x-amz-checksum-crc32']).toBeUndefined();
  });

  it('verifies SHA-256 and CRC64NVME checksums too', async () => {
    const sha = createHash('sha256').update(data).digest('base64');
    const res = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/sha`, body: data, headers: { 'x-amz-checksum-sha256': sha } });
    expect(res.status, res.text()).toBe(201);
    const bad = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/nvme`, body: 'abc', headers: { 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' } });
    expect(xmlValue(bad.text(), 'Code')).toBe('BadDigest');
    expect(xmlValue(bad.text(), 'Message')).toBe('The CRC64NVME you specified did not match the calculated checksum.');
  });

  it('refuses a wrong CRC32 with BadDigest and stores nothing', async () => {
    const res = await rawS3v4(gw.url, keys, {
      method: 'PUT', path: `/${b}/crc-bad`, body: data, payload: 'UNSIGNED-PAYLOAD', headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('other')) },
    });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('BadDigest');
    expect(xmlValue(res.text(), 'Message')).toBe('The CRC32 you specified did not match the calculated checksum.');
    expect(await swiftStatus('crc-bad')).toBe(404);
  });

  it('refuses a malformed value or two checksums with InvalidRequest, before Swift sees anything', async () => {
    const malformed = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/inv1`, body: 'x', headers: { 'x-amz-checksum-crc32': 'nope' } });
    expect(xmlValue(malformed.text(), 'Code')).toBe('InvalidRequest');
    const two = await rawS3v4(gw.url, keys, {
      method: 'PUT', path: `/${b}/inv2`, body: 'x', headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('x')), 'x-amz-checksum-crc32c': 'AAAAAA==' },
    });
    expect(xmlValue(two.text(), 'Code')).toBe('InvalidRequest');
    expect(await swiftStatus('inv1')).toBe(404);
    expect(await swiftStatus('inv2')).toBe(404);
  });

  it('refuses client metadata under the reserved s3gw- prefix', async () => {
    const res = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${b}/forge`, body: 'x', headers: { 'x-amz-meta-s3gw-checksum-crc32': 'AAAAAA==' } });
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
  });

  it('accepts an unsigned aws-chunked body with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', async () => {
    const value = crc32(data);
    const body = Buffer.concat([
      Buffer.from(`100000\r\n`), data.subarray(0, 0x100000), Buffer.from('\r\n'),
      Buffer.from(`${(data.length - 0x100000).toString(16)}\r\n`), data.subarray(0x100000), Buffer.from('\r\n'),
      Buffer.from(`0\r\nx-amz-checksum-crc32:${value}\r\n\r\n`),
    ]);
    const headers = await signV4Headers(gw.url, keys, {
      method: 'PUT', path: `/${b}/trailer`, payload: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'content-length': String(body.length),
        'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-sdk-checksum-algorithm': 'CRC32', 'content-type': 'text/x-kept', 'x-amz-meta-kept': 'yes',
      },
    });
    const res = await send(gw.url, 'PUT', `/${b}/trailer`, headers, body);
    expect(res.status, res.text()).toBe(201);
    const head = await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${b}/trailer`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).toBe(value);
    expect(head.headers['content-type']).toBe('text/x-kept');
    expect(head.headers['x-amz-meta-kept']).toBe('yes');
    expect(head.headers['content-length']).toBe(String(data.length));
  });
});
