// The typed Swift layer: one method per Swift call the gateway makes, each
// returning typed values. Every answer a call does not expect becomes a
// SwiftError (status, method, target, a 400's text); every body that is not
// handed to the caller is released here. Two Swift rules live only here: an
// object POST replaces all its metadata (updateReserved re-sends what was
// written), and where the gateway's own state sits on an object (reserved
// items and the multipart ETag, sealed: see sealed-state.ts).
// https://docs.openstack.org/api-ref/object-store/
import type { Readable } from 'node:stream';
import type { SwiftResponse, SwiftSession } from './client.js';
import { discard, readText, release } from './client.js';
import { SwiftError } from './errors.js';
import type { SwiftLimits } from './info.js';
import type { SwiftToken } from './keystone.js';
import { parseListing, type ContainerRow, type ObjectRow } from './listing.js';
import { containerInfo, objectInfo, type ContainerInfo, type ObjectInfo } from './object-info.js';
import { encodeObjectPath, encodeSegment } from './paths.js';
import { forEachConcurrently } from './pool.js';
import { CONTAINER_RESERVED, hasClassParam, hasSinceParam, plainContentType, reservedHeader, type Reserved, type SealTarget, type Sealer } from './sealed-state.js';

export type { ContainerInfo, ObjectInfo } from './object-info.js';
export type { ContainerRow, ObjectRow } from './listing.js';

type Headers = Readonly<Record<string, string | undefined>>;

export interface ObjectRead {
  /** Whole object, a range of it (Swift's 206), or not modified (304: the client's copy is current; no body). */
  readonly answer: 'whole' | 'range' | 'not-modified';
  readonly info: ObjectInfo;
  /** The object's bytes (GET 200/206): the caller reads or destroys it. */
  readonly body?: Readable;
}

/** What a write left behind: enough to add reserved items later with a POST. */
export interface Written {
  readonly etag: string;
  readonly lastModified?: string;
  /** The version Swift's object versioning gave the write, where the container has versioning. */
  readonly versionId?: string;
  readonly target: SealTarget;
  /** The content headers and user metadata sent (a POST must repeat them). */
  readonly headers: Readonly<Record<string, string>>;
  /** The reserved items written with it (a POST must repeat them too: object lock state among them). */
  readonly reserved: Reserved;
  /**
   * False when Swift stored the write but a newer write of the same name is
   * current (its 202: in a versioned container this write is then an older
   * version; in a plain one it was older than what is there, and is gone).
   */
  readonly current: boolean;
}

/** One entry of a static large object manifest. */
export interface ManifestSegment {
  readonly path?: string;
  readonly name?: string;
  readonly etag?: string | null;
  readonly size_bytes?: number;
  readonly bytes?: number;
  /** As Swift stores it (manifestOf with `detailed`): the segment's Content-Type when the manifest was written. */
  readonly content_type?: string;
  /** As Swift stores it: the segment is itself a manifest (a nested SLO). */
  readonly sub_slo?: boolean;
  /** As Swift stores it: the segment's ETag when the manifest was written. */
  readonly hash?: string;
}

export interface Deleted {
  /** The version deleted, or the delete marker written. */
  readonly versionId?: string;
  /** 'null' when no version is current any more. */
  readonly currentVersionId?: string;
  /** False when only a delete marker was written, for a key that had no current version. */
  readonly existed: boolean;
}

export interface ObjectRef {
  readonly container: string;
  readonly object: string;
}

/** Statuses whose error text is kept (a 400 says which metadata limit, which segment). */
const TEXT_STATUSES = new Set([400, 409, 413, 422]);
/** Deletions made at once: enough to hide Swift's latency, few enough to spare it. */
const DELETE_CONCURRENCY = 8;
/** Bulk-delete requests made at once, and the fewest objects worth a request of their own. */
const BULK_PARALLEL = 4;
const BULK_MIN_BATCH = 100;

export class SwiftStore {
  constructor(private readonly session: SwiftSession, private readonly sealer: Sealer) {}

  /** The token's project and user (the bucket owner), fetching a token if needed. */
  account(): Promise<SwiftToken> {
    return this.session.account();
  }

  limits(): Promise<SwiftLimits> {
    return this.session.limits();
  }

  /** The storage URL of the account the calls go to (the token's own, or the target account's). */
  location(): Promise<string> {
    return this.session.location();
  }

  /** A SwiftError for an answer, its body released (a short error text kept). */
  async #fail(res: SwiftResponse, method: string, container?: string, object?: string): Promise<SwiftError> {
    if (!TEXT_STATUSES.has(res.status)) {
      await discard(res);
      return new SwiftError(res.status, method, container, object);
    }
    const text = (await readText(res).catch(() => '')).slice(0, 4096);
    const reason = res.status === 400 && /Etag Mismatch|404 Not Found|Invalid segment|Segment/i.test(text) ? 'segment' : undefined;
    return new SwiftError(res.status, method, container, object, text, reason);
  }

  /** A call whose body is not read: 2xx ends here, anything else is a SwiftError. */
  /**
   * The answer to an object write (PUT, copy, manifest). Swift quirk: when a
   * write with a newer timestamp got there first, the object servers refuse
   * this one with 409 and the proxy answers 202 Accepted; under object
   * versioning the write is then stored as a version (the 202 names it and
   * its ETag), just not the current one. As in S3, that is a successful
   * write that a concurrent one overwrote.
   */
  async #written(res: SwiftResponse, container: string, object: string, target: SealTarget, headers: Readonly<Record<string, string>>, reserved: Reserved = {}): Promise<Written> {
    const etag = res.headers['etag'];
    if (res.status !== 201 && !(res.status === 202 && etag !== undefined)) throw await this.#fail(res, 'PUT', container, object);
    await discard(res);
    return { etag: unquote(etag), lastModified: res.headers['last-modified'], versionId: res.headers['x-object-version-id'], target, headers, reserved, current: res.status === 201 };
  }

  async #done(res: SwiftResponse, method: string, container?: string, object?: string, ok: (status: number) => boolean = (s) => s >= 200 && s < 300): Promise<SwiftResponse> {
    if (!ok(res.status)) throw await this.#fail(res, method, container, object);
    await discard(res);
    return res;
  }

  // ---- account -------------------------------------------------------------

  /** One page of the account's containers (after `marker`, starting with `prefix`). */
  async listContainers(page: { limit: number; marker?: string; prefix?: string }): Promise<ContainerRow[]> {
    const res = await this.session.call({ method: 'GET', query: { format: 'json', limit: page.limit, marker: page.marker, prefix: page.prefix || undefined } });
    // An account Swift has not made yet (404: nothing was ever written) has no containers.
    if (res.status === 204 || res.status === 404) return discard(res).then(() => []);
    if (res.status !== 200) throw await this.#fail(res, 'GET');
    return parseListing<ContainerRow>(await readText(res));
  }

  // ---- containers ----------------------------------------------------------

  async headContainer(container: string): Promise<ContainerInfo> {
    const res = await this.#done(await this.session.call({ method: 'HEAD', container }), 'HEAD', container);
    return containerInfo(container, res.headers, this.sealer);
  }

  /** False for a container Swift does not have (404). */
  async containerExists(container: string): Promise<boolean> {
    const res = await this.session.call({ method: 'HEAD', container });
    if (res.status === 404) return discard(res).then(() => false);
    await this.#done(res, 'HEAD', container);
    return true;
  }

  /** Creates a container; Swift answers 202 for one that was already there. */
  async putContainer(container: string, headers: Headers = {}): Promise<'created' | 'existed'> {
    const res = await this.#done(await this.session.call({ method: 'PUT', container, headers: { ...headers, 'content-length': '0' } }), 'PUT', container);
    return res.status === 202 ? 'existed' : 'created';
  }

  /** Deletes an (empty) container: 404 and 409 (not empty) are SwiftErrors. */
  async deleteContainer(container: string): Promise<void> {
    await this.#done(await this.session.call({ method: 'DELETE', container }), 'DELETE', container);
  }

  /** One page of a container's listing (`limit` rows at most; `subdir` rows with a delimiter). */
  async listObjects(container: string, q: { prefix?: string; delimiter?: string; marker?: string; limit?: number }): Promise<ObjectRow[]> {
    const res = await this.session.call({
      method: 'GET',
      container,
      query: { format: 'json', limit: q.limit, prefix: q.prefix || undefined, delimiter: q.delimiter, marker: q.marker || undefined },
    });
    if (res.status === 204) return discard(res).then(() => []);
    if (res.status !== 200) throw await this.#fail(res, 'GET', container);
    return this.#withKeptTimes(container, parseListing<ObjectRow>(await readText(res)));
  }

  /**
   * Rows with the first-written time a move kept (sealed in their
   * Content-Type) report it as their last_modified, as HEAD does: every
   * reader of a listing (ListObjects, ListObjectVersions, the lifecycle
   * runner's ages) sees S3's Last-Modified. Rows without one are untouched.
   */
  #withKeptTimes(container: string, rows: ObjectRow[]): ObjectRow[] {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.name === undefined || !hasSinceParam(row.content_type)) continue;
      const since = this.sealer.verifiedSince({ container, object: row.name, size: row.bytes ?? 0 }, row.content_type);
      if (since !== undefined) rows[i] = { ...row, last_modified: new Date(since).toISOString().slice(0, -1) };
    }
    return rows;
  }

  /** Every page of a listing under a prefix, after a marker. `missingOk`: a missing container has no pages. */
  async *listPages(container: string, q: { prefix?: string; marker?: string }, opts: { missingOk?: boolean } = {}): AsyncGenerator<ObjectRow[]> {
    let marker = q.marker || undefined;
    for (;;) {
      let page: ObjectRow[];
      try {
        page = await this.listObjects(container, { prefix: q.prefix, marker });
      } catch (err) {
        if (opts.missingOk && err instanceof SwiftError && err.status === 404) return;
        throw err;
      }
      if (page.length === 0) return;
      yield page;
      marker = page[page.length - 1]!.name;
    }
  }

  // ---- objects ---------------------------------------------------------------

  /**
   * HEAD of an object (or of one version of it), or undefined when Swift does
   * not have it (404). `symlink`: the symlink itself, not what it points to
   * (in a versioned container the current object is a symlink to its version).
   */
  async findObject(container: string, object: string, opts: { versionId?: string; symlink?: boolean } = {}): Promise<ObjectInfo | undefined> {
    const res = await this.session.call({ method: 'HEAD', container, object, query: versionQuery(opts) });
    if (res.status === 404) return discard(res).then(() => undefined);
    await this.#done(res, 'HEAD', container, object);
    return objectInfo(container, object, res.headers, this.sealer);
  }

  /**
   * GET or HEAD with range and conditional headers (passed to Swift as given).
   * 304 is a result and a missing object (404) undefined; 412, 416 and the
   * rest are SwiftErrors.
   */
  async readObject(container: string, object: string, method: 'GET' | 'HEAD', headers: Headers = {}, versionId?: string): Promise<ObjectRead | undefined> {
    const res = await this.session.call({ method, container, object, headers, query: versionQuery({ versionId }) });
    if (res.status === 404) return discard(res).then(() => undefined);
    if (res.status === 304) {
      await discard(res);
      return { answer: 'not-modified', info: objectInfo(container, object, res.headers, this.sealer) };
    }
    if (res.status !== 200 && res.status !== 206) throw await this.#fail(res, method, container, object);
    let info: ObjectInfo;
    try {
      info = objectInfo(container, object, res.headers, this.sealer);
    } catch (err) {
      release(res);
      throw err;
    }
    const answer = res.status === 206 ? 'range' : 'whole';
    if (method === 'HEAD') {
      await discard(res);
      return { answer, info };
    }
    return { answer, info, body: res.body };
  }

  /** Releases the body of a read nobody will consume (an answer that failed after Swift spoke). */
  static releaseBody(read: ObjectRead): void {
    read.body?.on('error', () => {}).destroy();
  }

  /**
   * PUT of an object. `headers`: content headers and user metadata (already
   * Swift's names); `length` undefined: a body of unknown length, sent chunked; `md5`: the hex MD5 Swift must verify (422 otherwise);
   * `reserved`: the gateway's own items, sealed for this object and size;
   * `storageClass`: the S3 class to name on it (sealed in its Content-Type);
   * `s3Etag`: the S3 ETag to show for it instead of Swift's (an SSE-S3
   * object's plaintext MD5; sealed in its Content-Type, where listings show it).
   */
  async putObject(container: string, object: string, w: { body: Readable | Buffer | string; length: number | undefined; headers: Headers; md5?: string; reserved?: Reserved; listedChecksum?: string; storageClass?: string; s3Etag?: string }): Promise<Written> {
    // Undefined length: sent chunked; nothing can be sealed for a size not known yet (target.size -1).
    const target = { container, object, size: w.length ?? -1 };
    if (w.length === undefined && ((w.reserved && Object.keys(w.reserved).length > 0) || w.listedChecksum !== undefined || w.storageClass !== undefined || w.s3Etag !== undefined)) throw new Error('reserved items need the object\'s size');
    const sent = this.#withEtag(target, this.#withClass(target, this.#withListedChecksum(target, defined(w.headers), w.listedChecksum), w.storageClass), w.s3Etag);
    const reserved = w.reserved && Object.keys(w.reserved).length > 0 ? this.sealer.headers(target, w.reserved) : {};
    // (undici sends a stream without Content-Length chunked; it refuses a Transfer-Encoding header.)
    const length = w.length === undefined ? {} : { 'content-length': String(w.length) };
    const res = await this.session.call({
      method: 'PUT', container, object, body: w.body,
      headers: { ...sent, ...reserved, ...length, ...(w.md5 ? { etag: w.md5 } : {}) },
    });
    return this.#written(res, container, object, target, sent, w.reserved);
  }

  /**
   * Sets the reserved items of an object this request wrote. Swift quirk: an
   * object POST replaces all user metadata and the stored content headers, so
   * it repeats everything the write sent, its reserved items (object lock
   * state) included. A POST cannot name a version and
   * lands on whatever the name shows now, so it is sent only while that is
   * still this write (same version, same ETag): a concurrent overwrite must
   * not get this write's metadata. False when it was not sent. (A write that
   * lands between that HEAD and the POST can still get them: the window is a
   * few milliseconds.)
   */
  async updateReserved(written: Written, reserved: Reserved, listedChecksum?: string, typed: { s3Etag?: string; ssePart?: string } = {}): Promise<boolean> {
    const { container, object } = written.target;
    if (!written.current) return false;
    const now = await this.findObject(container, object);
    // (A suspended container answers a write with no version, and a HEAD of it with 'null'.)
    if (!now || now.etag !== written.etag || (now.versionId ?? 'null') !== (written.versionId ?? 'null')) return false;
    // `typed`: an encrypted part's S3 ETag (SSE-S3: its plaintext's MD5) and its encryption text, known only once its body has ended.
    const sent = this.#withSsePart(written.target, this.#withEtag(written.target, this.#withListedChecksum(written.target, written.headers, listedChecksum), typed.s3Etag), typed.ssePart);
    const headers = { ...sent, ...this.sealer.headers(written.target, { ...written.reserved, ...reserved }) };
    await this.#done(await this.session.call({ method: 'POST', container, object, headers }), 'POST', container, object, (s) => s === 202);
    return true;
  }

  /**
   * Replaces the reserved items of an object as it is now (`info`, from a
   * HEAD of it): a POST that re-sends its content headers, user metadata and
   * (multipart) stored ETag, since Swift's POST replaces all of them. Swift
   * quirk: a POST reaches only the current version. 'changed' when the
   * object changed since `info` was read (another ETag, or another version
   * with the same bytes: its reserved items, an object lock among them, are
   * its own), 'gone' when it is not there any more; nothing was sent then.
   * `deleteAt`: a new X-Delete-At (null: none); by default the object's own is kept.
   */
  async rewriteReserved(container: string, object: string, info: ObjectInfo, reserved: Reserved, opts: { deleteAt?: number | null } = {}): Promise<'done' | 'changed' | 'gone'> {
    const now = await this.findObject(container, object);
    if (!now) return 'gone';
    if (now.etag !== info.etag || (now.versionId ?? 'null') !== (info.versionId ?? 'null')) return 'changed';
    const target = { container, object, size: now.size };
    const contentType = now.contentType === undefined ? undefined : now.contentType + (now.storedEtag === undefined ? '' : this.sealer.etagParams(target, now.storedEtag)) +
      (now.storageClass === undefined ? '' : this.sealer.classParam(target, now.storageClass)) +
      (now.namesSince && now.writtenMs !== undefined ? this.sealer.sinceParam(target, now.writtenMs) : '');
    // (X-Delete-At too: a POST without it cancels the object's expiry.)
    const deleteAt = opts.deleteAt === undefined ? now.deleteAt : opts.deleteAt ?? undefined;
    const expiry = deleteAt === undefined ? {} : { 'x-delete-at': String(deleteAt) };
    const headers = { ...now.contentHeaders, ...now.userMetadata, ...expiry, ...(contentType === undefined ? {} : { 'content-type': contentType }), ...this.sealer.headers(target, reserved) };
    await this.#done(await this.session.call({ method: 'POST', container, object, headers }), 'POST', container, object, (s) => s === 202);
    return 'done';
  }

  /**
   * Server-side copy (PUT with X-Copy-From). `replace`: the copy's own content
   * headers and metadata (X-Fresh-Metadata), else the source's are kept; the
   * source's reserved items never follow (they are blanked), `reserved` are
   * the copy's, sealed for it. `range`: part of the source only.
   * `storageClass`: the S3 class to name on the copy (sealed in its Content-Type).
   * `ifMatch`: the source's Swift ETag must still be this (Swift's copy
   * applies conditions to its read of the source), else a 412 SwiftError.
   * `deleteAt`: the copy's X-Delete-At (Swift quirk: without X-Fresh-Metadata
   * a copy keeps the source's). `since`: a first-written time (ms) the copy
   * reports as its Last-Modified (a move, not a new object: sealed in its Content-Type).
   */
  async copyObject(to: ObjectRef, from: ObjectRef & { info: ObjectInfo; versionId?: string; account?: string }, c: { replace?: Headers; range?: string; reserved?: Reserved; storageClass?: string; ifMatch?: string; deleteAt?: number; since?: number }): Promise<Written> {
    const size = c.range === undefined ? from.info.size : rangeLength(c.range);
    const target = { container: to.container, object: to.object, size };
    const headers: Record<string, string> = {
      'x-copy-from': `/${encodeSegment(from.container)}/${encodeObjectPath(from.object)}`,
      'content-length': '0',
    };
    // A source in another account (Swift checks the token may read it there).
    if (from.account !== undefined) headers['x-copy-from-account'] = from.account;
    if (c.range !== undefined) headers['range'] = c.range;
    if (c.ifMatch !== undefined) headers['if-match'] = c.ifMatch;
    if (c.replace) {
      headers['x-fresh-metadata'] = 'true';
      Object.assign(headers, defined(c.replace));
    } else {
      // A copy of a multipart object is a plain object: the stored ETag must not follow (nor a class named on the source).
      if ((from.info.hasStoredEtag || from.info.namesClass || from.info.namesSince) && from.info.contentType !== undefined) headers['content-type'] = from.info.contentType;
      for (const name of from.info.reservedHeaders) headers[name] = '';
    }
    if (c.storageClass !== undefined || c.since !== undefined) {
      const type = plainContentType(headers['content-type'] ?? from.info.contentType ?? 'application/octet-stream')!;
      headers['content-type'] = type + (c.storageClass === undefined ? '' : this.sealer.classParam(target, c.storageClass)) +
        (c.since === undefined ? '' : this.sealer.sinceParam(target, c.since));
    }
    if (c.reserved && Object.keys(c.reserved).length > 0) Object.assign(headers, this.sealer.headers(target, c.reserved));
    if (c.deleteAt !== undefined) headers['x-delete-at'] = String(c.deleteAt);
    // Swift's copy takes the source version from the PUT's own version-id (copy.py drops it for the sink).
    const res = await this.session.call({ method: 'PUT', container: to.container, object: to.object, headers, query: versionQuery({ versionId: from.versionId }) });
    return this.#written(res, to.container, to.object, target, {}, c.reserved);
  }

  /**
   * DELETE of an object, or of one version (`versionId`). Undefined when it
   * was not there (404), or when a DELETE with a later timestamp got there
   * first (409: two at once). In a versioned container a DELETE without a
   * version writes a delete marker: `versionId` is then the marker's, and
   * `currentVersionId` 'null' says no version is current any more.
   */
  async deleteObject(container: string, object: string, opts: { versionId?: string } = {}): Promise<Deleted | undefined> {
    const res = await this.session.call({ method: 'DELETE', container, object, query: versionQuery(opts) });
    const versionId = res.headers['x-object-version-id'];
    // Swift quirk: a versioned container writes a delete marker for a key it
    // does not have, and answers 404 naming the marker.
    if (res.status === 404 && versionId !== undefined && opts.versionId === undefined) {
      await discard(res);
      return { versionId, existed: false };
    }
    if (res.status === 404 || res.status === 409) return discard(res).then(() => undefined);
    await this.#done(res, 'DELETE', container, object);
    return { versionId, currentVersionId: res.headers['x-object-current-version-id'], existed: true };
  }

  /** Deletes objects a few at a time; one already gone is fine. Every one is tried; the first failure is then thrown. */
  async deleteObjects(container: string, names: readonly string[]): Promise<void> {
    let first: unknown;
    await forEachConcurrently(names, DELETE_CONCURRENCY, async (name) => {
      try {
        await this.deleteObject(container, name);
      } catch (err) {
        first ??= err;
      }
    });
    if (first !== undefined) throw first;
  }

  /**
   * Swift's bulk delete (`POST <account>?bulk-delete`, the bulk middleware):
   * the objects named in a few requests (at most `bulkDeleteMax` each).
   * Answers the objects Swift could not delete, by their index in `objects`,
   * with the status of their DELETE; one that was not there (404) counts as
   * deleted. Swift quirk: the answer is 200 whatever happened, the outcome is
   * in its JSON report ("Response Status", "Errors": [[quoted name, status]]);
   * a report saying the whole request failed is a SwiftError of that status.
   * https://docs.openstack.org/swift/latest/middleware.html#bulk-delete
   */
  async bulkDelete(objects: readonly ObjectRef[]): Promise<Map<number, number>> {
    const failed = new Map<number, number>();
    // Swift's bulk middleware deletes `delete_concurrency` (default 2) objects
    // at a time: a few requests side by side keep as many DELETEs going as
    // single deletes did (DELETE_CONCURRENCY), in a handful of round trips.
    const max = Math.max(1, (await this.limits()).bulkDeleteMax);
    const size = Math.min(max, Math.max(BULK_MIN_BATCH, Math.ceil(objects.length / BULK_PARALLEL)));
    const starts: number[] = [];
    for (let start = 0; start < objects.length; start += size) starts.push(start);
    let first: unknown;
    await forEachConcurrently(starts, BULK_PARALLEL, async (start) => {
      try {
        for (const [index, status] of await this.#bulkBatch(objects.slice(start, start + size))) failed.set(start + index, status);
      } catch (err) {
        first ??= err;
      }
    });
    if (first !== undefined) throw first;
    return failed;
  }

  /** One bulk-delete request: the failures by index in `batch`. */
  async #bulkBatch(batch: readonly ObjectRef[]): Promise<Map<number, number>> {
    const failed = new Map<number, number>();
    const byPath = new Map<string, number[]>();
    const lines = batch.map((o, i) => {
      const path = `/${o.container}/${o.object}`;
      byPath.set(path, [...(byPath.get(path) ?? []), i]);
      return `/${encodeURIComponent(o.container)}/${o.object.split('/').map((s) => encodeURIComponent(s)).join('/')}`;
    });
    const body = lines.join('\n');
    const headers = { accept: 'application/json', 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(body)) };
    const res = await this.session.call({ method: 'POST', query: { 'bulk-delete': '' }, headers, body });
    if (res.status !== 200) throw await this.#fail(res, 'POST');
    const report = parseBulkReport(await readText(res));
    const status = Number(/^\d{3}/.exec(report.status)?.[0] ?? 500);
    if (status >= 300 && report.errors.length === 0) throw new SwiftError(status, 'POST', undefined, undefined, report.status);
    for (const [name, answer] of report.errors) {
      const code = Number(/^\d{3}/.exec(answer)?.[0] ?? 500);
      // 404: not there; 409: a DELETE with a later timestamp got there first (see deleteObject).
      if (code === 404 || code === 409) continue;
      for (const index of byPath.get(safeDecode(name)) ?? []) failed.set(index, code);
    }
    return failed;
  }

  // ---- small documents of the gateway's own (its bucket registry) --------

  /** A small object's text and ETag; undefined when it (or its container) is not there. */
  async readDocument(container: string, object: string): Promise<{ text: string; etag: string } | undefined> {
    const res = await this.session.call({ method: 'GET', container, object });
    if (res.status === 404) return discard(res).then(() => undefined);
    if (res.status !== 200) throw await this.#fail(res, 'GET', container, object);
    return { text: await readText(res), etag: unquote(res.headers['etag']) };
  }

  /** Writes a small object; 'no-container' when its container does not exist (404). */
  async writeDocument(container: string, object: string, text: string): Promise<'written' | 'no-container'> {
    const body = Buffer.from(text, 'utf8');
    const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
    const res = await this.session.call({ method: 'PUT', container, object, body, headers });
    if (res.status === 404) return discard(res).then(() => 'no-container' as const);
    await this.#done(res, 'PUT', container, object, (status) => status === 201);
    return 'written';
  }

  /**
   * Writes (or rewrites, moving its timestamp on) an empty marker object that
   * Swift's object expirer removes after `deleteAfterSeconds` (X-Delete-After)
   * if nobody deletes it first: the claims of the gateway's key elections.
   * 'no-container' when its container does not exist (404).
   */
  async putClaim(container: string, object: string, deleteAfterSeconds: number): Promise<'written' | 'no-container'> {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': '0', 'x-delete-after': String(deleteAfterSeconds) };
    const res = await this.session.call({ method: 'PUT', container, object, body: '', headers });
    if (res.status === 404) return discard(res).then(() => 'no-container' as const);
    await this.#done(res, 'PUT', container, object, (status) => status === 201);
    return 'written';
  }

  /**
   * An object's (or one version's) static large object manifest, 'plain' for
   * any other object (a symlink too, with `symlink`), 'missing' when there is none.
   */
  async manifestOf(container: string, object: string, opts: { versionId?: string; symlink?: boolean; detailed?: boolean } = {}): Promise<ManifestSegment[] | 'plain' | 'missing'> {
    // `detailed`: the manifest as Swift stores it (name, bytes, content_type,
    // sub_slo), not as it was PUT (format=raw: path, size_bytes).
    const format = opts.detailed ? {} : { format: 'raw' };
    const res = await this.session.call({ method: 'GET', container, object, query: { 'multipart-manifest': 'get', ...format, ...versionQuery({ versionId: opts.versionId, symlink: opts.symlink }) } });
    if (res.status === 404) return discard(res).then(() => 'missing' as const);
    if (res.status !== 200) throw await this.#fail(res, 'GET', container, object);
    if (res.headers['x-static-large-object']?.toLowerCase() !== 'true') {
      release(res);
      return 'plain';
    }
    return JSON.parse(await readText(res)) as ManifestSegment[];
  }

  /**
   * Writes a static large object manifest, with the object's S3 ETag (`s3Etag`)
   * and reserved items sealed for its total size (`since`: as copyObject's). A segment Swift cannot find,
   * or whose ETag differs, is a SwiftError with reason 'segment'.
   */
  async putManifest(container: string, object: string, segments: readonly ManifestSegment[], m: { headers: Headers; contentType: string; s3Etag?: string; reserved: Reserved; storageClass?: string; since?: number }): Promise<Written> {
    const size = segments.reduce((n, s) => n + (s.size_bytes ?? 0), 0);
    const target = { container, object, size };
    const body = JSON.stringify(segments);
    const headers = {
      ...defined(m.headers),
      'content-type': plainContentType(m.contentType) + (m.s3Etag === undefined ? '' : this.sealer.etagParams(target, m.s3Etag)) +
        (m.storageClass === undefined ? '' : this.sealer.classParam(target, m.storageClass)) +
        (m.since === undefined ? '' : this.sealer.sinceParam(target, m.since)),
      ...this.sealer.headers(target, m.reserved),
      'content-length': String(Buffer.byteLength(body)),
    };
    const res = await this.session.call({ method: 'PUT', container, object, query: { 'multipart-manifest': 'put' }, headers, body });
    return this.#written(res, container, object, target, {}, m.reserved);
  }

  /**
   * Sets reserved container items (X-Container-Meta-S3gw-<name>), each sealed
   * for this container; a container POST leaves every other item as it is.
   * `versioning`: turns Swift's object versioning on in the same POST.
   */
  async setContainerReserved(container: string, items: Readonly<Record<string, string>>, opts: { versioning?: boolean } = {}): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(items)) headers[CONTAINER_RESERVED + name] = this.sealer.sealValue(container, name, value);
    if (opts.versioning) headers['x-versions-enabled'] = 'true';
    await this.#done(await this.session.call({ method: 'POST', container, headers }), 'POST', container);
  }

  /** Removes reserved container items (X-Remove-Container-Meta-S3gw-<name>). */
  async removeContainerReserved(container: string, names: readonly string[]): Promise<void> {
    const headers = Object.fromEntries(names.map((name) => [`x-remove-${CONTAINER_RESERVED.slice(2)}${name}`, '1']));
    await this.#done(await this.session.call({ method: 'POST', container, headers }), 'POST', container);
  }

  /** Turns Swift's object versioning of a container on, or off (it cannot be removed once set). */
  /**
   * Sets a container's ACLs (X-Container-Read / X-Container-Write, '' for
   * none). Only the account's owner may: another project's token gets 403.
   */
  async setContainerAcl(container: string, acl: { readonly read: string; readonly write: string }): Promise<void> {
    const headers = {
      ...(acl.read === '' ? { 'x-remove-container-read': '1' } : { 'x-container-read': acl.read }),
      ...(acl.write === '' ? { 'x-remove-container-write': '1' } : { 'x-container-write': acl.write }),
    };
    await this.#done(await this.session.call({ method: 'POST', container, headers }), 'POST', container);
  }

  /**
   * Swift's own CORS for a container (X-Container-Meta-Access-Control-*):
   * what the Swift API of the same container answers browsers with. Undefined
   * removes it.
   */
  async setContainerCors(container: string, cors: { readonly allowOrigin: string; readonly maxAge?: number; readonly exposeHeaders?: string } | undefined): Promise<void> {
    const name = (h: string) => `x-container-meta-access-control-${h}`;
    const remove = (h: string) => `x-remove-container-meta-access-control-${h}`;
    const headers: Record<string, string> = cors === undefined
      ? { [remove('allow-origin')]: '1', [remove('max-age')]: '1', [remove('expose-headers')]: '1' }
      : {
        [name('allow-origin')]: cors.allowOrigin,
        ...(cors.maxAge === undefined ? { [remove('max-age')]: '1' } : { [name('max-age')]: String(cors.maxAge) }),
        ...(cors.exposeHeaders ? { [name('expose-headers')]: cors.exposeHeaders } : { [remove('expose-headers')]: '1' }),
      };
    await this.#done(await this.session.call({ method: 'POST', container, headers }), 'POST', container);
  }

  /**
   * Swift's staticweb metadata (X-Container-Meta-Web-Index, -Web-Error):
   * what a Swift proxy running staticweb serves the container with.
   * Undefined removes it.
   */
  async setContainerWeb(container: string, web: { readonly index: string; readonly error?: string } | undefined): Promise<void> {
    const headers: Record<string, string> = web === undefined
      ? { 'x-remove-container-meta-web-index': '1', 'x-remove-container-meta-web-error': '1' }
      : { 'x-container-meta-web-index': web.index, ...(web.error ? { 'x-container-meta-web-error': web.error } : { 'x-remove-container-meta-web-error': '1' }) };
    await this.#done(await this.session.call({ method: 'POST', container, headers }), 'POST', container);
  }

  async setVersioning(container: string, enabled: boolean): Promise<void> {
    await this.#done(await this.session.call({ method: 'POST', container, headers: { 'x-versions-enabled': enabled ? 'true' : 'false' } }), 'POST', container);
  }

  /**
   * One page of a container's `?versions` listing: every version and delete
   * marker, by name then newest first (rows carry version_id and is_latest),
   * after (marker, versionMarker).
   */
  async listVersions(container: string, q: { prefix?: string; delimiter?: string; marker?: string; versionMarker?: string; limit?: number }): Promise<ObjectRow[]> {
    const res = await this.session.call({
      method: 'GET',
      container,
      query: {
        versions: '', format: 'json', limit: q.limit, prefix: q.prefix || undefined, delimiter: q.delimiter,
        marker: q.marker || undefined, version_marker: q.marker ? q.versionMarker : undefined,
      },
    });
    if (res.status === 204) return discard(res).then(() => []);
    if (res.status !== 200) throw await this.#fail(res, 'GET', container);
    return this.#withKeptTimes(container, parseListing<ObjectRow>(await readText(res)));
  }

  /** Makes an earlier version the current one again (PUT ?version-id with no body). */
  async restoreVersion(container: string, object: string, versionId: string): Promise<void> {
    await this.#done(await this.session.call({ method: 'PUT', container, object, query: { 'version-id': versionId }, headers: { 'content-length': '0' }, body: '' }), 'PUT', container, object);
  }

  /** Content headers keeping an S3 ETag in the Content-Type (sealed), where listings show it. */
  #withEtag(target: SealTarget, headers: Record<string, string>, etag: string | undefined): Record<string, string> {
    if (etag === undefined) return headers;
    const type = headers['content-type'] ?? 'application/octet-stream';
    return { ...headers, 'content-type': type + this.sealer.etagParams(target, etag) };
  }

  /** Content headers naming an S3 storage class in the Content-Type (sealed), where listings show it. */
  #withClass(target: SealTarget, headers: Record<string, string>, storageClass: string | undefined): Record<string, string> {
    if (storageClass === undefined) return headers;
    const type = headers['content-type'] ?? 'application/octet-stream';
    return { ...headers, 'content-type': type + this.sealer.classParam(target, storageClass) };
  }

  /**
   * Content headers with a checksum the gateway keeps in the Content-Type
   * (sealed), where listings and manifests show it: a part's.
   */
  #withListedChecksum(target: SealTarget, headers: Record<string, string>, text: string | undefined): Record<string, string> {
    if (text === undefined) return headers;
    const type = plainContentType(headers['content-type'] ?? 'application/octet-stream');
    return { ...headers, 'content-type': type + this.sealer.checksumParam(target, text) };
  }

  /** Content headers keeping an encrypted part's text in the Content-Type (sealed), where listings and manifests show it. */
  #withSsePart(target: SealTarget, headers: Record<string, string>, text: string | undefined): Record<string, string> {
    if (text === undefined) return headers;
    const type = headers['content-type'] ?? 'application/octet-stream';
    return { ...headers, 'content-type': type + this.sealer.ssePartParam(target, text) };
  }

  /** The encrypted part's text a Content-Type keeps for this part (a listing row's, a manifest segment's), if its seal verifies. */
  ssePartOf(target: SealTarget, contentType: string | undefined): string | undefined {
    return this.sealer.verifiedSsePart(target, contentType);
  }

  /** The checksum text (`<algorithm>.<hex>`) a listing row of this container keeps, if its seal verifies. */
  listedChecksumOfRow(container: string, row: ObjectRow): string | undefined {
    if (row.name === undefined) return undefined;
    return this.sealer.verifiedChecksum({ container, object: row.name, size: row.bytes ?? 0 }, row.content_type);
  }

  /** The storage class the gateway named on a listing row of this container, if its seal verifies. */
  storageClassOfRow(container: string, row: ObjectRow): string | undefined {
    if (row.name === undefined || !hasClassParam(row.content_type)) return undefined;
    return this.sealer.verifiedClass({ container, object: row.name, size: row.bytes ?? 0 }, row.content_type);
  }

  /** The multipart ETag the gateway stored on a listing row of this container, if its seal verifies. */
  storedEtagOfRow(container: string, row: ObjectRow): string | undefined {
    if (row.name === undefined || row.content_type === undefined) return undefined;
    return this.sealer.verifiedEtag({ container, object: row.name, size: row.bytes ?? 0 }, row.content_type);
  }
}

/** The Swift header of a reserved item, for callers that only need its name (metadata limits). */
export { reservedHeader };

/** Swift's version-id and symlink=get query parameters. */
function versionQuery(opts: { versionId?: string; symlink?: boolean }): Record<string, string> | undefined {
  if (opts.versionId === undefined && !opts.symlink) return undefined;
  return { ...(opts.versionId !== undefined ? { 'version-id': opts.versionId } : {}), ...(opts.symlink ? { symlink: 'get' } : {}) };
}

/** The parts of a bulk-delete report the gateway reads. */
export function parseBulkReport(text: string): { status: string; errors: [string, string][] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { status: '502 Bad Gateway', errors: [] };
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  const errors = Array.isArray(d['Errors']) ? (d['Errors'] as unknown[]).filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') : [];
  return { status: typeof d['Response Status'] === 'string' ? d['Response Status'] : '502 Bad Gateway', errors };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function defined(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** The length of a `bytes=first-last` range. */
function rangeLength(range: string): number {
  const m = /^bytes=(\d+)-(\d+)$/.exec(range);
  return m ? Number(m[2]) - Number(m[1]) + 1 : 0;
}
