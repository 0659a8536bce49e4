import { describe, expect, it } from 'vitest';
import { parserError, rawErrorResponse, unreadableUrlError, unreadableUrlResponse } from '../../../src/http/unreadable-request.js';
import { DIALECTS } from '../../../src/s3/dialect.js';

describe('errors for requests refused below the pipeline', () => {
  it('answers an HTTP method node cannot parse with 405 MethodNotAllowed', () => {
    expect(parserError('HPE_INVALID_METHOD').code).toBe('MethodNotAllowed');
    expect(parserError('HPE_INVALID_METHOD').status).toBe(405);
  });

  it('answers a request head that did not arrive in time with RequestTimeout', () => {
    expect(parserError('ERR_HTTP_REQUEST_TIMEOUT').code).toBe('RequestTimeout');
  });

  it('answers other malformed HTTP with 400 BadRequest', () => {
    for (const code of ['HPE_INVALID_HEADER_TOKEN', 'HPE_HEADER_OVERFLOW', undefined]) {
      expect(parserError(code).code).toBe('BadRequest');
      expect(parserError(code).status).toBe(400);
    }
  });

  it('writes a complete HTTP/1.1 answer with an S3 <Error> document and closes the connection', () => {
    const text = rawErrorResponse(parserError('HPE_INVALID_METHOD'), DIALECTS.aws, 'tx123');
    const [head, body] = text.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(head).toContain('x-amz-request-id: tx123');
    expect(head).toContain('connection: close');
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(body).toMatch(/<Error><Code>MethodNotAllowed<\/Code><Message>[^<]+<\/Message>.*<RequestId>tx123<\/RequestId><\/Error>$/);
  });

  it('answers a Host header that is not a host name with 400 InvalidArgument, any other unreadable URL with InvalidURI', async () => {
    expect(unreadableUrlError(new Error('Invalid host header')).code).toBe('InvalidArgument');
    expect(unreadableUrlError(new Error('Invalid URL')).code).toBe('InvalidURI');
    const res = unreadableUrlResponse(new Error('Invalid host header'), DIALECTS.aws);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amz-request-id')).toMatch(/^tx/);
    expect(await res.text()).toMatch(/<Code>InvalidArgument<\/Code>.*<RequestId>tx/);
  });
});
