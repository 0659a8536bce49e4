// What Swift and Keystone (Python) do to strings, where the exact bytes show:
// json.dumps's layout (an SLO manifest's ETag is the MD5 of it), str.title()
// (how a WSGI header name comes back), urllib.parse.quote/parse_qsl, and the
// order SQLite sorts names in (UTF-8 bytes, i.e. code points).

/** json.dumps(value) with Python's defaults: `, ` and `: ` separators, ASCII only. */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return '[' + value.map(pyJson).join(', ') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    parts.push(`${pyString(k)}: ${pyJson(v)}`);
  }
  return '{' + parts.join(', ') + '}';
}

function pyString(s: string): string {
  // JSON.stringify escapes what Python escapes below U+0080; ensure_ascii does the rest.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Python's str.title(): a letter after a non-letter is upper-cased, every other letter lower-cased. */
export function pyTitle(s: string): string {
  let out = '';
  let prevLetter = false;
  for (const c of s) {
    const isLetter = c.toLowerCase() !== c.toUpperCase();
    out += isLetter ? (prevLetter ? c.toLowerCase() : c.toUpperCase()) : c;
    prevLetter = isLetter;
  }
  return out;
}

/**
 * urllib.parse.quote(value, safe): letters, digits and `_.-~` are never quoted;
 * everything else, as UTF-8, becomes %XX (upper-case hex) unless in `safe`.
 */
export function pyQuote(value: string, safe = '/'): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || (byte < 0x80 && safe.includes(c))) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** urllib.parse.unquote: %XX sequences decoded as UTF-8 (invalid ones kept as they are). */
export function pyUnquote(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** dict(urllib.parse.parse_qsl(query, keep_blank_values=True)): `+` is a space, the last value wins. */
export function parseQs(query: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.set(pyUnquote(name.replace(/\+/g, ' ')), pyUnquote(value.replace(/\+/g, ' ')));
  }
  return out;
}

/** Swift's config_true_value. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes', 'on', 't', 'y'].includes(value.toLowerCase());
}

/** A UTF-16 code unit remapped so that comparing them orders strings by code point (as SQLite orders UTF-8). */
function codePointOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Orders names as Swift's SQLite listings do: by UTF-8 bytes, which is code point order. */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) - codePointOrder(y);
  }
  return a.length - b.length;
}

/** `s[:-1] + chr(ord(s[-1]) + 1)`: the first string after every string that starts with `s`. */
export function afterPrefix(s: string): string {
  const chars = Array.from(s);
  const last = chars.pop()!;
  return chars.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}
