// Swift listing rows in S3 terms: timestamps as S3 writes them, and a row's S3 ETag.

/**
 * Swift quirk: listings give `2009-10-12T17:50:30.123456` (UTC, microseconds,
 * no zone). S3 wants milliseconds and `Z`.
 */
export function parseSwiftTimestamp(value: string | undefined): Date {
  if (!value) return new Date(0);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*/.exec(value);
  return new Date(m ? `${m[1]}${m[2] ?? ''}Z` : value);
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The number written by the digits text[from, to), or -1 when one is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return -1;
    n = n * 10 + (c - DIGIT_0);
  }
  return n;
}

/**
 * A listing's `last_modified` in S3's XML form, `2009-10-12T17:50:30.123Z`:
 * what `isoTimestamp(parseSwiftTimestamp(value))` gives, by slicing when the
 * value is the well-formed `YYYY-MM-DDTHH:MM:SS[.ffffff]` Swift writes (no Date
 * per row in a 1000-key page), through a Date otherwise. Milliseconds are
 * truncated, not rounded, as parseSwiftTimestamp does.
 */
export function swiftIsoTimestamp(value: string | undefined): string {
  if (value && value.length >= 19 && value.charCodeAt(4) === 0x2d && value.charCodeAt(7) === 0x2d && value.charCodeAt(10) === 0x54 &&
    value.charCodeAt(13) === 0x3a && value.charCodeAt(16) === 0x3a) {
    const month = digits(value, 5, 7);
    const day = digits(value, 8, 10);
    const hour = digits(value, 11, 13);
    const minute = digits(value, 14, 16);
    const second = digits(value, 17, 19);
    // Days up to 28 exist in every month; later ones (and anything odd) take the Date path.
    if (digits(value, 0, 4) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour >= 0 && hour <= 23 &&
      minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
      if (value.length === 19) return `${value}.000Z`;
      if (value.charCodeAt(19) === 0x2e) {
        let end = 20;
        while (end < value.length && end < 23 && digits(value, end, end + 1) >= 0) end++;
        let rest = end;
        while (rest < value.length && digits(value, rest, rest + 1) >= 0) rest++;
        // Exactly the shape the regex of parseSwiftTimestamp reads whole; with a zone or
        // anything else after the digits, the Date path decides.
        if (rest === value.length && end > 20) return `${value.slice(0, end)}${'000'.slice(end - 20)}Z`;
      }
    }
  }
  return parseSwiftTimestamp(value).toISOString();
}

/**
 * An object's LastModified in a listing: the whole second its HEAD's
 * Last-Modified names. Swift quirk: Swift's HEAD rounds the timestamp up to
 * the next whole second (math.ceil), and Swift's own s3api writes listings the
 * same way (S3Timestamp.s3xmlformat: `ceil`, `.000Z`); a listing that kept the
 * milliseconds would put an object a second before its HEAD, and sync tools
 * that compare listing times with HEAD or with local mtimes (aws s3 sync,
 * rclone) see a change that is not there.
 */
export function listingTimestamp(value: string | undefined): string {
  const iso = swiftIsoTimestamp(value);
  const fraction = value !== undefined && value.charCodeAt(19) === 0x2e ? value.slice(20) : '';
  let subsecond = false;
  for (let i = 0; i < fraction.length; i++) {
    const c = fraction.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) break;
    if (c !== DIGIT_0) {
      subsecond = true;
      break;
    }
  }
  if (!subsecond) return iso;
  const second = digits(iso, 17, 19);
  // No carry into the minute: only the seconds change (59 of 60 rows, no Date).
  if (iso.length === 24 && second >= 0 && second < 59) return `${iso.slice(0, 17)}${String(second + 1).padStart(2, '0')}.000Z`;
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000 + 1000).toISOString();
}

const PLAIN_MD5 = /^[0-9a-f]{32}$/;

/**
 * The S3 ETag of a listing row. Swift's s3api stores a multipart object's S3
 * ETag as a `; s3_etag=<etag>` parameter of the listing hash, this gateway as
 * a sealed `s3gw_etag` parameter of the content type (see seal.ts), which
 * `storedEtag` verifies for the row; other rows carry the plain MD5.
 */
export function listingEtag<R>(hash: string | undefined, contentType?: string, storedEtag?: (row: R) => string | undefined, row?: R): string {
  // Fast path, nearly every row: a plain MD5 and a content type without a stored ETag.
  if (hash !== undefined && PLAIN_MD5.test(hash) && (contentType === undefined || !contentType.includes('s3gw_etag'))) return `"${hash}"`;
  const stored = contentType === undefined || row === undefined ? undefined : storedEtag?.(row);
  if (stored) return `"${stored}"`;
  if (!hash) return '""';
  const [plain, ...params] = hash.split(';');
  for (const param of params) {
    const [name, value] = param.trim().split('=');
    if (name === 's3_etag' && value) return `"${value}"`;
  }
  return `"${plain!.trim().replace(/"/g, '')}"`;
}
