// The incremental XML reader against the parser it replaced (fast-xml-parser's
// XMLParser with the options s3/xml.ts used, then the same entity decoding):
// the same objects for generated request documents, however the text is cut
// into pieces, and for the corner cases callers rely on.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { XmlReader, decodeXmlText } from '../../../src/s3/xml-reader.js';
import { parseXml } from '../../../src/s3/xml.js';

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** s3/xml.ts's decodeXmlText before the reader: one regular expression. */
function oldDecode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function decodeTree(node: unknown): unknown {
  if (typeof node === 'string') return oldDecode(node);
  if (Array.isArray(node)) return node.map(decodeTree);
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, decodeTree(v)]));
  return node;
}

/** What s3/xml.ts's parseXml answered before the reader. */
function oldParseXml(text: string, arrayPaths: readonly string[]): unknown {
  const arrays = new Set(arrayPaths);
  const parser = new XMLParser({
    ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: false,
    processEntities: false, htmlEntities: false, ignoreDeclaration: true,
    isArray: (_name, jpath) => arrays.has(String(jpath)),
  });
  return decodeTree(parser.parse(text, true));
}

/** The reader fed in pieces of 1 to 7 characters. */
function readInPieces(text: string, arrayPaths: readonly string[], next: () => number): unknown {
  const reader = new XmlReader(new Set(arrayPaths));
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(next() * 7);
    reader.write(text.slice(at, at + size));
    at += size;
  }
  return reader.end();
}

/** mulberry32, so a failure names its seed. */
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

const NAMES = ['Delete', 'Object', 'Key', 'VersionId', 'Quiet', 'Part', 'ETag', 'PartNumber', 'Grant', 'ID'];
const TEXTS = ['a', 'key/with spaces', ' ', '\n', '\r\n', '\r', '\t', 'é', '한글', '😀', '>', ']]>', '"', "'",
  '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#65;', '&#x41;', '&#0065;', '&#13;', '&#x0A;', '&#xD800;', '&#x1F600;',
  '&#x110000;', '&unknown;', '&amp;#65;', '&#0;'];
const ATTRIBUTES = [' a="1"', " b='x y'", ' xsi:type="CanonicalUser"', ' c="&amp;&gt;"', '\n d = "2"'];
const ARRAY_PATHS = ['Delete.Object', 'Delete.Object.Key', 'Part.ETag'];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]!;
}

function element(next: () => number, depth: number, prefix: string): string {
  const name = prefix + pick(next, NAMES);
  const attributes = next() < 0.3 ? pick(next, ATTRIBUTES) : '';
  if (next() < 0.15) return `<${name}${attributes}/>`;
  let content = '';
  const items = Math.floor(next() * 5);
  for (let i = 0; i < items; i++) {
    content += depth < 4 && next() < 0.5 ? element(next, depth + 1, next() < 0.8 ? prefix : '') : pick(next, TEXTS);
  }
  return `<${name}${attributes}>${content}</${name}${next() < 0.1 ? ' ' : ''}>`;
}

function document(seed: number): string {
  const next = rng(seed);
  const declaration = next() < 0.5 ? '<?xml version="1.0" encoding="UTF-8"?>' + pick(next, ['', '\n', ' ']) : '';
  const prefix = next() < 0.3 ? 's3:' : '';
  const root = element(next, 0, prefix).replace(/^<([^ />]+)/, (m) => `${m}${prefix ? ' xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"' : ''}`);
  return declaration + root + pick(next, ['', '\n', '  \r\n']);
}

describe('decodeXmlText', () => {
  it('decodes 20,000 generated texts as the regular expression it replaced did', () => {
    const bits = ['&', ';', '#', 'x', 'X', 'amp', 'lt', 'gt', 'quot', 'apos', 'AMP', '0', '65', 'D800', 'ffff', '110000', 'a', ' ', '&amp;', '&#', '😀'];
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = rng(seed);
      const text = Array.from({ length: Math.floor(next() * 12) }, () => pick(next, bits)).join('');
      expect(decodeXmlText(text), JSON.stringify(text)).toBe(oldDecode(text));
    }
  });
});

describe('the XML reader against fast-xml-parser', () => {
  it('reads 2000 generated documents as fast-xml-parser did, whole and in pieces', async () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const text = document(seed);
      const expected = oldParseXml(text, ARRAY_PATHS);
      expect(await parseXml(text, ARRAY_PATHS), `seed ${seed}: ${text}`).toEqual(expected);
      expect(await parseXml(Buffer.from(text), ARRAY_PATHS), `seed ${seed}`).toEqual(expected);
      const body = text.replace(/^<\?xml[^>]*>/, '');
      expect(readInPieces(body, ARRAY_PATHS, rng(seed)), `seed ${seed}`).toEqual(expected);
    }
  });

  it('agrees on the corner cases callers see', async () => {
    const cases = [
      '<Delete>\n  <Object><Key>a</Key></Object>\n  <Quiet>true</Quiet>\n</Delete>',
      '<A>text<B>x</B>tail</A>', '<A><B/><B></B><C>  </C></A>', '<A x="1"/>', '<A><B>1</B><B><C>2</C></B></A>',
      '  <A>1</A>  ', '<a:A xmlns:a="u"><a:B>1</a:B><B>2</B></a:A>', '<A:B:C>1</A:B:C>', '<A>\r\n</A>', '<A>a\rb</A>',
      '<A>1</A >', '<A\n/>', '<A></A\n>', '\ufeff<A>1</A>', '<A>&#0;&#xD800;&#x110000;&unknown;</A>', '<Aé>1</Aé>',
    ];
    for (const text of cases) expect(await parseXml(text, ['A.B']), JSON.stringify(text)).toEqual(oldParseXml(text, ['A.B']));
  });

  it('refuses what fast-xml-parser refused', async () => {
    for (const text of ['<A>1</A><B>2</B>', '<A>1</A>junk', '<A><B></A>', '<A>', '<A>a & b</A>', '<A>&#65</A>', '<A>&#X41;</A>',
      '<A/ >', '< A>1</A>', '<A b="1" b="2"/>', '<A b=1/>', '<A b="1"c="2"/>', '<1A/>', '', '   ', 'text', '<A>1</a>',
      '<A><__proto__>1</__proto__></A>', '<A><constructor/></A>', '\n<?xml version="1.0"?>x<A/>', '<?xml version="1.0"?><?xml version="1.0"?><A/>']) {
      expect(() => oldParseXml(text, []), JSON.stringify(text)).toThrow();
      await expect(parseXml(text), JSON.stringify(text)).rejects.toThrow();
    }
  });
});
