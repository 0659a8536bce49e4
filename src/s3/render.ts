// Writes an S3Result or an S3Error to node's ServerResponse. The only place that
// knows how S3 responses look on the wire: status per dialect, the request id
// headers, XML bodies, streamed bodies.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { errorStatus, type Dialect } from './dialect.js';
import type { S3Error } from './errors.js';
import type { S3Result, XmlBody } from './result.js';
import { XML_DECLARATION, toXml, toXmlFragment } from './xml.js';

export interface ResponseContext {
  readonly dialect: Dialect;
  readonly method: string;
  readonly transId: string;
  /** Turns a failure of a pending answer into the S3 error to report. */
  readonly toError?: (err: unknown) => S3Error;
}

/** Late errors of torn-down streams have nobody left to tell. */
const ignore = () => {};

/** How often whitespace goes out while a pending answer is worked out. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

function idHeaders(transId: string): Record<string, string> {
  // The spec answers with Swift's X-Trans-Id; S3 clients read x-amz-request-id.
  return { 'x-trans-id': transId, 'x-amz-request-id': transId, 'x-openstack-request-id': transId };
}

export async function writeResult(res: ServerResponse, result: S3Result, ctx: ResponseContext): Promise<void> {
  try {
    await writeResultOrThrow(res, result, ctx);
  } catch (err) {
    // A header node refuses, or a failed write: the Swift body behind the
    // result is released at once, never left holding its pooled connection.
    result.stream?.on('error', ignore).destroy();
    throw err;
  }
}

async function writeResultOrThrow(res: ServerResponse, result: S3Result, ctx: ResponseContext): Promise<void> {
  const headers: Record<string, string> = idHeaders(ctx.transId);
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (value !== undefined) headers[name] = value;
  }
  if (result.xml) {
    const xml = result.xml;
    if (xml.text) {
      // A listing, in pieces: each is encoded into a Buffer of its own (off the
      // V8 heap) and they go out corked, in one writev.
      const pieces = xml.text(ctx.dialect.xmlns).map((piece) => Buffer.from(piece, 'utf8'));
      let length = 0;
      for (const piece of pieces) length += piece.length;
      headers['content-type'] = 'application/xml';
      headers['content-length'] = String(length);
      res.writeHead(result.status, headers);
      if (ctx.method === 'HEAD') {
        res.end();
        return;
      }
      res.cork();
      for (const piece of pieces) res.write(piece);
      res.end();
      return;
    }
    const body = Buffer.from(toXml(xml.root, xml.doc, ctx.dialect.xmlns, xml.invalidChars));
    headers['content-type'] = 'application/xml';
    headers['content-length'] = String(body.length);
    res.writeHead(result.status, headers);
    res.end(ctx.method === 'HEAD' ? undefined : body);
    return;
  }
  if (result.pendingXml) {
    await writePending(res, result.pendingXml, headers, result.status, ctx);
    return;
  }
  if (result.stream && ctx.method !== 'HEAD') {
    res.writeHead(result.status, headers);
    // A failing upstream (Swift gone mid-body) destroys the response: the client
    // sees a short body and a reset, never a silently truncated 200.
    await pipeBody(result.stream, res);
    return;
  }
  result.stream?.destroy();
  if (headers['content-length'] === undefined && ctx.method !== 'HEAD') headers['content-length'] = '0';
  res.writeHead(result.status, headers);
  res.end();
}

/**
 * Streams source into res and settles when res has finished (resolve) or either
 * side failed or closed early (reject, both destroyed), as stream/promises'
 * pipeline does for two streams. pipeline also creates an AbortController per
 * call and aborts it, with a DOMException, when it finishes: about 2-3 % of a
 * small GET's CPU in the profile, for a signal nobody listens to here.
 */
export function pipeBody(source: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      source.off('error', onError).off('close', onSourceClose);
      res.off('error', onError).off('finish', onFinish).off('close', onResClose);
      if (err) {
        // Late errors of the torn-down streams have nobody left to tell.
        source.on('error', ignore);
        res.on('error', ignore);
        source.unpipe(res);
        source.destroy();
        res.destroy();
        reject(err);
      } else resolve();
    };
    const onError = (err: Error) => settle(err);
    const onFinish = () => settle();
    const premature = () => Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    // Swift's body closed before its end, or the client went away before the last byte.
    const onSourceClose = () => {
      if (!source.readableEnded) settle(source.errored ?? premature());
    };
    const onResClose = () => {
      if (!res.writableFinished) settle(res.errored ?? premature());
    };
    source.on('error', onError).on('close', onSourceClose);
    res.on('error', onError).on('finish', onFinish).on('close', onResClose);
    source.pipe(res);
  });
}

async function writePending(res: ServerResponse, pending: Promise<XmlBody>, headers: Record<string, string>, status: number, ctx: ResponseContext): Promise<void> {
  res.writeHead(status, { ...headers, 'content-type': 'application/xml' });
  res.write(XML_DECLARATION);
  let settled = false;
  const done = pending.then(() => undefined, () => undefined).finally(() => (settled = true));
  while (!settled) {
    await Promise.race([done, new Promise((r) => setTimeout(r, HEARTBEAT_INTERVAL_MS).unref())]);
    if (!settled) res.write(' ');
  }
  try {
    const body = await pending;
    res.end(toXmlFragment(body.root, body.doc, ctx.dialect.xmlns));
  } catch (err) {
    const s3err = ctx.toError ? ctx.toError(err) : (err as S3Error);
    res.end(toXmlFragment('Error', errorFields(s3err, undefined, ctx.transId), undefined, 'replace'));
  }
}

function errorFields(err: S3Error, resource: string | undefined, requestId: string): Record<string, unknown> {
  const doc: Record<string, unknown> = { Code: err.code, Message: err.message };
  for (const [name, value] of Object.entries(err.details)) {
    if (value !== undefined) doc[name] = value;
  }
  if (resource !== undefined) doc.Resource = resource;
  doc.RequestId = requestId;
  return doc;
}

export function errorDocument(err: S3Error, resource: string, requestId: string): string {
  // An error must always be written: characters XML cannot carry become U+FFFD.
  return toXml('Error', errorFields(err, resource, requestId), undefined, 'replace');
}

export function writeError(res: ServerResponse, err: S3Error, resource: string, ctx: ResponseContext): void {
  const status = errorStatus(ctx.dialect, err.status);
  const headers: Record<string, string> = { ...err.headers, ...idHeaders(ctx.transId) };
  if (res.headersSent) {
    // Too late for a status line: cut the connection so the client notices.
    res.destroy(err);
    return;
  }
  if (ctx.method === 'HEAD') {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const body = Buffer.from(errorDocument(err, resource, ctx.transId));
  headers['content-type'] = 'application/xml';
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}
