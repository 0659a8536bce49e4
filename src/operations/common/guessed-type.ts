// The Content-Type Swift gives an object PUT without one: guessed from the
// name's extension by Python's mimetypes, which reads the system's
// /etc/mime.types (Debian's media-types). The gateway guesses the same way
// where it writes an object whose name Swift never sees with the data (a
// staged PUT's manifest, object/staged-put.ts), so such an object gets the
// type a plain PUT of the same name would have got.
import { readFileSync } from 'node:fs';

const FALLBACK = 'application/octet-stream';
let table: Map<string, string> | undefined;

/** extension → type, from a mime.types text (`type ext1 ext2 …`, `#` comments). */
export function parseMimeTypes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [type, ...exts] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!type) continue;
    // The first file entry wins in Python's reading order; within one file, a later line does.
    for (const ext of exts) out.set(ext.toLowerCase(), type);
  }
  return out;
}

function systemTable(): Map<string, string> {
  if (table === undefined) {
    try {
      table = parseMimeTypes(readFileSync('/etc/mime.types', 'utf8'));
    } catch {
      table = new Map(); // no table on this host: everything is the fallback
    }
  }
  return table;
}

// Python's suffix_map and encodings_map: `a.tgz` is `a.tar.gz`, and `.gz`
// names an encoding, so the type is the one before it (`a.tar.gz` is
// application/x-tar, `a.gz` has none).
const SUFFIXES: Readonly<Record<string, string>> = { svgz: 'svg.gz', tgz: 'tar.gz', taz: 'tar.gz', tz: 'tar.gz', tbz2: 'tar.bz2', txz: 'tar.xz' };
const ENCODINGS = new Set(['gz', 'Z', 'bz2', 'xz', 'br']);

const extOf = (base: string): string | undefined => {
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? undefined : base.slice(dot + 1); // a leading dot starts a name, not an extension (posixpath.splitext)
};

/** The type for an object name, as Swift would guess it; application/octet-stream when nothing matches. */
export function guessedContentType(name: string, types: ReadonlyMap<string, string> = systemTable()): string {
  let base = name.slice(name.lastIndexOf('/') + 1);
  let ext = extOf(base);
  if (ext !== undefined && SUFFIXES[ext.toLowerCase()] !== undefined) {
    base = base.slice(0, -ext.length) + SUFFIXES[ext.toLowerCase()];
    ext = extOf(base);
  }
  if (ext !== undefined && (ENCODINGS.has(ext) || ENCODINGS.has(ext.toLowerCase()))) {
    base = base.slice(0, -ext.length - 1);
    ext = extOf(base);
  }
  if (ext === undefined) return FALLBACK;
  return types.get(ext) ?? types.get(ext.toLowerCase()) ?? FALLBACK;
}
