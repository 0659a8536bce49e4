// Metadata rules: swift/common/constraints.py check_metadata (the limits and
// the words of each refusal) and check_delete_headers, and which request
// headers an object keeps (swift/obj/server.py allowed_headers).
import { pyTitle } from './python.js';
import { swiftText } from './responses.js';
import type { FakeRequest, FakeResponse } from './types.js';

export interface MetaLimits {
  readonly maxMetaNameLength: number;
  readonly maxMetaValueLength: number;
  readonly maxMetaCount: number;
  readonly maxMetaOverallSize: number;
  readonly maxHeaderSize: number;
}

/**
 * The header as the WSGI layer hands it on: `HTTP_X_OBJECT_META_COLOR` comes
 * back as `X-Object-Meta-Color` (str.title() of the name).
 */
export function wsgiName(name: string): string {
  return pyTitle(name.replace(/_/g, '-'));
}

/**
 * check_metadata: the first refusal in header order, or undefined. Lengths are
 * of the header as sent: WSGI hands Swift latin-1 strings, one character per
 * byte on the wire (and undici and node:http write and read headers as latin-1).
 */
export function checkMetadata(req: FakeRequest, target: 'object' | 'container' | 'account', limits: MetaLimits): FakeResponse | undefined {
  const prefix = `x-${target}-meta-`;
  let count = 0;
  let size = 0;
  for (const [rawName, value] of req.headerList) {
    const name = wsgiName(rawName);
    if (value.length > limits.maxHeaderSize) {
      return swiftText(400, `Header value too long: ${name.slice(0, limits.maxMetaNameLength)}`);
    }
    if (!name.toLowerCase().startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (!key) return swiftText(400, 'Metadata name cannot be empty');
    count++;
    size += key.length + value.length;
    if (key.length > limits.maxMetaNameLength) return swiftText(400, `Metadata name too long: ${prefix}${key}`);
    if (value.length > limits.maxMetaValueLength) {
      return swiftText(400, `Metadata value longer than ${limits.maxMetaValueLength}: ${prefix}${key}`);
    }
    if (count > limits.maxMetaCount) return swiftText(400, `Too many metadata items; max ${limits.maxMetaCount}`);
    if (size > limits.maxMetaOverallSize) return swiftText(400, `Total metadata too large; max ${limits.maxMetaOverallSize}`);
  }
  return undefined;
}

/**
 * check_delete_headers: X-Delete-After becomes X-Delete-At (now + after); both
 * must be whole numbers in the future. Returns the delete-at second, nothing,
 * or Swift's 400.
 */
export function deleteAt(req: FakeRequest, nowSeconds: number): number | undefined | FakeResponse {
  let at: number | undefined;
  const after = req.header('x-delete-after');
  if (after !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(after)) return swiftText(400, 'Non-integer X-Delete-After');
    // normalize_delete_at_timestamp: whole seconds, as a 10-digit string.
    at = Math.floor(nowSeconds + Number(after));
    if (at <= nowSeconds) return swiftText(400, 'X-Delete-After in past');
    return at;
  }
  const given = req.header('x-delete-at');
  if (given !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(given)) return swiftText(400, 'Non-integer X-Delete-At');
    at = Math.max(0, Math.floor(Number(given)));
    if (at <= nowSeconds) return swiftText(400, 'X-Delete-At in past');
  }
  return at;
}

/**
 * What the object server stores of a PUT or POST besides user metadata
 * (allowed_headers; X-Delete-At, X-Object-Manifest and X-Static-Large-Object
 * are handled on their own). Stored and returned in str.title() case.
 */
export const KEPT_HEADERS = ['content-disposition', 'content-encoding', 'cache-control', 'content-language', 'expires', 'x-robots-tag'] as const;

export function keptHeaders(req: FakeRequest): [string, string][] {
  const out: [string, string][] = [];
  for (const name of KEPT_HEADERS) {
    const value = req.header(name);
    if (value !== undefined) out.push([pyTitle(name), value]);
  }
  return out;
}

/** The X-Object-Meta-* of a request, names as Swift stores them; an empty value is kept (objects only). */
export function objectMeta(req: FakeRequest): [string, string][] {
  const out = new Map<string, [string, string]>();
  for (const [rawName, value] of req.headerList) {
    const name = wsgiName(rawName);
    if (name.toLowerCase().startsWith('x-object-meta-')) out.set(name.toLowerCase(), [name, value]);
  }
  return [...out.values()];
}
