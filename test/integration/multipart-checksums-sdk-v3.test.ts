// Multipart checksums with the AWS SDK for JavaScript v3, which computes
// CRC32C and CRC64NVME itself (boto3 needs awscrt for them): COMPOSITE and
// FULL_OBJECT uploads, the object's checksum sent on CompleteMultipartUpload
// as its x-amz-checksum-* header (as minio-go sends its composite CRC32C: it
// is the object's checksum, not the XML body's), and lib-storage's Upload
// of a stream of unknown length.
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectAttributesCommand, GetObjectCommand,
  HeadObjectCommand, ListPartsCommand, PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand, type ChecksumAlgorithm, type ChecksumType,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c, crc64nvme, type Crc } from '../../src/s3/crc.js';
import { combineCrcs } from '../../src/s3/crc-combine.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

const MiB = 1024 * 1024;
const data = randomBytes(11 * MiB + 4321);
const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];

let gw: TestGateway;
let s3: S3Client;
const bucket = uniqueBucket('mpv3');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  const keys = gw.stack.users.demo.ec2;
  s3 = new S3Client({ endpoint: gw.url, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: keys.access, secretAccessKey: keys.secret } });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await purgeContainer(gw.stack, 'demo', bucket);
  await gw.stop();
});

const MAKERS: Record<'CRC32C' | 'CRC64NVME', () => Crc> = { CRC32C: crc32c, CRC64NVME: crc64nvme };
const sum = (algorithm: 'CRC32C' | 'CRC64NVME', d: Buffer) => { const c = MAKERS[algorithm](); c.update(d); return c.digest().toString('base64'); };

describe('AWS SDK for JavaScript v3: CRC32C and CRC64NVME multipart uploads', () => {
  for (const [algorithm, type, sendObjectChecksum] of [
    ['CRC32C', 'COMPOSITE', true], ['CRC32C', 'FULL_OBJECT', true], ['CRC64NVME', 'FULL_OBJECT', true], ['CRC32C', 'COMPOSITE', false],
  ] as const) {
    it(`${algorithm} ${type}${sendObjectChecksum ? ', the object checksum sent on Complete' : ''}: every step agrees with the SDK's checksums`, async () => {
      const Key = `${algorithm}-${type}-${sendObjectChecksum}`;
      const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ChecksumAlgorithm: algorithm as ChecksumAlgorithm, ChecksumType: type as ChecksumType }));
      expect([create.ChecksumAlgorithm, create.ChecksumType]).toEqual([algorithm, type]);
      const field = `Checksum${algorithm}` as 'ChecksumCRC32C' | 'ChecksumCRC64NVME';
      const done = [];
      for (const [i, Body] of parts.entries()) {
        const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: create.UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: algorithm as ChecksumAlgorithm }));
        expect(r[field]).toBe(sum(algorithm, Body));
        done.push({ PartNumber: i + 1, ETag: r.ETag, [field]: r[field] });
      }
      const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId: create.UploadId }));
      expect(listed.Parts!.map((p) => p[field])).toEqual(parts.map((p) => sum(algorithm, p)));
      const partSums = parts.map((p) => sum(algorithm, p));
      const expected = type === 'FULL_OBJECT'
        ? sum(algorithm, data)
        : `${sum(algorithm, Buffer.concat(partSums.map((v) => Buffer.from(v, 'base64'))))}-3`;
      if (type === 'FULL_OBJECT') {
        // The gateway's combination of part CRCs equals the CRC of the whole.
        expect(combineCrcs(algorithm === 'CRC32C' ? 'crc32c' : 'crc64nvme', parts.map((p) => ({ crc: Buffer.from(sum(algorithm, p), 'base64'), length: p.length }))).toString('base64')).toBe(expected);
      }
      const complete = await s3.send(new CompleteMultipartUploadCommand({
        Bucket: bucket, Key, UploadId: create.UploadId, MultipartUpload: { Parts: done },
        ...(sendObjectChecksum ? { [field]: expected, ChecksumType: type as ChecksumType } : {}),
      }));
      expect(complete[field]).toBe(expected);
      expect(complete.ChecksumType).toBe(type);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key, ChecksumMode: 'ENABLED' }));
      expect([head[field], head.ChecksumType]).toEqual([expected, type]);
      // The SDK validates a whole-object FULL_OBJECT checksum of what it reads.
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, ChecksumMode: 'ENABLED' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
      // A part read with checksum mode answers the part's own checksum, which the SDK checks the part's bytes against.
      const second = await s3.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 2, ChecksumMode: 'ENABLED' }));
      expect(second[field]).toBe(partSums[1]);
      expect(Buffer.from(await second.Body!.transformToByteArray()).equals(parts[1]!)).toBe(true);
      const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key, ObjectAttributes: ['Checksum', 'ObjectParts', 'ObjectSize'] }));
      expect(attrs.Checksum).toEqual({ [field]: expected.replace(/-3$/, ''), ChecksumType: type });
      expect(attrs.ObjectParts?.TotalPartsCount).toBe(3);
      expect(attrs.ObjectParts?.Parts?.map((p) => p[field])).toEqual(partSums);
    });
  }

  it('UploadPartCopy into a CRC32C upload: the gateway computes the copied part\'s checksum, and the object\'s composite includes it', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-source', Body: parts[0] }));
    const Key = 'with-copied-part';
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ChecksumAlgorithm: 'CRC32C' }));
    const copied = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key, UploadId: create.UploadId, PartNumber: 1, CopySource: `${bucket}/copy-source` }));
    expect(copied.CopyPartResult?.ChecksumCRC32C).toBe(sum('CRC32C', parts[0]!));
    const second = await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: create.UploadId, PartNumber: 2, Body: parts[2], ChecksumAlgorithm: 'CRC32C' }));
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key, UploadId: create.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult!.ETag }, { PartNumber: 2, ETag: second.ETag }] },
    }));
    const sums = [sum('CRC32C', parts[0]!), sum('CRC32C', parts[2]!)];
    expect(done.ChecksumCRC32C).toBe(`${sum('CRC32C', Buffer.concat(sums.map((v) => Buffer.from(v, 'base64'))))}-2`);
  });

  it('refuses a Complete whose composite checksum header is not the parts\' (BadDigest), and keeps the upload', async () => {
    const Key = 'bad-composite';
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ChecksumAlgorithm: 'CRC32C' }));
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: create.UploadId, PartNumber: 1, Body: parts[2], ChecksumAlgorithm: 'CRC32C' }));
    const err = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key, UploadId: create.UploadId, ChecksumCRC32C: 'AAAAAA==-1', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r.ETag, ChecksumCRC32C: r.ChecksumCRC32C }] },
    })).catch((e: { name: string }) => e);
    expect((err as { name: string }).name).toBe('BadDigest');
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId: create.UploadId }));
    expect(listed.Parts).toHaveLength(1);
  });

  for (const algorithm of ['CRC32C', 'CRC64NVME'] as const) {
    it(`lib-storage Upload of a ${algorithm} stream of unknown length: multipart, the object round-trips`, async () => {
      const Key = `stream-${algorithm}`;
      const body = Readable.from((function* () { for (let at = 0; at < data.length; at += 256 * 1024) yield data.subarray(at, at + 256 * 1024); })());
      await new Upload({ client: s3, params: { Bucket: bucket, Key, Body: body, ChecksumAlgorithm: algorithm }, partSize: 5 * MiB, queueSize: 2 }).done();
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key, ChecksumMode: 'ENABLED' }));
      expect(head.ETag).toMatch(/-3"$/);
      const value = head[`Checksum${algorithm}`];
      expect(value).toBeDefined();
      if (head.ChecksumType === 'FULL_OBJECT') expect(value).toBe(sum(algorithm, data));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    });
  }
});
