// ListVersionsResult (ListObjectVersions): well-formed, namespaced per dialect,
// escaped, URL-encoded with encoding-type=url, Version and DeleteMarker
// interleaved in listing order, and the direct text the same bytes as the
// plain-object document through the generic writer.
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../src/s3/dialect.js';
import type { XmlBody } from '../../../src/s3/result.js';
import { listVersionsResult, type ListVersionsPage, type VersionListingEntry } from '../../../src/s3/versions-document.js';
import { XmlSequence, toXml } from '../../../src/s3/xml-writer.js';
import { parseXml } from '../../../src/s3/xml.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const when = '2009-10-12T17:50:30.123Z';
const ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';
const ARRAYS = ['ListVersionsResult.Version', 'ListVersionsResult.DeleteMarker', 'ListVersionsResult.CommonPrefixes'];

const version = (key: string, versionId: string, isLatest = false, over: Partial<VersionListingEntry> = {}): VersionListingEntry =>
  ({ kind: 'Version', key, versionId, isLatest, lastModified: when, etag: ETAG, size: 5, storageClass: 'STANDARD', ...over }) as VersionListingEntry;
const marker = (key: string, versionId: string, isLatest = false): VersionListingEntry => ({ kind: 'DeleteMarker', key, versionId, isLatest, lastModified: when });

function page(over: Partial<ListVersionsPage> = {}): ListVersionsPage {
  return {
    bucket: 'johnsmith',
    prefix: '',
    keyMarker: '',
    versionIdMarker: '',
    maxKeys: 1000,
    isTruncated: false,
    entries: [version('a', '1796133751.33288', true)],
    commonPrefixes: [],
    owner: { id: 'proj', displayName: 'john' },
    ...over,
  };
}

/** The direct text, after checking it is the generic writer's text of the plain document. */
function render(body: XmlBody, ns: string | undefined = NS): string {
  const text = body.text!(ns).join('');
  expect(text).toBe(toXml(body.root, body.doc, ns));
  return text;
}

async function parsed(xml: string): Promise<Record<string, unknown>> {
  return ((await parseXml(xml, ARRAYS)) as { ListVersionsResult: Record<string, unknown> }).ListVersionsResult;
}

/** Start tags of the direct children of the root, in document order. */
function childOrder(xml: string): string[] {
  const inner = xml.slice(xml.indexOf('>', xml.indexOf('<ListVersionsResult')) + 1, xml.lastIndexOf('</ListVersionsResult>'));
  const names: string[] = [];
  let depth = 0;
  for (const m of inner.matchAll(/<(\/?)([A-Za-z]+)>/g)) {
    if (m[1] === '/') depth--;
    else {
      if (depth === 0) names.push(m[2]!);
      depth++;
    }
  }
  return names;
}

describe('ListVersionsResult', () => {
  it('is well-formed and carries every version field, Owner before StorageClass as in S3 schema', async () => {
    const xml = render(listVersionsResult(page()));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')).toBe(true);
    const r = await parsed(xml);
    expect(r).toMatchObject({ Name: 'johnsmith', Prefix: '', KeyMarker: '', VersionIdMarker: '', MaxKeys: '1000', IsTruncated: 'false' });
    expect(r.Version).toEqual([{
      Key: 'a', VersionId: '1796133751.33288', IsLatest: 'true', LastModified: when, ETag: ETAG, Size: '5',
      Owner: { ID: 'proj', DisplayName: 'john' }, StorageClass: 'STANDARD',
    }]);
    expect(xml).toContain('<Version><Key>a</Key><VersionId>1796133751.33288</VersionId><IsLatest>true</IsLatest><LastModified>2009-10-12T17:50:30.123Z</LastModified>'
      + '<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>5</Size><Owner><ID>proj</ID><DisplayName>john</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Version>');
  });

  it('writes a delete marker with Key, VersionId, IsLatest, LastModified and Owner only', () => {
    const xml = render(listVersionsResult(page({ entries: [marker('gone', '1796133751.36155', true)] })));
    expect(xml).toContain('<DeleteMarker><Key>gone</Key><VersionId>1796133751.36155</VersionId><IsLatest>true</IsLatest>'
      + '<LastModified>2009-10-12T17:50:30.123Z</LastModified><Owner><ID>proj</ID><DisplayName>john</DisplayName></Owner></DeleteMarker>');
    expect(xml).not.toContain('<ETag>');
    expect(xml).not.toContain('<Version>');
  });

  it('interleaves Version and DeleteMarker in listing order, then CommonPrefixes', () => {
    const xml = render(listVersionsResult(page({
      delimiter: '/',
      entries: [marker('a', '3', true), version('a', '2'), version('a', 'null'), version('b', '1', true), marker('c', '5', true), version('c', '4')],
      commonPrefixes: ['d/', 'e/'],
    })));
    expect(childOrder(xml)).toEqual([
      'Name', 'Prefix', 'KeyMarker', 'VersionIdMarker', 'MaxKeys', 'Delimiter', 'IsTruncated',
      'DeleteMarker', 'Version', 'Version', 'Version', 'DeleteMarker', 'Version', 'CommonPrefixes', 'CommonPrefixes',
    ]);
    expect([...xml.matchAll(/<VersionId>([^<]*)</g)].map((m) => m[1])).toEqual(['3', '2', 'null', '1', '5', '4']);
  });

  it('puts the head elements in the schema order, with the next markers when truncated', () => {
    const xml = render(listVersionsResult(page({
      prefix: 'p', keyMarker: 'k', versionIdMarker: 'null', nextKeyMarker: 'n', nextVersionIdMarker: '1796133751.31015',
      delimiter: '/', encodingType: 'url', isTruncated: true, maxKeys: 2,
    })));
    expect(childOrder(xml).slice(0, 11)).toEqual([
      'Name', 'Prefix', 'KeyMarker', 'VersionIdMarker', 'NextKeyMarker', 'NextVersionIdMarker', 'MaxKeys', 'Delimiter', 'EncodingType', 'IsTruncated', 'Version',
    ]);
  });

  it('leaves the next markers out when they are not given, and has no entries for an empty bucket', async () => {
    const xml = render(listVersionsResult(page({ entries: [] })));
    expect(xml).not.toMatch(/Next|<Version>|<DeleteMarker>|<CommonPrefixes>|<Delimiter>|<EncodingType>/);
    expect(await parsed(xml)).toEqual({ Name: 'johnsmith', Prefix: '', KeyMarker: '', VersionIdMarker: '', MaxKeys: '1000', IsTruncated: 'false' });
  });

  it('puts each dialect namespace on the root, or none', () => {
    for (const dialect of Object.values(DIALECTS)) {
      expect(render(listVersionsResult(page()), dialect.xmlns)).toContain(`<ListVersionsResult xmlns="${dialect.xmlns}">`);
    }
    const bare = listVersionsResult(page());
    expect(bare.text!(undefined).join('')).toBe(toXml(bare.root, bare.doc));
    expect(bare.text!(undefined).join('')).toContain('\n<ListVersionsResult><Name>');
  });

  it('escapes markup in keys, prefixes, markers and the owner so the document stays well-formed', async () => {
    const odd = 'R&D <draft> "q" \'s\'';
    const xml = render(listVersionsResult(page({
      prefix: odd, keyMarker: odd, nextKeyMarker: odd, nextVersionIdMarker: 'null', isTruncated: true, delimiter: '&',
      entries: [version(odd, '1', true), marker(`${odd}2`, '2', true)], commonPrefixes: [`${odd}&`], owner: { id: 'p<1>', displayName: 'a & b' },
    })));
    expect(xml).not.toContain('R&D <');
    const r = await parsed(xml);
    expect(r).toMatchObject({ Prefix: odd, KeyMarker: odd, NextKeyMarker: odd, Delimiter: '&' });
    expect((r.Version as { Key: string; Owner: unknown }[])[0]).toMatchObject({ Key: odd, Owner: { ID: 'p<1>', DisplayName: 'a & b' } });
    expect((r.DeleteMarker as { Key: string }[])[0]!.Key).toBe(`${odd}2`);
    expect(r.CommonPrefixes).toEqual([{ Prefix: `${odd}&` }]);
  });

  it('URL-encodes Prefix, KeyMarker, NextKeyMarker, Delimiter, keys and prefixes with encoding-type=url, not version ids', async () => {
    const xml = render(listVersionsResult(page({
      encodingType: 'url', prefix: 'a b/', keyMarker: 'a b/c+d', versionIdMarker: 'null', nextKeyMarker: 'é', nextVersionIdMarker: '1796133751.31015',
      isTruncated: true, delimiter: '/',
      entries: [version('a b/c+d&e.txt', '1796133751.31015'), marker('한', '1796133751.31016', true)], commonPrefixes: ['a b/x y/'],
    })));
    const r = await parsed(xml);
    expect(r).toMatchObject({
      EncodingType: 'url', Prefix: 'a%20b/', KeyMarker: 'a%20b/c%2Bd', VersionIdMarker: 'null', NextKeyMarker: '%C3%A9',
      NextVersionIdMarker: '1796133751.31015', Delimiter: '/',
    });
    expect(r.Version).toMatchObject([{ Key: 'a%20b/c%2Bd%26e.txt', VersionId: '1796133751.31015' }]);
    expect(r.DeleteMarker).toMatchObject([{ Key: '%ED%95%9C' }]);
    expect(r.CommonPrefixes).toEqual([{ Prefix: 'a%20b/x%20y/' }]);
  });

  it('refuses a key XML 1.0 cannot carry unless encoding-type=url, and lists it then', () => {
    const bad = page({ entries: [version('bad\u0001key', '1', true)] });
    expect(() => listVersionsResult(bad).text!(NS)).toThrow(/encoding-type=url/);
    expect(() => toXml('ListVersionsResult', listVersionsResult(bad).doc, NS)).toThrow(/encoding-type=url/);
    expect(render(listVersionsResult({ ...bad, encodingType: 'url' }))).toContain('<Key>bad%01key</Key>');
  });

  it('writes a full page of 1000 entries in pieces below 64 KB that join to the whole document', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? marker(`key-${Math.floor(i / 7)}`, `17961337${String(i).padStart(2, '0')}.00000`) : version(`key-${Math.floor(i / 7)}`, `${i}`)));
    const body = listVersionsResult(page({ entries }));
    const pieces = body.text!(NS);
    expect(pieces.length).toBeGreaterThan(9);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024);
    expect(pieces.join('')).toBe(toXml(body.root, body.doc, NS));
  });
});

describe('XmlSequence', () => {
  it('writes children of differing names in the order given, under no element of its own', () => {
    const doc = { A: '1', Mixed: new XmlSequence([['X', { K: 'x&1' }], ['Y', 'y'], ['X', { K: 'x2' }], ['Z', undefined], ['Y', null]]), B: '2' };
    expect(toXml('R', doc)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<R><A>1</A><X><K>x&amp;1</K></X><Y>y</Y><X><K>x2</K></X><Y/><B>2</B></R>');
    expect(toXml('R', { Empty: new XmlSequence([]) })).toContain('<R></R>');
  });
});
