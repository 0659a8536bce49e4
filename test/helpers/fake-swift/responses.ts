// Swift's stock answers (swift/common/swob.py RESPONSE_REASONS): the status
// line's reason and the small HTML body swob writes when a response has no
// body of its own; and the transaction id every answer carries.
import { randomUUID } from 'node:crypto';
import { pyQuote } from './python.js';
import { FakeResponse } from './types.js';

export const REASONS: Readonly<Record<number, readonly [string, string]>> = {
  200: ['OK', ''],
  201: ['Created', ''],
  202: ['Accepted', 'The request is accepted for processing.'],
  204: ['No Content', ''],
  206: ['Partial Content', ''],
  304: ['Not Modified', ''],
  400: ['Bad Request', 'The server could not comply with the request since it is either malformed or otherwise incorrect.'],
  401: ['Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  408: ['Request Timeout', 'The server has waited too long for the request to be sent by the client.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  411: ['Length Required', 'Content-Length header required.'],
  412: ['Precondition Failed', 'A precondition for this request was not met.'],
  413: ['Request Entity Too Large', 'The body of your request was too large for this server.'],
  416: ['Requested Range Not Satisfiable', 'The Range requested is not available.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
  429: ['Too Many Requests', 'The resource is being rate limited.'],
  499: ['Client Disconnect', 'The client was disconnected during request.'],
  500: ['Internal Error', 'The server has either erred or is incapable of performing the requested operation.'],
  501: ['Not Implemented', 'The requested method is not implemented by this server.'],
  502: ['Bad Gateway', 'Bad gateway.'],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
  504: ['Gateway Timeout', 'A timeout has occurred speaking to a backend server.'],
  507: ['Insufficient Storage', 'There was not enough space to save the resource.'],
};

export function reason(status: number): string {
  return REASONS[status]?.[0] ?? 'Unknown';
}

export const HTML = 'text/html; charset=UTF-8';
export const PLAIN = 'text/plain';

/**
 * A response with swob's default body for its status (`<html><h1>Not
 * Found</h1><p>...</p></html>`, empty for 2xx/304) and text/html.
 */
export function swiftStatus(status: number, headers: Iterable<readonly [string, string]> = []): FakeResponse {
  const [title, explanation] = REASONS[status] ?? ['Unknown', ''];
  const body = explanation ? Buffer.from(`<html><h1>${title}</h1><p>${explanation}</p></html>`) : Buffer.alloc(0);
  const res = new FakeResponse(status, body, [['Content-Type', HTML]]);
  for (const [n, v] of headers) res.add(n, v);
  return res;
}

/** A response with a body of Swift's own words (most validation errors: text/plain). */
export function swiftText(status: number, text: string, contentType = PLAIN): FakeResponse {
  return new FakeResponse(status, Buffer.from(text, 'utf8'), [['Content-Type', contentType]]);
}

/**
 * swift.common.utils.generate_trans_id: `tx` + 21 hex digits of a uuid4 + `-`
 * + the time as 10 hex digits, then `-` + X-Trans-Id-Extra (its first 32
 * characters, quoted) when the client sent one (proxy/server.py).
 */
export function transId(nowMs: number, extra?: string): string {
  // randomUUID draws from a cached pool of entropy: much cheaper per call than randomBytes.
  const id = `tx${randomUUID().replace(/-/g, '').slice(0, 21)}-${Math.floor(nowMs / 1000).toString(16).padStart(10, '0')}`;
  return extra ? id + pyQuote('-' + extra.slice(0, 32)) : id;
}
