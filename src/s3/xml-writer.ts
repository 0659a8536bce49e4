// Serialises the gateway's XML documents (plain objects, see documents.ts) by
// direct string building. It replaced fast-xml-parser's XMLBuilder, which took
// about half of the CPU of a 1000-key listing page; the output is the same
// bytes XMLBuilder wrote for every document the gateway answers with (see
// test/unit/s3/xml-writer.test.ts), except for the characters below, where
// XMLBuilder wrote a document no XML parser reads back as it was meant.
//
// Characters XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets): the C0
// controls other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF. Not
// even a character reference may name them. S3 asks clients to list such keys
// with `encoding-type=url` (ListObjects, "EncodingType"). The writer therefore
// refuses, by default, to write them: the request fails with 400
// InvalidArgument naming encoding-type instead of sending a broken document or
// a key that is not the stored one. Error documents, which must always be
// written, put U+FFFD in their place ('replace').
// CR is legal but an XML parser turns a literal CR into LF (end-of-line
// handling, https://www.w3.org/TR/xml/#sec-line-ends), so it goes out as `&#13;`.
import { s3Error } from './errors.js';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** What to do with a character XML 1.0 cannot carry. */
export type InvalidCharPolicy = 'throw' | 'replace';

// Anything that needs more than a copy: the five markup characters, CR, the
// characters XML 1.0 lacks, and surrogates (valid pairs are copied, lone ones are not).
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

function unrepresentable(code: number): Error {
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return s3Error(
    'InvalidArgument',
    { ArgumentName: 'encoding-type', ArgumentValue: '' },
    `The response would contain the character U+${hex}, which XML 1.0 cannot carry; list with encoding-type=url.`,
  );
}

/**
 * Escapes text for element content or a double-quoted attribute in one pass:
 * `& < > " '` as XMLBuilder wrote them, CR as `&#13;`, characters XML 1.0 lacks
 * refused or replaced (see the top of this file). Text without any of them is
 * returned as it is.
 */
export function escapeXml(text: string, invalid: InvalidCharPolicy = 'throw'): string {
  if (!NEEDS_WORK.test(text)) return text;
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string;
    switch (code) {
      case 0x26: replacement = '&amp;'; break;
      case 0x3c: replacement = '&lt;'; break;
      case 0x3e: replacement = '&gt;'; break;
      case 0x22: replacement = '&quot;'; break;
      case 0x27: replacement = '&apos;'; break;
      case 0x0d: replacement = '&#13;'; break;
      default: {
        if (code >= 0x20 && code < 0xd800) continue;
        if (code === 0x09 || code === 0x0a) continue;
        if (code >= 0xd800 && code <= 0xdbff) {
          const next = text.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            i++; // a valid pair: an astral character, copied as it is
            continue;
          }
        } else if (code > 0xdfff && code < 0xfffe) continue;
        if (invalid === 'throw') throw unrepresentable(code);
        replacement = '\ufffd';
      }
    }
    out += text.slice(copied, i) + replacement;
    copied = i + 1;
  }
  return out + text.slice(copied);
}

function text(value: unknown, invalid: InvalidCharPolicy): string {
  return typeof value === 'string' ? escapeXml(value, invalid) : escapeXml(String(value), invalid);
}

/** XMLBuilder's conventions, as s3/xml.ts configured it: `@_name` keys are attributes, `#text` is the element's own text. */
const ATTRIBUTE_PREFIX = '@_';
const TEXT_NODE = '#text';

/** ` name="value"` for each attribute key of an element's object. */
function attributes(doc: Record<string, unknown>, invalid: InvalidCharPolicy): string {
  let out = '';
  for (const key in doc) {
    const value = doc[key];
    if (key.startsWith(ATTRIBUTE_PREFIX) && value !== undefined && value !== null) {
      out += ` ${key.slice(ATTRIBUTE_PREFIX.length)}="${text(value, invalid)}"`;
    }
  }
  return out;
}

/**
 * Children of differing names in the order given, each `[name, value]` written
 * as writeNode writes it. The keys of a plain object name each child once, so
 * they cannot interleave two repeated elements; S3's schema does where it has a
 * repeated choice (ListVersionsResult: Version and DeleteMarker, in listing
 * order). The key it stands under is not written.
 */
export class XmlSequence {
  constructor(readonly children: ReadonlyArray<readonly [name: string, value: unknown]>) {}
}

/**
 * One child of an element, as XMLBuilder maps plain objects: undefined is left
 * out, null is an empty element `<n/>`, an array repeats the element, an object
 * nests elements (with its attributes and text), anything else is its escaped
 * text. An XmlSequence writes its children instead (XMLBuilder had no such thing).
 */
function writeNode(name: string, value: unknown, invalid: InvalidCharPolicy): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}/>`;
  if (value instanceof XmlSequence) {
    let out = '';
    for (const [child, item] of value.children) out += writeNode(child, item, invalid);
    return out;
  }
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += writeNode(name, item, invalid);
    return out;
  }
  if (typeof value === 'object') {
    const doc = value as Record<string, unknown>;
    return `<${name}${attributes(doc, invalid)}>${writeChildren(doc, invalid)}</${name}>`;
  }
  return `<${name}>${text(value, invalid)}</${name}>`;
}

function writeChildren(doc: Record<string, unknown>, invalid: InvalidCharPolicy): string {
  let out = '';
  for (const name in doc) {
    if (name.startsWith(ATTRIBUTE_PREFIX)) continue;
    const value = doc[name];
    if (name === TEXT_NODE) {
      if (value !== undefined && value !== null) out += text(value, invalid);
    } else out += writeNode(name, value, invalid);
  }
  return out;
}

/** Serialises `<root xmlns=...>doc</root>` without an XML declaration. */
export function toXmlFragment(root: string, doc: Record<string, unknown>, namespace?: string, invalid: InvalidCharPolicy = 'throw'): string {
  return writeNode(root, namespace === undefined ? doc : { [`${ATTRIBUTE_PREFIX}xmlns`]: namespace, ...doc }, invalid);
}

/** Serialises `<root xmlns=...>doc</root>` with an XML declaration. */
export function toXml(root: string, doc: Record<string, unknown>, namespace?: string, invalid: InvalidCharPolicy = 'throw'): string {
  return XML_DECLARATION + toXmlFragment(root, doc, namespace, invalid);
}
