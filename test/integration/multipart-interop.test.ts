// Multipart uploads are interchangeable between this gateway and Swift's own
// s3api (the reference proxy of the local stack, on the same Swift cluster):
// an upload started through one can be listed, continued, completed or aborted
// through the other, and the objects read back through both.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let s3api: string;
let keys: Keys;
let b: string;
const part1 = randomBytes(5 * 1024 * 1024);
const part2 = randomBytes(4321);
const md5 = (d: Buffer) => createHash('md5').update(d).digest('hex');
const s3Etag = `"${createHash('md5').update(Buffer.concat([part1, part2].map((p) => createHash('md5').update(p).digest()))).digest('hex')}-2"`;

beforeAll(async () => {
  gw = await startGateway();
  s3api = gw.stack.s3api.url;
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('interop');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  await gw.stop();
});

const via = (url: string) => ({
  create: async (key: string, headers: Record<string, string> = {}) => {
    const res = await rawS3(url, { method: 'POST', path: `/${b}/${key}?uploads`, keys, headers });
    expect(res.status, res.text()).toBe(200);
    return xmlValue(res.text(), 'UploadId')!;
  },
  upload: async (key: string, id: string, n: number, body: Buffer) => {
    const res = await rawS3(url, { method: 'PUT', path: `/${b}/${key}?partNumber=${n}&uploadId=${id}`, keys, body });
    expect(res.status, res.text()).toBe(200);
    return res.headers['etag']!;
  },
  parts: (key: string, id: string) => rawS3(url, { method: 'GET', path: `/${b}/${key}?uploadId=${id}`, keys }),
  uploads: () => rawS3(url, { method: 'GET', path: `/${b}?uploads`, keys }),
  complete: (key: string, id: string, etags: string[]) =>
    rawS3(url, {
      method: 'POST', path: `/${b}/${key}?uploadId=${id}`, keys,
      body: `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
    }),
  abort: (key: string, id: string) => rawS3(url, { method: 'DELETE', path: `/${b}/${key}?uploadId=${id}`, keys }),
  get: (key: string) => rawS3(url, { method: 'GET', path: `/${b}/${key}`, keys }),
});

describe('interchange with Swift s3api', () => {
  it('an upload started through s3api is listed, continued and read through the gateway with s3api\'s ETag', async () => {
    const ref = via(s3api);
    const us = via(gw.url);
    const id = await ref.create('from-s3api', { 'x-amz-meta-who': 's3api' });
    expect(xmlValues((await us.uploads()).text(), 'UploadId')).toContain(id);
    const e1 = await us.upload('from-s3api', id, 1, part1);
    const e2 = await ref.upload('from-s3api', id, 2, part2);
    expect(xmlValues((await us.parts('from-s3api', id)).text(), 'PartNumber')).toEqual(['1', '2']);
    const done = await ref.complete('from-s3api', id, [e1, e2]);
    expect(done.status, done.text()).toBe(200);
    expect(xmlValue(done.text(), 'ETag')).toBe(s3Etag);

    const read = await us.get('from-s3api');
    expect(read.body.equals(Buffer.concat([part1, part2]))).toBe(true);
    expect(read.headers['etag']).toBe(s3Etag);
    expect(read.headers['x-amz-meta-who']).toBe('s3api');
    const list = await rawS3(gw.url, { method: 'GET', path: `/${b}?prefix=from-s3api`, keys });
    expect(xmlValue(list.text(), 'ETag')).toBe(s3Etag);
    // Deleting it through the gateway removes its segments too.
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}/from-s3api`, keys })).status).toBe(204);
    const segs = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, undefined, { query: { format: 'json', prefix: 'from-s3api/' } });
    expect(JSON.parse(segs.body.toString())).toEqual([]);
  });

  it('an upload started through the gateway is continued and completed through s3api, and read through both', async () => {
    const ref = via(s3api);
    const us = via(gw.url);
    const id = await us.create('from-gateway', { 'content-type': 'application/x-gw', 'x-amz-meta-who': 'gateway' });
    expect(xmlValues((await ref.uploads()).text(), 'UploadId')).toContain(id);
    const e1 = await ref.upload('from-gateway', id, 1, part1);
    const e2 = await us.upload('from-gateway', id, 2, part2);
    expect(xmlValues((await ref.parts('from-gateway', id)).text(), 'PartNumber')).toEqual(['1', '2']);
    const done = await ref.complete('from-gateway', id, [e1, e2]);
    expect(done.status, done.text()).toBe(200);
    expect(xmlValue(done.text(), 'ETag')).toBe(s3Etag);
    for (const url of [gw.url, s3api]) {
      const read = await via(url).get('from-gateway');
      expect(read.body.equals(Buffer.concat([part1, part2])), url).toBe(true);
      expect(read.headers['etag'], url).toBe(s3Etag);
      expect(read.headers['content-type'], url).toBe('application/x-gw');
      expect(read.headers['x-amz-meta-who'], url).toBe('gateway');
    }
  });

  it('a multipart object completed by the gateway reads through s3api with the same bytes', async () => {
    const us = via(gw.url);
    const id = await us.create('gw-complete', { 'content-type': 'text/x-gw' });
    const e1 = await us.upload('gw-complete', id, 1, part1);
    const e2 = await via(s3api).upload('gw-complete', id, 2, part2);
    const done = await us.complete('gw-complete', id, [e1, e2]);
    expect(xmlValue(done.text(), 'ETag')).toBe(s3Etag);
    const read = await via(s3api).get('gw-complete');
    expect(read.body.equals(Buffer.concat([part1, part2]))).toBe(true);
    // Documented difference: s3api answers an SLO without its own sysmeta with
    // `"<SLO etag>-N"` (a literal N), since the gateway cannot write the
    // sysmeta where s3api keeps the S3 ETag.
    expect(read.headers['etag']).toMatch(/^"[0-9a-f]{32}-N"$/);
  });

  it('an upload started through one is aborted through the other, leaving nothing', async () => {
    for (const [start, stop] of [[gw.url, s3api], [s3api, gw.url]] as const) {
      const id = await via(start).create('aborted');
      await via(start).upload('aborted', id, 1, part2);
      const abort = await via(stop).abort('aborted', id);
      expect(abort.status).toBe(204);
      const parts = await via(start).parts('aborted', id);
      expect(parts.status).toBe(404);
      expect(xmlValue(parts.text(), 'Code')).toBe('NoSuchUpload');
      const segs = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, undefined, { query: { format: 'json', prefix: `aborted/${id}` } });
      expect(JSON.parse(segs.body.toString())).toEqual([]);
    }
  });

  it('reads ETags of s3api single-part objects unchanged', async () => {
    await rawS3(s3api, { method: 'PUT', path: `/${b}/plain`, keys, body: part2 });
    expect((await via(gw.url).get('plain')).headers['etag']).toBe(`"${md5(part2)}"`);
  });
});
