// Object and bucket tagging against the real stack with the AWS SDK (v3):
// tags on every kind of write, their limits and errors, where they are kept
// (on the object, or as records in <bucket>+tags bound to one write), that a
// record never applies to another write of the key, and that buckets without
// tags pay no Swift call for them on reads.
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand,
  DeleteBucketTaggingCommand, DeleteObjectCommand, DeleteObjectTaggingCommand, DeleteObjectsCommand, GetBucketTaggingCommand,
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketTaggingCommand, PutBucketVersioningCommand, PutObjectCommand,
  PutObjectTaggingCommand, S3Client, UploadPartCommand, type Tag,
} from '@aws-sdk/client-s3';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue } from '../helpers/raw-s3.js';
import { purgeBucket, purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let s3: S3Client;
const plain = uniqueBucket('tags-plain');
const versioned = uniqueBucket('tags-ver');
const untagged = uniqueBucket('tags-none');
const untaggedVersioned = uniqueBucket('tags-none-ver');
/** Buckets tests make on the way, removed with the others. */
const made: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  const keys = gw.stack.users.demo.ec2;
  s3 = new S3Client({ endpoint: gw.url, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: keys.access, secretAccessKey: keys.secret } });
  for (const b of [plain, versioned, untagged, untaggedVersioned]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  for (const b of [versioned, untaggedVersioned]) await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  for (const b of [plain, versioned, untagged, untaggedVersioned, ...made]) {
    await purgeBucket(gw.stack, 'demo', b).catch(() => {});
    await purgeContainer(gw.stack, 'demo', `${b}+tags`).catch(() => {});
  }
  await gw.stop();
});

/** The S3 error code and status a command fails with. */
async function failure(p: Promise<unknown>): Promise<{ code?: string; status?: number; message?: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the request to fail');
}

const tagsOf = async (Bucket: string, Key: string, VersionId?: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket, Key, VersionId }))).TagSet ?? [];
const countOf = async (Bucket: string, Key: string, VersionId?: string) => (await s3.send(new HeadObjectCommand({ Bucket, Key, VersionId }))).TagCount;
const query = (tags: Tag[]) => tags.map((t) => `${encodeURIComponent(t.Key!)}=${encodeURIComponent(t.Value!)}`).join('&');
/** Object names in a bucket's +tags container, straight from Swift. */
async function records(bucket: string): Promise<string[]> {
  const res = await swiftDirect(gw.stack, 'demo', 'GET', `${bucket}+tags`, undefined, { query: { format: 'json' } });
  return res.status === 200 ? (JSON.parse(res.body.toString()) as { name: string }[]).map((r) => r.name) : [];
}

/** The largest legal tag set: 10 tags, keys of 128 and values of 256 Unicode characters (3 UTF-8 bytes each). */
const largest: Tag[] = Array.from({ length: 10 }, (_, i) => ({ Key: `${i}`.padEnd(128, '키'), Value: `${i}`.padEnd(256, '값') }));
/**
 * The largest set a header carries: ASCII keys and values of the longest
 * (the Unicode one above, percent-encoded, is 34 KB: more than any HTTP server
 * takes as a header, S3's included; it goes through PutObjectTagging).
 */
const largestAscii: Tag[] = Array.from({ length: 10 }, (_, i) => ({ Key: `${i}`.padEnd(128, 'k'), Value: `${i}`.padEnd(256, 'v') }));
/** 2 KB of user metadata (S3's limit), in names and values that Swift stores as they are. */
const twoKb: Record<string, string> = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`m${i}`, 'v'.repeat(256 - 2)]));

describe('tags given with a write', () => {
  it('PutObject x-amz-tagging: GetObjectTagging answers them in order, GetObject and HeadObject count them', async () => {
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'small', Body: 'x', Tagging: 'colour=blue&size=a%20b&empty=' }));
    expect(await tagsOf(plain, 'small')).toEqual([{ Key: 'colour', Value: 'blue' }, { Key: 'size', Value: 'a b' }, { Key: 'empty', Value: '' }]);
    expect(await countOf(plain, 'small')).toBe(3);
    const got = await s3.send(new GetObjectCommand({ Bucket: plain, Key: 'small' }));
    expect(got.TagCount).toBe(3);
    await got.Body!.transformToString();
  });

  it('an object without tags has no x-amz-tagging-count, and an empty TagSet', async () => {
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'bare', Body: 'x' }));
    expect(await countOf(plain, 'bare')).toBeUndefined();
    expect(await tagsOf(plain, 'bare')).toEqual([]);
    const raw = await rawS3(gw.url, { method: 'GET', path: `/${plain}/bare?tagging`, keys: gw.stack.users.demo.ec2 });
    expect(raw.status).toBe(200);
    expect(raw.text()).toContain('<TagSet></TagSet>');
  });

  it('the largest legal tag set with 2 KB of user metadata: kept beside the object (a record), read back exactly', async () => {
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'largest', Body: 'x', Tagging: query(largestAscii), Metadata: twoKb }));
    expect(await tagsOf(plain, 'largest')).toEqual(largestAscii);
    const head = await s3.send(new HeadObjectCommand({ Bucket: plain, Key: 'largest' }));
    expect(head.TagCount).toBe(10);
    expect(head.Metadata).toEqual(twoKb);
    // The same set through PutObjectTagging onto an object that has 2 KB of metadata.
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'largest-later', Body: 'x', Metadata: twoKb }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: plain, Key: 'largest-later', Tagging: { TagSet: largest } }));
    expect(await tagsOf(plain, 'largest-later')).toEqual(largest);
    expect((await s3.send(new HeadObjectCommand({ Bucket: plain, Key: 'largest-later' }))).Metadata).toEqual(twoKb);
  });

  it('a PutObject large enough to be staged (s3.stagedPutFromBytes) keeps its tags, on the object or in a record', async () => {
    const body = Buffer.alloc(9 * 1024 * 1024, 7);
    for (const [key, tags] of [['staged-small', [{ Key: 'a', Value: '1' }]], ['staged-large', largestAscii]] as const) {
      await s3.send(new PutObjectCommand({ Bucket: plain, Key: key, Body: body, Tagging: query([...tags]) }));
      expect(await tagsOf(plain, key)).toEqual(tags);
      expect(await countOf(plain, key)).toBe(tags.length);
    }
  });

  it('CreateMultipartUpload x-amz-tagging: kept with the upload, the completed object has them', async () => {
    for (const [key, tags] of [['mpu-small', [{ Key: 'a', Value: '1' }]], ['mpu-large', largestAscii]] as const) {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: plain, Key: key, Tagging: query([...tags]) }));
      const part = await s3.send(new UploadPartCommand({ Bucket: plain, Key: key, UploadId, PartNumber: 1, Body: 'part' }));
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: plain, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
      expect(await tagsOf(plain, key)).toEqual(tags);
      expect(await countOf(plain, key)).toBe(tags.length);
    }
  });

  it('CopyObject: COPY (the default) keeps the source\'s tags, REPLACE takes x-amz-tagging\'s or none, another directive is InvalidArgument', async () => {
    await s3.send(new PutObjectTaggingCommand({ Bucket: plain, Key: 'small', Tagging: { TagSet: [{ Key: 'changed', Value: 'later' }] } }));
    await s3.send(new CopyObjectCommand({ Bucket: plain, Key: 'copy-small', CopySource: `${plain}/small` }));
    expect(await tagsOf(plain, 'copy-small')).toEqual([{ Key: 'changed', Value: 'later' }]);
    await s3.send(new CopyObjectCommand({ Bucket: plain, Key: 'copy-large', CopySource: `${plain}/largest`, Tagging: 'ignored=yes' }));
    expect(await tagsOf(plain, 'copy-large')).toEqual(largestAscii);
    await s3.send(new CopyObjectCommand({ Bucket: plain, Key: 'copy-unicode', CopySource: `${plain}/largest-later` }));
    expect(await tagsOf(plain, 'copy-unicode')).toEqual(largest);
    await s3.send(new CopyObjectCommand({ Bucket: plain, Key: 'copy-replaced', CopySource: `${plain}/largest`, TaggingDirective: 'REPLACE', Tagging: 'new=1' }));
    expect(await tagsOf(plain, 'copy-replaced')).toEqual([{ Key: 'new', Value: '1' }]);
    await s3.send(new CopyObjectCommand({ Bucket: plain, Key: 'copy-none', CopySource: `${plain}/largest`, TaggingDirective: 'REPLACE' }));
    expect(await countOf(plain, 'copy-none')).toBeUndefined();
    const bad = await rawS3(gw.url, { method: 'PUT', path: `/${plain}/copy-bad`, keys: gw.stack.users.demo.ec2, headers: { 'x-amz-copy-source': `/${plain}/small`, 'x-amz-tagging-directive': 'MERGE' } });
    expect(bad.status).toBe(400);
    expect(xmlValue(bad.text(), 'Code')).toBe('InvalidArgument');
  });
});

describe('a browser upload (POST object) with a tagging field', () => {
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

  /** A SigV4-signed form of these fields (each one a policy condition), the file last. */
  function form(fields: Record<string, string>): FormData {
    const keys = gw.stack.users.demo.ec2;
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const credential = `${keys.access}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
    const signing = { 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': date };
    const conditions = [{ bucket: plain }, ...Object.entries({ ...fields, ...signing }).map(([k, v]) => ({ [k]: v }))];
    const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 300_000).toISOString(), conditions })).toString('base64');
    const key = hmac(hmac(hmac(hmac(`AWS4${keys.secret}`, date.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request');
    const data = new FormData();
    for (const [k, v] of Object.entries({ ...fields, ...signing, policy, 'x-amz-signature': hmac(key, policy).toString('hex') })) data.append(k, v);
    data.append('file', new Blob(['uploaded']), 'f.txt');
    return data;
  }

  it('the field is a Tagging document: the object gets its tags; a bad one is refused and nothing is stored', async () => {
    const tagging = '<Tagging><TagSet><Tag><Key>source</Key><Value>browser</Value></Tag></TagSet></Tagging>';
    const res = await fetch(`${gw.url}/${plain}`, { method: 'POST', body: form({ key: 'posted', tagging }) });
    expect(res.status, await res.text()).toBe(204);
    expect(await tagsOf(plain, 'posted')).toEqual([{ Key: 'source', Value: 'browser' }]);
    expect(await countOf(plain, 'posted')).toBe(1);
    const bad = await fetch(`${gw.url}/${plain}`, { method: 'POST', body: form({ key: 'posted-bad', tagging: '<Tagging><TagSet><Tag><Key>aws:x</Key><Value>v</Value></Tag></TagSet></Tagging>' }) });
    expect(bad.status).toBe(400);
    expect(xmlValue(await bad.text(), 'Code')).toBe('InvalidTag');
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: plain, Key: 'posted-bad' })))).toMatchObject({ status: 404 });
  });
});

describe("S3's limits and errors", () => {
  const put = (TagSet: Tag[]) => s3.send(new PutObjectTaggingCommand({ Bucket: plain, Key: 'bare', Tagging: { TagSet } }));

  it('refuses 11 tags (BadRequest), long keys and values, aws: keys, duplicates and bad characters (InvalidTag)', async () => {
    expect(await failure(put(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))))).toMatchObject({ code: 'BadRequest', status: 400, message: 'Object tags cannot be greater than 10' });
    expect(await failure(put([{ Key: 'k'.repeat(129), Value: 'v' }]))).toMatchObject({ code: 'InvalidTag', message: 'The TagKey you have provided is too long, max 128' });
    expect(await failure(put([{ Key: 'k', Value: '값'.repeat(257) }]))).toMatchObject({ code: 'InvalidTag', message: 'The TagValue you have provided is too long, max 256' });
    expect(await failure(put([{ Key: 'aws:cloudformation', Value: 'v' }]))).toMatchObject({ code: 'InvalidTag', message: 'Your TagKey cannot be prefixed with aws:' });
    expect(await failure(put([{ Key: 'same', Value: '1' }, { Key: 'same', Value: '2' }]))).toMatchObject({ code: 'InvalidTag', message: 'Cannot provide multiple Tags with the same key' });
    expect(await failure(put([{ Key: 'star*', Value: 'v' }]))).toMatchObject({ code: 'InvalidTag', message: 'The TagKey you have provided is invalid' });
    expect(await failure(put([{ Key: 'k', Value: 'semi;colon' }]))).toMatchObject({ code: 'InvalidTag', message: 'The TagValue you have provided is invalid' });
    expect(await tagsOf(plain, 'bare')).toEqual([]);
  });

  it('x-amz-tagging with a duplicate key is InvalidArgument; 11 tags BadRequest; nothing is written', async () => {
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: plain, Key: 'refused', Body: 'x', Tagging: 'a=1&a=2' })))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    const eleven = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: plain, Key: 'refused', Body: 'x', Tagging: eleven })))).toMatchObject({ code: 'BadRequest' });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: plain, Key: 'refused' })))).toMatchObject({ status: 404 });
  });

  it('a Tagging document that is not XML is MalformedXML; a wrong Content-MD5 BadDigest', async () => {
    const keys = gw.stack.users.demo.ec2;
    const malformed = await rawS3(gw.url, { method: 'PUT', path: `/${plain}/bare?tagging`, keys, body: '<Tagging><TagSet><Tag><Key>k</Key></Tag>' });
    expect(xmlValue(malformed.text(), 'Code')).toBe('MalformedXML');
    const noValue = await rawS3(gw.url, { method: 'PUT', path: `/${plain}/bare?tagging`, keys, body: '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>' });
    expect(xmlValue(noValue.text(), 'Code')).toBe('MalformedXML');
    const digest = await rawS3(gw.url, { method: 'PUT', path: `/${plain}/bare?tagging`, keys, body: '<Tagging><TagSet></TagSet></Tagging>', headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' } });
    expect(xmlValue(digest.text(), 'Code')).toBe('BadDigest');
  });

  it('tags of a missing key: NoSuchKey; of a missing bucket: NoSuchBucket', async () => {
    expect(await failure(tagsOf(plain, 'nothing-here'))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(await failure(tagsOf(uniqueBucket('tags-missing'), 'k'))).toMatchObject({ code: 'NoSuchBucket', status: 404 });
  });
});

describe('a tag set belongs to one write of a key', () => {
  it('unversioned: an overwrite starts with its own tags, a delete leaves no tags (or records) for a later PUT', async () => {
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'reused', Body: '1', Tagging: query(largestAscii) }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: plain, Key: 'reused', Tagging: { TagSet: largest.slice(0, 9) } }));
    expect(await countOf(plain, 'reused')).toBe(9);
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'reused', Body: '2' }));
    expect(await countOf(plain, 'reused')).toBeUndefined();
    expect(await tagsOf(plain, 'reused')).toEqual([]);
    await s3.send(new PutObjectTaggingCommand({ Bucket: plain, Key: 'reused', Tagging: { TagSet: largest } }));
    expect(await countOf(plain, 'reused')).toBe(10);
    const before = (await records(plain)).length;
    await s3.send(new DeleteObjectCommand({ Bucket: plain, Key: 'reused' }));
    // The key's records went with it (the earlier ones an overwrite orphaned too).
    expect((await records(plain)).length).toBeLessThan(before);
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'reused', Body: '3' }));
    expect(await tagsOf(plain, 'reused')).toEqual([]);
  });

  it('DeleteObjectTagging removes them (204); DeleteObjects takes the records of the keys it deletes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'to-untag', Body: 'x', Tagging: 'a=1' }));
    const res = await s3.send(new DeleteObjectTaggingCommand({ Bucket: plain, Key: 'to-untag' }));
    expect(res.$metadata.httpStatusCode).toBe(204);
    expect(await tagsOf(plain, 'to-untag')).toEqual([]);
    expect(await countOf(plain, 'to-untag')).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'multi-a', Body: 'x', Tagging: query(largestAscii) }));
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'multi-b', Body: 'x', Tagging: query(largestAscii) }));
    const before = (await records(plain)).length;
    await s3.send(new DeleteObjectsCommand({ Bucket: plain, Delete: { Objects: [{ Key: 'multi-a' }, { Key: 'multi-b' }] } }));
    expect((await records(plain)).length).toBe(before - 2);
  });

  it('versioned: each version has its own tags; versionId reaches an older one; a delete marker is MethodNotAllowed, an unknown version NoSuchVersion', async () => {
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'doc', Body: '1', Tagging: 'v=1' }))).VersionId!;
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'doc', Body: '2', Tagging: 'v=2' }))).VersionId!;
    const put = await s3.send(new PutObjectTaggingCommand({ Bucket: versioned, Key: 'doc', VersionId: v1, Tagging: { TagSet: [{ Key: 'v', Value: 'one' }, { Key: 'extra', Value: 'x' }] } }));
    expect(put.VersionId).toBe(v1);
    expect(await tagsOf(versioned, 'doc', v1)).toEqual([{ Key: 'v', Value: 'one' }, { Key: 'extra', Value: 'x' }]);
    expect(await countOf(versioned, 'doc', v1)).toBe(2);
    expect(await tagsOf(versioned, 'doc')).toEqual([{ Key: 'v', Value: '2' }]);
    expect(await countOf(versioned, 'doc', v2)).toBe(1);
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: 'doc' }))).VersionId!;
    expect(await failure(tagsOf(versioned, 'doc', marker))).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
    expect(await failure(tagsOf(versioned, 'doc'))).toMatchObject({ status: 404, code: 'NoSuchKey' });
    expect(await failure(tagsOf(versioned, 'doc', '1700000000.00000'))).toMatchObject({ status: 404, code: 'NoSuchVersion' });
    // Deleting the version takes its record.
    const before = (await records(versioned)).length;
    await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: 'doc', VersionId: v1 }));
    expect((await records(versioned)).length).toBe(before - 1);
  });

  it('tags change on a version under object lock, as in S3 (lock and tags are independent)', async () => {
    const locked = uniqueBucket('tags-lock');
    made.push(locked);
    await s3.send(new CreateBucketCommand({ Bucket: locked, ObjectLockEnabledForBucket: true }));
    const { VersionId } = await s3.send(new PutObjectCommand({
      Bucket: locked, Key: 'held', Body: 'x', Tagging: 'a=1', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 3600_000), ChecksumAlgorithm: 'CRC32',
    }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: locked, Key: 'held', VersionId, Tagging: { TagSet: [{ Key: 'b', Value: '2' }] } }));
    expect(await tagsOf(locked, 'held', VersionId)).toEqual([{ Key: 'b', Value: '2' }]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: locked, Key: 'held', VersionId }));
    expect([head.TagCount, head.ObjectLockMode]).toEqual([1, 'COMPLIANCE']);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: locked, Key: 'held', VersionId }));
    expect(await countOf(locked, 'held', VersionId)).toBeUndefined();
  });

  it('a record written outside the gateway (no valid seal) is not taken for tags', async () => {
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'forged', Body: 'x', Tagging: 'real=1' }));
    const rows = await records(versioned);
    // Every record of the bucket overwritten with a body of other tags: none verifies any more.
    for (const name of rows) await swiftDirect(gw.stack, 'demo', 'PUT', `${versioned}+tags`, name, { body: '[["forged","1"]]' });
    const v = (await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'forged2', Body: 'x' }))).VersionId!;
    await s3.send(new PutObjectTaggingCommand({ Bucket: versioned, Key: 'forged2', Tagging: { TagSet: [{ Key: 'mine', Value: '1' }] } }));
    const [name] = (await records(versioned)).filter((n) => n.endsWith(`/${v}`));
    await swiftDirect(gw.stack, 'demo', 'PUT', `${versioned}+tags`, name!, { body: '[["forged","1"]]', headers: { 'x-object-meta-s3gw-tags-sha256': 'x' } });
    expect(await tagsOf(versioned, 'forged2')).toEqual([]);
    expect(await tagsOf(versioned, 'forged')).toEqual([{ Key: 'real', Value: '1' }]);
  });
});

describe('bucket tags', () => {
  const fifty: Tag[] = Array.from({ length: 50 }, (_, i) => ({ Key: `${i}`.padEnd(128, 'k'), Value: `${i}`.padEnd(256, 'v') }));

  it('NoSuchTagSet without tags; 50 tags of the longest kind round-trip; 51 are BadRequest; DeleteBucketTagging removes them', async () => {
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: plain })))).toMatchObject({ status: 404, code: 'NoSuchTagSet' });
    const put = await s3.send(new PutBucketTaggingCommand({ Bucket: plain, Tagging: { TagSet: fifty } }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: plain }))).TagSet).toEqual(fifty);
    expect(await failure(s3.send(new PutBucketTaggingCommand({ Bucket: plain, Tagging: { TagSet: [...fifty, { Key: 'one-more', Value: '' }] } }))))
      .toMatchObject({ status: 400, code: 'BadRequest', message: 'Bucket tag count cannot be greater than 50' });
    expect(await failure(s3.send(new PutBucketTaggingCommand({ Bucket: plain, Tagging: { TagSet: [{ Key: 'aws:x', Value: '' }] } })))).toMatchObject({ code: 'InvalidTag' });
    expect((await s3.send(new DeleteBucketTaggingCommand({ Bucket: plain }))).$metadata.httpStatusCode).toBe(204);
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: plain })))).toMatchObject({ code: 'NoSuchTagSet' });
  });

  it('PutBucketTagging without Content-MD5 or a checksum is InvalidRequest', async () => {
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${plain}?tagging`, keys: gw.stack.users.demo.ec2, body: '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>' });
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidRequest');
  });

  it('DeleteBucket takes the +tags container with it; it never shows in ListBuckets', async () => {
    const b = uniqueBucket('tags-gone');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'team', Value: 'storage' }] } }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', Tagging: query(largestAscii) }));
    const listed = await rawS3(gw.url, { method: 'GET', path: '/', keys: gw.stack.users.demo.ec2 });
    expect(listed.text()).toContain(`<Name>${b}</Name>`);
    expect(listed.text()).not.toContain(`${b}+tags`);
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', `${b}+tags`)).status).toBe(204);
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: b }));
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', `${b}+tags`)).status).toBe(404);
  });
});

describe('the hot path', () => {
  const swiftCalls = async () => (await gw.metrics.swiftRequests.get()).values.reduce((n, v) => n + v.value, 0);

  it('GET and HEAD in buckets that never had a record make no more Swift calls than without tagging', async () => {
    for (const Bucket of [untagged, untaggedVersioned]) {
      await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'tagged', Body: 'x', Tagging: 'a=1' }));
      await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' })); // warms the token and caches
      for (const Key of ['k', 'tagged']) {
        const before = await swiftCalls();
        const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
        const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
        await got.Body!.transformToString();
        // One HEAD, one GET: the tag count of a write's own tags comes with them.
        expect(await swiftCalls() - before, `${Bucket}/${Key}`).toBe(2);
        expect([head.TagCount, got.TagCount]).toEqual(Key === 'tagged' ? [1, 1] : [undefined, undefined]);
      }
    }
  });

  it('a versioned read in a bucket with records costs one more call (the record), in S3 terms the same answer', async () => {
    const VersionId = (await s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'hot', Body: 'x', Tagging: 'a=1' }))).VersionId!;
    await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: 'hot', VersionId }));
    const before = await swiftCalls();
    expect((await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: 'hot', VersionId }))).TagCount).toBe(1);
    expect(await swiftCalls() - before).toBe(2);
  });

  it('DeleteObject in a bucket without records makes no more Swift calls than before tagging (one DELETE)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: untagged, Key: 'gone-1', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: untagged, Key: 'gone-2', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: untagged, Key: 'gone-1' }));
    const before = await swiftCalls();
    await s3.send(new DeleteObjectCommand({ Bucket: untagged, Key: 'gone-2' }));
    expect(await swiftCalls() - before).toBe(1);
  });
});
