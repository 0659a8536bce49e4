// Request XML: the only way into the XML reader (s3/xml-reader.ts); documents
// are written by xml-writer.ts. Documents are plain objects:
// `{ Name: 'b', Contents: [{ Key: 'k' }, ...] }` stands for `<Name>b</Name><Contents>...`.
//
// A body is read in slices, and the event loop is given back whenever about a
// millisecond of work has been done, so a large body (a DeleteObjects of 1000
// escaped keys is megabytes) never holds up the other requests of the process:
// parsing one in a single synchronous call did, for seconds (fast-xml-parser on
// a few megabytes of processing instructions).
import { performance } from 'node:perf_hooks';
import { XmlReader, XmlSyntaxError, decodeXmlText } from './xml-reader.js';

export { XML_DECLARATION, escapeXml, toXml, toXmlFragment, type InvalidCharPolicy } from './xml-writer.js';
export { XmlSyntaxError, decodeXmlText };

/** Characters (or bytes, for a Buffer) handled between two looks at the clock. */
const SLICE = 8 * 1024;
/** Work done before the event loop gets its turn. */
const YIELD_AFTER_MS = 1;

/** Gives the event loop its turn once YIELD_AFTER_MS of work has been done since the last. */
class Pacer {
  #since = performance.now();

  async pause(): Promise<void> {
    if (performance.now() - this.#since < YIELD_AFTER_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#since = performance.now();
  }
}

/** The body as text, in slices; bytes that are not UTF-8 refuse the document. */
function* textSlices(body: Buffer | string): Generator<string> {
  if (typeof body === 'string') {
    const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
    for (let at = 0; at < text.length; at += SLICE) yield text.slice(at, at + SLICE);
    return;
  }
  // fatal: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD,
  // which would name another key. The decoder drops a leading BOM.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let at = 0; at < body.length; at += SLICE) yield decoder.decode(body.subarray(at, at + SLICE), { stream: true });
    yield decoder.decode();
  } catch (err) {
    if (err instanceof TypeError) throw new XmlSyntaxError('The XML is not UTF-8.');
    throw err;
  }
}

const DECLARATION = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>$/;
/** Longer than any declaration a client writes (`<?xml version="1.0" encoding="UTF-8"?>` is 38). */
const MAX_DECLARATION = 256;

/**
 * Where the document proper starts in its first slice: after the XML
 * declaration, if there is one (white space before it is let through, as
 * callers trimmed the body before). A malformed declaration refuses the document.
 */
function afterDeclaration(first: string): number {
  let at = 0;
  while (at < first.length && ' \t\r\n'.includes(first[at]!)) at++;
  const after = first[at + 5];
  // `<?xml-stylesheet ...?>` and the like are processing instructions, refused as such.
  if (!first.startsWith('<?xml', at) || after === undefined || !' \t\r\n?'.includes(after)) return 0;
  const end = first.indexOf('?>', at);
  if (end < 0 || end + 2 - at > MAX_DECLARATION || !DECLARATION.test(first.slice(at, end + 2))) {
    throw new XmlSyntaxError('The XML declaration is malformed.');
  }
  return end + 2;
}

/**
 * Refuses, before any parsing, the markup no S3 client sends and that only
 * costs: processing instructions (but the leading declaration), comments,
 * CDATA sections (the SDKs escape text instead), DOCTYPE and ENTITY
 * declarations. All of them start `<?` or `<!`, which nothing else in a
 * well-formed document does (text and attribute values cannot hold a `<`), so
 * one look at each slice, and at the seam with the one before, finds them all.
 */
class MarkupCheck {
  #first = true;
  #last = 0;

  accept(slice: string): void {
    const from = this.#first ? afterDeclaration(slice) : 0;
    this.#first = false;
    const next = slice.charCodeAt(from);
    if ((this.#last === 0x3c && (next === 0x21 || next === 0x3f)) || slice.includes('<!', from) || slice.includes('<?', from)) {
      throw new XmlSyntaxError('The XML holds a comment, processing instruction, CDATA section or DOCTYPE, which are not accepted.');
    }
    if (slice.length > 0) this.#last = slice.charCodeAt(slice.length - 1);
  }
}

/** Whether a body is empty or only white space (no document at all). */
export function isBlank(body: Buffer | string): boolean {
  for (let i = 0; i < body.length; i++) {
    const c = typeof body === 'string' ? body.charCodeAt(i) : body[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/**
 * Parses a request body. Values stay strings, the caller names the element
 * paths that are lists (`'Delete.Object'`), namespace prefixes and attributes
 * are dropped, and only XML's five predefined entities and character references
 * are expanded. Anything else refuses the document with an XmlSyntaxError, and
 * so does a document of more than maxElements elements (at most 100,000): the
 * caller's schema bounds them, and a tree of a million elements is all
 * allocation (and garbage-collection pauses) for a document it would refuse.
 */
export async function parseXml(body: Buffer | string, arrayPaths: readonly string[] = [], maxElements?: number): Promise<Record<string, unknown>> {
  const pacer = new Pacer();
  // First the whole body is decoded and checked, so a body of forbidden markup
  // is refused at its first `<!` or `<?`, before the reader has built anything.
  const check = new MarkupCheck();
  for (const slice of textSlices(body)) {
    check.accept(slice);
    await pacer.pause();
  }
  // Then decoded again for the reader, slice by slice, rather than kept: the
  // text of a whole body held meanwhile would be copied by every young-generation
  // garbage collection in between, each one a pause for the whole process.
  const reader = new XmlReader(new Set(arrayPaths), maxElements);
  let first = true;
  for (const slice of textSlices(body)) {
    reader.write(first ? slice.slice(afterDeclaration(slice)) : slice);
    first = false;
    await pacer.pause();
  }
  return reader.end();
}
