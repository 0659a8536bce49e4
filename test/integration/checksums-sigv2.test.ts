// Every flexible checksum algorithm with SigV2-signed requests (the SDKs sign
// checksummed requests with SigV4 only; minio-go and older tools send these
// headers with either): a single PutObject, and a multipart upload completed
// with the object's checksum in CompleteMultipartUpload's x-amz-checksum-*
// header, COMPOSITE (`…-N`, as minio-go sends it) and FULL_OBJECT. The
// expected values come from the AWS SDK's own CRC code (@aws-sdk/checksums)
// and node:crypto, not from the gateway's.
import { Crc32cJs, Crc64NvmeJs, Crc32 } from '@aws-sdk/checksums/crc';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
const bucket = uniqueBucket('ck2');
const MiB = 1024 * 1024;
const parts = [randomBytes(5 * MiB), randomBytes(1234)];
const whole = Buffer.concat(parts);

type Algorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';
async function sum(algorithm: Algorithm, data: Buffer): Promise<string> {
  if (algorithm === 'sha1' || algorithm === 'sha256') return createHash(algorithm).update(data).digest('base64');
  const c = algorithm === 'crc32' ? new Crc32() : algorithm === 'crc32c' ? new Crc32cJs() : new Crc64NvmeJs();
  c.update(data);
  return Buffer.from(await c.digest()).toString('base64');
}

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  keys = gw.stack.users.demo.ec2!;
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(200);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', `${bucket}+segments`).catch(() => {});
  await purgeContainer(gw.stack, 'demo', bucket);
  await gw.stop();
});

const headChecksum = async (key: string, algorithm: Algorithm) => {
  const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/${key}`, keys, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
  return [head.headers[`x-amz-checksum-${algorithm}`], head.headers['x-amz-checksum-type']];
};

async function multipart(key: string, algorithm: Algorithm, type: 'COMPOSITE' | 'FULL_OBJECT' | undefined, stated: (partSums: string[]) => Promise<string>) {
  const create = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/${key}?uploads`, keys, headers: type === undefined ? {} : { 'x-amz-checksum-algorithm': algorithm.toUpperCase(), 'x-amz-checksum-type': type } });
  expect(create.status, create.text()).toBe(200);
  const id = xmlValue(create.text(), 'UploadId')!;
  const partSums: string[] = [];
  const etags: string[] = [];
  for (const [i, body] of parts.entries()) {
    const value = await sum(algorithm, body);
    partSums.push(value);
    const r = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/${key}?partNumber=${i + 1}&uploadId=${id}`, keys, body, headers: { [`x-amz-checksum-${algorithm}`]: value } });
    expect(r.status, r.text()).toBe(200);
    expect(r.headers[`x-amz-checksum-${algorithm}`]).toBe(value);
    etags.push(r.headers['etag']!);
  }
  const value = await stated(partSums);
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/${key}?uploadId=${id}`, keys, body: xml, headers: { [`x-amz-checksum-${algorithm}`]: value, 'content-type': 'application/xml' } });
  return { done, value };
}

const composite = async (algorithm: Algorithm, partSums: string[]) => `${await sum(algorithm, Buffer.concat(partSums.map((s) => Buffer.from(s, 'base64'))))}-${partSums.length}`;

describe('SigV2-signed checksums, every algorithm', () => {
  for (const algorithm of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const) {
    it(`${algorithm}: a single PutObject verifies and keeps it; a wrong one is BadDigest and stores nothing`, async () => {
      const value = await sum(algorithm, whole);
      const put = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/single-${algorithm}`, keys, body: whole, headers: { [`x-amz-checksum-${algorithm}`]: value } });
      expect(put.status, put.text()).toBe(200);
      expect(await headChecksum(`single-${algorithm}`, algorithm)).toEqual([value, 'FULL_OBJECT']);
      const bad = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/bad-${algorithm}`, keys, body: whole, headers: { [`x-amz-checksum-${algorithm}`]: await sum(algorithm, parts[1]!) } });
      expect(xmlValue(bad.text(), 'Code')).toBe('BadDigest');
      expect((await swiftDirect(gw.stack, 'demo', 'HEAD', bucket, `bad-${algorithm}`)).status).toBe(404);
    });

    it(`${algorithm}: multipart completed with the composite value in x-amz-checksum-${algorithm} (the minio-go way, no algorithm declared)`, async () => {
      const { done, value } = await multipart(`mp-${algorithm}`, algorithm, undefined, (s) => composite(algorithm, s));
      expect(done.status, done.text()).toBe(200);
      expect(xmlValue(done.text(), `Checksum${algorithm.toUpperCase()}`)).toBe(value);
      expect(await headChecksum(`mp-${algorithm}`, algorithm)).toEqual([value, 'COMPOSITE']);
      const wrong = await multipart(`mp-wrong-${algorithm}`, algorithm, undefined, async (s) => composite(algorithm, [s[1]!, s[0]!]));
      expect(xmlValue(wrong.done.text(), 'Code')).toBe('BadDigest');
    });

    if (algorithm.startsWith('crc')) {
      it(`${algorithm}: multipart declared FULL_OBJECT, completed with the whole object's CRC`, async () => {
        const { done, value } = await multipart(`full-${algorithm}`, algorithm, 'FULL_OBJECT', () => sum(algorithm, whole));
        expect(done.status, done.text()).toBe(200);
        expect(await headChecksum(`full-${algorithm}`, algorithm)).toEqual([value, 'FULL_OBJECT']);
        const get = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/full-${algorithm}`, keys });
        expect(await sum(algorithm, get.body)).toBe(value);
      });
    }
  }
});
