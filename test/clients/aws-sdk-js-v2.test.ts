// The AWS SDK for JavaScript v2 (`aws-sdk`) through the gateway with its
// Signature Version 2 signer: the client scenario path-style and virtual-host
// style, presigned (query-string SigV2) GET URLs fetched without the SDK, and
// the errors the SDK reports.
import { createHash, randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import S3 from 'aws-sdk/clients/s3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
const made: string[] = [];

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  for (const b of made) await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The resolver trick, limited to one http.Agent: s3.test and *.s3.test are the
 * gateway on loopback. Node's net may ask for all addresses (autoSelectFamily).
 */
function testLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname === 's3.test' || hostname.endsWith('.s3.test')) {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dnsLookup(hostname, options, callback as never);
}

const resolvingAgent = new http.Agent({ keepAlive: true, lookup: testLookup as never });

function client(style: 'path' | 'virtual', secret?: string): S3 {
  const keys = gw.stack.users.demo.ec2;
  return new S3({
    endpoint: style === 'path' ? gw.url : `http://s3.test:${gw.port}`,
    s3ForcePathStyle: style === 'path',
    signatureVersion: 'v2',
    accessKeyId: keys.access,
    secretAccessKey: secret ?? keys.secret,
    region: 'us-east-1',
    maxRetries: 0,
    ...(style === 'virtual' ? { httpOptions: { agent: resolvingAgent } } : {}),
    ...(process.env['S3_DEBUG'] ? { logger: console } : {}),
  });
}

/** GET through the resolving agent (fetch cannot resolve *.s3.test). */
function agentGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: resolvingAgent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

async function fetchUrl(style: 'path' | 'virtual', url: string): Promise<{ status: number; body: Buffer }> {
  if (style === 'virtual') return agentGet(url);
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/** The SDK's error for a call that must fail. */
async function failure(p: Promise<unknown>): Promise<{ code: string; statusCode: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; statusCode: number; message: string };
    return { code: e.code, statusCode: e.statusCode, message: e.message };
  }
  throw new Error('the call succeeded; an error was expected');
}

const SMALL = Buffer.from('hello from aws-sdk v2 through the gateway\n'.repeat(8)); // 336 bytes
const BIG = randomBytes(5 * 1024 * 1024 + 77);
const SMALL_KEY = 'docs/small_file.txt';
const BIG_KEY = 'data/big.bin';
const META = { color: 'blue', two_words: 'under score' };

for (const style of ['path', 'virtual'] as const) {
  describe(`aws-sdk v2, signatureVersion 'v2', ${style}-style`, () => {
    let s3: S3;
    const b1 = uniqueBucket(`sdkv2-${style[0]}`);
    const b2 = uniqueBucket(`sdkv2-${style[0]}2`);
    let smallEtag = '';
    let bigEtag = '';

    beforeAll(() => {
      made.push(b1, b2);
      s3 = client(style);
    });

    it('creates two buckets (201) and lists them', async () => {
      const created = await s3.createBucket({ Bucket: b1 }).promise();
      expect(created.$response.httpResponse.statusCode).toBe(201);
      expect((await s3.createBucket({ Bucket: b2 }).promise()).$response.httpResponse.statusCode).toBe(201);
      const names = ((await s3.listBuckets().promise()).Buckets ?? []).map((b) => b.Name);
      expect(names).toEqual(expect.arrayContaining([b1, b2]));
      // The request really went where the style says ($response.request is in the runtime, not the typings).
      const sent = (created.$response as unknown as { request: { httpRequest: { endpoint: { hostname: string }; path: string } } })
        .request.httpRequest;
      const { endpoint, path } = sent;
      if (style === 'virtual') {
        expect(endpoint.hostname).toBe(`${b1}.s3.test`);
        expect(path).toBe('/');
      } else {
        expect(endpoint.hostname).toBe('127.0.0.1');
        expect(path).toBe(`/${b1}`);
      }
    });

    it('puts a small object with Content-Type and metadata, and a ~5 MB random one (201, MD5 ETags)', async () => {
      const small = await s3.putObject({ Bucket: b1, Key: SMALL_KEY, Body: SMALL, ContentType: 'text/plain; charset=utf-8', Metadata: META }).promise();
      expect(small.$response.httpResponse.statusCode).toBe(201);
      expect(small.ETag).toBe(`"${md5(SMALL)}"`);
      smallEtag = small.ETag!;
      const big = await s3.putObject({ Bucket: b1, Key: BIG_KEY, Body: BIG, ContentType: 'application/octet-stream' }).promise();
      expect(big.$response.httpResponse.statusCode).toBe(201);
      expect(big.ETag).toBe(`"${md5(BIG)}"`);
      bigEtag = big.ETag!;
      await s3.putObject({ Bucket: b1, Key: 'docs/sub/nested.txt', Body: 'nested' }).promise();
    });

    it('upload() (the managed uploader, below its part size) stores the bytes in one PUT', async () => {
      const up = await s3.upload({ Bucket: b1, Key: 'managed/up.bin', Body: BIG }, { partSize: 100 * 1024 * 1024, queueSize: 1 }).promise();
      expect(up.ETag).toBe(`"${md5(BIG)}"`);
      const got = await s3.getObject({ Bucket: b1, Key: 'managed/up.bin' }).promise();
      expect(sha256(got.Body as Buffer)).toBe(sha256(BIG));
      await s3.deleteObject({ Bucket: b1, Key: 'managed/up.bin' }).promise();
    });

    it('lists with a prefix (ListObjects v1)', async () => {
      const r = await s3.listObjects({ Bucket: b1, Prefix: 'docs/' }).promise();
      expect((r.Contents ?? []).map((o) => o.Key)).toEqual(['docs/small_file.txt', 'docs/sub/nested.txt']);
      const small = r.Contents!.find((o) => o.Key === SMALL_KEY)!;
      expect(small.Size).toBe(SMALL.length);
      expect(small.ETag).toBe(smallEtag);
      expect(small.LastModified).toBeInstanceOf(Date);
      expect(r.IsTruncated).toBe(false);
    });

    it('lists with a delimiter: CommonPrefixes at the top and below docs/', async () => {
      const top = await s3.listObjects({ Bucket: b1, Delimiter: '/' }).promise();
      expect((top.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(['data/', 'docs/']);
      expect(top.Contents ?? []).toEqual([]);
      const docs = await s3.listObjects({ Bucket: b1, Prefix: 'docs/', Delimiter: '/' }).promise();
      expect((docs.CommonPrefixes ?? []).map((p) => p.Prefix)).toEqual(['docs/sub/']);
      expect((docs.Contents ?? []).map((o) => o.Key)).toEqual([SMALL_KEY]);
    });

    it('HEAD returns the metadata with names and values intact, "_" included', async () => {
      const h = await s3.headObject({ Bucket: b1, Key: SMALL_KEY }).promise();
      expect(h.Metadata).toEqual(META);
      expect(h.ContentType).toBe('text/plain; charset=utf-8');
      expect(h.ContentLength).toBe(SMALL.length);
      expect(h.ETag).toBe(smallEtag);
    });

    it('ranged GET bytes=100-199 answers 206 with exactly those bytes', async () => {
      const r = await s3.getObject({ Bucket: b1, Key: BIG_KEY, Range: 'bytes=100-199' }).promise();
      expect(r.$response.httpResponse.statusCode).toBe(206);
      expect(r.ContentRange).toBe(`bytes 100-199/${BIG.length}`);
      expect(Buffer.compare(r.Body as Buffer, BIG.subarray(100, 200))).toBe(0);
    });

    it('copies within the bucket with MetadataDirective COPY: metadata and Content-Type kept', async () => {
      const c = await s3.copyObject({ Bucket: b1, Key: 'copies/small-copy.txt', CopySource: `${b1}/${SMALL_KEY}`, MetadataDirective: 'COPY' }).promise();
      expect(c.$response.httpResponse.statusCode).toBe(201);
      expect(c.CopyObjectResult?.ETag).toBe(smallEtag);
      const h = await s3.headObject({ Bucket: b1, Key: 'copies/small-copy.txt' }).promise();
      expect(h.Metadata).toEqual(META);
      expect(h.ContentType).toBe('text/plain; charset=utf-8');
    });

    it('copies with MetadataDirective REPLACE: the new metadata and Content-Type replace the old', async () => {
      const c = await s3.copyObject({
        Bucket: b1, Key: 'copies/small-replaced.txt', CopySource: `/${b1}/${SMALL_KEY}`,
        MetadataDirective: 'REPLACE', ContentType: 'text/x-replaced', Metadata: { new_name: 'fresh' },
      }).promise();
      expect(c.$response.httpResponse.statusCode).toBe(201);
      const h = await s3.headObject({ Bucket: b1, Key: 'copies/small-replaced.txt' }).promise();
      expect(h.Metadata).toEqual({ new_name: 'fresh' });
      expect(h.ContentType).toBe('text/x-replaced');
      const body = await s3.getObject({ Bucket: b1, Key: 'copies/small-replaced.txt' }).promise();
      expect(Buffer.compare(body.Body as Buffer, SMALL)).toBe(0);
    });

    it('copies the 5 MB object across buckets, bytes intact', async () => {
      const c = await s3.copyObject({ Bucket: b2, Key: 'big-copy.bin', CopySource: `${b1}/${BIG_KEY}` }).promise();
      expect(c.$response.httpResponse.statusCode).toBe(201);
      expect(c.CopyObjectResult?.ETag).toBe(bigEtag);
      const got = await s3.getObject({ Bucket: b2, Key: 'big-copy.bin' }).promise();
      expect(sha256(got.Body as Buffer)).toBe(sha256(BIG));
    });

    it('downloads both objects with the same SHA-256 as uploaded, with their headers', async () => {
      const small = await s3.getObject({ Bucket: b1, Key: SMALL_KEY }).promise();
      expect(sha256(small.Body as Buffer)).toBe(sha256(SMALL));
      expect(small.Metadata).toEqual(META);
      expect(small.ContentType).toBe('text/plain; charset=utf-8');
      expect(small.ETag).toBe(smallEtag);
      const big = await s3.getObject({ Bucket: b1, Key: BIG_KEY }).promise();
      expect(sha256(big.Body as Buffer)).toBe(sha256(BIG));
      expect(big.ContentLength).toBe(BIG.length);
    });

    it('a presigned GET URL (SigV2 query auth) works without the SDK', async () => {
      const url = s3.getSignedUrl('getObject', { Bucket: b1, Key: BIG_KEY, Expires: 120 });
      const u = new URL(url);
      expect(u.searchParams.get('AWSAccessKeyId')).toBe(gw.stack.users.demo.ec2.access);
      expect(u.searchParams.get('Signature')).toBeTruthy();
      expect(u.hostname).toBe(style === 'virtual' ? `${b1}.s3.test` : '127.0.0.1');
      const res = await fetchUrl(style, url);
      expect(res.status).toBe(200);
      expect(sha256(res.body)).toBe(sha256(BIG));
    });

    it('an expired presigned URL is refused: AccessDenied "Request has expired" (401)', async () => {
      const url = s3.getSignedUrl('getObject', { Bucket: b1, Key: SMALL_KEY, Expires: 1 });
      await new Promise((r) => setTimeout(r, 2100));
      const res = await fetchUrl(style, url);
      expect(res.status).toBe(401);
      const text = res.body.toString('utf8');
      expect(text).toContain('<Code>AccessDenied</Code>');
      expect(text).toContain('<Message>Request has expired</Message>');
    });

    it('reports NoSuchKey (404) for GET of a missing key, NotFound (404) for HEAD', async () => {
      expect(await failure(s3.getObject({ Bucket: b1, Key: 'no/such/key' }).promise())).toMatchObject({ code: 'NoSuchKey', statusCode: 404 });
      expect(await failure(s3.headObject({ Bucket: b1, Key: 'no/such/key' }).promise())).toMatchObject({ code: 'NotFound', statusCode: 404 });
    });

    it('reports SignatureDoesNotMatch (401) for a wrong secret', async () => {
      const bad = client(style, `${gw.stack.users.demo.ec2.secret}x`);
      expect(await failure(bad.listBuckets().promise())).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 401 });
      expect(await failure(bad.getObject({ Bucket: b1, Key: SMALL_KEY }).promise())).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 401 });
    });

    it('deletes every object (204); the buckets are empty', async () => {
      for (const [bucket, key] of [[b1, SMALL_KEY], [b1, BIG_KEY], [b1, 'docs/sub/nested.txt'], [b1, 'copies/small-copy.txt'],
        [b1, 'copies/small-replaced.txt'], [b2, 'big-copy.bin']] as const) {
        const d = await s3.deleteObject({ Bucket: bucket, Key: key }).promise();
        expect(d.$response.httpResponse.statusCode, `${bucket}/${key}`).toBe(204);
      }
      expect((await s3.listObjects({ Bucket: b1 }).promise()).Contents).toEqual([]);
      expect((await s3.listObjects({ Bucket: b2 }).promise()).Contents).toEqual([]);
      expect(await failure(s3.headObject({ Bucket: b1, Key: SMALL_KEY }).promise())).toMatchObject({ statusCode: 404 });
    });

    it('removes both buckets (204); they are gone', async () => {
      expect((await s3.deleteBucket({ Bucket: b1 }).promise()).$response.httpResponse.statusCode).toBe(204);
      expect((await s3.deleteBucket({ Bucket: b2 }).promise()).$response.httpResponse.statusCode).toBe(204);
      const names = ((await s3.listBuckets().promise()).Buckets ?? []).map((b) => b.Name);
      expect(names).not.toContain(b1);
      expect(names).not.toContain(b2);
      expect(await failure(s3.headBucket({ Bucket: b1 }).promise())).toMatchObject({ code: 'NotFound', statusCode: 404 });
    });
  });
}
