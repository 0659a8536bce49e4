// The only module that imports fast-xml-parser, and only its parser: documents
// are written by xml-writer.ts. Documents are plain objects:
// `{ Name: 'b', Contents: [{ Key: 'k' }, ...] }` becomes `<Name>b</Name><Contents>...`.
import { XMLParser } from 'fast-xml-parser';

export { XML_DECLARATION, escapeXml, toXml, toXmlFragment, type InvalidCharPolicy } from './xml-writer.js';

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes XML's five predefined entities and numeric character references in one
 * pass, so `&amp;#65;` stays the literal text `&#65;`. (fast-xml-parser decodes
 * numeric references only together with HTML's named entities, which XML lacks.)
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function decodeTree(node: unknown): unknown {
  if (typeof node === 'string') return decodeXmlText(node);
  if (Array.isArray(node)) return node.map(decodeTree);
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = decodeTree(v);
    return out;
  }
  return node;
}

/**
 * Parses a small request body. Values stay strings (`parseTagValue: false`), the
 * caller names the element paths that are lists, and no DOCTYPE entity is ever
 * expanded (only XML's five predefined entities and character references are).
 */
export function parseXml(text: string, arrayPaths: readonly string[] = []): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error('DOCTYPE and ENTITY declarations are not allowed');
  const arrays = new Set(arrayPaths);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    isArray: (_name, jpath) => arrays.has(String(jpath)),
  });
  return decodeTree(parser.parse(text, true)) as Record<string, unknown>;
}
