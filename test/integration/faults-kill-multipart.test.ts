// Issue 19, faults: `kill -9` of the gateway in the middle of UploadPart,
// UploadPartCopy and CompleteMultipartUpload (before, during and after its
// manifest PUT), then a new process on the same config: the upload is still
// listed and can be completed or aborted there; the object is whole (its
// bytes, the multipart ETag) or absent; no segment of it stays behind.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killHarness, swiftCall, type KillHarness } from '../helpers/kill-harness.js';
import { uniqueBucket } from '../helpers/gateway.js';
import { purgeBucket, segmentNames } from '../helpers/swift-direct.js';
import { xmlValue, xmlValues } from '../helpers/raw-s3.js';
import type { HoldAt } from '../helpers/swift-tap.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
/** S3's multipart ETag: the MD5 of the parts' binary MD5s, then -<count>. */
const multipartEtag = (parts: Buffer[]) =>
  `"${createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex')}-${parts.length}"`;

let h: KillHarness;
const b = uniqueBucket('faults-mpu');

beforeAll(async () => {
  h = await killHarness({ 's3.dialect': 'aws' });
  expect((await h.s3({ method: 'PUT', path: `/${b}` })).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await purgeBucket(h.stack, 'demo', b).catch(() => undefined);
  await h.s3({ method: 'DELETE', path: `/${b}` }).catch(() => undefined);
  await h.close();
});

const killed = (outcome: unknown) => expect(outcome, 'the client of the killed process saw its connection end').toBeInstanceOf(Error);
const segmentsOf = async (key: string) => (await segmentNames(h.stack, 'demo', b)).filter((n) => n.startsWith(`${key}/`));

async function create(key: string): Promise<string> {
  const res = await h.s3({ method: 'POST', path: `/${b}/${key}?uploads` });
  expect(res.status).toBe(200);
  return xmlValue(res.text(), 'UploadId')!;
}

async function uploadPart(key: string, id: string, n: number, body: Buffer): Promise<string> {
  const res = await h.s3({ method: 'PUT', path: `/${b}/${key}?partNumber=${n}&uploadId=${id}`, body });
  expect(res.status).toBe(200);
  expect(res.headers['etag']).toBe(`"${md5(body)}"`);
  return res.headers['etag']!;
}

const completeDoc = (etags: string[]) =>
  `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
const completeRequest = (key: string, id: string, etags: string[]) => ({ method: 'POST', path: `/${b}/${key}?uploadId=${id}`, body: completeDoc(etags) });

async function listedUploads(key: string): Promise<string[]> {
  const res = await h.s3({ method: 'GET', path: `/${b}?uploads&prefix=${encodeURIComponent(key)}` });
  expect(res.status).toBe(200);
  return xmlValues(res.text(), 'UploadId');
}

async function expectWhole(key: string, parts: Buffer[]) {
  const res = await h.s3({ method: 'GET', path: `/${b}/${key}` });
  expect(res.status).toBe(200);
  expect(res.body.equals(Buffer.concat(parts))).toBe(true);
  expect(res.headers['etag']).toBe(multipartEtag(parts));
}

describe('kill -9 during UploadPart', () => {
  it('mid-body: the upload is listed without that part; the part uploaded again through the new process completes', async () => {
    const key = 'part/mid';
    const id = await create(key);
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1000)];
    const first = await uploadPart(key, id, 1, parts[0]!);
    killed(await h.killDuring({ method: 'PUT', path: `/${b}/${key}?partNumber=2&uploadId=${id}`, body: parts[1] }, swiftCall('PUT', `${b}+segments`, `${key}/${id}/2`), 'body', 500));
    expect(await listedUploads(key)).toEqual([id]);
    const listed = await h.s3({ method: 'GET', path: `/${b}/${key}?uploadId=${id}` });
    expect(xmlValues(listed.text(), 'PartNumber')).toEqual(['1']);
    const second = await uploadPart(key, id, 2, parts[1]!);
    expect((await h.s3(completeRequest(key, id, [first, second]))).status).toBe(200);
    await expectWhole(key, parts);
    expect((await segmentsOf(key)).sort()).toEqual([`${key}/${id}/1`, `${key}/${id}/2`]);
  }, 60_000);

  it('mid-body, then aborted through the new process: unlisted, no segment left', async () => {
    const key = 'part/abort';
    const id = await create(key);
    await uploadPart(key, id, 1, randomBytes(3000));
    killed(await h.killDuring({ method: 'PUT', path: `/${b}/${key}?partNumber=2&uploadId=${id}`, body: randomBytes(50_000) }, swiftCall('PUT', `${b}+segments`, `${key}/${id}/2`), 'body', 500));
    expect(await listedUploads(key)).toEqual([id]);
    expect((await h.s3({ method: 'DELETE', path: `/${b}/${key}?uploadId=${id}` })).status).toBe(204);
    expect(await listedUploads(key)).toEqual([]);
    expect(await segmentsOf(key)).toEqual([]);
    expect((await h.s3({ method: 'GET', path: `/${b}/${key}` })).status).toBe(404);
  }, 30_000);
});

describe('kill -9 during UploadPartCopy', () => {
  it.each(['request', 'response'] as const)('held at the Swift copy (%s): the part is absent or whole, and the upload completes through the new process', async (at: HoldAt) => {
    const key = `partcopy/${at}`;
    const source = randomBytes(20_000);
    expect((await h.s3({ method: 'PUT', path: `/${b}/${key}-src`, body: source })).status).toBe(200);
    const id = await create(key);
    const copy = { method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, headers: { 'x-amz-copy-source': `/${b}/${key}-src` } };
    killed(await h.killDuring(copy, swiftCall('PUT', `${b}+segments`, `${key}/${id}/1`), at));
    const listed = await h.s3({ method: 'GET', path: `/${b}/${key}?uploadId=${id}` });
    expect(listed.status).toBe(200);
    expect(xmlValues(listed.text(), 'PartNumber')).toEqual(at === 'request' ? [] : ['1']);
    const again = await h.s3(copy);
    expect(again.status).toBe(200);
    const etag = xmlValue(again.text(), 'ETag')!.replace(/&quot;/g, '"');
    expect(etag).toBe(`"${md5(source)}"`);
    expect((await h.s3(completeRequest(key, id, [etag]))).status).toBe(200);
    await expectWhole(key, [source]);
  }, 30_000);
});

describe('kill -9 during CompleteMultipartUpload', () => {
  /** An upload of two parts, its object absent. */
  async function prepared(key: string) {
    const id = await create(key);
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(2000)];
    const etags = [await uploadPart(key, id, 1, parts[0]!), await uploadPart(key, id, 2, parts[1]!)];
    return { id, parts, etags };
  }
  const manifestPut = (key: string) => swiftCall('PUT', b, `${key}?multipart-manifest=put`);

  it.each([['before', 'request'], ['during', 'body']] as const)('%s the manifest PUT: absent, still listed, and completed through the new process', async (_when, at) => {
    const key = `complete/${at}`;
    const { id, parts, etags } = await prepared(key);
    killed(await h.killDuring(completeRequest(key, id, etags), manifestPut(key), at, 20));
    expect((await h.s3({ method: 'GET', path: `/${b}/${key}` })).status).toBe(404);
    expect(await listedUploads(key)).toEqual([id]);
    const done = await h.s3(completeRequest(key, id, etags));
    expect(done.status, done.text()).toBe(200);
    expect(xmlValue(done.text(), 'ETag')!.replace(/&quot;/g, '"')).toBe(multipartEtag(parts));
    await expectWhole(key, parts);
    expect(await listedUploads(key)).toEqual([]);
    expect((await segmentsOf(key)).sort()).toEqual([`${key}/${id}/1`, `${key}/${id}/2`]);
  }, 60_000);

  it('after the manifest PUT: the object is whole, the upload still listed, and a retried Complete answers 200 with nothing left over', async () => {
    const key = 'complete/after';
    const { id, parts, etags } = await prepared(key);
    killed(await h.killDuring(completeRequest(key, id, etags), manifestPut(key), 'response'));
    await expectWhole(key, parts);
    expect(await listedUploads(key)).toEqual([id]);
    const done = await h.s3(completeRequest(key, id, etags));
    expect(done.status, done.text()).toBe(200);
    await expectWhole(key, parts);
    expect(await listedUploads(key)).toEqual([]);
    expect((await segmentsOf(key)).sort()).toEqual([`${key}/${id}/1`, `${key}/${id}/2`]);
  }, 60_000);

  it('after the manifest PUT over an older object, then aborted through the new process: the Complete happened, so the Abort is NoSuchUpload and the new object stays whole (the old one was already replaced)', async () => {
    const key = 'complete/after-abort';
    expect((await h.s3({ method: 'PUT', path: `/${b}/${key}`, body: 'the old object' })).status).toBe(200);
    const { id, parts, etags } = await prepared(key);
    killed(await h.killDuring(completeRequest(key, id, etags), manifestPut(key), 'response'));
    const abort = await h.s3({ method: 'DELETE', path: `/${b}/${key}?uploadId=${id}` });
    expect([abort.status, xmlValue(abort.text(), 'Code')]).toEqual([404, 'NoSuchUpload']);
    await expectWhole(key, parts);
    expect(await listedUploads(key)).toEqual([]);
    expect((await segmentsOf(key)).sort()).toEqual([`${key}/${id}/1`, `${key}/${id}/2`]);
  }, 60_000);
});
