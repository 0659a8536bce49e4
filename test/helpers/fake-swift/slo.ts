// Static large objects (swift/common/middleware/slo.py): the manifest PUT
// (?multipart-manifest=put: parse, HEAD every segment with the caller's token,
// refuse with Swift's words, store Swift's own JSON), the large object read
// back (its segments concatenated, its ETag the MD5 of their ETags), and the
// raw manifest (?multipart-manifest=get&format=raw).
import { ceilSeconds } from './clock.js';
import { normalizeEtag, parseRange, rangesForLength, type Entity } from './conditional.js';
import { md5, objectBytes, type SloInfo, type StoredObject } from './model.js';
import { pyJson, pyQuote, pyUnquote } from './python.js';
import { reason, swiftStatus, swiftText } from './responses.js';
import { lookup, splitContainerObject, type Call, type SwiftContext } from './swift-context.js';
import type { FakeResponse } from './types.js';

/** One segment as the SLO middleware stores it in the manifest object. */
export interface StoredSegment {
  readonly name: string;
  readonly bytes: number;
  readonly hash: string;
  readonly content_type: string;
  readonly last_modified: string;
  readonly range?: string;
  readonly sub_slo?: boolean;
}

const HTML_TYPE = 'text/html; charset=UTF-8';
const NEITHER = "expected keys to include one of 'data' or 'path'";

interface SegmentHead { readonly length: number; readonly etag: string; readonly contentType: string; readonly lastModified: number; readonly slo: boolean }

/** What a HEAD of the segment with the caller's token says: the object's facts, or `404 Not Found` and the like. */
function headSegment(ctx: SwiftContext, call: Call, path: string): SegmentHead | string {
  const split = splitContainerObject(path);
  if (!split) return '400 Bad Request';
  let account = call.account;
  let [container, object] = split;
  for (let hops = 0; ; hops++) {
    const found = lookup(ctx, call, account, container, object);
    if ('status' in found) return `${found.status} ${reason(found.status)}`;
    const o = found.object;
    if (o.symlink) {
      if (hops >= ctx.limits().symloopMax) return '409 Conflict';
      account = o.symlink.account ?? account;
      [container, object] = splitContainerObject(pyUnquote(o.symlink.target))!;
      continue;
    }
    return { length: objectBytes(o), etag: o.slo ? o.slo.etag : o.etag, contentType: o.contentType, lastModified: ceilSeconds(o.timestamp), slo: Boolean(o.slo) };
  }
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19) + '.000000';
}

/** The manifest to store for a ?multipart-manifest=put, or Swift's refusal. */
export function putManifest(ctx: SwiftContext, call: Call): { data: Buffer; slo: SloInfo } | FakeResponse {
  const req = call.req;
  const limits = ctx.limits();
  if (req.header('x-copy-from')) return swiftText(405, 'Multipart Manifest PUTs cannot be COPY requests', HTML_TYPE);
  if (req.body.length > limits.maxManifestSize) return swiftText(413, `Manifest File > ${limits.maxManifestSize} bytes`, HTML_TYPE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    return swiftText(400, 'Manifest must be valid JSON.\n', HTML_TYPE);
  }
  if (!Array.isArray(parsed)) return swiftText(400, 'Manifest must be a list.\n', HTML_TYPE);
  const errors: string[] = [];
  const segments: { path: string; etag?: string; size?: number; range?: string }[] = [];
  parsed.forEach((seg: unknown, i) => {
    if (!seg || typeof seg !== 'object' || Array.isArray(seg)) return errors.push(`Index ${i}: not a JSON object`);
    const d = seg as Record<string, unknown>;
    // Inline `data` segments are not modelled.
    if (!('path' in d)) return errors.push(NEITHER);
    const extra = Object.keys(d).filter((k) => !['path', 'range', 'etag', 'size_bytes'].includes(k)).sort();
    if (extra.length) return errors.push(`Index ${i}: extraneous keys ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
    if (typeof d['path'] !== 'string') return errors.push(`Index ${i}: "path" must be a string`);
    if (!(d['etag'] === undefined || d['etag'] === null || typeof d['etag'] === 'string')) return errors.push(`Index ${i}: "etag" must be a string or null (if provided)`);
    if (!d['path'].replace(/^\/+|\/+$/g, '').includes('/')) {
      return errors.push(`Index ${i}: path does not refer to an object. Path must be of the form /container/object.`);
    }
    let size: number | undefined;
    if (d['size_bytes'] !== undefined && d['size_bytes'] !== null) {
      size = Number(d['size_bytes']);
      if (!Number.isInteger(size) || (typeof d['size_bytes'] === 'string' && !/^\s*[+-]?\d+\s*$/.test(d['size_bytes']))) return errors.push(`Index ${i}: invalid size_bytes`);
      if (size < 1 && i !== parsed.length - 1) return errors.push(`Index ${i}: too small; each segment must be at least 1 byte.`);
    }
    if (`/v1/${call.account}/${d['path'].replace(/^\/+/, '')}` === `/v1/${call.account}/${call.container}/${call.object}`) {
      return errors.push(`Index ${i}: manifest must not include itself as a segment`);
    }
    let range: string | undefined;
    if (d['range']) {
      const specs = parseRange(`bytes=${String(d['range'])}`);
      if (!specs) return errors.push(`Index ${i}: invalid range`);
      if (specs.length > 1) return errors.push(`Index ${i}: multiple ranges (only one allowed)`);
      if (size !== undefined && rangesForLength(specs, size).length !== 1) return errors.push(`Index ${i}: unsatisfiable range`);
      range = String(d['range']);
    }
    segments.push({ path: d['path'], ...(typeof d['etag'] === 'string' ? { etag: d['etag'] } : {}), ...(size !== undefined ? { size } : {}), ...(range ? { range } : {}) });
    return undefined;
  });
  // Swift quirk: two refusals raise instead (slo.py parse_and_validate_input), and catch_errors
  // answers 500: a segment with neither key (its message joins str into bytes), and a segment that
  // is a number, true/false or null met by the final `all('data' in d ...)` before any segment
  // without 'data' stops it.
  if (errors.includes(NEITHER)) return swiftText(500, 'An error occurred');
  for (const d of parsed as unknown[]) {
    if (d === null || typeof d === 'number' || typeof d === 'boolean') return swiftText(500, 'An error occurred');
    const hasData = typeof d === 'string' ? d.includes('data') : Array.isArray(d) ? d.includes('data') : 'data' in (d as object);
    if (!hasData) break;
  }
  if (errors.length) return swiftText(400, errors.map((e) => e + '\n').join(''));
  if (segments.length > limits.maxManifestSegments) {
    return swiftText(413, `Number of object-backed segments must be <= ${limits.maxManifestSegments}`, HTML_TYPE);
  }

  const heads = new Map<string, SegmentHead | string>();
  for (const seg of segments) if (!heads.has(seg.path)) heads.set(seg.path, headSegment(ctx, call, seg.path));
  const problems: [string, string][] = [];
  const stored: StoredSegment[] = [];
  let total = 0;
  segments.forEach((seg, i) => {
    const head = heads.get(seg.path)!;
    const name = pyQuote(seg.path);
    if (typeof head === 'string') return problems.push([name, head]);
    let length = head.length;
    let range = seg.range;
    if (range) {
      const ranges = rangesForLength(parseRange(`bytes=${range}`)!, head.length);
      if (ranges.length === 0) problems.push([name, 'Unsatisfiable Range']);
      else if (ranges[0]![0] === 0 && ranges[0]![1] === head.length) range = undefined;
      else {
        range = `${ranges[0]![0]}-${ranges[0]![1] - 1}`;
        length = ranges[0]![1] - ranges[0]![0];
      }
    }
    if (length < 1 && i !== segments.length - 1) problems.push([name, 'Too small; each segment must be at least 1 byte.']);
    if (seg.size !== undefined && seg.size !== head.length) problems.push([name, 'Size Mismatch']);
    if (seg.etag !== undefined && seg.etag !== head.etag) problems.push([name, 'Etag Mismatch']);
    stored.push({
      name: '/' + seg.path.replace(/^\/+/, ''),
      bytes: head.length,
      hash: head.etag,
      content_type: head.contentType,
      last_modified: isoSeconds(head.lastModified),
      ...(range ? { range } : {}),
      ...(head.slo ? { sub_slo: true } : {}),
    });
    total += length;
    return undefined;
  });
  if (problems.length) return swiftText(400, 'Errors:\n' + problems.map(([n, s]) => `${n}, ${s}\n`).join(''));
  const etag = md5(stored.map((s) => (s.range ? `${s.hash}:${s.range};` : s.hash)).join(''));
  const client = req.header('etag');
  if (client && normalizeEtag(client) !== etag) return swiftStatus(422);
  return { data: Buffer.from(pyJson(stored), 'utf8'), slo: { etag, size: total } };
}

export function storedSegments(o: StoredObject): StoredSegment[] {
  return JSON.parse(o.data.toString('utf8')) as StoredSegment[];
}

/** ?multipart-manifest=get&format=raw: the segments as a client would PUT them (convert_segment_listing). */
export function rawManifest(o: StoredObject): Buffer {
  const raw = storedSegments(o).map((s) => {
    const out: Record<string, unknown> = { etag: s.hash, path: s.name };
    if (s.range) out['range'] = s.range;
    out['size_bytes'] = s.bytes;
    return out;
  });
  return Buffer.from(pyJson(raw), 'utf8');
}

/**
 * The large object as a GET reads it: each segment fetched with the caller's
 * token and checked against the manifest (gone, or another ETag or size, and
 * the read fails there: a 409 if nothing was sent yet, else a cut body).
 */
export function sloEntity(ctx: SwiftContext, call: Call, account: string, o: StoredObject, depth = 0): Entity {
  const parts: Buffer[] = [];
  let failAt: number | undefined;
  let offset = 0;
  for (const seg of storedSegments(o)) {
    const [start, end] = seg.range ? seg.range.split('-').map(Number) as [number, number] : [0, seg.bytes - 1];
    const length = end - start + 1;
    let data: Buffer | undefined;
    if (failAt === undefined) {
      const split = splitContainerObject(seg.name);
      const found = split ? lookup(ctx, call, account, split[0], split[1]) : undefined;
      if (found && !('status' in found)) {
        const s = found.object;
        if (s.slo && depth < 10) {
          const inner = sloEntity(ctx, call, account, s, depth + 1);
          if (inner.failAt === undefined && s.slo.etag === seg.hash && s.slo.size === seg.bytes) data = inner.read(start, end + 1);
        } else if (!s.slo && !s.symlink && s.etag === seg.hash && s.data.length === seg.bytes) {
          data = s.data.subarray(start, end + 1);
        }
      }
      if (!data) failAt = offset;
    }
    parts.push(data ?? Buffer.alloc(length));
    offset += length;
  }
  const body = Buffer.concat(parts);
  return {
    etag: o.slo!.etag,
    lastModifiedSeconds: ceilSeconds(o.timestamp),
    length: o.slo!.size,
    read: (s, e) => body.subarray(s, e),
    ...(failAt !== undefined ? { failAt } : {}),
  };
}
