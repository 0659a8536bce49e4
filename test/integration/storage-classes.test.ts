// Storage classes on Swift storage policies, against the real stack: its
// default policy Policy-0 and the erasure-coded ec21 (alias cold). The test
// gateway maps STANDARD_IA and GLACIER_IR to ec21 (STANDARD stays on the
// default). What Swift really stored is checked with Swift's own API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeBucket, purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let bucket: string;
const made: string[] = [];

const s3 = (method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string> } = {}) => rawS3(gw.url, { method, path, keys, ...opts });
const swift = (method: string, container: string, object?: string, opts: Parameters<typeof swiftDirect>[5] = {}) => swiftDirect(gw.stack, 'demo', method, container, object, opts);
const listing = async (container: string): Promise<{ name: string; bytes: number; content_type: string }[]> => {
  const res = await swift('GET', container, undefined, { query: { format: 'json' } });
  return res.status === 200 ? JSON.parse(res.body.toString()) : [];
};

beforeAll(async () => {
  gw = await startGateway({ storageClasses: { STANDARD_IA: 'ec21', GLACIER_IR: 'cold' }, limits: { minPartSize: 1 } });
  keys = gw.stack.users.demo.ec2;
  bucket = uniqueBucket('sc');
  made.push(bucket, `${bucket}+ec21`, `${bucket}+Policy-0`, `${bucket}+segments`);
  expect((await s3('PUT', `/${bucket}`)).status).toBeLessThan(300);
});

afterAll(async () => {
  for (const c of made) await purgeContainer(gw.stack, 'demo', c);
  await gw.stop();
});

describe('PutObject with x-amz-storage-class', () => {
  it('stores a STANDARD_IA object\'s bytes in the ec21 policy and reports the class on HEAD, GET and listings', async () => {
    const body = 'infrequently accessed bytes';
    const put = await s3('PUT', `/${bucket}/ia/one.txt`, { body, headers: { 'x-amz-storage-class': 'STANDARD_IA', 'content-type': 'text/plain', 'x-amz-meta-color': 'blue' } });
    expect(put.status, put.text()).toBeLessThan(300);
    expect(put.headers['etag']).toBe('"' + (await import('node:crypto')).createHash('md5').update(body).digest('hex') + '"');
    // The bytes are in <bucket>+ec21, a container in ec21.
    const companion = await swift('HEAD', `${bucket}+ec21`);
    expect(companion.headers['x-storage-policy']).toBe('ec21');
    const rows = await listing(`${bucket}+ec21`);
    expect(rows.filter((r) => r.name.startsWith('ia/one.txt/')).map((r) => r.bytes)).toEqual([body.length]);
    const head = await s3('HEAD', `/${bucket}/ia/one.txt`);
    expect([head.status, head.headers['x-amz-storage-class'], head.headers['content-length'], head.headers['etag'], head.headers['content-type'], head.headers['x-amz-meta-color']])
      .toEqual([200, 'STANDARD_IA', String(body.length), put.headers['etag'], 'text/plain', 'blue']);
    const get = await s3('GET', `/${bucket}/ia/one.txt`);
    expect([get.text(), get.headers['x-amz-storage-class'], get.headers['etag']]).toEqual([body, 'STANDARD_IA', put.headers['etag']]);
    // To S3 it is no multipart object: partNumber=1 is all of it, with no parts count.
    const part = await s3('GET', `/${bucket}/ia/one.txt?partNumber=1`);
    expect([part.text(), part.headers['x-amz-mp-parts-count']]).toEqual([body, undefined]);
    expect((await s3('GET', `/${bucket}/ia/one.txt?partNumber=2`)).status).toBe(416);
    const range = await s3('GET', `/${bucket}/ia/one.txt`, { headers: { range: 'bytes=0-3' } });
    expect([range.status, range.text(), range.headers['content-range']]).toEqual([206, 'infr', `bytes 0-3/${body.length}`]);
    for (const path of [`/${bucket}?prefix=ia/`, `/${bucket}?list-type=2&prefix=ia/`, `/${bucket}?versions&prefix=ia/`]) {
      const list = await s3('GET', path);
      expect(list.status, path).toBe(200);
      expect([xmlValues(list.text(), 'StorageClass'), xmlValues(list.text(), 'Size'), xmlValues(list.text(), 'ETag')], path)
        .toEqual([['STANDARD_IA'], [String(body.length)], [put.headers['etag']]]);
    }
    const attrs = await s3('GET', `/${bucket}/ia/one.txt?attributes`, { headers: { 'x-amz-object-attributes': 'StorageClass,ObjectSize,ObjectParts,ETag' } });
    expect([xmlValue(attrs.text(), 'StorageClass'), xmlValue(attrs.text(), 'ObjectSize'), xmlValue(attrs.text(), 'PartsCount')]).toEqual(['STANDARD_IA', String(body.length), undefined]);
  });

  it('omits x-amz-storage-class for STANDARD and lists STANDARD, with nothing in a companion container', async () => {
    const put = await s3('PUT', `/${bucket}/std/a`, { body: 'standard', headers: { 'x-amz-storage-class': 'STANDARD' } });
    expect(put.status).toBeLessThan(300);
    const head = await s3('HEAD', `/${bucket}/std/a`);
    expect([head.status, head.headers['x-amz-storage-class']]).toEqual([200, undefined]);
    const list = await s3('GET', `/${bucket}?list-type=2&prefix=std/`);
    expect(xmlValues(list.text(), 'StorageClass')).toEqual(['STANDARD']);
    expect((await listing(`${bucket}+ec21`)).some((r) => r.name.startsWith('std/'))).toBe(false);
  });

  it('keeps two classes on one policy apart: GLACIER_IR (mapped through the alias cold) is reported as GLACIER_IR', async () => {
    expect((await s3('PUT', `/${bucket}/gir`, { body: 'glacier instant', headers: { 'x-amz-storage-class': 'GLACIER_IR' } })).status).toBeLessThan(300);
    const head = await s3('HEAD', `/${bucket}/gir`);
    expect(head.headers['x-amz-storage-class']).toBe('GLACIER_IR');
    const list = await s3('GET', `/${bucket}?prefix=gir`);
    expect(xmlValues(list.text(), 'StorageClass')).toEqual(['GLACIER_IR']);
  });

  it('answers 400 InvalidStorageClass for a class not mapped and for one S3 does not know, storing nothing', async () => {
    for (const cls of ['GLACIER', 'ONEZONE_IA', 'FANCY', 'standard_ia']) {
      const res = await s3('PUT', `/${bucket}/bad-${cls}`, { body: 'x', headers: { 'x-amz-storage-class': cls } });
      expect([res.status, xmlValue(res.text(), 'Code'), xmlValue(res.text(), 'StorageClassRequested')], cls).toEqual([400, 'InvalidStorageClass', cls]);
      expect((await s3('HEAD', `/${bucket}/bad-${cls}`)).status, cls).toBe(404);
    }
  });

  it('overwriting an object of another class removes its old bytes from the companion container', async () => {
    await s3('PUT', `/${bucket}/ow`, { body: 'first', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    const before = (await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('ow/'));
    expect(before).toHaveLength(1);
    await s3('PUT', `/${bucket}/ow`, { body: 'second, bigger', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    const after = (await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('ow/'));
    expect(after.map((r) => r.bytes)).toEqual([14]);
    expect(after[0]!.name).not.toBe(before[0]!.name);
    // And a plain overwrite (STANDARD) removes them too.
    await s3('PUT', `/${bucket}/ow`, { body: 'third' });
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('ow/'))).toEqual([]);
    expect((await s3('GET', `/${bucket}/ow`)).text()).toBe('third');
  });

  it('DeleteObject and DeleteObjects remove the bytes from the companion container', async () => {
    await s3('PUT', `/${bucket}/del/a`, { body: 'aaa', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    await s3('PUT', `/${bucket}/del/b`, { body: 'bbb', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    await s3('PUT', `/${bucket}/del/c`, { body: 'ccc', headers: { 'x-amz-storage-class': 'GLACIER_IR' } });
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('del/'))).toHaveLength(3);
    expect((await s3('DELETE', `/${bucket}/del/a`)).status).toBeLessThan(300);
    const body = '<Delete><Object><Key>del/b</Key></Object><Object><Key>del/c</Key></Object></Delete>';
    const md5 = (await import('node:crypto')).createHash('md5').update(body).digest('base64');
    const multi = await s3('POST', `/${bucket}?delete`, { body, headers: { 'content-md5': md5 } });
    expect(multi.status, multi.text()).toBe(200);
    expect(xmlValues(multi.text(), 'Key').sort()).toEqual(['del/b', 'del/c']);
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('del/'))).toEqual([]);
  });

  it('gives an object sent without a Content-Type the type a plain PUT of its key gets, whatever its class', async () => {
    for (const [key, headers] of [['typed/plain.txt', {}], ['typed/ia.txt', { 'x-amz-storage-class': 'STANDARD_IA' }]] as const) {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/${key}`, keys, body: 'some text', headers })).status).toBeLessThan(300);
    }
    const plain = (await s3('HEAD', `/${bucket}/typed/plain.txt`)).headers['content-type'];
    expect(plain).toBe('text/plain');
    expect((await s3('HEAD', `/${bucket}/typed/ia.txt`)).headers['content-type']).toBe(plain);
  });

  it('keeps an empty object of a class in the bucket itself, its class named on it', async () => {
    expect((await s3('PUT', `/${bucket}/empty`, { body: '', headers: { 'x-amz-storage-class': 'STANDARD_IA' } })).status).toBeLessThan(300);
    const head = await s3('HEAD', `/${bucket}/empty`);
    expect([head.headers['x-amz-storage-class'], head.headers['content-length']]).toEqual(['STANDARD_IA', '0']);
  });

  it('hides companion containers from ListBuckets', async () => {
    const list = await s3('GET', '/');
    const names = xmlValues(list.text(), 'Name');
    expect(names).toContain(bucket);
    expect(names.filter((n) => n.startsWith(`${bucket}+`))).toEqual([]);
  });
});

describe('buckets in another policy', () => {
  it('a container made through Swift in ec21 is a STANDARD_IA bucket; a STANDARD object in it lives in the default policy', async () => {
    const cold = uniqueBucket('sc-cold');
    made.push(cold, `${cold}+Policy-0`);
    expect((await swift('PUT', cold, undefined, { headers: { 'x-storage-policy': 'cold' } })).status).toBe(201);
    await s3('PUT', `/${cold}/native`, { body: 'native' });
    const head = await s3('HEAD', `/${cold}/native`);
    expect(head.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    await s3('PUT', `/${cold}/hot`, { body: 'hot', headers: { 'x-amz-storage-class': 'STANDARD' } });
    const hot = await s3('HEAD', `/${cold}/hot`);
    expect([hot.status, hot.headers['x-amz-storage-class']]).toEqual([200, undefined]);
    expect((await swift('HEAD', `${cold}+Policy-0`)).headers['x-storage-policy']).toBe('Policy-0');
    const list = await s3('GET', `/${cold}`);
    expect(xmlValues(list.text(), 'Key')).toEqual(['hot', 'native']);
    expect(xmlValues(list.text(), 'StorageClass')).toEqual(['STANDARD', 'STANDARD_IA']);
  });
});

describe('multipart uploads with x-amz-storage-class', () => {
  const complete = (key: string, uploadId: string, etags: string[]) => s3('POST', `/${bucket}/${key}?uploadId=${uploadId}`, {
    body: `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
  });

  it('keeps the parts in the class\'s policy, reports the class in ListMultipartUploads, ListParts and on the object', async () => {
    const create = await s3('POST', `/${bucket}/mp/big?uploads`, { headers: { 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-meta-kind': 'mp' } });
    expect(create.status, create.text()).toBe(200);
    const uploadId = xmlValue(create.text(), 'UploadId')!;
    const p1 = await s3('PUT', `/${bucket}/mp/big?partNumber=1&uploadId=${uploadId}`, { body: 'part one;' });
    const p2 = await s3('PUT', `/${bucket}/mp/big?partNumber=2&uploadId=${uploadId}`, { body: 'part two' });
    expect([p1.status, p2.status]).toEqual([200, 200]);
    // The parts are in ec21's companion, not in <bucket>+segments.
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith(`mp/big/${uploadId}/`)).map((r) => r.name).sort())
      .toEqual([`mp/big/${uploadId}/1`, `mp/big/${uploadId}/2`]);
    expect((await listing(`${bucket}+segments`)).filter((r) => r.name.startsWith(`mp/big/${uploadId}/`))).toEqual([]);
    const uploads = await s3('GET', `/${bucket}?uploads&prefix=mp/`);
    expect([xmlValues(uploads.text(), 'UploadId'), xmlValues(uploads.text(), 'StorageClass')]).toEqual([[uploadId], ['STANDARD_IA']]);
    const parts = await s3('GET', `/${bucket}/mp/big?uploadId=${uploadId}`);
    expect([xmlValue(parts.text(), 'StorageClass'), xmlValues(parts.text(), 'PartNumber')]).toEqual(['STANDARD_IA', ['1', '2']]);
    const done = await complete('mp/big', uploadId, [p1.headers['etag']!, p2.headers['etag']!]);
    expect(done.status, done.text()).toBe(200);
    const head = await s3('HEAD', `/${bucket}/mp/big`);
    expect([head.headers['x-amz-storage-class'], head.headers['etag'], head.headers['x-amz-meta-kind']]).toEqual(['STANDARD_IA', xmlValue(done.text(), 'ETag'), 'mp']);
    expect((await s3('GET', `/${bucket}/mp/big`)).text()).toBe('part one;part two');
    const part2 = await s3('GET', `/${bucket}/mp/big?partNumber=2`);
    expect([part2.status, part2.text(), part2.headers['x-amz-mp-parts-count']]).toEqual([206, 'part two', '2']);
    const list = await s3('GET', `/${bucket}?list-type=2&prefix=mp/`);
    expect(xmlValues(list.text(), 'StorageClass')).toEqual(['STANDARD_IA']);
    // Deleting the object removes its parts from the companion.
    expect((await s3('DELETE', `/${bucket}/mp/big`)).status).toBeLessThan(300);
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('mp/big/'))).toEqual([]);
  });

  it('AbortMultipartUpload removes the parts from the companion container', async () => {
    const create = await s3('POST', `/${bucket}/mp/aborted?uploads`, { headers: { 'x-amz-storage-class': 'GLACIER_IR' } });
    const uploadId = xmlValue(create.text(), 'UploadId')!;
    await s3('PUT', `/${bucket}/mp/aborted?partNumber=1&uploadId=${uploadId}`, { body: 'doomed' });
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('mp/aborted/'))).toHaveLength(1);
    expect((await s3('DELETE', `/${bucket}/mp/aborted?uploadId=${uploadId}`)).status).toBe(204);
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('mp/aborted/'))).toEqual([]);
    expect((await s3('GET', `/${bucket}/mp/aborted?uploadId=${uploadId}`)).status).toBe(404);
  });

  it('CreateMultipartUpload with a class not offered is InvalidStorageClass', async () => {
    const res = await s3('POST', `/${bucket}/mp/bad?uploads`, { headers: { 'x-amz-storage-class': 'GLACIER' } });
    expect([res.status, xmlValue(res.text(), 'Code')]).toEqual([400, 'InvalidStorageClass']);
  });
});

describe('DeleteBucket', () => {
  it('removes the bucket\'s companion containers with it', async () => {
    const gone = uniqueBucket('sc-gone');
    made.push(gone, `${gone}+ec21`);
    await s3('PUT', `/${gone}`);
    await s3('PUT', `/${gone}/x`, { body: 'x', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    expect((await swift('HEAD', `${gone}+ec21`)).status).toBe(204);
    // Not empty: 409, and the companion stays (its object still names it).
    expect((await s3('DELETE', `/${gone}`)).status).toBe(409);
    expect((await swift('HEAD', `${gone}+ec21`)).status).toBe(204);
    await s3('DELETE', `/${gone}/x`);
    expect((await s3('DELETE', `/${gone}`)).status).toBe(204);
    expect((await swift('HEAD', `${gone}+ec21`)).status).toBe(404);
  });
});

describe('versioned buckets', () => {
  it('each version keeps its own bytes in the companion until that version is deleted', async () => {
    const v = uniqueBucket('sc-ver');
    made.push(`${v}+ec21`);
    await s3('PUT', `/${v}`);
    await s3('PUT', `/${v}?versioning`, { body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const one = await s3('PUT', `/${v}/k`, { body: 'version one', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    const two = await s3('PUT', `/${v}/k`, { body: 'version two!', headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    const v1 = one.headers['x-amz-version-id']!;
    const v2 = two.headers['x-amz-version-id']!;
    expect(v1).not.toBe(v2);
    expect((await listing(`${v}+ec21`)).map((r) => r.bytes).sort()).toEqual([11, 12]);
    const old = await s3('GET', `/${v}/k?versionId=${v1}`);
    expect([old.text(), old.headers['x-amz-storage-class']]).toEqual(['version one', 'STANDARD_IA']);
    const versions = await s3('GET', `/${v}?versions`);
    expect(xmlValues(versions.text(), 'StorageClass')).toEqual(['STANDARD_IA', 'STANDARD_IA']);
    // A delete marker keeps both; deleting a version removes only its bytes.
    await s3('DELETE', `/${v}/k`);
    expect(await listing(`${v}+ec21`)).toHaveLength(2);
    expect((await s3('DELETE', `/${v}/k?versionId=${v1}`)).status).toBe(204);
    expect((await listing(`${v}+ec21`)).map((r) => r.bytes)).toEqual([12]);
    expect((await s3('GET', `/${v}/k?versionId=${v2}`)).text()).toBe('version two!');
    await purgeBucket(gw.stack, 'demo', v);
  });
});

describe('large single PUTs (staged) with a class', () => {
  it('a 9 MiB PUT of STANDARD_IA lands in the companion; one of GLACIER_IR in an ec21 bucket is staged in its own policy with its class named', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    const md5 = `"${(await import('node:crypto')).createHash('md5').update(big).digest('hex')}"`;
    const put = await s3('PUT', `/${bucket}/big-ia`, { body: big, headers: { 'x-amz-storage-class': 'STANDARD_IA' } });
    expect([put.status, put.headers['etag']]).toEqual([201, md5]);
    expect((await listing(`${bucket}+ec21`)).filter((r) => r.name.startsWith('big-ia/')).map((r) => r.bytes)).toEqual([big.length]);
    const head = await s3('HEAD', `/${bucket}/big-ia`);
    expect([head.headers['x-amz-storage-class'], head.headers['etag'], head.headers['content-length']]).toEqual(['STANDARD_IA', md5, String(big.length)]);
    const cold = uniqueBucket('sc-big');
    made.push(cold, `${cold}+segments`);
    await swift('PUT', cold, undefined, { headers: { 'x-storage-policy': 'ec21' } });
    expect((await s3('PUT', `/${cold}/gir`, { body: big, headers: { 'x-amz-storage-class': 'GLACIER_IR' } })).status).toBe(201);
    const gir = await s3('HEAD', `/${cold}/gir`);
    expect([gir.headers['x-amz-storage-class'], gir.headers['etag']]).toEqual(['GLACIER_IR', md5]);
    const list = await s3('GET', `/${cold}`);
    expect([xmlValues(list.text(), 'StorageClass'), xmlValues(list.text(), 'Size')]).toEqual([['GLACIER_IR'], [String(big.length)]]);
    const got = await s3('GET', `/${cold}/gir`, { headers: { range: 'bytes=0-3' } });
    expect([got.status, got.headers['content-range']]).toEqual([206, `bytes 0-3/${big.length}`]);
  });
});
