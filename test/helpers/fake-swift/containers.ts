// Account and container requests: listings (HEAD/GET), container PUT (201 new,
// 202 existing), POST, DELETE (409 while anything is listed in it, expired
// objects included: no object-expirer runs on the local stack), metadata and
// ACLs (shown to the account's owner only: swift_owner_headers).
import { httpDate, normal } from './clock.js';
import { authorize, cleanAcl } from './keystoneauth.js';
import { accountRows, containerRows, listEntries, listingBody, listingFormat, listParams, reportedUse } from './listing.js';
import { checkMetadata, wsgiName } from './metadata.js';
import { Container, type Account } from './model.js';
import { HTML, swiftStatus, swiftText } from './responses.js';
import type { Call, SwiftContext } from './swift-context.js';
import { EMPTY, FakeResponse, type FakeRequest } from './types.js';

function auth(ctx: SwiftContext, call: Call, acl?: string): FakeResponse | { owner: boolean } {
  const referer = call.req.header('referer');
  return authorize({
    identity: call.identity,
    method: call.req.method,
    account: call.account,
    ...(call.container !== undefined ? { container: call.container } : {}),
    ...(acl !== undefined ? { acl } : {}),
    ...(referer ? { referer } : {}),
  }, ctx.rules);
}

// ---------------------------------------------------------------- accounts --

function accountHeaders(res: FakeResponse, a: Account, nowStamp: number, live: boolean): void {
  let objects = 0;
  let bytes = 0;
  for (const c of a.containers.items.values()) {
    const use = reportedUse(c, live);
    objects += use.count;
    bytes += use.bytes;
  }
  res.add('X-Account-Container-Count', String(a.containers.size));
  res.add('X-Account-Object-Count', String(objects));
  res.add('X-Account-Bytes-Used', String(bytes));
  res.add('X-Timestamp', normal(a.created ?? nowStamp));
  if (a.created !== undefined) {
    res.add('X-Account-Storage-Policy-Policy-0-Container-Count', String(a.containers.size));
    res.add('X-Account-Storage-Policy-Policy-0-Object-Count', String(objects));
    res.add('X-Account-Storage-Policy-Policy-0-Bytes-Used', String(bytes));
  }
  for (const [name, value] of a.meta.values()) res.add(name, value);
  res.add('Accept-Ranges', 'bytes');
}

export function account(ctx: SwiftContext, call: Call): FakeResponse {
  const req = call.req;
  const granted = auth(ctx, call);
  if (granted instanceof FakeResponse) return granted;
  const a = ctx.store.account(call.account);
  if (req.method === 'POST' || req.method === 'PUT') {
    const bad = checkMetadata(req, 'account', ctx.limits());
    if (bad) return bad;
    const created = a.created === undefined;
    makeAccount(ctx, call, a);
    setMeta(a.meta, req.headerList, 'account');
    return req.method === 'PUT' ? swiftStatus(created ? 201 : 202) : swiftStatus(204);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return swiftStatus(405, [['Allow', 'HEAD, GET, PUT, POST, DELETE, OPTIONS']]);
  const params = listParams(req, ctx.limits().accountListingLimit);
  if (params instanceof FakeResponse) return params;
  const format = listingFormat(req);
  const rows = req.method === 'GET' ? accountRows(a, listEntries(a.containers.names(), { ...params, path: undefined }), ctx.containerUpdater) : [];
  const res = listingResponse(req, format, rows);
  accountHeaders(res, a, ctx.clock.stamp(), ctx.containerUpdater);
  // keystoneauth shows the domain it recorded (in sysmeta) on every account answer.
  if (a.projectDomainId !== undefined) res.add('X-Account-Project-Domain-Id', a.projectDomainId);
  return res;
}

/** The account database made by a first write, with the project domain keystoneauth records (_set_project_domain_id). */
function makeAccount(ctx: SwiftContext, call: Call, a: Account): void {
  if (a.created !== undefined) return;
  a.created = ctx.clock.stamp();
  const id = call.identity;
  a.projectDomainId = id && call.account === `${ctx.rules.resellerPrefix}${id.projectId}` ? id.projectDomainId : '_unknown';
}

/** Listings answered without a `format=` vary with Accept (listing_formats). */
function vary(req: FakeRequest, res: FakeResponse): void {
  if (!req.query.has('format')) res.add('Vary', 'Accept');
}

/** 200 with the rows; an empty plain listing is 204 (a JSON one is `[]` with 200). */
function listingResponse(req: FakeRequest, format: 'json' | 'plain' | 'xml', rows: Record<string, unknown>[]): FakeResponse {
  const method = req.method;
  // XML listings are not modelled: they are answered as JSON.
  const f = format === 'plain' ? 'plain' : 'json';
  const body = method === 'GET' ? listingBody(f, rows) : EMPTY;
  const status = method === 'HEAD' ? 204 : f === 'plain' && body.length === 0 ? 204 : 200;
  const type = f === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  const res = new FakeResponse(status, body, [['Content-Type', type]]);
  vary(req, res);
  res.contentLength = body.length;
  return res;
}

// -------------------------------------------------------------- containers --

/** X-<type>-Meta-* set (an empty value, or X-Remove-<type>-Meta-*, removes one). */
function setMeta(meta: Map<string, readonly [string, string]>, headers: readonly (readonly [string, string])[], type: 'container' | 'account'): void {
  const prefix = `x-${type}-meta-`;
  const remove = `x-remove-${type}-meta-`;
  for (const [raw, value] of headers) {
    const name = wsgiName(raw);
    const lower = name.toLowerCase();
    if (lower.startsWith(prefix)) {
      if (value === '') meta.delete(lower);
      else meta.set(lower, [name, value]);
    } else if (lower.startsWith(remove)) {
      meta.delete(prefix + lower.slice(remove.length));
    }
  }
}

function setAcls(c: Container, call: Call): void {
  const h = call.req.headers;
  for (const which of ['read', 'write'] as const) {
    const value = h.get(`x-container-${which}`);
    if (value !== undefined) c[which] = value.trim() === '' ? undefined : cleanAcl(value);
    if (h.get(`x-remove-container-${which}`) !== undefined) c[which] = undefined;
  }
}

function containerHeaders(res: FakeResponse, c: Container, owner: boolean): void {
  res.add('X-Container-Object-Count', String(c.objects.size));
  res.add('X-Container-Bytes-Used', String(c.bytesUsed()));
  res.add('X-Timestamp', normal(c.created));
  for (const [name, value] of c.meta.values()) res.add(name, value);
  if (owner && c.read !== undefined) res.add('X-Container-Read', c.read);
  if (owner && c.write !== undefined) res.add('X-Container-Write', c.write);
  res.add('Last-Modified', httpDate(c.putTimestamp));
  res.add('Accept-Ranges', 'bytes');
  res.add('X-Storage-Policy', c.policy);
}

export function container(ctx: SwiftContext, call: Call): FakeResponse {
  const req = call.req;
  const name = call.container!;
  const a = ctx.store.account(call.account);
  const c = a.containers.get(name);
  const reading = req.method === 'GET' || req.method === 'HEAD';
  // The proxy sets the read ACL for GET/HEAD only; writes to a container need its owner.
  const granted = auth(ctx, call, reading ? c?.read : undefined);
  if (granted instanceof FakeResponse) return granted;
  const res = containerRequest(ctx, call, a, c, granted.owner);
  // The proxy shows a reseller admin the container's sharding state, on any answer to a GET or HEAD.
  if (reading && call.identity?.roles.some((r) => r.toLowerCase() === ctx.rules.resellerAdminRole)) res.add('X-Container-Sharding', 'False');
  return res;
}

function containerRequest(ctx: SwiftContext, call: Call, a: Account, c: Container | undefined, owner: boolean): FakeResponse {
  const req = call.req;
  const name = call.container!;
  const limits = ctx.limits();
  switch (req.method) {
    case 'GET':
    case 'HEAD': {
      if (!c) return swiftStatus(404);
      const params = listParams(req, limits.containerListingLimit);
      if (params instanceof FakeResponse) return params;
      const format = listingFormat(req);
      const f = format === 'plain' ? 'plain' : 'json';
      const cacheKey = `${f}?${req.rawQuery}`;
      let body: Buffer | undefined;
      if (req.method === 'GET') {
        const cached = c.listingCache.get(cacheKey);
        if (cached?.version === c.objects.version) body = cached.body;
        else {
          body = listingBody(f, containerRows(call.account, c, listEntries(c.objects.names(), params)));
          c.listingCache.set(cacheKey, { version: c.objects.version, body });
        }
      }
      const status = req.method === 'HEAD' || (f === 'plain' && body!.length === 0) ? 204 : 200;
      const res = new FakeResponse(status, body ?? EMPTY, [['Content-Type', f === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8']]);
      res.contentLength = body?.length ?? 0;
      containerHeaders(res, c, owner);
      vary(req, res);
      return res;
    }
    case 'PUT': {
      if (name.length > limits.maxContainerNameLength) return swiftText(400, `Container name length of ${name.length} longer than ${limits.maxContainerNameLength}`, HTML);
      // The stack's policies (swift.ts stackInfo): Policy-0 and ec21 (alias cold); names are case-insensitive.
      const asked = req.header('x-storage-policy')?.toLowerCase();
      const policy = asked === undefined ? undefined : asked === 'policy-0' ? 'Policy-0' : asked === 'ec21' || asked === 'cold' ? 'ec21' : null;
      if (policy === null) return swiftText(400, `Invalid X-Storage-Policy '${req.header('x-storage-policy')}'`);
      // Swift quirk: a container's policy never changes; asking for another one is 409.
      if (c && policy !== undefined && policy !== c.policy) return swiftText(409, 'Conflict');
      const bad = checkMetadata(req, 'container', limits);
      if (bad) return bad;
      makeAccount(ctx, call, a);
      let target = c;
      if (!target) {
        const stamp = ctx.clock.stamp();
        target = new Container(name, stamp, stamp);
        if (policy !== undefined) target.policy = policy;
        a.containers.set(name, target);
      } else {
        target.putTimestamp = ctx.clock.stamp();
        target.reported = { count: target.objects.size, bytes: target.bytesUsed() };
        a.containers.set(name, target);
      }
      setMeta(target.meta, req.headerList, 'container');
      setAcls(target, call);
      return c ? swiftStatus(202) : new FakeResponse(201, EMPTY, [['Content-Type', HTML]]);
    }
    case 'POST': {
      if (!c) return swiftStatus(404);
      const bad = checkMetadata(req, 'container', limits);
      if (bad) return bad;
      setMeta(c.meta, req.headerList, 'container');
      setAcls(c, call);
      return new FakeResponse(204, EMPTY, [['Content-Type', HTML]]);
    }
    case 'DELETE': {
      if (!c) return swiftStatus(404);
      if (c.objects.size > 0) return swiftStatus(409);
      a.containers.delete(name);
      return new FakeResponse(204, EMPTY, [['Content-Type', HTML]]);
    }
    default:
      return swiftStatus(405, [['Allow', 'HEAD, GET, PUT, POST, DELETE, OPTIONS']]);
  }
}
