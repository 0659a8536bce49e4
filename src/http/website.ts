// The static website endpoint: `<bucket>.<website domain>` (s3.websiteDomains),
// GET and HEAD only, anonymous (as S3's website endpoints are), answered from
// the bucket's website configuration in the registry: redirect everything,
// routing rules, index documents for `/` and `prefix/`, the error document
// with its status, and an object's own redirect. Objects are read with no
// token, so Swift serves only what the bucket lets everyone read; errors are
// HTML pages, as S3's website endpoint answers them.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
import type { ServerResponse } from 'node:http';
import type { Namespace } from '../namespace/index.js';
import { objectResponseHeaders } from '../operations/common/object-headers.js';
import { isEncrypted } from '../operations/encryption/state.js';
import { coversWholeObject, decryptedBody, readOffset, websiteDecryption } from '../operations/encryption/read.js';
import type { SseSettings } from '../operations/context.js';
import { ENCRYPTED_OBJECT_MESSAGE } from '../s3/sse.js';
import { WEBSITE_REDIRECT_ITEM } from '../operations/common/website-redirect.js';
import { bucketFromHost } from '../s3/request.js';
import type { S3Request } from '../s3/request.js';
import { matchRoutingRule, redirectLocation, type WebsiteConfiguration } from '../s3/website.js';
import type { TransactionSink } from '../swift/client.js';
import { SwiftError } from '../swift/errors.js';
import type { Sealer } from '../swift/sealed-state.js';
import { SwiftStore, type ObjectRead } from '../swift/store.js';

export interface WebsiteDeps {
  readonly namespace: Namespace;
  readonly seal: Sealer;
  /** SSE-S3's key providers: an SSE-S3 page is decrypted (operations/encryption/read.ts websiteDecryption). */
  readonly providers?: SseSettings['providers'];
}

/** The bucket a request addresses on a website domain, if it came to one. */
export function websiteBucketOf(req: S3Request, websiteDomains: readonly string[] | undefined): string | undefined {
  const host = req.headers['host'];
  return websiteDomains?.length && host !== undefined ? bucketFromHost(host, websiteDomains) : undefined;
}

type Answer = { status: number; headers: Record<string, string | undefined>; body?: string; read?: ObjectRead };

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function htmlError(status: number, code: string, message: string, extra: Record<string, string>, requestId: string): Answer {
  const title = `${status} ${status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : status === 405 ? 'Method Not Allowed' : 'Error'}`;
  const items = Object.entries({ Code: code, Message: message, ...extra, RequestId: requestId }).map(([k, v]) => `<li>${k}: ${escapeHtml(v)}</li>`).join('');
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items}\n</ul>\n<hr/>\n</body>\n</html>\n` };
}

const redirect = (status: number, location: string): Answer => ({ status, headers: { location, 'content-length': '0' } });

/** The object's key from the raw path: the whole path is the key on a website host. */
function keyOf(rawPath: string): string {
  const path = rawPath.split('?')[0]!.replace(/^\//, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

async function read(store: SwiftStore, bucket: string, key: string, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<ObjectRead | undefined | 'forbidden'> {
  try {
    return await store.readObject(bucket, key, method, headers);
  } catch (err) {
    if (err instanceof SwiftError && (err.status === 401 || err.status === 403)) return 'forbidden';
    throw err;
  }
}

async function answer(req: S3Request, bucket: string, deps: WebsiteDeps, sink: TransactionSink): Promise<Answer> {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD') return htmlError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', { Method: method }, sink.transId);
  const record = await deps.namespace.registry.lookup(bucket);
  if (!record) return htmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket }, sink.transId);
  const site: WebsiteConfiguration | undefined = record.settings.website;
  if (!site) return htmlError(404, 'NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', { BucketName: bucket }, sink.transId);
  const host = req.headers['host'] ?? bucket;
  let key = keyOf(req.rawPath);
  if (site.redirectAllRequestsTo) {
    const to = site.redirectAllRequestsTo;
    return redirect(301, `${to.protocol ?? 'http'}://${to.hostName}/${key.split('/').map(encodeURIComponent).join('/')}`);
  }
  const before = matchRoutingRule(site.routingRules, key);
  if (before) return redirect(before.redirect.httpRedirectCode ?? 301, redirectLocation(before.redirect, key, before.condition?.keyPrefixEquals ?? '', host));
  const requested = key;
  if (key === '' || key.endsWith('/')) key += site.indexSuffix;
  const store = new SwiftStore(deps.namespace.anonymousSession(sink, record.account), deps.seal);
  const conditions: Record<string, string> = {};
  for (const h of ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']) if (req.headers[h] !== undefined) conditions[h] = req.headers[h]!;
  const found = await read(store, bucket, key, method, conditions);
  if (found !== undefined && found !== 'forbidden') {
    const target = found.info.reserved[WEBSITE_REDIRECT_ITEM];
    if (target !== undefined) {
      SwiftStore.releaseBody(found);
      return redirect(301, target);
    }
    // An SSE-S3 page is served decrypted (as S3 does); any other encrypted object cannot be
    // without its key (an anonymous reader has none): never its ciphertext.
    const etag = `"${found.info.storedEtag ?? found.info.etag}"`;
    if (isEncrypted(found.info)) {
      const decryption = await websiteDecryption(deps.providers, bucket, key, found.info).catch((err: unknown) => {
        SwiftStore.releaseBody(found);
        throw err;
      });
      if (!decryption) {
        SwiftStore.releaseBody(found);
        return htmlError(400, 'InvalidRequest', ENCRYPTED_OBJECT_MESSAGE, {}, sink.transId);
      }
      if (found.answer === 'not-modified') return { status: 304, headers: { etag } };
      const body = found.body && decryptedBody(found.body, decryption, readOffset(found.answer, found.info.contentRange), coversWholeObject(found.answer, found.info.contentRange));
      return { status: found.answer === 'range' ? 206 : 200, headers: { ...objectResponseHeaders(found.info), ...decryption.headers, etag }, read: { ...found, body } };
    }
    if (found.answer === 'not-modified') return { status: 304, headers: { etag } };
    return { status: found.answer === 'range' ? 206 : 200, headers: { ...objectResponseHeaders(found.info), etag }, read: found };
  }
  // `prefix` without its slash, where `prefix/<index>` exists: S3 sends the browser to `prefix/`.
  if (found === undefined && requested !== '' && !requested.endsWith('/')) {
    const dir = await read(store, bucket, `${requested}/${site.indexSuffix}`, 'HEAD', {});
    if (dir !== undefined && dir !== 'forbidden') return redirect(302, `/${requested.split('/').map(encodeURIComponent).join('/')}/`);
  }
  const status = found === 'forbidden' ? 403 : 404;
  const after = matchRoutingRule(site.routingRules, requested, status);
  if (after) return redirect(after.redirect.httpRedirectCode ?? 301, redirectLocation(after.redirect, requested, after.condition?.keyPrefixEquals ?? '', host));
  if (site.errorKey) {
    const page = await read(store, bucket, site.errorKey, method, {});
    if (page !== undefined && page !== 'forbidden' && isEncrypted(page.info)) SwiftStore.releaseBody(page);
    else if (page !== undefined && page !== 'forbidden' && page.answer !== 'not-modified') return { status, headers: objectResponseHeaders(page.info), read: page };
  }
  return status === 403
    ? htmlError(403, 'AccessDenied', 'Access Denied', {}, sink.transId)
    : htmlError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, sink.transId);
}

/** Serves one request of the website endpoint to its end. */
export async function serveWebsite(outgoing: ServerResponse, req: S3Request, bucket: string, deps: WebsiteDeps, sink: TransactionSink): Promise<void> {
  const a = await answer(req, bucket, deps, sink);
  const headers: Record<string, string> = { 'x-amz-request-id': sink.transId, 'x-trans-id': sink.transId };
  for (const [k, v] of Object.entries(a.headers)) if (v !== undefined) headers[k] = v;
  if (a.body !== undefined) headers['content-length'] = String(Buffer.byteLength(a.body));
  outgoing.writeHead(a.status, headers);
  if (req.method === 'HEAD') {
    if (a.read) SwiftStore.releaseBody(a.read);
    outgoing.end();
    return;
  }
  if (a.read?.body) {
    a.read.body.on('error', () => outgoing.destroy());
    a.read.body.pipe(outgoing);
    return;
  }
  outgoing.end(a.body);
}
