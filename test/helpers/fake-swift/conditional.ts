// Conditional and ranged reads as swob answers them (swift/common/swob.py:
// Range, Match, Response._response_iter): If-None-Match and If-Modified-Since
// give 304, If-Match and If-Unmodified-Since 412; a Range header that does not
// parse is ignored (200), one that parses but fits nothing is 416; a HEAD
// ignores Range.
import { randomBytes } from 'node:crypto';
import { parseHttpDate } from './clock.js';
import { HTML, swiftStatus } from './responses.js';
import type { FakeRequest, FakeResponse } from './types.js';

/** swob.normalize_etag: one pair of surrounding quotes removed. */
export function normalizeEtag(tag: string): string {
  return tag.length > 1 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag;
}

/** swob.Match: the tags of an If-Match / If-None-Match header. */
export class Match {
  readonly tags: ReadonlySet<string>;

  constructor(value: string) {
    const tags = new Set<string>();
    for (const raw of value.split(',')) {
      const tag = raw.trim();
      if (tag) tags.add(normalizeEtag(tag));
    }
    this.tags = tags;
  }

  has(etag: string): boolean {
    return this.tags.has('*') || this.tags.has(normalizeEtag(etag));
  }

  static of(req: FakeRequest, name: 'if-match' | 'if-none-match'): Match | undefined {
    const value = req.header(name);
    return value ? new Match(value) : undefined;
  }
}

type Spec = readonly [number | undefined, number | undefined];

/** swob.Range: the byte-range specs, or undefined when the header must be ignored. */
export function parseRange(header: string | undefined): Spec[] | undefined {
  if (!header) return undefined;
  const value = header.replace(/ /g, '');
  if (!value.toLowerCase().startsWith('bytes=')) return undefined;
  const specs: Spec[] = [];
  for (const part of value.slice(6).split(',')) {
    const dash = part.indexOf('-');
    if (dash < 0) return undefined;
    const [a, b] = [part.slice(0, dash), part.slice(dash + 1)];
    if (a && !/^[+-]?\d+$/.test(a)) return undefined;
    const start = a ? Number(a) : undefined;
    if (b && !/^\d+$/.test(b)) return undefined;
    const end = b ? Number(b) : undefined;
    if (end === undefined && start === undefined) return undefined;
    if (end !== undefined && start !== undefined && end < start) return undefined;
    specs.push([start, end]);
  }
  return specs;
}

/**
 * Range.ranges_for_length: [start, end) pairs; [] means unsatisfiable (416).
 * More than 50 ranges, more than 2 overlaps or 8+ out-of-order ranges count as
 * unsatisfiable too (RFC 7233 6.1, as Swift reads it).
 */
export function rangesForLength(specs: readonly Spec[], length: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [begin, end] of specs) {
    if (begin === undefined) {
      if (end === 0) continue;
      out.push(end! > length ? [0, length] : [length - end!, length]);
      continue;
    }
    if (end === undefined) {
      if (begin < length) out.push([begin, length]);
    } else if (begin < length) {
      out.push([begin, Math.min(end + 1, length)]);
    }
  }
  if (out.length > 50) return [];
  let overlaps = 0;
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      const [s1, e1] = out[i]!;
      const [s2, e2] = out[j]!;
      if ((s1 < s2 && s2 < e1) || (s1 < e2 && e2 < e1) || (s2 < s1 && s1 < e2) || (s2 < e1 && e1 < e2)) {
        if (++overlaps > 2) return [];
      }
    }
  }
  let ascending = true;
  for (let i = 1; i < out.length; i++) {
    const [s1, e1] = out[i - 1]!;
    const [s2, e2] = out[i]!;
    if (s1 > s2 || (s1 === s2 && e1 > e2)) ascending = false;
  }
  if (!ascending && out.length >= 8) return [];
  return out;
}

/** Response._get_conditional_response_status. */
export function conditionalStatus(req: FakeRequest, etag: string | undefined, lastModifiedSeconds: number | undefined): 304 | 412 | undefined {
  const ifNoneMatch = Match.of(req, 'if-none-match');
  const ifMatch = Match.of(req, 'if-match');
  if (etag && ifNoneMatch?.has(etag)) return 304;
  if (etag && ifMatch && !ifMatch.has(etag)) return 412;
  if (lastModifiedSeconds !== undefined) {
    const since = parseHttpDate(req.header('if-modified-since'));
    if (since !== undefined && lastModifiedSeconds <= since) return 304;
    const unmodified = parseHttpDate(req.header('if-unmodified-since'));
    if (unmodified !== undefined && lastModifiedSeconds > unmodified) return 412;
  }
  return undefined;
}

export interface Entity {
  /** The etag conditions compare with (an SLO's is the large object's, not the manifest's). */
  readonly etag: string;
  readonly lastModifiedSeconds: number;
  readonly length: number;
  /** Bytes [start, end) of the entity (an SLO is assembled from its segments only when read). */
  read(start: number, end: number): Buffer;
  /**
   * Where the entity stops being readable (an SLO segment that is gone or
   * changed): a read starting there is a 409, one that reaches it is cut.
   */
  readonly failAt?: number;
}

/** eventlet's minimum_write_chunk_size: it holds the headers back until this much body is ready. */
const EVENTLET_CHUNK = 4096;

/**
 * What was read of [start, end): the bytes, 'conflict' when the first of them
 * cannot be read, 'unsent' when the read fails before eventlet sent anything.
 */
function readRange(res: FakeResponse, entity: Entity, start: number, end: number): Buffer | 'conflict' | 'unsent' {
  const failAt = entity.failAt;
  if (failAt === undefined || failAt >= end) return entity.read(start, end);
  if (failAt <= start) return 'conflict';
  if (failAt - start < EVENTLET_CHUNK) return 'unsent';
  // Headers and what was flushed are out; the server then closes the connection.
  res.cutAfter = failAt - start;
  res.cutWith = 'UND_ERR_SOCKET';
  return entity.read(start, end);
}

/**
 * Swift quirk: a large object that fails after its first segment, before
 * eventlet wrote anything, is answered 500 by eventlet itself (debug on: the
 * traceback of catch_errors' BadResponseLength as the body, no X-Trans-Id).
 */
function unsent(res: FakeResponse, missing: number): FakeResponse {
  const tb = [
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3/dist-packages/eventlet/wsgi.py", line 587, in handle_one_response',
    '    for data in result:',
    '  File "/usr/lib/python3/dist-packages/swift/common/middleware/catch_errors.py", line 39, in enforce_byte_count',
    '    for chunk in inner_iter:',
    '  File "/usr/lib/python3/dist-packages/swift/common/utils.py", line 4222, in __next__',
    '    return next(self.chained_iter)',
    '           ^^^^^^^^^^^^^^^^^^^^^^^',
    '  File "/usr/lib/python3/dist-packages/swift/common/middleware/proxy_logging.py", line 441, in iter_response',
    '    for chunk in iterator:',
    '  File "/usr/lib/python3/dist-packages/swift/common/middleware/catch_errors.py", line 51, in enforce_byte_count',
    "    raise BadResponseLength('Expected another %d bytes' % (",
    `swift.common.middleware.catch_errors.BadResponseLength: Expected another ${missing} bytes`,
    '',
  ].join('\n');
  res.status = 500;
  res.headers.length = 0;
  res.headers.push(['Content-type', 'text/plain']);
  res.body = Buffer.from(tb);
  res.contentLength = res.body.length;
  res.bare = true;
  return res;
}

function failed(res: FakeResponse, outcome: 'conflict' | 'unsent', entity: Entity, end: number): FakeResponse {
  return outcome === 'conflict' ? conflict(res) : unsent(res, end - entity.failAt!);
}

function conflict(res: FakeResponse): FakeResponse {
  // SegmentedIterable.validate_first_segment failed: the SLO middleware answers 409.
  const err = swiftStatus(409);
  res.status = 409;
  res.headers.length = 0;
  res.headers.push(...err.headers);
  res.body = err.body;
  res.contentLength = err.body.length;
  return res;
}

/**
 * Turns a full 200 answer (headers set, no body yet) into what swob sends for
 * this request: 304/412 with no body, a HEAD's headers, 206 for one range,
 * multipart/byteranges for several, 416 for none, else the whole body.
 */
export function serveEntity(req: FakeRequest, res: FakeResponse, entity: Entity): FakeResponse {
  const cond = conditionalStatus(req, entity.etag, entity.lastModifiedSeconds);
  if (cond !== undefined) {
    res.status = cond;
    res.body = Buffer.alloc(0);
    res.contentLength = 0;
    // Swift quirk: a 412 is rebuilt by the proxy as an error (text/html, no
    // Accept-Ranges) with the object's other headers; a 304 keeps them all.
    if (cond === 412) {
      res.set('Content-Type', HTML);
      res.remove('Accept-Ranges');
    }
    return res;
  }
  const length = entity.length;
  if (req.method === 'HEAD') {
    res.body = Buffer.alloc(0);
    res.contentLength = length;
    return res;
  }
  const specs = parseRange(req.header('range'));
  const ranges = specs && rangesForLength(specs, length);
  if (ranges && ranges.length === 0) {
    const err = swiftStatus(416);
    res.status = 416;
    res.body = err.body;
    res.contentLength = err.body.length;
    res.set('Content-Range', `bytes */${length}`);
    return res;
  }
  if (!ranges || length === 0) {
    const body = readRange(res, entity, 0, length);
    if (typeof body === 'string') return failed(res, body, entity, length);
    res.body = body;
    res.contentLength = length;
    return res;
  }
  res.status = 206;
  if (ranges.length === 1) {
    const [start, end] = ranges[0]!;
    const body = readRange(res, entity, start, end);
    if (typeof body === 'string') return failed(res, body, entity, end);
    res.set('Content-Range', `bytes ${start}-${end - 1}/${length}`);
    res.body = body;
    res.contentLength = end - start;
    return res;
  }
  const boundary = randomBytes(16).toString('hex');
  const type = res.get('Content-Type') ?? 'application/octet-stream';
  const parts: Buffer[] = [];
  for (const [start, end] of ranges) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${start}-${end - 1}/${length}\r\n\r\n`));
    parts.push(entity.read(start, end), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--`));
  res.set('Content-Type', `multipart/byteranges;boundary=${boundary}`);
  res.body = Buffer.concat(parts);
  res.contentLength = res.body.length;
  return res;
}

/** An entity that is one Buffer. */
export function bufferEntity(etag: string, lastModifiedSeconds: number, body: Buffer): Entity {
  return { etag, lastModifiedSeconds, length: body.length, read: (start, end) => body.subarray(start, end) };
}
