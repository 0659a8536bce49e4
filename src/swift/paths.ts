// Swift request paths, built by hand and handed to undici as a path string:
// WHATWG URL (which undici applies to a URL string) would collapse `.`/`..`
// segments (even as %2E) and `//` inside object names, so no URL object may
// ever see these paths.

/** Percent-encodes one path segment; `.` and `..` as %2E so a plain path normaliser leaves them. */
export function encodeSegment(segment: string): string {
  if (segment === '.') return '%2E';
  if (segment === '..') return '%2E%2E';
  return encodeURIComponent(segment);
}

/** An object name as a path: each `/`-separated segment encoded, empty segments kept. */
export function encodeObjectPath(name: string): string {
  return name.split('/').map(encodeSegment).join('/');
}

export function encodeQuery(query: Readonly<Record<string, string | number | undefined>>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? '' : '?' + parts.join('&');
}

/** `/v1/AUTH_x` + `/container` + `/object` + `?query` from a storage URL's path. */
export function swiftPath(
  accountPath: string,
  container?: string,
  object?: string,
  query: Readonly<Record<string, string | number | undefined>> = {},
): string {
  let path = accountPath.replace(/\/+$/, '');
  if (container !== undefined) path += '/' + encodeSegment(container);
  if (object !== undefined) path += '/' + encodeObjectPath(object);
  return path + encodeQuery(query);
}
