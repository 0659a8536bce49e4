// S3 response documents: well-formed, namespaced, escaped; request XML parsing safe.
import { describe, expect, it } from 'vitest';
import { copyObjectResult } from '../../../src/s3/results.js';
import {
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

describe('parseXml refuses, before parsing, the markup S3 clients never send', () => {
  const refused = async (text: string | Buffer) => expect(parseXml(text), String(text).slice(0, 80)).rejects.toThrow(/comment, processing instruction, CDATA section or DOCTYPE/);

  it('refuses processing instructions, but for one leading XML declaration', async () => {
    expect(await parseXml('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<K>a</K>')).toEqual({ K: 'a' });
    expect(await parseXml("\n <?xml version='1.0'?><K>a</K>")).toEqual({ K: 'a' });
    await refused('<?x y?><K>a</K>');
    await refused('<K>a<?x y?></K>');
    await refused('<K>a</K><?x y?>');
    await refused('<?xml version="1.0"?><?xml version="1.0"?><K/>');
    await refused('<?xml-stylesheet href="a"?><K/>');
    await refused(`<Delete>${'<?x y?>'.repeat(300_000)}</Delete>`);
    await expect(parseXml('<?xml version="2"?><K/>')).rejects.toThrow(/declaration/);
    await expect(parseXml('<?xml version="1.0" ?> <?xml <K/>')).rejects.toThrow();
  });

  it('refuses comments, DOCTYPE and ENTITY declarations, and CDATA sections (the SDKs escape text instead)', async () => {
    await refused('<K><!-- c --></K>');
    await refused('<!-- c --><K/>');
    await refused('<!DOCTYPE K><K/>');
    await refused('<K><![CDATA[a<b]]></K>');
    await refused('<K/><!ENTITY e "x">');
  });

  it('finds them across the seam of two slices, and in a Buffer', async () => {
    // `<!` just before, astride and just after the seams of 8 KiB slices.
    for (const pad of [8 * 1024 - 4, 8 * 1024 - 3, 8 * 1024 - 5, 16 * 1024 - 4, 16 * 1024 - 3, 16 * 1024 - 5]) {
      const body = `<K>${' '.repeat(pad)}<!-- c --></K>`;
      await refused(body);
      await refused(Buffer.from(body));
    }
  });
});

describe('parseXml reads well-formed documents only', () => {
  it('refuses mismatched, unclosed and stray tags, text outside the root and a second root', async () => {
    for (const text of ['<A><B></A></B>', '<A><B></B>', '<A>', '</A>', '<A/></A>', '<A/>x', 'x<A/>', '<A/><A/>', '<A></a>', '<s3:A></A>']) {
      await expect(parseXml(text), text).rejects.toThrow(/not well-formed/);
    }
  });

  it('refuses elements nested deeper than 32 levels, and reads 32', async () => {
    const nest = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    await expect(parseXml(nest(33))).rejects.toThrow(/nested deeper/);
    expect(await parseXml(nest(32))).toBeTruthy();
  });

  it('checks attributes and drops them, however long their values', async () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    expect(await parseXml(`<Delete a="${huge}" b='1'><Quiet c="&amp;">true</Quiet></Delete>`)).toEqual({ Delete: { Quiet: 'true' } });
    await expect(parseXml(`<Delete a="${huge}<"/>`)).rejects.toThrow(/attribute value/);
    await expect(parseXml(`<Delete a="${huge}`)).rejects.toThrow();
    await expect(parseXml(`<Delete ${'a'.repeat(300)}="1"/>`)).rejects.toThrow(/name longer/);
  });

  it('decodes character references to surrogates (the operation judges such a key) and leaves unknown names as written', async () => {
    expect(await parseXml('<K>&#xD800;&#56320;&#x1F600;&#0;</K>')).toEqual({ K: '\ud800\udc00😀\u0000' });
    expect(await parseXml('<K>&#x110000;&nbsp;&amp;lt;</K>')).toEqual({ K: '&#x110000;&nbsp;&lt;' });
    for (const text of ['<K>a & b</K>', '<K>&#65</K>', '<K>&#X41;</K>', `<K>&${'a'.repeat(40)};</K>`, '<K>&#;</K>']) {
      await expect(parseXml(text), text).rejects.toThrow(/not well-formed/);
    }
  });

  it('reads CR LF and a lone CR as LF, and keeps a CR written as a reference', async () => {
    expect(await parseXml('<K>a\r\nb\rc&#13;\n</K>')).toEqual({ K: 'a\nb\nc\r\n' });
  });

  it('makes arrays of declared paths and of repeated elements, and keeps text beside children as #text', async () => {
    const doc = await parseXml('<Delete>\n<Object><Key>a</Key><Key>b</Key></Object>\n</Delete>', ['Delete.Object']);
    expect(doc).toEqual({ Delete: { Object: [{ Key: ['a', 'b'] }], '#text': '\n\n' } });
    expect(await parseXml('<A><B/><B></B><C>  </C></A>')).toEqual({ A: { B: ['', ''], C: '  ' } });
  });

  it('refuses names that would reach Object.prototype', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype', 's3:__proto__']) {
      await expect(parseXml(`<A><${name}>1</${name}></A>`), name).rejects.toThrow();
    }
  });

  it('reads UTF-8 split across slices, and refuses bytes that are not UTF-8', async () => {
    const key = '한'.repeat(10_000);
    expect(await parseXml(Buffer.from(`<K>${key}</K>`))).toEqual({ K: key });
    expect(await parseXml(Buffer.from(`\ufeff<K>a</K>`))).toEqual({ K: 'a' });
    await expect(parseXml(Buffer.from([0x3c, 0x4b, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x4b, 0x3e]))).rejects.toThrow(/UTF-8/);
    await expect(parseXml(Buffer.concat([Buffer.from('<K>a</K>'), Buffer.from([0xe2, 0x82])]))).rejects.toThrow(/UTF-8/);
  });

  it('gives the event loop its turn while it reads a large body', async () => {
    const key = 'a&amp;&#x0A;'.repeat(100);
    const body = `<Delete>${`<Object><Key>${key}</Key></Object>`.repeat(1000)}</Delete>`;
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const doc = (await parseXml(body, ['Delete.Object'])) as { Delete: { Object: { Key: string }[] } };
    done = true;
    expect(doc.Delete.Object).toHaveLength(1000);
    expect(doc.Delete.Object[0]!.Key).toBe('a&\n'.repeat(100));
    expect(turns).toBeGreaterThan(1);
  });
});

describe('parseXml bounds the tree', () => {
  it('refuses more elements than the caller allows, and more than 100,000 whatever it allows', async () => {
    const many = (n: number) => `<R>${'<a/>'.repeat(n - 1)}</R>`;
    expect(await parseXml(many(10), [], 10)).toBeTruthy();
    await expect(parseXml(many(11), [], 10)).rejects.toThrow(/more than 10 elements/);
    expect(await parseXml(many(100_000))).toBeTruthy();
    await expect(parseXml(many(100_001), [], 1e9)).rejects.toThrow(/more than 100000 elements/);
  });
});
