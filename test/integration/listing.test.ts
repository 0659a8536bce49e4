// ListObjects (v1, the seed's GET bucket) and ListObjectsV2 against a real
// Swift container listing: prefix, marker, max-keys, delimiter, truncation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;
const names = ['a.txt', 'b.txt', 'dir1/x', 'dir1/y', 'dir1/sub/z', 'dir2/x', 'dir3/', 'e & f', 'g+h i', 'z'];

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('list');
  await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
  // Written straight to Swift: the listing is what is being tested here.
  await Promise.all(names.map((n) => swiftDirect(gw.stack, 'demo', 'PUT', b, n, { body: n })));
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

const list = (query: string) => rawS3(gw.url, { method: 'GET', path: `/${b}${query}`, keys });

describe('ListObjects (v1)', () => {
  it('lists every key with LastModified, quoted ETag, Size, StorageClass and Owner', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const xml = res.text();
    expect(xml).toContain('<ListBucketResult xmlns="http://doc.s3.amazonaws.com/2006-03-01">');
    expect(xmlValues(xml, 'Key')).toEqual([...names].sort());
    expect(xmlValue(xml, 'Name')).toBe(b);
    expect(xmlValue(xml, 'IsTruncated')).toBe('false');
    expect(xmlValue(xml, 'MaxKeys')).toBe('1000');
    expect(xmlValue(xml, 'LastModified')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(xmlValue(xml, 'ETag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(xmlValues(xml, 'Size')[0]).toBe(String('a.txt'.length));
    expect(xmlValue(xml, 'StorageClass')).toBe('STANDARD');
    expect(xmlValue(xml, 'ID')).toBe(gw.stack.users.demo.projectId);
    expect(xmlValues(xml, 'Key')).toContain('e & f');
    expect(xml).toContain('<Key>e &amp; f</Key>');
  });

  it('filters by prefix and starts after marker', async () => {
    expect(xmlValues((await list('?prefix=dir1/')).text(), 'Key')).toEqual(['dir1/sub/z', 'dir1/x', 'dir1/y']);
    expect(xmlValues((await list('?marker=dir2/x')).text(), 'Key')).toEqual(['dir3/', 'e & f', 'g+h i', 'z']);
    expect(xmlValues((await list('?prefix=g%2Bh')).text(), 'Key')).toEqual(['g+h i']);
    expect(xmlValues((await list('?prefix=g%2Bh+i')).text(), 'Key')).toEqual(['g+h i']);
  });

  it('groups keys by delimiter into CommonPrefixes', async () => {
    const xml = (await list('?delimiter=/')).text();
    expect(xmlValues(xml, 'Key')).toEqual(['a.txt', 'b.txt', 'e & f', 'g+h i', 'z']);
    expect(xmlValues(xml, 'Prefix').filter((p) => p !== '')).toEqual(['dir1/', 'dir2/', 'dir3/']);
    expect(xmlValue(xml, 'Delimiter')).toBe('/');
    const inner = (await list('?delimiter=/&prefix=dir1/')).text();
    expect(xmlValues(inner, 'Key')).toEqual(['dir1/x', 'dir1/y']);
    expect(xmlValues(inner, 'Prefix')).toContain('dir1/sub/');
  });

  it('truncates at max-keys (the max-keys+1 trick) and pages with NextMarker when a delimiter is used', async () => {
    const first = (await list('?max-keys=3')).text();
    expect(xmlValues(first, 'Key')).toEqual(['a.txt', 'b.txt', 'dir1/sub/z']);
    expect(xmlValue(first, 'IsTruncated')).toBe('true');
    expect(xmlValue(first, 'NextMarker')).toBeUndefined();

    const seen: string[] = [];
    let marker = '';
    for (let page = 0; page < 10; page++) {
      const xml = (await list(`?delimiter=/&max-keys=2${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`)).text();
      seen.push(...xmlValues(xml, 'Key'), ...xmlValues(xml, 'Prefix').filter((p) => p !== '' && p !== ''));
      if (xmlValue(xml, 'IsTruncated') !== 'true') break;
      marker = xmlValue(xml, 'NextMarker')!;
      expect(marker).toBeTruthy();
    }
    const expected = ['a.txt', 'b.txt', 'dir1/', 'dir2/', 'dir3/', 'e & f', 'g+h i', 'z'];
    expect(seen.filter((s) => expected.includes(s)).sort()).toEqual(expected.sort());
    expect(new Set(seen.filter((s) => s.endsWith('/'))).size).toBe(3); // no prefix repeated across pages
  });

  it('caps max-keys at 1000 and refuses a non-integer with InvalidArgument', async () => {
    expect(xmlValue((await list('?max-keys=5000')).text(), 'MaxKeys')).toBe('1000');
    const bad = await list('?max-keys=abc');
    expect(bad.status).toBe(400);
    expect(xmlValue(bad.text(), 'Code')).toBe('InvalidArgument');
    const zero = (await list('?max-keys=0')).text();
    expect(xmlValues(zero, 'Key')).toEqual([]);
  });

  it('URL-encodes keys and prefixes with encoding-type=url', async () => {
    const xml = (await list('?encoding-type=url&delimiter=/')).text();
    expect(xmlValue(xml, 'EncodingType')).toBe('url');
    expect(xmlValues(xml, 'Key')).toContain('e%20%26%20f');
    expect(xmlValues(xml, 'Key')).toContain('g%2Bh%20i');
  });

  it('answers NoSuchBucket (404) for a missing bucket', async () => {
    const res = await rawS3(gw.url, { method: 'GET', path: `/${uniqueBucket('nolist')}`, keys });
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('ListObjectsV2', () => {
  it('pages with continuation tokens, counts KeyCount and honours start-after and fetch-owner', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const xml = (await list(`?list-type=2&max-keys=4${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`)).text();
      const keysOnPage = xmlValues(xml, 'Key');
      expect(xmlValue(xml, 'KeyCount')).toBe(String(keysOnPage.length));
      expect(xml).not.toContain('<Owner>');
      seen.push(...keysOnPage);
      if (xmlValue(xml, 'IsTruncated') !== 'true') break;
      token = xmlValue(xml, 'NextContinuationToken');
    }
    expect(seen).toEqual([...names].sort());
    const after = (await list('?list-type=2&start-after=dir3/&fetch-owner=true')).text();
    expect(xmlValues(after, 'Key')).toEqual(['e & f', 'g+h i', 'z']);
    expect(xmlValue(after, 'StartAfter')).toBe('dir3/');
    expect(after).toContain('<Owner>');
  });
});
