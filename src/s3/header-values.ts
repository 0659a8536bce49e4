// What can go into an HTTP response header. node refuses (throws on) a header
// name that is not an RFC 9110 token, a value with a control character other
// than tab, and, when the response has a Content-Length, a value whose bytes
// (node writes a header string one byte per character) are not valid UTF-8.
// Values are checked before any Swift call where they come from the client,
// and metadata from Swift that cannot be sent is left out, so a response never
// fails half-written.

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// C0 controls but tab, and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function isSendableHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * A value the client gave as text (a response-* override), as it can be sent:
 * non-ASCII text goes out as its UTF-8 bytes, as S3 sends it. Undefined when
 * it holds a control character (CR, LF, NUL, DEL, ...).
 */
export function headerValueFromText(value: string): string | undefined {
  if (CONTROL.test(value)) return undefined;
  return ASCII.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/**
 * A value read from Swift's response (its bytes, one character each), or
 * undefined when it cannot be sent: a control character, or bytes that are
 * not UTF-8.
 */
export function headerValueFromBytes(value: string): string | undefined {
  if (CONTROL.test(value)) return undefined;
  if (ASCII.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  if (bytes.toString('latin1') !== value) return undefined;
  try {
    UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  return value;
}
