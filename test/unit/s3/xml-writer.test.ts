// The XML writer against the builder it replaced (fast-xml-parser's XMLBuilder
// with the options s3/xml.ts used): the same bytes for every generated document,
// the same structure when read back with parseXml, and the characters XML 1.0
// cannot carry refused or replaced instead of written raw.
import { XMLBuilder } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  listAllMyBucketsResult,
  listBucketResult,
  listObjectsV2Result,
  type ObjectEntry,
  type Owner,
} from '../../../src/s3/documents.js';
import { isS3Error } from '../../../src/s3/errors.js';
import { errorDocument } from '../../../src/s3/render.js';
import { s3Error } from '../../../src/s3/errors.js';
import type { XmlBody } from '../../../src/s3/result.js';
import { escapeXml, toXml, toXmlFragment } from '../../../src/s3/xml-writer.js';
import { parseXml } from '../../../src/s3/xml.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const oldBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** What s3/xml.ts's toXml wrote before the writer. */
function oldToXml(root: string, doc: Record<string, unknown>, namespace?: string): string {
  const element = namespace === undefined ? doc : { '@_xmlns': namespace, ...doc };
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + (oldBuilder.build({ [root]: element }) as string);
}

/** A small deterministic PRNG (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces keys are made of: plain text, the five markup characters, spaces,
// slashes, unicode (Hangul, accents, an astral emoji), tab and LF, and things that
// look like entity references.
const PIECES = ['a', 'key', '/', ' ', '&', '<', '>', '"', "'", '한글', 'é', '😀', '\t', '\n', '&amp;', '&#65;', ']]>', '%2F', '+', '='];

function randomKey(next: () => number, maxPieces = 6): string {
  let key = '';
  const n = Math.floor(next() * maxPieces);
  for (let i = 0; i < n; i++) key += PIECES[Math.floor(next() * PIECES.length)]!;
  return key;
}

function randomEntry(next: () => number): ObjectEntry {
  return {
    key: randomKey(next) || 'k',
    lastModified: next() < 0.5 ? new Date(Math.floor(next() * 4e12)) : new Date(Math.floor(next() * 4e12)).toISOString(),
    etag: ['"0123456789abcdef0123456789abcdef-3"', '"d41d8cd98f00b204e9800998ecf8427e"', '""', '"a&b"', 'unquoted', '"'][Math.floor(next() ** 3 * 6)]!,
    size: Math.floor(next() * 1e10),
    storageClass: 'STANDARD',
  };
}

function randomPage(seed: number) {
  const next = rng(seed);
  const contents = Array.from({ length: Math.floor(next() * 30) }, () => randomEntry(next));
  const commonPrefixes = Array.from({ length: Math.floor(next() * 5) }, () => randomKey(next) + '/');
  const owner: Owner | undefined = next() < 0.5 ? { id: randomKey(next, 3), displayName: randomKey(next, 3) } : undefined;
  const delimiter = next() < 0.5 ? (next() < 0.8 ? '/' : randomKey(next, 2)) : undefined;
  return {
    bucket: 'bucket-' + Math.floor(next() * 1000),
    prefix: next() < 0.4 ? '' : randomKey(next, 3),
    marker: next() < 0.5 ? '' : randomKey(next, 3),
    nextMarker: next() < 0.3 ? randomKey(next, 3) : undefined,
    maxKeys: Math.floor(next() * 1001),
    delimiter,
    encodingType: next() < 0.3 ? ('url' as const) : undefined,
    isTruncated: next() < 0.5,
    continuationToken: next() < 0.3 ? 'dG9rZW4' : undefined,
    nextContinuationToken: next() < 0.3 ? 'bmV4dA' : undefined,
    startAfter: next() < 0.3 ? randomKey(next, 3) : undefined,
    contents,
    commonPrefixes,
    owner,
  };
}

const LIST_ARRAYS = ['ListBucketResult.Contents', 'ListBucketResult.CommonPrefixes'];

/** The old builder's text, and the new one's: the generic writer's and, for the listings, the direct text, which must agree. */
function bothWays(body: XmlBody, ns: string | undefined = NS): { fresh: string; old: string } {
  const fresh = toXml(body.root, body.doc, ns);
  if (body.text) expect(body.text(ns).join('')).toBe(fresh);
  return { fresh, old: oldToXml(body.root, body.doc, ns) };
}

describe('the XML writer against the XMLBuilder it replaced', () => {
  it('writes the same bytes and the same structure for 500 generated ListObjects (v1) pages', async () => {
    for (let seed = 1; seed <= 500; seed++) {
      const { fresh, old } = bothWays(listBucketResult(randomPage(seed)));
      expect(fresh, `seed ${seed}`).toBe(old);
      expect(await parseXml(fresh, LIST_ARRAYS), `seed ${seed}`).toEqual(await parseXml(old, LIST_ARRAYS));
    }
  });

  it('writes the same bytes and the same structure for 500 generated ListObjectsV2 pages', async () => {
    for (let seed = 1001; seed <= 1500; seed++) {
      const { fresh, old } = bothWays(listObjectsV2Result(randomPage(seed)));
      expect(fresh, `seed ${seed}`).toBe(old);
      expect(await parseXml(fresh, LIST_ARRAYS), `seed ${seed}`).toEqual(await parseXml(old, LIST_ARRAYS));
    }
  });

  it('reads back every generated key, prefix and owner exactly (decoded when encoding-type=url)', async () => {
    for (let seed = 2001; seed <= 2200; seed++) {
      const page = randomPage(seed);
      const xml = toXml('ListBucketResult', listBucketResult(page).doc, NS);
      const r = ((await parseXml(xml, LIST_ARRAYS)) as { ListBucketResult: Record<string, unknown> }).ListBucketResult;
      const dec = page.encodingType === 'url' ? decodeURIComponent : (s: string) => s;
      const keys = ((r.Contents as { Key: string }[] | undefined) ?? []).map((c) => dec(c.Key));
      expect(keys, `seed ${seed}`).toEqual(page.contents.map((c) => c.key));
      const prefixes = ((r.CommonPrefixes as { Prefix: string }[] | undefined) ?? []).map((c) => dec(c.Prefix));
      expect(prefixes, `seed ${seed}`).toEqual(page.commonPrefixes);
      expect(dec(r.Prefix as string), `seed ${seed}`).toBe(page.prefix);
    }
  });

  it('writes full 1000-row pages in pieces that join to what XMLBuilder wrote', () => {
    for (const seed of [4001, 4002, 4003]) {
      const next = rng(seed);
      const page = { ...randomPage(seed), contents: Array.from({ length: 1000 - seed % 4001 * 130 }, () => randomEntry(next)), commonPrefixes: Array.from({ length: seed % 4001 * 130 }, (_, i) => `p${i}/`) };
      for (const body of [listBucketResult(page), listObjectsV2Result(page)]) {
        const pieces = body.text!(NS);
        expect(pieces.length).toBeGreaterThan(9);
        expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024);
        expect(pieces.join('')).toBe(oldToXml(body.root, body.doc, NS));
      }
    }
    const buckets = Array.from({ length: 250 }, (_, i) => ({ name: `bucket-${i}`, creationDate: new Date(i * 1e9) }));
    const body = listAllMyBucketsResult({ id: 'p', displayName: 'd' }, buckets);
    expect(body.text!(NS).length).toBe(3);
    expect(body.text!(NS).join('')).toBe(oldToXml(body.root, body.doc, NS));
  });

  it('writes ListAllMyBucketsResult, empty and full, as XMLBuilder did', () => {
    for (let seed = 3001; seed <= 3100; seed++) {
      const next = rng(seed);
      const buckets = Array.from({ length: Math.floor(next() * 20) }, (_, i) => ({ name: `b-${i}-${Math.floor(next() * 1e6)}`, creationDate: new Date(Math.floor(next() * 4e12)) }));
      const ns = [NS, 'http://doc.s3.amazonaws.com/2006-03-01', undefined][Math.floor(next() * 3)];
      const { fresh, old } = bothWays(listAllMyBucketsResult({ id: randomKey(next, 3), displayName: randomKey(next, 3) }, buckets), ns);
      expect(fresh, `seed ${seed}`).toBe(old);
    }
  });

  it('maps values as XMLBuilder did: undefined left out, null empty, arrays repeated, numbers and booleans as text', () => {
    const doc = { A: undefined, B: null, C: '', D: {}, E: [], F: ['1', '2'], G: [{ H: 1 }, { H: 2 }], I: true, J: 0, K: false, L: { M: { N: '' } } };
    expect(toXml('R', doc, 'x&"y')).toBe(oldToXml('R', doc, 'x&"y'));
    expect(toXml('Error', { Code: 'NoSuchKey', Key: '<&>' })).toBe(oldToXml('Error', { Code: 'NoSuchKey', Key: '<&>' }));
  });

  it("takes '#text' as the element's own text and '@_' keys as attributes, as XMLBuilder did (GetBucketLocation)", () => {
    for (const region of ['', 'us-east-1', 'R&D <1>']) {
      expect(toXml('LocationConstraint', { '#text': region }, NS)).toBe(oldToXml('LocationConstraint', { '#text': region }, NS));
    }
    const doc = { A: { '@_id': 'x"1', '#text': 't&' }, B: { '@_k': 'v', C: 'c' }, D: { '@_gone': undefined, E: '' } };
    expect(toXml('R', doc)).toBe(oldToXml('R', doc));
    expect(toXml('R', doc, NS)).toBe(oldToXml('R', doc, NS));
  });
});

describe('escapeXml', () => {
  it('returns text without markup characters as it is', () => {
    const plain = 'photos/2024/한글 é 😀\ttab\nline';
    expect(escapeXml(plain)).toBe(plain);
  });

  it('escapes the five markup characters in one pass (no double escaping)', () => {
    expect(escapeXml(`a&b<c>d"e'f&amp;`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f&amp;amp;');
  });

  it('writes CR as a character reference, which survives end-of-line handling', async () => {
    expect(escapeXml('a\r\nb\r')).toBe('a&#13;\nb&#13;');
    const xml = toXml('K', { Key: 'a\r\nb' });
    expect(await parseXml(xml)).toEqual({ K: { Key: 'a\r\nb' } });
  });

  it('copies astral characters (surrogate pairs) but refuses lone surrogates', () => {
    expect(escapeXml('😀&😀')).toBe('😀&amp;😀');
    expect(() => escapeXml('a\ud800b')).toThrow(/U\+D800/);
    expect(() => escapeXml('a\udc00')).toThrow(/U\+DC00/);
    expect(escapeXml('a\ud800', 'replace')).toBe('a\ufffd');
  });

  it('refuses characters XML 1.0 cannot carry with InvalidArgument naming encoding-type', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\ufffe', '\uffff']) {
      let caught: unknown;
      try {
        escapeXml(`key${c}`);
      } catch (err) {
        caught = err;
      }
      expect(isS3Error(caught), JSON.stringify(c)).toBe(true);
      if (isS3Error(caught)) {
        expect(caught.code).toBe('InvalidArgument');
        expect(caught.message).toContain('encoding-type=url');
      }
      expect(escapeXml(`key${c}&`, 'replace')).toBe('key\ufffd&amp;');
    }
  });

  it('refuses a listing page with such a key, and lists it with encoding-type=url', () => {
    const page = { ...randomPage(7), encodingType: undefined, contents: [{ key: 'bad\u0001key', lastModified: new Date(0), etag: '""', size: 0, storageClass: 'STANDARD' }] };
    expect(() => toXml('ListBucketResult', listBucketResult(page).doc, NS)).toThrow(/encoding-type=url/);
    expect(() => listBucketResult(page).text!(NS)).toThrow(/encoding-type=url/);
    const xml = toXml('ListBucketResult', listBucketResult({ ...page, encodingType: 'url' }).doc, NS);
    expect(xml).toContain('<Key>bad%01key</Key>');
    expect(listBucketResult({ ...page, encodingType: 'url' }).text!(NS).join('')).toBe(xml);
  });

  it('still writes an error document about such a key, with U+FFFD in its place', async () => {
    const xml = errorDocument(s3Error('NoSuchKey', { Key: 'bad\u0001key' }), '/b/bad%01key', 'tx1');
    expect(await parseXml(xml)).toMatchObject({ Error: { Code: 'NoSuchKey', Key: 'bad\ufffdkey', Resource: '/b/bad%01key' } });
  });

  it('writes a fragment without the declaration', () => {
    expect(toXmlFragment('R', { A: 'x' }, NS)).toBe(`<R xmlns="${NS}"><A>x</A></R>`);
  });
});
