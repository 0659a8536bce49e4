// Corners of the object and bucket API where S3's exact answer matters to
// clients, against the real Swift: max-keys=0, listing LastModified against
// HEAD, chunked uploads without a length, odd Expect headers, Content-Encoding
// lists, ListBuckets paging, LocationConstraint, storage classes, self-copies,
// multipart corner errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { openSocket, signedHead, statusLines } from '../helpers/raw-socket.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;
const made: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ env: { S3GW_S3_REGION: 'kr-central-1', S3GW_S3_ACCEPTED_REGIONS: 'kr-central-1,us-east-1,eu-west-1' } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('corner');
  made.push(b);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  for (const name of made) {
    await purgeContainer(gw.stack, 'demo', `${name}+segments`).catch(() => undefined);
    await purgeContainer(gw.stack, 'demo', name).catch(() => undefined);
  }
  await gw.stop();
});

const code = (r: { text(): string }) => xmlValue(r.text(), 'Code');

describe('listings', () => {
  it('max-keys=0 answers an empty page that is not truncated (V1 and V2), though the bucket has keys', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/k1`, keys, body: 'x' });
    for (const path of [`/${b}?max-keys=0`, `/${b}?list-type=2&max-keys=0`]) {
      const r = await rawS3(gw.url, { method: 'GET', path, keys });
      expect(r.status, path).toBe(200);
      expect(xmlValue(r.text(), 'IsTruncated'), path).toBe('false');
      expect(xmlValues(r.text(), 'Key'), path).toEqual([]);
      expect(xmlValue(r.text(), 'MaxKeys'), path).toBe('0');
    }
  });

  it("a listing row's LastModified is HeadObject's Last-Modified, to the second, for 20 fresh objects", async () => {
    for (let i = 0; i < 20; i++) await rawS3(gw.url, { method: 'PUT', path: `/${b}/lm/${i}`, keys, body: `v${i}` });
    const list = await rawS3(gw.url, { method: 'GET', path: `/${b}?prefix=lm/`, keys });
    const names = xmlValues(list.text(), 'Key');
    const stamps = xmlValues(list.text(), 'LastModified');
    expect(names).toHaveLength(20);
    for (const [i, name] of names.entries()) {
      const head = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/${name}`, keys });
      expect(new Date(stamps[i]!).getTime(), name).toBe(new Date(head.headers['last-modified']!).getTime());
      expect(stamps[i]).toMatch(/\.000Z$/);
    }
  });
});

describe('PutObject bodies and headers', () => {
  it('takes Transfer-Encoding: chunked without Content-Length and stores exactly the bytes sent', async () => {
    const body = Buffer.alloc(300_000, 'abc');
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/chunked`, keys, body, chunked: true });
    expect(put.status).toBe(201);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/chunked`, keys });
    expect(get.body.equals(body)).toBe(true);
    expect(get.headers['content-length']).toBe(String(body.length));
  });

  it('an ACL asked for on a chunked upload is kept (sealed once the size is known)', async () => {
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/chunked-acl`, keys, body: 'small', chunked: true, headers: { 'x-amz-acl': 'bucket-owner-full-control' } });
    expect(put.status).toBe(201);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/chunked-acl?acl`, keys })).status).toBe(200);
  });

  it('refuses a PUT with no length at all (neither Content-Length nor chunked) as 411 MissingContentLength', async () => {
    const s = await openSocket(gw.port);
    s.write(signedHead('PUT', `/${b}/nolength`, keys, ['Connection: close']));
    const text = await s.waitFor(/<\/Error>/);
    expect(statusLines(text)).toEqual([411]);
    expect(text).toContain('<Code>MissingContentLength</Code>');
    s.socket.destroy();
  });

  it('refuses a transfer coding other than chunked as NotImplemented naming Transfer-Encoding', async () => {
    const s = await openSocket(gw.port);
    s.write(signedHead('PUT', `/${b}/gz`, keys, ['Transfer-Encoding: gzip, chunked', 'Connection: close']) + '3\r\nabc\r\n0\r\n\r\n');
    const text = await s.waitFor(/<\/Error>|\r\n\r\n$/);
    // node's parser itself refuses transfer codings it cannot decode; either way no object is written.
    expect(statusLines(text)[0]).toBeGreaterThanOrEqual(400);
    s.socket.destroy();
    expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, 'gz')).status).toBe(404);
  });

  it('serves a request whose Expect header is not 100-continue instead of answering a bare 417', async () => {
    const put = await rawS3(gw.url, { method: 'PUT', path: `/${b}/expect`, keys, body: 'expected', headers: { expect: 'something-else' } });
    expect(put.status).toBe(201);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/expect`, keys })).text()).toBe('expected');
  });

  it('stores Content-Encoding exactly as sent, lists included, and returns it on GET and HEAD', async () => {
    for (const [i, value] of ['gzip', 'gzip, br', 'br,gzip', 'x-custom'].entries()) {
      await rawS3(gw.url, { method: 'PUT', path: `/${b}/ce${i}`, keys, body: 'x', headers: { 'content-encoding': value } });
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/ce${i}`, keys })).headers['content-encoding'], value).toBe(value);
      expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/ce${i}`, keys })).headers['content-encoding'], value).toBe(value);
    }
  });
});

describe('storage classes and copies onto the object itself', () => {
  it('STANDARD is taken; an unknown class and one not offered here are 400 InvalidStorageClass, nothing stored', async () => {
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/sc`, keys, body: 'x', headers: { 'x-amz-storage-class': 'STANDARD' } })).status).toBe(201);
    for (const cls of ['GLACIER', 'STANDARD_IA', 'NOPE']) {
      const r = await rawS3(gw.url, { method: 'PUT', path: `/${b}/sc-${cls}`, keys, body: 'x', headers: { 'x-amz-storage-class': cls } });
      expect([r.status, code(r)], cls).toEqual([400, 'InvalidStorageClass']);
      expect((await swiftDirect(gw.stack, 'demo', 'HEAD', b, `sc-${cls}`)).status).toBe(404);
    }
  });

  it('a copy onto itself that only names a storage class is accepted (S3 changes the class so); one changing nothing is refused', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/self`, keys, body: 'same', headers: { 'x-amz-meta-a': '1' } });
    const nothing = await rawS3(gw.url, { method: 'PUT', path: `/${b}/self`, keys, headers: { 'x-amz-copy-source': `/${b}/self` } });
    expect([nothing.status, code(nothing)]).toEqual([400, 'InvalidRequest']);
    const cls = await rawS3(gw.url, { method: 'PUT', path: `/${b}/self`, keys, headers: { 'x-amz-copy-source': `/${b}/self`, 'x-amz-storage-class': 'STANDARD' } });
    expect(cls.status).toBe(201);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/self`, keys });
    expect([get.text(), get.headers['x-amz-meta-a']]).toEqual(['same', '1']);
  });
});

describe('CreateBucket LocationConstraint (s3.region kr-central-1, accepted kr-central-1, us-east-1, eu-west-1)', () => {
  const config = (region: string) => `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;

  it('accepts the gateway region and any accepted SigV4 region; GetBucketLocation then says the gateway region', async () => {
    for (const region of ['kr-central-1', 'eu-west-1']) {
      const name = uniqueBucket(`loc-${region.slice(0, 2)}`);
      made.push(name);
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys, body: config(region) })).status, region).toBe(201);
      const where = await rawS3(gw.url, { method: 'GET', path: `/${name}?location`, keys });
      expect(where.text()).toContain('kr-central-1');
    }
  });

  it('refuses another region as IllegalLocationConstraintException and a non-region as InvalidLocationConstraint, making nothing', async () => {
    const name = uniqueBucket('loc-bad');
    const other = await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys, body: config('ap-south-2') });
    expect([other.status, code(other)]).toEqual([400, 'IllegalLocationConstraintException']);
    const junk = await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys, body: config('not a region!') });
    expect([junk.status, code(junk)]).toEqual([400, 'InvalidLocationConstraint']);
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${name}`, keys })).status).toBe(404);
  });
});

describe('ListBuckets paging', () => {
  const prefix = `t-lb-${Date.now().toString(36)}-`;
  const names = [0, 1, 2, 3, 4].map((i) => `${prefix}${i}`);

  beforeAll(async () => {
    made.push(...names);
    for (const name of names) expect((await rawS3(gw.url, { method: 'PUT', path: `/${name}`, keys })).status).toBe(201);
    // A multipart upload makes a hidden segments container, which must not show or count.
    await rawS3(gw.url, { method: 'POST', path: `/${names[1]}/k?uploads`, keys });
  });

  it('pages by max-buckets with a continuation token, prefix-filtered, every bucket exactly once, with BucketRegion', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const q = `?max-buckets=2&prefix=${prefix}${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
      const r = await rawS3(gw.url, { method: 'GET', path: `/${q}`, keys });
      expect(r.status).toBe(200);
      const got = xmlValues(r.text(), 'Name');
      expect(got.length).toBeLessThanOrEqual(2);
      expect(xmlValue(r.text(), 'Prefix')).toBe(prefix);
      for (const region of xmlValues(r.text(), 'BucketRegion')) expect(region).toBe('kr-central-1');
      seen.push(...got);
      token = xmlValue(r.text(), 'ContinuationToken');
      if (token === undefined) break;
    }
    expect(seen).toEqual(names);
  });

  it('bucket-region of another region lists none; a max-buckets outside 1..10000 or a forged token is InvalidArgument', async () => {
    const other = await rawS3(gw.url, { method: 'GET', path: `/?bucket-region=eu-west-1&prefix=${prefix}`, keys });
    expect(xmlValues(other.text(), 'Name')).toEqual([]);
    const mine = await rawS3(gw.url, { method: 'GET', path: `/?bucket-region=kr-central-1&prefix=${prefix}`, keys });
    expect(xmlValues(mine.text(), 'Name')).toEqual(names);
    for (const q of ['max-buckets=0', 'max-buckets=10001', 'max-buckets=x', 'continuation-token=***']) {
      const r = await rawS3(gw.url, { method: 'GET', path: `/?${q}`, keys });
      expect([r.status, code(r)], q).toEqual([400, 'InvalidArgument']);
    }
  });
});

describe('multipart corners', () => {
  it('CompleteMultipartUpload of an upload id that never existed is 404 NoSuchUpload, whatever its parts list says', async () => {
    const bodies = [
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>etag</ETag></Part></CompleteMultipartUpload>',
    ];
    for (const body of bodies) {
      const r = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp?uploadId=NoSuchUploadIdAtAll`, keys, body });
      expect([r.status, code(r)], body).toEqual([404, 'NoSuchUpload']);
    }
  });

  it('UploadPartCopy with a source range outside the object is 400 InvalidArgument, no part written', async () => {
    await rawS3(gw.url, { method: 'PUT', path: `/${b}/src10`, keys, body: '0123456789' });
    const id = xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${b}/mpc?uploads`, keys })).text(), 'UploadId')!;
    for (const range of ['bytes=5-10', 'bytes=10-12', 'bytes=20-30']) {
      const r = await rawS3(gw.url, { method: 'PUT', path: `/${b}/mpc?partNumber=1&uploadId=${id}`, keys, headers: { 'x-amz-copy-source': `/${b}/src10`, 'x-amz-copy-source-range': range } });
      expect([r.status, code(r)], range).toEqual([400, 'InvalidArgument']);
    }
    const parts = await rawS3(gw.url, { method: 'GET', path: `/${b}/mpc?uploadId=${id}`, keys });
    expect(xmlValues(parts.text(), 'PartNumber')).toEqual([]);
    const ok = await rawS3(gw.url, { method: 'PUT', path: `/${b}/mpc?partNumber=1&uploadId=${id}`, keys, headers: { 'x-amz-copy-source': `/${b}/src10`, 'x-amz-copy-source-range': 'bytes=2-9' } });
    expect(ok.status).toBe(200);
  });
});
