// Multipart uploads of more parts than the cluster's max_manifest_segments,
// against a proxy with Swift's default of 1000 (test/helpers/proxy1000.ts):
// 1205 parts become an SLO of two sub-manifests; the S3 ETag, whole and
// partNumber reads (on both sides of the 1000 boundary), GetObjectAttributes
// paging and deleting the object (every part and sub-manifest goes) all
// behave as for a flat upload. Parts are 1 KiB (the test gateway's
// minPartSize), so 1205 of them upload in seconds.
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectAttributesCommand,
  GetObjectCommand, HeadObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { proxy1000, type Proxy1000 } from '../helpers/proxy1000.js';
import { loadStack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const PARTS = 1205;
const part = (n: number) => Buffer.alloc(1024, `part ${n} `);
let proxy: Proxy1000;
let gw: TestGateway;
let s3: S3Client;
const bucket = uniqueBucket('nested');
const key = 'big/nested object';

beforeAll(async () => {
  proxy = await proxy1000(loadStack());
  gw = await startGateway({ dialect: 'aws', storageUrl: `${proxy.url}/v1/AUTH_{project_id}`, limits: { minPartSize: 1 } });
  const keys = gw.stack.users.demo.ec2;
  s3 = new S3Client({ endpoint: gw.url, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: keys.access, secretAccessKey: keys.secret } });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await purgeContainer(gw.stack, 'demo', `${bucket}+segments`).catch(() => {});
  await purgeContainer(gw.stack, 'demo', bucket);
  await gw.stop();
  await proxy.stop();
});

describe(`a multipart upload of ${PARTS} parts through a proxy with max_manifest_segments = 1000`, () => {
  let etag: string;

  it('completes as nested manifests, with the S3 multipart ETag', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const etags: string[] = new Array<string>(PARTS);
    let next = 1;
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let n = next++; n <= PARTS; n = next++) {
        etags[n - 1] = (await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: part(n) }))).ETag!;
      }
    }));
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
    }));
    const md5s = Buffer.concat(etags.map((e) => Buffer.from(e.replace(/"/g, ''), 'hex')));
    etag = `"${createHash('md5').update(md5s).digest('hex')}-${PARTS}"`;
    expect(done.ETag).toBe(etag);
    // In Swift: a manifest of two sub-manifests (1000 parts, then 205).
    const raw = await swiftDirect(gw.stack, 'demo', 'GET', bucket, key, { query: { 'multipart-manifest': 'get' } });
    const entries = JSON.parse(raw.body.toString()) as { sub_slo?: boolean }[];
    expect(entries.map((e) => e.sub_slo === true)).toEqual([true, true]);
  }, 300_000);

  it('reads whole and by partNumber on both sides of the 1000 boundary', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect([head.ETag, head.ContentLength]).toEqual([etag, PARTS * 1024]);
    const whole = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
    expect(whole.equals(Buffer.concat(Array.from({ length: PARTS }, (_, i) => part(i + 1))))).toBe(true);
    for (const n of [1, 1000, 1001, PARTS]) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: n }));
      expect(got.PartsCount).toBe(PARTS);
      expect(got.ContentRange).toBe(`bytes ${(n - 1) * 1024}-${n * 1024 - 1}/${PARTS * 1024}`);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(part(n))).toBe(true);
    }
  }, 300_000);

  it('GetObjectAttributes counts and pages all the parts', async () => {
    const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ['ObjectParts', 'ETag', 'ObjectSize'], PartNumberMarker: '999', MaxParts: 3 }));
    expect(attrs.ETag).toBe(etag.replace(/"/g, ''));
    expect(attrs.ObjectSize).toBe(PARTS * 1024);
    expect(attrs.ObjectParts).toMatchObject({ TotalPartsCount: PARTS, PartNumberMarker: '999', NextPartNumberMarker: '1002', MaxParts: 3, IsTruncated: true });
  });

  it('DeleteObject removes every part and both sub-manifests', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const left = await swiftDirect(gw.stack, 'demo', 'GET', `${bucket}+segments`, undefined, { query: { format: 'json', prefix: `${key}/` } });
    expect(left.status === 204 ? [] : (JSON.parse(left.body.toString()) as unknown[])).toEqual([]);
  }, 120_000);
});
