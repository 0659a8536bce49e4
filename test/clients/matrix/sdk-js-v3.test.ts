// The matrix scenario with the AWS SDK for JavaScript v3 (@aws-sdk/client-s3,
// lib-storage's Upload, s3-request-presigner), in this process, with its
// defaults: SigV4, CRC32 checksums, aws-chunked bodies with a checksum trailer
// for streams. Once path style and once virtual-host style (*.s3.test resolved
// to the gateway by the http.Agent's lookup). v3 has no SigV2.
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketAclCommand,
  GetObjectAclCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command,
  PutBucketAclCommand, PutObjectAclCommand, PutObjectCommand, S3Client, paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { createReadStream, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import {
  BIG_SIZE, MatrixRow, MiB, expectBucketGone, expectMultipart, getObject, headObject, matrixData, operationsOn, requestUrl, sha256, swiftNames,
} from './matrix.js';

const VERSION = (createRequire(import.meta.url)('@aws-sdk/client-s3/package.json') as { version: string }).version;
const data = matrixData();
const bigBytes = readFileSync(data.big);

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** The resolver trick, limited to one http.Agent: s3.test and *.s3.test are the gateway on loopback. */
function testLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname === 's3.test' || hostname.endsWith('.s3.test')) {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dnsLookup(hostname, options, callback as never);
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});

interface Sent {
  readonly operation: string;
  readonly headers: Record<string, string>;
}

for (const addressing of ['path', 'virtual-host'] as const) {
  describe(`AWS SDK for JavaScript v3 ${VERSION}, SigV4, ${addressing} style`, () => {
    const row = new MatrixRow({
      client: 'AWS SDK for JavaScript v3', version: VERSION, signing: 'SigV4', addressing,
      setup: addressing === 'path'
        ? "`new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials })`, everything else default"
        : '`endpoint: http://s3.test:PORT` without forcePathStyle, an http.Agent resolving *.s3.test to the gateway',
    });
    row.usesGateway(() => gw);
    const b = row.bucket(uniqueBucket(`mx-sdk3-${addressing[0]}`));
    let s3: S3Client;
    const sent: Sent[] = [];
    /** The requests sent since the last call, and forgets them. */
    const take = (): Sent[] => sent.splice(0);

    beforeAll(() => {
      s3 = new S3Client({
        endpoint: addressing === 'path' ? gw.url : `http://s3.test:${gw.port}`,
        forcePathStyle: addressing === 'path',
        region: 'us-east-1',
        credentials: { accessKeyId: gw.stack.users.demo.ec2.access, secretAccessKey: gw.stack.users.demo.ec2.secret },
        maxAttempts: 1,
        ...(addressing === 'virtual-host' ? { requestHandler: { httpAgent: new http.Agent({ keepAlive: true, lookup: testLookup as never }) } } : {}),
      });
      // After signing: the request exactly as it goes on the wire.
      s3.middlewareStack.add((next, context) => async (args) => {
        const request = args.request as { headers: Record<string, string>; hostname: string };
        sent.push({ operation: String(context.commandName).replace(/Command$/, ''), headers: { ...request.headers, host: request.hostname } });
        return next(args);
      }, { step: 'deserialize', priority: 'low', name: 'matrixRecorder' });
    });
    afterAll(() => s3?.destroy());

    const fetchUrl = (url: string, method = 'GET', body?: Buffer) =>
      addressing === 'path'
        ? fetch(url, { method, body }).then(async (r) => ({ status: r.status, body: Buffer.from(await r.arrayBuffer()) }))
        : requestUrl(url, method, body);

    row.how('bucket', '`CreateBucket`, `ListBuckets`, `DeleteBucket`');
    row.step('bucket', 'CreateBucket creates the bucket, signed with SigV4 and addressed as this row says; ListBuckets lists it', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      const [create] = take();
      expect(create!.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
      expect(create!.headers['host']).toBe(addressing === 'path' ? '127.0.0.1' : `${b}.s3.test`);
      expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((x) => x.Name)).toContain(b);
    });

    row.how('put', '`PutObject` with ContentType and Metadata (a Buffer: CRC32 header; a file stream: aws-chunked with a CRC32 trailer)');
    row.step('put', 'PutObject stores small objects with Content-Type and metadata; a stream body goes aws-chunked with a CRC32 trailer', async () => {
      take();
      const put = await s3.send(new PutObjectCommand({
        Bucket: b, Key: 'docs/small.txt', Body: data.smallBytes, ContentType: 'text/plain; charset=utf-8',
        Metadata: { color: 'blue', two_words: 'under score' },
      }));
      expect(put.ETag).toBe(`"${createHash('md5').update(data.smallBytes).digest('hex')}"`);
      expect(take()[0]!.headers).toHaveProperty('x-amz-checksum-crc32');
      await s3.send(new PutObjectCommand({ Bucket: b, Key: 'docs/sub/deeper.txt', Body: createReadStream(data.small), ContentLength: data.smallBytes.length }));
      const streamed = take()[0]!.headers;
      expect(streamed['x-amz-content-sha256']).toMatch(/^STREAMING-/);
      expect(streamed['x-amz-trailer']).toBe('x-amz-checksum-crc32');
      expect((await getObject(gw, b, 'docs/sub/deeper.txt')).equals(data.smallBytes)).toBe(true);
      await s3.send(new PutObjectCommand({ Bucket: b, Key: 'top.txt', Body: data.smallBytes }));
      const head = await headObject(gw, b, 'docs/small.txt');
      expect(head['content-type']).toBe('text/plain; charset=utf-8');
      expect(head['x-amz-meta-two_words']).toBe('under score');
    });

    row.how('multipart', '`Upload` (lib-storage) of a 20 MiB file stream: 4 parts of 5 MiB (its defaults)');
    row.step('multipart', 'Upload sends CreateMultipartUpload + 4 UploadParts + Complete; the gateway stores an SLO', async () => {
      take();
      await new Upload({ client: s3, params: { Bucket: b, Key: 'big/big.bin', Body: createReadStream(data.big) } }).done();
      const ops = take().map((s) => s.operation);
      expect(ops.filter((o) => o === 'CreateMultipartUpload')).toHaveLength(1);
      expect(ops.filter((o) => o === 'UploadPart')).toHaveLength(4);
      expect(ops.filter((o) => o === 'CompleteMultipartUpload')).toHaveLength(1);
      await expectMultipart(gw, b, 'big/big.bin', bigBytes, 5 * MiB);
    });

    row.how('list', '`ListObjectsV2` and `ListObjects` with Prefix and Delimiter, `paginateListObjectsV2` 2 keys a page');
    row.step('list', 'ListObjects(V2) with prefix and delimiter; the paginator walks every key 2 at a time', async () => {
      const v2 = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'docs/', Delimiter: '/' }));
      expect(v2.Contents?.map((c) => c.Key)).toEqual(['docs/small.txt']);
      expect(v2.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['docs/sub/']);
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: b, Delimiter: '/' }));
      expect(v1.Contents?.map((c) => c.Key)).toEqual(['top.txt']);
      expect(v1.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['big/', 'docs/']);
      const all: [string, number][] = [];
      for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket: b })) {
        for (const c of page.Contents ?? []) all.push([c.Key!, c.Size!]);
      }
      expect(all).toEqual([['big/big.bin', BIG_SIZE], ['docs/small.txt', data.smallBytes.length], ['docs/sub/deeper.txt', data.smallBytes.length], ['top.txt', data.smallBytes.length]]);
    });

    row.how('head', '`HeadObject`');
    row.step('head', 'HeadObject answers size, Content-Type and the metadata', async () => {
      const h = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'docs/small.txt' }));
      expect(h.ContentLength).toBe(data.smallBytes.length);
      expect(h.ContentType).toBe('text/plain; charset=utf-8');
      expect(h.Metadata).toEqual({ color: 'blue', two_words: 'under score' });
    });

    row.how('range', '`GetObject` with Range across a part boundary');
    row.step('range', 'GetObject with a Range across a part boundary answers exactly those bytes', async () => {
      const r = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'big/big.bin', Range: 'bytes=5242800-5242899' }));
      expect(r.ContentRange).toBe(`bytes 5242800-5242899/${BIG_SIZE}`);
      expect(Buffer.from(await r.Body!.transformToByteArray()).equals(bigBytes.subarray(5242800, 5242900))).toBe(true);
    });

    row.how('copy', '`CopyObject` (the small object and the 20 MiB one)');
    row.step('copy', 'CopyObject copies the small object (metadata kept) and the 20 MiB multipart one', async () => {
      await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'copies/small.txt', CopySource: `${b}/docs/small.txt` }));
      expect((await headObject(gw, b, 'copies/small.txt'))['x-amz-meta-color']).toBe('blue');
      await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'copies/big.bin', CopySource: `${b}/big/big.bin` }));
      expect(sha256(await getObject(gw, b, 'copies/big.bin'))).toBe(data.bigSha256);
    });

    row.how('download', '`GetObject` (response checksum validation on by default)');
    row.step('download', 'GetObject reads back both objects; the SDK validates the stored CRC32 of the small one', async () => {
      take();
      const big = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'big/big.bin' }));
      expect(sha256(Buffer.from(await big.Body!.transformToByteArray()))).toBe(data.bigSha256);
      const small = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'docs/small.txt' }));
      expect(Buffer.from(await small.Body!.transformToByteArray()).equals(data.smallBytes)).toBe(true);
      expect(take()[1]!.headers['x-amz-checksum-mode']).toBe('ENABLED');
      expect(small.ChecksumCRC32).toBeTruthy();
    });

    row.notApplicable('sync', 'no sync in the SDK');

    row.how('acl', '`GetBucketAcl`, `GetObjectAcl`, `PutBucketAcl({ ACL: "private" })`, `PutObjectAcl({ ACL: "private" })`');
    row.step('acl', 'Get*Acl answer the owner with FULL_CONTROL; Put*Acl with ACL private succeed', async () => {
      const demo = gw.stack.users.demo;
      for (const acl of [await s3.send(new GetBucketAclCommand({ Bucket: b })), await s3.send(new GetObjectAclCommand({ Bucket: b, Key: 'docs/small.txt' }))]) {
        expect(acl.Owner).toEqual({ ID: demo.projectId, DisplayName: demo.username });
        expect(acl.Grants).toEqual([{ Grantee: { ID: demo.projectId, DisplayName: demo.username, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
      }
      await s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'private' }));
      await s3.send(new PutObjectAclCommand({ Bucket: b, Key: 'docs/small.txt', ACL: 'private' }));
    });

    row.how('presign', '`getSignedUrl` for GetObject and PutObject, used with plain fetch()');
    row.step('presign', 'presigned GET and PUT URLs (SigV4 query auth) work with plain fetch()', async () => {
      const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: b, Key: 'docs/small.txt' }), { expiresIn: 300 });
      expect(getUrl).toMatch(/X-Amz-Signature=/);
      const got = await fetchUrl(getUrl);
      expect(got.status).toBe(200);
      expect(got.body.equals(data.smallBytes)).toBe(true);
      const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: b, Key: 'presigned/put.txt' }), { expiresIn: 300 });
      const put = await fetchUrl(putUrl, 'PUT', Buffer.from('sent with a presigned URL'));
      expect(put.status, put.body.toString()).toBeLessThan(300);
      expect((await getObject(gw, b, 'presigned/put.txt')).toString()).toBe('sent with a presigned URL');
    });

    row.how('delete', '`DeleteObject`');
    row.step('delete', 'DeleteObject deletes one object', async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'top.txt' }));
      expect(await swiftNames(gw, b)).not.toContain('top.txt');
    });

    row.how('multiDelete', '`DeleteObjects` (3 keys, one missing), then `DeleteObjects` of every listed key');
    row.step('multiDelete', 'DeleteObjects deletes 3 keys (one missing, one multipart), then all the rest; no segment is left', async () => {
      take();
      const r = await s3.send(new DeleteObjectsCommand({
        Bucket: b, Delete: { Objects: [{ Key: 'copies/small.txt' }, { Key: 'copies/big.bin' }, { Key: 'no/such/key' }] },
      }));
      expect(r.Errors ?? []).toEqual([]);
      expect(r.Deleted?.map((d) => d.Key).sort()).toEqual(['copies/big.bin', 'copies/small.txt', 'no/such/key']);
      // The SDK protects the body with a flexible checksum, not Content-MD5.
      expect(take()[0]!.headers).toHaveProperty('x-amz-checksum-crc32');
      const rest = (await s3.send(new ListObjectsV2Command({ Bucket: b }))).Contents?.map((c) => ({ Key: c.Key! })) ?? [];
      const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: rest, Quiet: true } }));
      expect(quiet.Errors ?? []).toEqual([]);
      expect(quiet.Deleted ?? []).toEqual([]);
      expect(operationsOn(gw, b).filter((o) => o === 'DeleteObjects')).toHaveLength(2);
      expect(await swiftNames(gw, b)).toEqual([]);
      expect((await swiftNames(gw, `${b}+segments`)) ?? []).toEqual([]);
    });

    row.step('bucket', 'DeleteBucket removes the bucket and its segments container', async () => {
      await s3.send(new DeleteBucketCommand({ Bucket: b }));
      await expectBucketGone(gw, b);
    });
  });
}
