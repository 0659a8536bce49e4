// S3 response documents: well-formed, namespaced, escaped; request XML parsing safe.
import { describe, expect, it } from 'vitest';
import {
  copyObjectResult,
  encodeListingValue,
  listAllMyBucketsResult,
  listBucketResult,
  listObjectsV2Result,
  type ListBucketPage,
  type ObjectEntry,
} from '../../../src/s3/documents.js';
import type { XmlBody } from '../../../src/s3/result.js';
import { parseXml, toXml } from '../../../src/s3/xml.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const when = new Date(Date.UTC(2009, 9, 12, 17, 50, 30, 123));

function render(body: XmlBody, ns: string | undefined = NS): string {
  return toXml(body.root, body.doc, ns);
}

/** Parses a rendered document keeping attributes, to check the namespace. */
function rootAttributes(xml: string, root: string): string | undefined {
  const m = new RegExp(`<${root}\\s+xmlns="([^"]*)"`).exec(xml);
  return m?.[1];
}

const entry = (key: string, size = 5): ObjectEntry => ({ key, lastModified: when, etag: '"d41d8cd98f00b204e9800998ecf8427e"', size, storageClass: 'STANDARD' });

function page(over: Partial<ListBucketPage> = {}): ListBucketPage {
  return {
    bucket: 'johnsmith',
    prefix: '',
    marker: '',
    maxKeys: 1000,
    isTruncated: false,
    contents: [entry('a.txt')],
    commonPrefixes: [],
    ...over,
  };
}

describe('toXml', () => {
  it('starts with the XML declaration and puts the namespace on the root', () => {
    const xml = render(copyObjectResult('"abc"', when));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult')).toBe(true);
    expect(rootAttributes(xml, 'CopyObjectResult')).toBe(NS);
  });

  it('omits the namespace when none is given (error documents)', () => {
    const xml = toXml('Error', { Code: 'NoSuchKey' });
    expect(xml).toContain('<Error><Code>NoSuchKey</Code></Error>');
  });

  it('uses the ucloud dialect namespace when given', () => {
    const xml = render(copyObjectResult('"abc"', when), 'http://doc.s3.amazonaws.com/2006-03-01');
    expect(rootAttributes(xml, 'CopyObjectResult')).toBe('http://doc.s3.amazonaws.com/2006-03-01');
  });
});

describe('ListBucketResult', () => {
  it('is well-formed and lists keys with S3 timestamps, quoted ETags and sizes', async () => {
    const xml = render(listBucketResult(page({ contents: [entry('a.txt', 0), entry('b.txt', 1234)], owner: { id: 'p1', displayName: 'john' } })));
    const doc = (await parseXml(xml, ['ListBucketResult.Contents'])) as { ListBucketResult: Record<string, unknown> };
    const r = doc.ListBucketResult;
    expect(r.Name).toBe('johnsmith');
    expect(r.Prefix).toBe('');
    expect(r.Marker).toBe('');
    expect(r.MaxKeys).toBe('1000');
    expect(r.IsTruncated).toBe('false');
    expect(r.Contents).toEqual([
      { Key: 'a.txt', LastModified: '2009-10-12T17:50:30.123Z', ETag: '"d41d8cd98f00b204e9800998ecf8427e"', Size: '0', Owner: { ID: 'p1', DisplayName: 'john' }, StorageClass: 'STANDARD' },
      { Key: 'b.txt', LastModified: '2009-10-12T17:50:30.123Z', ETag: '"d41d8cd98f00b204e9800998ecf8427e"', Size: '1234', Owner: { ID: 'p1', DisplayName: 'john' }, StorageClass: 'STANDARD' },
    ]);
    expect(rootAttributes(xml, 'ListBucketResult')).toBe(NS);
  });

  it('renders IsTruncated true, NextMarker and Delimiter, and CommonPrefixes', async () => {
    const xml = render(listBucketResult(page({ delimiter: '/', isTruncated: true, nextMarker: 'photos/', commonPrefixes: ['photos/', 'videos/'] })));
    const r = ((await parseXml(xml, ['ListBucketResult.CommonPrefixes'])) as { ListBucketResult: Record<string, unknown> }).ListBucketResult;
    expect(r.IsTruncated).toBe('true');
    expect(r.NextMarker).toBe('photos/');
    expect(r.Delimiter).toBe('/');
    expect(r.CommonPrefixes).toEqual([{ Prefix: 'photos/' }, { Prefix: 'videos/' }]);
    // Element order as in the ListObjects reference: Name, Prefix, Marker, NextMarker, MaxKeys, Delimiter, IsTruncated.
    const order = ['<Name>', '<Prefix>', '<Marker>', '<NextMarker>', '<MaxKeys>', '<Delimiter>', '<IsTruncated>', '<Contents>'].map((t) => xml.indexOf(t));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('escapes & and < in keys and prefixes so the document stays well-formed', async () => {
    const xml = render(listBucketResult(page({ prefix: 'R&D <x>', contents: [entry('R&D <draft> "q" \'s\'.txt')] })));
    expect(xml).not.toContain('R&D <');
    const r = ((await parseXml(xml, ['ListBucketResult.Contents'])) as { ListBucketResult: { Prefix: string; Contents: { Key: string }[] } }).ListBucketResult;
    expect(r.Prefix).toBe('R&D <x>');
    expect(r.Contents[0]!.Key).toBe('R&D <draft> "q" \'s\'.txt');
  });

  it('URL-encodes keys, prefixes, markers and delimiters with encoding-type=url', async () => {
    const xml = render(
      listBucketResult(page({ encodingType: 'url', prefix: 'a b/', marker: 'a b/c+d', delimiter: '/', nextMarker: 'é', contents: [entry('a b/c+d&e.txt')], commonPrefixes: ['a b/x y/'] })),
    );
    const r = ((await parseXml(xml, ['ListBucketResult.Contents', 'ListBucketResult.CommonPrefixes'])) as { ListBucketResult: Record<string, unknown> }).ListBucketResult;
    expect(r.EncodingType).toBe('url');
    expect(r.Prefix).toBe('a%20b/');
    expect(r.Marker).toBe('a%20b/c%2Bd');
    expect(r.NextMarker).toBe('%C3%A9');
    expect(r.Delimiter).toBe('/');
    expect(r.Contents).toMatchObject([{ Key: 'a%20b/c%2Bd%26e.txt' }]);
    expect(r.CommonPrefixes).toEqual([{ Prefix: 'a%20b/x%20y/' }]);
  });

  it('leaves Owner out when the page has none and has no Contents element for an empty bucket', () => {
    const xml = render(listBucketResult(page({ contents: [] })));
    expect(xml).not.toContain('<Owner>');
    expect(xml).not.toContain('<Contents>');
  });
});

describe('encodeListingValue (encoding-type=url)', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['a b', 'a%20b'],
    ['dir/sub/', 'dir/sub/'],
    ['c+d', 'c%2Bd'],
    ['x&y=z?', 'x%26y%3Dz%3F'],
    ["it's(1)*!", 'it%27s%281%29%2A%21'],
    ['~-_.', '~-_.'],
    ['한', '%ED%95%9C'],
    ['\u0001', '%01'],
  ];
  for (const [input, output] of cases) {
    it(`encodes ${JSON.stringify(input)} as ${output}`, () => {
      expect(encodeListingValue(input)).toBe(output);
    });
  }
});

describe('ListObjectsV2 result', () => {
  it('counts keys and common prefixes in KeyCount and carries the continuation tokens', async () => {
    const xml = render(
      listObjectsV2Result({
        bucket: 'b', prefix: 'p/', maxKeys: 2, delimiter: '/', isTruncated: true,
        continuationToken: 'tok1', nextContinuationToken: 'tok2', startAfter: 'p/a',
        contents: [entry('p/a')], commonPrefixes: ['p/d/'],
      }),
    );
    const r = ((await parseXml(xml)) as { ListBucketResult: Record<string, unknown> }).ListBucketResult;
    expect(r).toMatchObject({ Name: 'b', Prefix: 'p/', MaxKeys: '2', KeyCount: '2', IsTruncated: 'true', ContinuationToken: 'tok1', NextContinuationToken: 'tok2', StartAfter: 'p/a' });
    expect(xml).not.toContain('<Owner>');
  });
});

describe('ListAllMyBucketsResult', () => {
  it('lists owner and buckets with creation dates', async () => {
    const xml = render(
      listAllMyBucketsResult({ id: 'proj', displayName: 'john & co' }, [
        { name: 'alpha', creationDate: when },
        { name: 'beta', creationDate: new Date(0) },
      ]),
    );
    const r = ((await parseXml(xml, ['ListAllMyBucketsResult.Buckets.Bucket'])) as { ListAllMyBucketsResult: Record<string, unknown> }).ListAllMyBucketsResult;
    expect(r.Owner).toEqual({ ID: 'proj', DisplayName: 'john & co' });
    expect(r.Buckets).toEqual({
      Bucket: [
        { Name: 'alpha', CreationDate: '2009-10-12T17:50:30.123Z' },
        { Name: 'beta', CreationDate: '1970-01-01T00:00:00.000Z' },
      ],
    });
    expect(rootAttributes(xml, 'ListAllMyBucketsResult')).toBe(NS);
  });
});

describe('CopyObjectResult', () => {
  it('has LastModified and the quoted ETag', async () => {
    const r = ((await parseXml(render(copyObjectResult('"9b2cf535f27731c974343645a3985328"', when)))) as { CopyObjectResult: Record<string, unknown> }).CopyObjectResult;
    expect(r).toEqual({ LastModified: '2009-10-12T17:50:30.123Z', ETag: '"9b2cf535f27731c974343645a3985328"' });
  });
});

describe('toXml value rendering', () => {
  it('renders numbers and booleans as their text', () => {
    const xml = toXml('R', { N: 0, M: 42, T: true, F: false });
    expect(xml).toContain('<N>0</N>');
    expect(xml).toContain('<M>42</M>');
    expect(xml).toContain('<T>true</T>');
    expect(xml).toContain('<F>false</F>');
  });
});

describe('parseXml', () => {
  it('keeps values as strings (no number or boolean coercion)', async () => {
    const doc = await parseXml('<Part><PartNumber>007</PartNumber><Quiet>true</Quiet><ETag>"1e5"</ETag></Part>');
    expect(doc).toEqual({ Part: { PartNumber: '007', Quiet: 'true', ETag: '"1e5"' } });
  });

  it('makes the declared paths arrays even with one element', async () => {
    const doc = (await parseXml('<Delete><Object><Key>a</Key></Object></Delete>', ['Delete.Object'])) as { Delete: { Object: unknown[] } };
    expect(doc.Delete.Object).toEqual([{ Key: 'a' }]);
  });

  it('strips namespace prefixes and ignores attributes', async () => {
    const doc = await parseXml('<?xml version="1.0"?><s3:Delete xmlns:s3="urn:x"><s3:Quiet a="1">true</s3:Quiet></s3:Delete>');
    expect(doc).toEqual({ Delete: { Quiet: 'true' } });
  });

  it('expands the five predefined XML entities', async () => {
    const doc = await parseXml('<K>a&amp;b&lt;c&gt;d&quot;e&apos;f</K>');
    expect(doc).toEqual({ K: 'a&b<c>d"e\'f' });
  });

  it('refuses a DOCTYPE', async () => {
    await expect(parseXml('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "boom">]><d>&x;</d>')).rejects.toThrow(/DOCTYPE/);
  });

  it('refuses an ENTITY declaration in any case', async () => {
    await expect(parseXml('<!entity x SYSTEM "file:///etc/passwd"><d/>')).rejects.toThrow();
    await expect(parseXml('<!doctype d><d/>')).rejects.toThrow();
  });

  it('keeps whitespace inside values (keys may start or end with spaces)', async () => {
    expect(await parseXml('<Key>  a b  </Key>')).toEqual({ Key: '  a b  ' });
  });
});

describe('parseXml character references', () => {
  it('decodes numeric character references and the five predefined entities, in one pass', async () => {
    expect(await parseXml('<K>a&amp;b&lt;c&#x41;&#66;&#13;</K>')).toEqual({ K: 'a&b<cAB\r' });
    expect(await parseXml('<K>&amp;#65;</K>')).toEqual({ K: '&#65;' });
  });
});
