// Object GET and HEAD: authorised with the container's read ACL, symlinks
// followed with the caller's token (Content-Location naming the target, on
// errors too: swift/common/middleware/symlink.py), SLO manifests served as the
// large object (slo.py), conditional and ranged reads (swob).
import { ceilSeconds, httpDate, normal } from './clock.js';
import { bufferEntity, Match, serveEntity, type Entity } from './conditional.js';
import { authorize } from './keystoneauth.js';
import { md5, type StoredObject } from './model.js';
import { pyUnquote } from './python.js';
import { swiftStatus, swiftText } from './responses.js';
import { rawManifest, sloEntity } from './slo.js';
import { expired, splitContainerObject, type Call, type SwiftContext } from './swift-context.js';
import { EMPTY, FakeResponse } from './types.js';

/** The headers the object server answers a GET or HEAD with, before swob's conditional/range work. */
export function objectHeaders(o: StoredObject): FakeResponse {
  const res = new FakeResponse(200, EMPTY, [['Content-Type', o.contentType]]);
  for (const [n, v] of o.meta) res.add(n, v);
  for (const [n, v] of o.kept) res.add(n, v);
  if (o.deleteAt !== undefined) res.add('X-Delete-At', String(o.deleteAt));
  if (o.slo) res.add('X-Static-Large-Object', 'True');
  res.add('Etag', o.etag);
  res.add('Last-Modified', httpDate(o.timestamp));
  res.add('X-Timestamp', normal(o.timestamp));
  res.add('Accept-Ranges', 'bytes');
  return res;
}

/** A missing object: 404, or 412 to If-Match: * (RFC 7232 3.1, as swob applies it to a 404). */
function notFound(call: Call): FakeResponse {
  const m = Match.of(call.req, 'if-match');
  if (m?.tags.has('*')) {
    const res = swiftStatus(412);
    res.body = EMPTY;
    res.contentLength = 0;
    return res;
  }
  return swiftStatus(404);
}

export function getOrHeadObject(ctx: SwiftContext, call: Call): FakeResponse {
  return readAt(ctx, call, call.account, call.container!, call.object!, call.req.query, 0, undefined);
}

/** Reads one object (the request's, or a symlink's target at `location`). */
export function readAt(
  ctx: SwiftContext,
  call: Call,
  account: string,
  container: string,
  object: string,
  query: ReadonlyMap<string, string>,
  hops: number,
  location: string | undefined,
): FakeResponse {
  const req = call.req;
  const done = (res: FakeResponse) => (location === undefined ? res : res.set('Content-Location', location));
  const c = ctx.store.container(account, container);
  const referer = req.header('referer');
  const auth = authorize({ identity: call.identity, method: req.method, account, container, object, ...(c?.read !== undefined ? { acl: c.read } : {}), ...(referer ? { referer } : {}) }, ctx.rules);
  if ('status' in auth) return done(auth);
  const o = c?.objects.get(object);
  if (!c || !o || expired(ctx, o)) return done(notFound(call));

  if (o.symlink && query.get('symlink') !== 'get') {
    const max = ctx.limits().symloopMax;
    // (LinkIterError becomes a plain 409, without Content-Location.)
    if (hops >= max) return swiftText(409, `Too many levels of symbolic links, maximum allowed is ${max}`);
    const targetAccount = o.symlink.account ?? account;
    const [tc, to] = splitContainerObject(pyUnquote(o.symlink.target))!;
    // The subrequest to the target carries the caller's headers and token, not its query.
    return readAt(ctx, call, targetAccount, tc, to, new Map(), hops + 1, `/v1/${targetAccount}/${o.symlink.target}`);
  }

  const res = objectHeaders(o);
  const lastModified = ceilSeconds(o.timestamp);
  if (o.symlink) {
    res.add('X-Symlink-Target', o.symlink.target);
    if (o.symlink.account) res.add('X-Symlink-Target-Account', o.symlink.account);
  }
  if (!o.slo) return done(serveEntity(req, res, bufferEntity(o.etag, lastModified, o.data)));

  if (query.get('multipart-manifest') === 'get') {
    if (query.get('format') === 'raw') {
      const raw = rawManifest(o);
      res.set('Etag', md5(raw));
      return done(serveEntity(req, res, bufferEntity(md5(raw), lastModified, raw)));
    }
    res.set('Content-Type', 'application/json; charset=utf-8');
    return done(serveEntity(req, res, bufferEntity(o.etag, lastModified, o.data)));
  }
  // The large object: its own ETag (quoted, as Swift sends it) and length; the manifest's MD5 aside.
  res.remove('Etag');
  res.add('X-Manifest-Etag', o.etag);
  res.add('Etag', `"${o.slo.etag}"`);
  const entity: Entity = req.method === 'GET'
    ? sloEntity(ctx, call, account, o)
    : { etag: o.slo.etag, lastModifiedSeconds: lastModified, length: o.slo.size, read: () => EMPTY };
  return done(serveEntity(req, res, entity));
}
