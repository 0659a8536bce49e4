// Object PUT (plain, server-side copy, SLO manifest, symlink), POST and
// DELETE, in the order Swift's pipeline applies its checks: copy, then slo,
// then symlink, then the proxy (If-None-Match, authorisation, the container,
// check_object_creation), then the object server (If-None-Match: *, ETag).
import { httpDate } from './clock.js';
import { normalizeEtag } from './conditional.js';
import { authorize } from './keystoneauth.js';
import { checkMetadata, deleteAt, keptHeaders, objectMeta } from './metadata.js';
import { md5, type SloInfo, type StoredObject, type SymlinkInfo } from './model.js';
import { readAt } from './object-read.js';
import { isTrue, pyQuote, pyUnquote } from './python.js';
import { HTML, swiftStatus, swiftText } from './responses.js';
import { putManifest, storedSegments } from './slo.js';
import { expired, splitContainerObject, type Call, type SwiftContext } from './swift-context.js';
import { EMPTY, FakeRequest, FakeResponse } from './types.js';

/** What mimetypes.guess_type would say for common names (Swift guesses when no Content-Type is sent). */
const GUESSES: Record<string, string> = {
  txt: 'text/plain', html: 'text/html', htm: 'text/html', css: 'text/css', csv: 'text/csv', xml: 'text/xml', json: 'application/json',
  js: 'application/javascript', pdf: 'application/pdf', zip: 'application/zip', tar: 'application/x-tar', jpg: 'image/jpeg',
  jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', svg: 'image/svg+xml', mp4: 'video/mp4', mp3: 'audio/mpeg',
};

function guessType(object: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(object)?.[1]?.toLowerCase();
  return (ext && GUESSES[ext]) || 'application/octet-stream';
}

function writeAuth(ctx: SwiftContext, call: Call): FakeResponse | undefined {
  const c = ctx.store.container(call.account, call.container!);
  const referer = call.req.header('referer');
  const auth = authorize({ identity: call.identity, method: call.req.method, account: call.account, container: call.container!, object: call.object!, ...(c?.write !== undefined ? { acl: c.write } : {}), ...(referer ? { referer } : {}) }, ctx.rules);
  return 'status' in auth ? auth : undefined;
}

export function putObject(ctx: SwiftContext, call: Call): FakeResponse {
  const req = call.req;
  if (req.header('x-copy-from') !== undefined) return copyObject(ctx, call);
  let body = req.body;
  let slo: SloInfo | undefined;
  if (req.query.get('multipart-manifest') === 'put') {
    const manifest = putManifest(ctx, call);
    if (manifest instanceof FakeResponse) return manifest;
    body = manifest.data;
    slo = manifest.slo;
  }
  let symlink: SymlinkInfo | undefined;
  if (req.header('x-symlink-target') !== undefined) {
    if (body.length) return swiftText(400, 'Symlink requests require a zero byte body');
    const form = 'X-Symlink-Target header must be of the form <container name>/<object name>';
    const raw = pyUnquote(req.header('x-symlink-target')!);
    if (raw.startsWith('/')) return swiftText(412, form);
    const target = splitContainerObject(raw);
    if (!target) return swiftText(412, form, HTML);
    const account = req.header('x-symlink-target-account');
    if (account !== undefined && (!account || pyUnquote(account).includes('/'))) {
      return swiftText(412, `Account name cannot ${account ? 'contain slashes' : 'be empty'}`, HTML);
    }
    const targetAccount = account === undefined ? call.account : pyUnquote(account);
    if (targetAccount === call.account && target[0] === call.container && target[1] === call.object) return swiftText(400, 'Symlink cannot target itself');
    symlink = { target: pyQuote(`${target[0]}/${target[1]}`), ...(account !== undefined ? { account: pyQuote(targetAccount) } : {}) };
  }
  return storeObject(ctx, call, req, body, slo, symlink);
}

/** The proxy's and the object server's part of a PUT; `req` is the request as it reaches them. */
function storeObject(ctx: SwiftContext, call: Call, req: FakeRequest, body: Buffer, slo: SloInfo | undefined, symlink: SymlinkInfo | undefined): FakeResponse {
  const limits = ctx.limits();
  const ifNoneMatch = req.header('if-none-match');
  if (ifNoneMatch !== undefined && !ifNoneMatch.split(',').some((t) => t.trim() === '*')) return swiftText(400, 'If-None-Match only supports *');
  const denied = writeAuth(ctx, call);
  if (denied) return denied;
  const c = ctx.store.container(call.account, call.container!);
  if (!c) return swiftStatus(404);
  // check_object_creation
  const te = req.header('transfer-encoding');
  if (te !== undefined && te.toLowerCase() !== 'chunked') return swiftText(400, 'Invalid Transfer-Encoding header value');
  const declared = req.header('content-length');
  const length = declared !== undefined && te === undefined ? Number(declared) : body.length;
  if (length > limits.maxFileSize) return swiftText(413, 'Your request is too large.');
  if (declared === undefined && te === undefined) return swiftText(411, 'Missing Content-Length header.');
  const object = call.object!;
  if (object.length > limits.maxObjectNameLength) return swiftText(400, `Object name length of ${object.length} longer than ${limits.maxObjectNameLength}`);
  const at = deleteAt(req, ctx.clock.seconds());
  if (at instanceof FakeResponse) return at;
  const badMeta = checkMetadata(req, 'object', limits);
  if (badMeta) return badMeta;
  // the object server
  const existing = c.objects.get(object);
  if (ifNoneMatch !== undefined && existing && !expired(ctx, existing)) return swiftStatus(412);
  const etag = md5(body);
  const client = req.header('etag');
  if (!slo && client && normalizeEtag(client) !== etag) {
    return swiftStatus(422).set('Last-Modified', httpDate(ctx.clock.stamp()));
  }
  const stored: StoredObject = {
    name: object,
    data: body,
    etag,
    contentType: req.header('content-type') || (symlink ? 'application/symlink' : guessType(object)),
    timestamp: ctx.clock.stamp(),
    meta: objectMeta(req),
    kept: keptHeaders(req),
    ...(at !== undefined ? { deleteAt: at } : {}),
    ...(slo ? { slo } : {}),
    ...(symlink ? { symlink } : {}),
  };
  c.objects.set(object, stored);
  return new FakeResponse(201, EMPTY, [['Content-Type', HTML], ['Etag', slo ? `"${slo.etag}"` : etag], ['Last-Modified', httpDate(stored.timestamp)]]);
}

/** PUT with X-Copy-From (swift/common/middleware/copy.py handle_PUT). */
function copyObject(ctx: SwiftContext, call: Call): FakeResponse {
  const req = call.req;
  if (req.body.length) return swiftText(400, 'Copy requests require a zero byte body');
  const fromAccount = req.header('x-copy-from-account');
  if (fromAccount !== undefined && (!fromAccount || pyUnquote(fromAccount).includes('/'))) return swiftText(412, 'Account name cannot contain slashes', HTML);
  const srcAccount = fromAccount ? pyUnquote(fromAccount) : call.account;
  const src = splitContainerObject('/' + pyUnquote(req.header('x-copy-from')!).replace(/^\/+/, ''));
  if (!src) return swiftText(412, 'X-Copy-From header must be of the form <container name>/<object name>', HTML);
  // The source is read with the request's own headers (Range, If-Match, ...) and token.
  const query = new Map(req.query.get('multipart-manifest') === 'get' ? [['multipart-manifest', 'get'], ['format', 'raw']] : []);
  const getReq = new FakeRequest('swift', 'GET', req.path, req.headerList, EMPTY);
  const source = readAt(ctx, { ...call, req: getReq }, srcAccount, src[0], src[1], query, 0, undefined);
  if (source.status >= 300) return source;
  const isSlo = source.get('X-Static-Large-Object') !== undefined;
  // The request that reaches the rest of the pipeline (copy_header_subset, then the request's own headers).
  const sink = new Map<string, [string, string]>();
  const put = (n: string, v: string) => sink.set(n.toLowerCase(), [n, v]);
  if (!isTrue(req.header('x-fresh-metadata'))) {
    const exclude = ['x-static-large-object', 'x-object-manifest', 'etag', 'content-type', 'x-timestamp', 'content-length', 'content-range', 'content-location'];
    for (const [n, v] of source.headers) if (!exclude.includes(n.toLowerCase())) put(n, v);
  }
  for (const [n, v] of req.headerList) put(n, v);
  for (const n of ['x-copy-from', 'x-copy-from-account', 'content-length', 'transfer-encoding']) sink.delete(n);
  if (!req.header('content-type')) put('Content-Type', source.get('Content-Type')!);
  put('Content-Length', String(source.body.length));
  if (source.status === 200 && !isSlo) put('Etag', source.get('Etag')!);
  else sink.delete('etag');
  // The sink keeps the request's query: with ?multipart-manifest=put the copied bytes are read as a
  // manifest; ?multipart-manifest=get of an SLO copies its manifest (copy.py turns it into put).
  const mm = req.query.get('multipart-manifest');
  const sinkQuery = mm === 'put' || (mm === 'get' && isSlo) ? '?multipart-manifest=put' : '';
  const sinkReq = new FakeRequest('swift', 'PUT', req.path + sinkQuery, [...sink.values()], source.body);
  const sinkCall = { ...call, req: sinkReq };
  let res: FakeResponse;
  if (sinkQuery) {
    const manifest = putManifest(ctx, sinkCall);
    res = manifest instanceof FakeResponse ? manifest : storeObject(ctx, sinkCall, sinkReq, manifest.data, manifest.slo, undefined);
  } else {
    res = storeObject(ctx, sinkCall, sinkReq, source.body, undefined, undefined);
  }
  if (res.status !== 201) return res;
  res.add('X-Copied-From-Account', pyQuote(srcAccount));
  res.add('X-Copied-From', pyQuote(`${src[0]}/${src[1]}`));
  const lm = source.get('Last-Modified');
  if (lm) res.add('X-Copied-From-Last-Modified', lm);
  for (const [n, v] of sink.values()) if (n.toLowerCase().startsWith('x-object-meta-') || n.toLowerCase() === 'x-delete-at') res.add(n, v);
  return res;
}

/** POST: replaces ALL user metadata and the kept headers (Swift's rule); Content-Type only when sent. */
export function postObject(ctx: SwiftContext, call: Call): FakeResponse {
  const req = call.req;
  if (req.header('x-symlink-target') !== undefined) return swiftText(400, 'A PUT request is required to set a symlink target');
  const denied = writeAuth(ctx, call);
  if (denied) return denied;
  const c = ctx.store.container(call.account, call.container!);
  if (!c) return swiftStatus(404);
  const badMeta = checkMetadata(req, 'object', ctx.limits());
  if (badMeta) return badMeta;
  const at = deleteAt(req, ctx.clock.seconds());
  if (at instanceof FakeResponse) return at;
  const o = c.objects.get(call.object!);
  if (!o || expired(ctx, o)) return swiftStatus(404);
  const { deleteAt: _old, ...rest } = o;
  const updated: StoredObject = {
    ...rest,
    contentType: req.header('content-type') || o.contentType,
    timestamp: ctx.clock.stamp(),
    meta: objectMeta(req),
    kept: keptHeaders(req),
    ...(at !== undefined ? { deleteAt: at } : {}),
  };
  c.objects.set(o.name, updated);
  if (o.symlink) {
    // symlink.py handle_post: applied, but answered with a redirect to the target.
    const location = `/v1/${o.symlink.account ?? call.account}/${o.symlink.target}`;
    return swiftText(307, 'The requested POST was applied to a symlink. POST directly to the target to apply requested metadata.', HTML).set('Location', location);
  }
  return swiftStatus(202);
}

export function deleteObject(ctx: SwiftContext, call: Call): FakeResponse {
  const denied = writeAuth(ctx, call);
  if (denied) return denied;
  const c = ctx.store.container(call.account, call.container!);
  if (!c) return swiftStatus(404);
  const o = c.objects.get(call.object!);
  if (!o) return swiftStatus(404);
  if (expired(ctx, o)) {
    // Swift quirk: the object server still deletes an expired object (a tombstone, gone from
    // listings) but answers 404 (obj/server.py DELETE: DiskFileExpired → HTTPNotFound).
    c.objects.delete(o.name);
    return swiftStatus(404);
  }
  if (o.slo && call.req.query.get('multipart-manifest') === 'delete') return deleteLargeObject(ctx, call, o);
  // Without ?multipart-manifest=delete only the manifest goes; its segments stay.
  c.objects.delete(o.name);
  return new FakeResponse(204, EMPTY, [['Content-Type', HTML]]);
}

/** ?multipart-manifest=delete: the segments the caller may delete, then the manifest; bulk's text report. */
function deleteLargeObject(ctx: SwiftContext, call: Call, o: StoredObject): FakeResponse {
  let deleted = 0;
  let notFound = 0;
  for (const seg of storedSegments(o)) {
    const split = splitContainerObject(seg.name);
    const res = split ? deleteObject(ctx, { ...call, container: split[0], object: split[1], req: new FakeRequest('swift', 'DELETE', '/', call.req.headerList, EMPTY) }) : swiftStatus(400);
    if (res.status === 204) deleted++;
    else if (res.status === 404) notFound++;
  }
  ctx.store.container(call.account, call.container!)!.objects.delete(o.name);
  deleted++;
  const res = swiftText(200, `Number Deleted: ${deleted}\nNumber Not Found: ${notFound}\nResponse Body: \nResponse Status: 200 OK\nErrors:\n`);
  // bulk streams its report.
  res.noContentLength = true;
  return res;
}

/**
 * The bulk middleware's `POST <account>?bulk-delete`: one DELETE per listed
 * `/container/object` (URL-encoded, one a line), each through the same checks
 * as a DELETE of its own; the JSON report Swift streams with a 200 whatever
 * happened (Errors: [quoted name, status line]; a 404 counts as not found).
 */
export function bulkDelete(ctx: SwiftContext, call: Call): FakeResponse {
  let deleted = 0;
  let notFound = 0;
  const errors: [string, string][] = [];
  const lines = call.req.body.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const name = pyUnquote(line);
    const split = splitContainerObject(name.replace(/^\/+/, ''));
    const res = split
      ? deleteObject(ctx, { ...call, container: split[0], object: split[1], req: new FakeRequest('swift', 'DELETE', '/', call.req.headerList, EMPTY) })
      : swiftStatus(400);
    if (res.status === 204) deleted++;
    else if (res.status === 404) notFound++;
    else errors.push([pyQuote(name), `${res.status} ${res.status === 409 ? 'Conflict' : res.status === 403 ? 'Forbidden' : res.status === 401 ? 'Unauthorized' : 'Error'}`]);
  }
  // As Swift's bulk.py: failures of the server's own (5xx) make the report 502, the client's (401, 403, ...) 400.
  const status = errors.length === 0 ? '200 OK' : errors.some(([, e]) => e.startsWith('5')) ? '502 Bad Gateway' : '400 Bad Request';
  const body = JSON.stringify({ 'Number Deleted': deleted, 'Number Not Found': notFound, 'Response Body': '', 'Response Status': status, Errors: errors });
  const res = new FakeResponse(200, Buffer.from(body), [['Content-Type', 'application/json']]);
  res.noContentLength = true;
  return res;
}
