// Requests the HTTP layers below the pipeline refuse before the gateway sees
// them still get an S3 error: an XML <Error> with Code, Message and RequestId,
// as every S3 answer has (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
// Found by the fuzzer: node answered a method its parser does not know
// (`FOO /b/k`) with a bare `400` and no body, and @hono/node-server answered a
// Host header `new URL()` refuses (`b%2Bx.localhost`) with an empty 400.
import type { Socket } from 'node:net';
import { errorStatus, type Dialect } from '../s3/dialect.js';
import { s3Error, type S3Error } from '../s3/errors.js';
import { errorDocument } from '../s3/render.js';
import { generateTransId } from '../s3/trans-id.js';

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 405: 'Method Not Allowed' };

/** The S3 error for a request node:http's parser refused (its error code: HPE_INVALID_METHOD, ...). */
export function parserError(code: string | undefined): S3Error {
  if (code === 'HPE_INVALID_METHOD') return s3Error('MethodNotAllowed', {}, 'The specified method is not allowed against this resource.');
  // node's headersTimeout: the request head did not arrive in time (node would answer a bare 408).
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADERS_TIMEOUT') return s3Error('RequestTimeout', {}, 'Your socket connection to the server was not read from or written to within the timeout period.');
  if (code === 'HPE_HEADER_OVERFLOW') return s3Error('BadRequest', {}, 'Your request header section exceeds the maximum allowed size.');
  return s3Error('BadRequest', {}, 'The request is not valid HTTP/1.1 and could not be read.');
}

/** The S3 error for a request @hono/node-server could not turn into a URL. */
export function unreadableUrlError(err: unknown): S3Error {
  const message = err instanceof Error ? err.message : '';
  if (/host/i.test(message)) return s3Error('InvalidArgument', { ArgumentName: 'Host' }, 'The Host header is not a valid host name.');
  return s3Error('InvalidURI', {}, "Couldn't parse the specified URI.");
}

/** A whole HTTP/1.1 response for `err`, closing the connection (the parser lost its place in the stream). */
export function rawErrorResponse(err: S3Error, dialect: Dialect, transId = generateTransId()): string {
  const status = errorStatus(dialect, err.status);
  const body = Buffer.from(errorDocument(err, '/', transId));
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/xml\r\ncontent-length: ${body.length}\r\n`
    + `x-amz-request-id: ${transId}\r\nx-trans-id: ${transId}\r\nconnection: close\r\n\r\n${body.toString('latin1')}`;
}

/** node:http's 'clientError': answer in S3's terms when the socket can still carry an answer. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket, dialect: Dialect): void {
  // A client that went away, or a response already under way: nothing to say.
  if (err.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(parserError(err.code), dialect), 'latin1');
}

/** A fetch Response for @hono/node-server's errorHandler (a request it could not build). */
export function unreadableUrlResponse(err: unknown, dialect: Dialect): Response {
  const transId = generateTransId();
  const e = unreadableUrlError(err);
  const body = errorDocument(e, '/', transId);
  return new Response(body, {
    status: errorStatus(dialect, e.status),
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': transId, 'x-trans-id': transId, connection: 'close' },
  });
}
