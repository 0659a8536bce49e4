// A strict reader for the small XML documents S3 clients send (Delete,
// CompleteMultipartUpload, AccessControlPolicy, CreateBucketConfiguration),
// fed in pieces so that s3/xml.ts (its only importer) can give the event loop
// back between them: every piece costs time in proportion to its own length,
// whatever came before (but for the one copy of an element's text made when it
// closes), so no body can hold the process for long.
//
// It reads elements, attributes (checked, then dropped), text and references.
// Comments, processing instructions, CDATA sections and DOCTYPE declarations
// never reach it: xml.ts refuses them first. It builds what fast-xml-parser
// built with the options xml.ts used (ignoreAttributes, removeNSPrefix,
// parseTagValue off, trimValues off, declared array paths), so the callers see
// the same plain objects: text stays a string, an empty element is '', an
// element with children is an object whose mixed-in text (white space between
// children too) is its '#text', a repeated element becomes an array.

export class XmlSyntaxError extends Error {}

/** The text a reference (between `&` and `;`) stands for, or undefined if XML has none. */
function referenced(ref: string): string | undefined {
  switch (ref) {
    case 'amp': return '&';
    case 'lt': return '<';
    case 'gt': return '>';
    case 'quot': return '"';
    case 'apos': return "'";
  }
  if (ref.charCodeAt(0) !== 0x23) return undefined;
  const hex = ref.charCodeAt(1) === 0x78;
  const start = hex ? 2 : 1;
  if (ref.length === start) return undefined;
  for (let k = start; k < ref.length; k++) {
    const c = ref.charCodeAt(k);
    if (!(c >= 0x30 && c <= 0x39) && !(hex && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)))) return undefined;
  }
  const code = parseInt(ref.slice(start), hex ? 16 : 10);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Characters a reference is made of: letters, digits and `#`. */
const isReferenceChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x23;

/**
 * Decodes XML's five predefined entities and numeric character references in one
 * pass, so `&amp;#65;` stays the literal text `&#65;`. A reference to a code point
 * XML does not allow (a surrogate such as `&#xD800;`, or `&#0;`) still decodes,
 * to that code unit: the caller decides what such a key means, the document is
 * not refused for it. Beyond U+10FFFF, or an unknown name, the text stays as written.
 * (What `text.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, ...)`
 * does, at a third of its cost: this is most of the work of reading escaped keys.)
 */
export function decodeXmlText(text: string): string {
  let at = text.indexOf('&');
  if (at < 0) return text;
  const out: string[] = [];
  let from = 0;
  while (at >= 0) {
    // A reference is a run of letters, digits and `#` ended by `;`; runs after
    // two `&`s never overlap, so this looks at each character once.
    let end = at + 1;
    while (end < text.length && isReferenceChar(text.charCodeAt(end))) end++;
    const decoded = text.charCodeAt(end) === 0x3b ? referenced(text.slice(at + 1, end)) : undefined;
    if (decoded !== undefined) {
      out.push(text.slice(from, at), decoded);
      from = end + 1;
    }
    at = text.indexOf('&', decoded === undefined ? at + 1 : from);
  }
  if (from === 0) return text;
  out.push(text.slice(from));
  // Joined, not concatenated: a flat string, where `+=` would leave a rope of
  // thousands of pieces for whoever reads the text next to flatten.
  return out.join('');
}

// Bounds no S3 document comes near (the deepest, an ACL grantee, is 5 levels;
// the longest element name is about 30 characters; the most elements, a
// CompleteMultipartUpload of 10,000 parts with a part number, ETag and all five
// checksums each, 80,001), so that neither a name, the open-element stack nor
// the tree grows with the body.
const MAX_DEPTH = 32;
const MAX_NAME = 256;
const MAX_ELEMENTS = 100_000;
/** `&#x10FFFF;` is 10 characters; a longer reference is not one a client writes. */
const MAX_REF = 32;
/** Names fast-xml-parser refused too: they would reach Object.prototype. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const REFERENCE = /^&(?:[A-Za-z_:][A-Za-z0-9_:.-]{0,29}|#[0-9]{1,29}|#x[0-9a-fA-F]{1,28});$/;
/** An `&` that does not start a reference of at most MAX_REF characters. */
const BAD_AMPERSAND = /&(?!(?:[A-Za-z_:][A-Za-z0-9_:.-]{0,29}|#[0-9]{1,29}|#x[0-9a-fA-F]{1,28});)/;
const ONLY_SPACE = /^[ \t\r\n]*$/;

const TEXT = 0, LT = 1, START_NAME = 2, IN_TAG = 3, ATTR_NAME = 4, ATTR_EQ = 5, ATTR_QUOTE = 6,
  ATTR_VALUE = 7, AFTER_ATTR = 8, EMPTY_END = 9, END_NAME = 10, END_SPACE = 11, REF = 12;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** XML 1.0 NameStartChar, with UTF-16 surrogates standing for #x10000-#xEFFFF. */
function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
  return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d)
    || (c >= 0x37f && c <= 0x1fff) || c === 0x200c || c === 0x200d || (c >= 0x2070 && c <= 0x218f)
    || (c >= 0x2c00 && c <= 0x2fef) || (c >= 0x3001 && c <= 0xdfff) || (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd);
}

function isNameChar(c: number): boolean {
  if (c < 0x80) return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
  return isNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

function fail(why: string): never {
  throw new XmlSyntaxError(`The XML is not well-formed: ${why}.`);
}

interface Frame {
  /** The name as written, prefix and all, for the end tag to match. */
  readonly qname: string;
  /** The name without its namespace prefix: the key in the result. */
  readonly name: string;
  /** Names from the root, joined by '.': what the caller's array paths name. */
  readonly path: string;
  /** Its text so far, in pieces (made on the first: most elements have one piece or none). */
  text?: string[];
  children?: Record<string, unknown>;
  /** The paths of this element's children by name, made once per name, not per child. */
  childPaths?: Map<string, string>;
}

export class XmlReader {
  readonly #arrays: ReadonlySet<string>;
  readonly #maxElements: number;
  readonly #stack: Frame[] = [];
  #root: Record<string, unknown> | undefined;
  #state = TEXT;
  #elements = 0;
  /** A name or reference begun in an earlier piece. */
  #partial = '';
  #tagName = '';
  readonly #attributes = new Set<string>();
  #quote = 0;
  /** The last text piece ended in CR: an LF starting the next belongs to it. */
  #pendingCR = false;
  // Per reader, as their lastIndex is state.
  readonly #doubleQuoted = /["<]/g;
  readonly #singleQuoted = /['<]/g;

  constructor(arrayPaths: ReadonlySet<string>, maxElements = MAX_ELEMENTS) {
    this.#arrays = arrayPaths;
    this.#maxElements = Math.min(maxElements, MAX_ELEMENTS);
  }

  /** Reads the next piece of the document. */
  write(s: string): void {
    const n = s.length;
    let i = 0;
    // Where the name being read starts in this piece.
    let mark = 0;
    while (i < n) {
      const state = this.#state;
      if (state === TEXT) {
        const lt = s.indexOf('<', i);
        if (lt >= 0) {
          if (lt > i) this.#addText(s.slice(i, lt));
          this.#pendingCR = false;
          this.#state = LT;
          i = lt + 1;
          continue;
        }
        // Text to the end of the piece, but a reference cut by that end: it
        // is finished in the next piece, and decoded alone.
        const amp = s.lastIndexOf('&', n - 1);
        const cut = amp >= Math.max(i, n - MAX_REF + 1) && !s.includes(';', amp);
        const end = cut ? amp : n;
        if (end > i) this.#addText(s.slice(i, end));
        if (cut) {
          if (this.#stack.length === 0) fail('a reference outside the root element');
          this.#pendingCR = false;
          this.#partial = s.slice(amp);
          this.#state = REF;
        }
        return;
      }
      if (state === START_NAME || state === ATTR_NAME || state === END_NAME) {
        while (i < n && isNameChar(s.charCodeAt(i))) i++;
        if (this.#partial.length + (i - mark) > MAX_NAME) fail(`a name longer than ${MAX_NAME} characters`);
        if (i === n) {
          this.#partial += s.slice(mark, n);
          return;
        }
        const name = this.#partial + s.slice(mark, i);
        this.#partial = '';
        this.#nameEnded(state, name, s.charCodeAt(i));
        i++;
        continue;
      }
      if (state === ATTR_VALUE) {
        const search = this.#quote === 0x22 ? this.#doubleQuoted : this.#singleQuoted;
        search.lastIndex = i;
        const end = search.exec(s);
        if (!end) return;
        if (s.charCodeAt(end.index) === 0x3c) fail("'<' in an attribute value");
        this.#state = AFTER_ATTR;
        i = end.index + 1;
        continue;
      }
      if (state === REF) {
        const c = s.charCodeAt(i++);
        this.#partial += String.fromCharCode(c);
        if (c === 0x3b) this.#referenceEnded();
        else if (this.#partial.length >= MAX_REF) fail('a reference that does not end');
        continue;
      }
      const c = s.charCodeAt(i);
      if (isSpace(c) && state !== LT && state !== EMPTY_END) {
        if (state === AFTER_ATTR) this.#state = IN_TAG;
        i++;
        continue;
      }
      this.#markup(state, c);
      // A start-tag or attribute name starts at the character just read, an
      // end-tag name after its '/'.
      if (this.#state !== START_NAME && this.#state !== ATTR_NAME) i++;
      mark = i;
    }
  }

  /** The document, once every piece has been written. */
  end(): Record<string, unknown> {
    if (this.#state !== TEXT || this.#stack.length > 0) fail('an element is not closed');
    if (this.#root === undefined) fail('there is no root element');
    return this.#root;
  }

  /** One character of markup outside names, values and references. */
  #markup(state: number, c: number): void {
    if (state === LT) {
      if (c === 0x2f) {
        if (this.#stack.length === 0) fail('an end tag outside the root element');
        this.#state = END_NAME;
      } else if (isNameStart(c)) {
        if (this.#root !== undefined) fail('a second root element');
        this.#state = START_NAME;
      } else {
        fail("'<' that does not start an element");
      }
    } else if (state === IN_TAG || state === AFTER_ATTR) {
      if (c === 0x3e) this.#openTag(false);
      else if (c === 0x2f) this.#state = EMPTY_END;
      else if (state === IN_TAG && isNameStart(c)) this.#state = ATTR_NAME;
      else fail('an attribute that is not name="value"');
    } else if (state === EMPTY_END) {
      if (c !== 0x3e) fail("'/' not followed by '>'");
      this.#openTag(true);
    } else if (state === ATTR_EQ) {
      if (c !== 0x3d) fail("an attribute without '='");
      this.#state = ATTR_QUOTE;
    } else if (state === ATTR_QUOTE) {
      if (c !== 0x22 && c !== 0x27) fail('an attribute value without quotes');
      this.#quote = c;
      this.#state = ATTR_VALUE;
    } else if (state === END_SPACE) {
      if (c !== 0x3e) fail('an end tag with more than a name');
      this.#close();
    }
  }

  /** A start-tag, attribute or end-tag name ended at character `c` (not a name character). */
  #nameEnded(state: number, name: string, c: number): void {
    if (state === START_NAME) {
      this.#tagName = name;
      this.#attributes.clear();
      if (isSpace(c)) this.#state = IN_TAG;
      else if (c === 0x3e) this.#openTag(false);
      else if (c === 0x2f) this.#state = EMPTY_END;
      else fail(`an unexpected character in the name <${name}`);
    } else if (state === ATTR_NAME) {
      if (this.#attributes.has(name)) fail(`the attribute ${name} twice`);
      this.#attributes.add(name);
      if (isSpace(c)) this.#state = ATTR_EQ;
      else if (c === 0x3d) this.#state = ATTR_QUOTE;
      else fail(`an attribute ${name} without '='`);
    } else {
      const open = this.#stack[this.#stack.length - 1]!;
      if (name !== open.qname) fail(`</${name}> closes <${open.qname}>`);
      if (isSpace(c)) this.#state = END_SPACE;
      else if (c === 0x3e) this.#close();
      else fail(`an unexpected character in </${name}`);
    }
  }

  #openTag(empty: boolean): void {
    if (this.#stack.length >= MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`);
    if (++this.#elements > this.#maxElements) fail(`more than ${this.#maxElements} elements`);
    const qname = this.#tagName;
    const colon = qname.indexOf(':');
    const name = colon < 0 ? qname : qname.slice(colon + 1);
    if (name === '' || FORBIDDEN_NAMES.has(name)) fail(`the element name ${qname}`);
    const parent = this.#stack[this.#stack.length - 1];
    let path = name;
    if (parent) {
      const paths = (parent.childPaths ??= new Map());
      path = paths.get(name) ?? `${parent.path}.${name}`;
      paths.set(name, path);
    }
    this.#stack.push({ qname, name, path });
    if (empty) this.#close();
    else this.#state = TEXT;
  }

  #close(): void {
    this.#state = TEXT;
    const frame = this.#stack.pop()!;
    const text = frame.text === undefined ? '' : frame.text.length === 1 ? frame.text[0]! : frame.text.join('');
    let value: unknown = text;
    if (frame.children) {
      value = frame.children;
      if (text !== '') frame.children['#text'] = text;
    }
    const parent = this.#stack[this.#stack.length - 1];
    const into = parent ? (parent.children ??= {}) : (this.#root = {});
    const existing = Object.hasOwn(into, frame.name) ? into[frame.name] : undefined;
    if (this.#arrays.has(frame.path)) {
      if (existing === undefined) into[frame.name] = [value];
      else (existing as unknown[]).push(value);
    } else if (existing === undefined) {
      into[frame.name] = value;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      into[frame.name] = [existing, value];
    }
  }

  /** Text as written, up to a `<` or the end of a piece: checked, read as XML reads ends of lines, and decoded. */
  #addText(raw: string): void {
    if (this.#pendingCR && raw.charCodeAt(0) === 0x0a) raw = raw.slice(1);
    this.#pendingCR = raw.charCodeAt(raw.length - 1) === 0x0d;
    const open = this.#stack[this.#stack.length - 1];
    if (!open) {
      if (!ONLY_SPACE.test(raw)) fail('text outside the root element');
      return;
    }
    if (raw === '') return;
    if (raw.includes('&') && BAD_AMPERSAND.test(raw)) fail("an '&' that does not start a reference");
    // XML end-of-line handling: CR LF and a lone CR are read as LF (a CR the
    // client means is written `&#13;`, which decodes after this).
    (open.text ??= []).push(decodeXmlText(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw));
  }

  /** A reference cut by the end of a piece, now whole. */
  #referenceEnded(): void {
    const ref = this.#partial;
    this.#partial = '';
    this.#state = TEXT;
    if (!REFERENCE.test(ref)) fail(`the reference ${ref}`);
    (this.#stack[this.#stack.length - 1]!.text ??= []).push(decodeXmlText(ref));
  }
}
