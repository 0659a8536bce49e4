// Security finding F9: the gateway's reserved s3gw-* state, written outside
// the gateway (the Swift API, or Swift's s3api as x-amz-meta-s3gw-*), was
// trusted: a forged checksum made boto3 fail its validation. What the gateway
// stores is now sealed (see src/operations/seal.ts): anything that does not
// verify reads as absent, and what the gateway wrote itself still reads back,
// also after a copy.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const bucket = uniqueBucket('secmeta');
const crc32 = (d: Buffer | string) => { const o = Buffer.alloc(4); o.writeUInt32BE(zlibCrc32(d) >>> 0); return o.toString('base64'); };
const checksumOf = async (key: string) =>
  (await rawS3v4(gw.url, keys, { method: 'HEAD', path: `/${bucket}/${key}`, headers: { 'x-amz-checksum-mode': 'ENABLED' } })).headers['x-amz-checksum-crc32'];

beforeAll(async () => {
  gw = await startGateway();
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeBucket(stack, 'demo', bucket);
  await gw?.stop();
});

describe('F9: reserved metadata the gateway did not write is not trusted', () => {
  it('ignores a checksum written through the Swift API, and boto3 reads the object with checksum validation on', async () => {
    const forged = await swiftDirect(stack, 'demo', 'PUT', bucket, 'native', { body: 'native bytes', headers: { 'x-object-meta-s3gw-checksum-crc32': 'AAAAAA==' } });
    expect(forged.status).toBe(201);
    expect(await checksumOf('native')).toBeUndefined();
    const py = `
import boto3, sys
from botocore.config import Config
c = boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4], region_name='us-east-1',
                 config=Config(s3={'addressing_style': 'path'}))
print(c.get_object(Bucket=sys.argv[2], Key='native', ChecksumMode='ENABLED')['Body'].read().decode())`;
    const out = await run('python3', ['-c', py, gw.url, bucket, keys.access, keys.secret], { env: { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } });
    expect(out.stdout.trim(), out.stderr).toBe('native bytes');
  });

  it('ignores one written through s3api as x-amz-meta-s3gw-checksum-crc32', async () => {
    const put = await rawS3(stack.s3api.url, { method: 'PUT', path: `/${bucket}/via-s3api`, keys, body: 'x', headers: { 'x-amz-meta-s3gw-checksum-crc32': 'AAAAAA==' } });
    expect(put.status, put.text()).toBe(200);
    expect(await checksumOf('via-s3api')).toBeUndefined();
  });

  it('ignores a forged multipart ETag in a native Content-Type, in GET and in listings', async () => {
    const ct = 'text/plain;s3gw_etag=00000000000000000000000000000000-3;s3gw_seal=AAAAAAAAAAAAAAAAAAAAAA';
    expect((await swiftDirect(stack, 'demo', 'PUT', bucket, 'forged-etag', { body: 'abc', headers: { 'content-type': ct } })).status).toBe(201);
    const md5 = '"900150983cd24fb0d6963f7d28e17f72"';
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/forged-etag`, keys })).headers['etag']).toBe(md5);
    const list = await rawS3(gw.url, { method: 'GET', path: `/${bucket}?prefix=forged-etag`, keys });
    expect(xmlValue(list.text(), 'ETag')).toBe(md5);
  });

  it('a forged upload id does not make an abort remove someone else\'s object', async () => {
    const created = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/victim?uploads`, keys });
    const id = xmlValue(created.text(), 'UploadId')!;
    expect((await swiftDirect(stack, 'demo', 'PUT', bucket, 'victim', { body: 'keep me', headers: { 'x-object-meta-s3gw-upload-id': id } })).status).toBe(201);
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${bucket}/victim?uploadId=${id}`, keys })).status).toBe(204);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${bucket}/victim`, keys })).text()).toBe('keep me');
  });

  it('still returns what the gateway stored itself, and after CopyObject (COPY and REPLACE)', async () => {
    const body = 'sealed bytes';
    const put = await rawS3v4(gw.url, keys, { method: 'PUT', path: `/${bucket}/sealed`, body, headers: { 'x-amz-checksum-crc32': crc32(body) } });
    expect(put.status, put.text()).toBe(201);
    expect(await checksumOf('sealed')).toBe(crc32(body));
    for (const directive of ['COPY', 'REPLACE']) {
      const copy = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/sealed-${directive}`, keys, headers: { 'x-amz-copy-source': `/${bucket}/sealed`, 'x-amz-metadata-directive': directive } });
      expect(copy.status, copy.text()).toBe(201);
      expect(await checksumOf(`sealed-${directive}`), directive).toBe(crc32(body));
    }
    // A copy of a forged source carries nothing forged either.
    const copy = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/native-copy`, keys, headers: { 'x-amz-copy-source': `/${bucket}/native` } });
    expect(copy.status).toBe(201);
    expect(await checksumOf('native-copy')).toBeUndefined();
  });
});
