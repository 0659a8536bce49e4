// CopyObject (PUT with x-amz-copy-source) → Swift PUT with X-Copy-From.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPath, rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let src: string;
let dst: string;
let etag: string;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  src = uniqueBucket('src');
  dst = uniqueBucket('dst');
  await rawS3(gw.url, { method: 'PUT', path: `/${src}`, keys });
  await rawS3(gw.url, { method: 'PUT', path: `/${dst}`, keys });
  const put = await rawS3(gw.url, {
    method: 'PUT', path: `/${src}/${keyPath('orig nal+é')}`, keys, body: 'copy me',
    headers: { 'content-type': 'text/x-orig', 'x-amz-meta-kept': 'yes' },
  });
  etag = put.headers['etag']!;
  source = `/${src}/${keyPath('orig nal+é')}`;
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', src);
  await purgeContainer(gw.stack, 'demo', dst);
  await gw.stop();
});

const copy = (key: string, headers: Record<string, string>) => rawS3(gw.url, { method: 'PUT', path: `/${dst}/${keyPath(key)}`, keys, headers });
let source: string;

describe('CopyObject', () => {
  it('copies across buckets with a URL-encoded source and answers 201 with CopyObjectResult', async () => {
    const res = await copy('copied', { 'x-amz-copy-source': source });
    expect(res.status, res.text()).toBe(201);
    expect(xmlValue(res.text(), 'ETag')).toMatch(/[0-9a-f]{32}/);
    expect(xmlValue(res.text(), 'LastModified')).toMatch(/Z$/);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${dst}/copied`, keys });
    expect(get.text()).toBe('copy me');
    expect(get.headers['etag']).toBe(etag);
    expect(get.headers['x-amz-meta-kept']).toBe('yes');
    expect(get.headers['content-type']).toBe('text/x-orig');
  });

  it('accepts the source without a leading slash', async () => {
    const res = await copy('noslash', { 'x-amz-copy-source': source.slice(1) });
    expect(res.status).toBe(201);
  });

  it('replaces metadata and Content-Type with x-amz-metadata-directive REPLACE', async () => {
    const res = await copy('replaced', {
      'x-amz-copy-source': source, 'x-amz-metadata-directive': 'REPLACE', 'content-type': 'text/x-new', 'x-amz-meta-fresh': 'new',
    });
    expect(res.status).toBe(201);
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${dst}/replaced`, keys });
    expect(head.headers['x-amz-meta-fresh']).toBe('new');
    expect(head.headers['x-amz-meta-kept']).toBeUndefined();
    expect(head.headers['content-type']).toBe('text/x-new');
  });

  it('ignores request metadata with the default COPY directive', async () => {
    await copy('copydir', { 'x-amz-copy-source': source, 'x-amz-meta-ignored': 'x' });
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${dst}/copydir`, keys });
    expect(head.headers['x-amz-meta-ignored']).toBeUndefined();
    expect(head.headers['x-amz-meta-kept']).toBe('yes');
  });

  it('evaluates x-amz-copy-source-if-* conditions (412 PreconditionFailed when they fail)', async () => {
    expect((await copy('c1', { 'x-amz-copy-source': source, 'x-amz-copy-source-if-match': etag })).status).toBe(201);
    const noMatch = await copy('c2', { 'x-amz-copy-source': source, 'x-amz-copy-source-if-match': '"deadbeef"' });
    expect(noMatch.status).toBe(412);
    expect(xmlValue(noMatch.text(), 'Code')).toBe('PreconditionFailed');
    expect((await copy('c3', { 'x-amz-copy-source': source, 'x-amz-copy-source-if-none-match': etag })).status).toBe(412);
    expect((await copy('c4', { 'x-amz-copy-source': source, 'x-amz-copy-source-if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(412);
    expect((await copy('c5', { 'x-amz-copy-source': source, 'x-amz-copy-source-if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(201);
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${dst}/c2`, keys })).status).toBe(404);
  });

  it('answers NoSuchKey / NoSuchBucket for a missing source and refuses a copy onto itself without changes', async () => {
    const key = await copy('m1', { 'x-amz-copy-source': `/${src}/missing` });
    expect(key.status).toBe(404);
    expect(xmlValue(key.text(), 'Code')).toBe('NoSuchKey');
    const bucket = await copy('m2', { 'x-amz-copy-source': `/${uniqueBucket('nosrc')}/k` });
    expect(xmlValue(bucket.text(), 'Code')).toBe('NoSuchBucket');
    const self = await rawS3(gw.url, { method: 'PUT', path: source, keys, headers: { 'x-amz-copy-source': source } });
    expect(self.status).toBe(400);
    expect(xmlValue(self.text(), 'Code')).toBe('InvalidRequest');
    const bad = await copy('m3', { 'x-amz-copy-source': 'just-a-bucket' });
    expect(xmlValue(bad.text(), 'Code')).toBe('InvalidArgument');
  });

  it('never copies from another project\'s account', async () => {
    const altKeys = gw.stack.users.alt.ec2;
    const res = await rawS3(gw.url, { method: 'PUT', path: `/${src}/stolen`, keys: altKeys, headers: { 'x-amz-copy-source': source } });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
  });
});
