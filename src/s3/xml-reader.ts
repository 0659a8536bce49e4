// A strict reader for the small XML documents S3 clients send (Delete,
// CompleteMultipartUpload, AccessControlPolicy, CreateBucketConfiguration),
// fed in pieces so that s3/xml.ts (its only importer) can give the event loop
// back between them: every piece costs time in proportion to its own length,
// whatever came before, so no body can hold the process for long.
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

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes XML's five predefined entities and numeric character references in one
 * pass, so `&amp;#65;` stays the literal text `&#65;`. A reference to a code point
 * XML does not allow (a surrogate such as `&#xD800;`, or `&#0;`) still decodes,
 * to that code unit: the caller decides what such a key means, the document is
 * not refused for it. Beyond U+10FFFF, or an unknown name, the text stays as written.
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

// Bounds no S3 document comes near (the deepest, an ACL grantee, is 5 levels;
// the longest element name is about 30 characters), so that neither a name nor
// the open-element stack grows with the body.
const MAX_DEPTH = 32;
const MAX_NAME = 256;
/** `&#x10FFFF;` is 10 characters; a longer reference is not one a client writes. */
const MAX_REF = 32;
/** Names fast-xml-parser refused too: they would reach Object.prototype. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const REFERENCE = /^&(?:[A-Za-z_:][A-Za-z0-9_:.-]*|#[0-9]+|#x[0-9a-fA-F]+);$/;
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
  readonly text: string[];
  children?: Record<string, unknown>;
}

export class XmlReader {
  readonly #arrays: ReadonlySet<string>;
  readonly #stack: Frame[] = [];
  #root: Record<string, unknown> | undefined;
  #state = TEXT;
  /** A name or reference begun in an earlier piece. */
  #partial = '';
  #tagName = '';
  readonly #attributes = new Set<string>();
  #quote = 0;
  /** The last text piece ended in CR: an LF starting the next belongs to it. */
  #pendingCR = false;
  // Per reader, as their lastIndex is state.
  readonly #textStop = /[<&]/g;
  readonly #doubleQuoted = /["<]/g;
  readonly #singleQuoted = /['<]/g;

  constructor(arrayPaths: ReadonlySet<string>) {
    this.#arrays = arrayPaths;
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
        this.#textStop.lastIndex = i;
        const stop = this.#textStop.exec(s);
        const j = stop ? stop.index : n;
        if (j > i) this.#addText(s.slice(i, j));
        if (!stop) return;
        this.#pendingCR = false;
        if (s.charCodeAt(j) === 0x3c) {
          this.#state = LT;
        } else {
          if (this.#stack.length === 0) fail('a reference outside the root element');
          this.#state = REF;
          this.#partial = '&';
        }
        i = j + 1;
        continue;
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
    const qname = this.#tagName;
    const colon = qname.indexOf(':');
    const name = colon < 0 ? qname : qname.slice(colon + 1);
    if (name === '' || FORBIDDEN_NAMES.has(name)) fail(`the element name ${qname}`);
    const parent = this.#stack[this.#stack.length - 1];
    this.#stack.push({ qname, name, path: parent ? `${parent.path}.${name}` : name, text: [] });
    if (empty) this.#close();
    else this.#state = TEXT;
  }

  #close(): void {
    this.#state = TEXT;
    const frame = this.#stack.pop()!;
    const text = frame.text.length === 1 ? frame.text[0]! : frame.text.join('');
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

  #addText(raw: string): void {
    if (this.#pendingCR && raw.charCodeAt(0) === 0x0a) raw = raw.slice(1);
    this.#pendingCR = raw.charCodeAt(raw.length - 1) === 0x0d;
    const open = this.#stack[this.#stack.length - 1];
    if (!open) {
      if (!ONLY_SPACE.test(raw)) fail('text outside the root element');
      return;
    }
    // XML end-of-line handling: CR LF and a lone CR are read as LF (a CR the
    // client means is written `&#13;`, which decodes after this).
    if (raw !== '') open.text.push(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
  }

  #referenceEnded(): void {
    const ref = this.#partial;
    this.#partial = '';
    this.#state = TEXT;
    if (!REFERENCE.test(ref)) fail(`the reference ${ref}`);
    this.#stack[this.#stack.length - 1]!.text.push(decodeXmlText(ref));
  }
}
