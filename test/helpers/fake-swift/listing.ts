// Account and container listings: the name walk of Swift's SQLite brokers
// (swift/container/backend.py list_objects_iter, which the account broker's
// list_containers_iter mirrors), their query parameters, and the JSON rows.
import { isoformat } from './clock.js';
import { objectBytes, type Account, type Container, type StoredObject } from './model.js';
import { afterPrefix, compareNames, isTrue, pyJson } from './python.js';
import { swiftText } from './responses.js';
import type { FakeRequest, FakeResponse } from './types.js';

export interface ListParams {
  readonly limit: number;
  readonly marker: string;
  readonly endMarker: string;
  readonly prefix: string | undefined;
  readonly delimiter: string | undefined;
  readonly path: string | undefined;
  readonly reverse: boolean;
}

export type Entry = { readonly name: string } | { readonly subdir: string };

/** First index whose name is > (or, inclusive, >=) `bound`. */
function lowerIndex(names: readonly string[], bound: string, inclusive: boolean): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareNames(names[mid]!, bound);
    if (c < 0 || (!inclusive && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Swift's listing walk over sorted names. A faithful port: with a delimiter it
 * emits one `subdir` per common prefix and jumps past it; `reverse` swaps the
 * markers; `path` is prefix + `/` without subdirs.
 */
export function listEntries(names: readonly string[], p: ListParams): Entry[] {
  let { marker, endMarker, prefix, delimiter } = p;
  const { path, reverse, limit } = p;
  if (reverse) [marker, endMarker] = [endMarker, marker];
  let thePath = path;
  if (thePath !== undefined) {
    prefix = thePath = thePath ? thePath.replace(/\/+$/, '') + '/' : thePath;
    delimiter = '/';
  } else if (delimiter && !prefix) {
    prefix = '';
  }
  const endPrefix = prefix ? afterPrefix(prefix) : undefined;
  const origMarker = marker;
  let delimForceGte = false;
  const results: Entry[] = [];
  while (results.length < limit) {
    // The SQL WHERE clause, as index bounds.
    let hi = names.length;
    if (endMarker && (!prefix || compareNames(endMarker, endPrefix!) < 0)) hi = lowerIndex(names, endMarker, true);
    else if (prefix) hi = lowerIndex(names, endPrefix!, true);
    let lo = 0;
    if (delimForceGte) {
      lo = lowerIndex(names, marker, true);
      delimForceGte = false;
    } else if (marker && (!prefix || compareNames(marker, prefix) >= 0)) lo = lowerIndex(names, marker, false);
    else if (prefix) lo = lowerIndex(names, prefix, true);
    const want = limit - results.length;
    const rows: string[] = [];
    if (reverse) for (let i = hi - 1; i >= lo && rows.length < want; i--) rows.push(names[i]!);
    else for (let i = lo; i < hi && rows.length < want; i++) rows.push(names[i]!);

    if (prefix === undefined || !delimiter) return rows.map((name) => ({ name }));

    let rowcount = 0;
    for (const name of rows) {
      rowcount++;
      if (reverse) endMarker = name;
      else marker = name;
      if (results.length >= limit) return results;
      const end = name.indexOf(delimiter, prefix.length);
      if (thePath !== undefined) {
        if (name === thePath) continue;
        if (end >= 0 && name.length > end + delimiter.length) {
          if (reverse) endMarker = name.slice(0, end + delimiter.length);
          else marker = name.slice(0, end) + afterPrefix(delimiter);
          break;
        }
      } else if (end >= 0) {
        if (reverse) endMarker = name.slice(0, end + delimiter.length);
        else {
          marker = name.slice(0, end) + afterPrefix(delimiter);
          // the next query starts at delimiter + 1, inclusive
          delimForceGte = true;
        }
        const dirName = name.slice(0, end + delimiter.length);
        if (dirName !== origMarker) results.push({ subdir: dirName });
        break;
      }
      results.push({ name });
    }
    if (!rowcount) break;
  }
  return results;
}

/**
 * The listing parameters, or Swift's 412 for a limit above the cluster's
 * (request_helpers.constrain_req_limit). A limit that is not a whole number is ignored.
 */
export function listParams(req: FakeRequest, maxLimit: number): ListParams | FakeResponse {
  const q = req.query;
  const given = q.get('limit');
  let limit = maxLimit;
  if (given && /^\d+$/.test(given)) {
    limit = Number(given);
    if (limit > maxLimit) return swiftText(412, `Maximum limit is ${maxLimit}`, 'text/html; charset=UTF-8');
  }
  return {
    limit,
    marker: q.get('marker') ?? '',
    endMarker: q.get('end_marker') ?? '',
    prefix: q.get('prefix') || undefined,
    delimiter: q.get('delimiter') || undefined,
    path: q.get('path'),
    reverse: isTrue(q.get('reverse')),
  };
}

/** The format a listing is written in: `format=` wins over Accept (listing_formats.get_listing_content_type). */
export function listingFormat(req: FakeRequest): 'json' | 'plain' | 'xml' {
  const format = req.query.get('format')?.toLowerCase();
  if (format) return format === 'json' ? 'json' : format === 'xml' ? 'xml' : 'plain';
  const accept = req.header('accept') ?? '';
  if (/application\/json/.test(accept)) return 'json';
  if (/(application|text)\/xml/.test(accept)) return 'xml';
  return 'plain';
}

/** A container listing row as the container server writes it (update_data_record). */
export function objectRow(account: string, o: StoredObject): Record<string, unknown> {
  const row: Record<string, unknown> = {
    bytes: objectBytes(o),
    hash: o.etag,
    name: o.name,
    content_type: o.contentType,
    last_modified: isoformat(o.timestamp),
  };
  if (o.slo) row['slo_etag'] = `"${o.slo.etag}"`;
  if (o.symlink) row['symlink_path'] = `/v1/${o.symlink.account ?? account}/${o.symlink.target}`;
  return row;
}

export function containerRows(account: string, container: Container, entries: readonly Entry[]): Record<string, unknown>[] {
  return entries.map((e) => ('subdir' in e ? { subdir: e.subdir } : objectRow(account, container.objects.get(e.name)!)));
}

/** What the account knows of a container's use (see Container.reported). */
export function reportedUse(c: Container, live: boolean): { count: number; bytes: number } {
  return live ? { count: c.objects.size, bytes: c.bytesUsed() } : c.reported;
}

export function accountRows(account: Account, entries: readonly Entry[], live: boolean): Record<string, unknown>[] {
  return entries.map((e) => {
    if ('subdir' in e) return { subdir: e.subdir };
    const c = account.containers.get(e.name)!;
    const use = reportedUse(c, live);
    return { name: c.name, count: use.count, bytes: use.bytes, last_modified: isoformat(c.putTimestamp) };
  });
}

/** The body of a listing: JSON as Python's json.dumps writes it, or one name per line. */
export function listingBody(format: 'json' | 'plain', rows: readonly Record<string, unknown>[]): Buffer {
  if (format === 'json') return Buffer.from(pyJson(rows), 'ascii');
  return Buffer.from(rows.map((r) => `${(r['name'] ?? r['subdir']) as string}\n`).join(''), 'utf8');
}
