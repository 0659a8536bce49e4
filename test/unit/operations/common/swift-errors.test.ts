// Swift status → S3 error: the shared fallbacks every family's table ends in,
// and the wrapper that applies a family's table to its handlers.
import { describe, expect, it } from 'vitest';
import { OBJECT_TABLE, UPLOAD_TABLE, translate, withTable } from '../../../../src/operations/common/swift-errors.js';
import type { OperationContext } from '../../../../src/operations/context.js';
import { S3Error, s3Error } from '../../../../src/s3/errors.js';
import { SwiftError, UpstreamUnavailable } from '../../../../src/swift/errors.js';

const swift = (status: number, detail = '', reason?: 'segment') => new SwiftError(status, 'PUT', 'b', 'k', detail, reason);
const s3 = (err: unknown) => err as S3Error;

describe('translate', () => {
  it('maps Swift 408 (its client_timeout on our body) to RequestTimeout 400', () => {
    const err = s3(translate(swift(408, '<html><h1>Request Timeout</h1></html>'), OBJECT_TABLE));
    expect(err.code).toBe('RequestTimeout');
    expect(err.status).toBe(400);
  });

  it('maps Swift 499 (the client went away) to RequestTimeout 400', () => {
    expect(s3(translate(swift(499), OBJECT_TABLE)).code).toBe('RequestTimeout');
  });

  it('maps Swift 414 (a request line too long: a listing parameter of thousands of bytes) to InvalidArgument 400, not InternalError', () => {
    const err = s3(translate(swift(414, '<html><h1>Request URI Too Long</h1></html>'), OBJECT_TABLE));
    expect(err.code).toBe('InvalidArgument');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/too long/);
  });

  for (const status of [500, 502, 503, 504, 507]) {
    it(`maps Swift ${status} to ServiceUnavailable 503, which S3 clients retry, not InternalError`, () => {
      const err = s3(translate(swift(status, 'oops'), OBJECT_TABLE));
      expect(err.code).toBe('ServiceUnavailable');
      expect(err.status).toBe(503);
    });
  }

  it('lets the family table win over the shared one, and a recognised reason over the status', () => {
    expect(s3(translate(swift(404), OBJECT_TABLE)).code).toBe('NoSuchKey');
    expect(s3(translate(swift(400, 'Etag Mismatch', 'segment'), UPLOAD_TABLE)).code).toBe('InvalidPart');
  });

  it("names the metadata limit from the text of Swift's 400, should Swift refuse metadata itself", () => {
    const err = s3(translate(swift(400, 'Metadata value longer than 256: x-object-meta-Foo'), OBJECT_TABLE));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details).toEqual({ ArgumentName: 'x-amz-meta-foo' });
    expect(err.message).toBe('The metadata value of x-amz-meta-foo is more than 256 bytes; this Swift cluster allows 256.');
  });

  it('keeps the generic InvalidArgument for any other Swift 400', () => {
    const err = s3(translate(swift(400, 'Invalid X-Delete-At'), OBJECT_TABLE));
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toBe('Invalid Argument');
  });

  it('keeps InternalError for a status nobody expects, with the SwiftError as its cause', () => {
    const err = s3(translate(swift(418), OBJECT_TABLE));
    expect(err.code).toBe('InternalError');
    expect(err.cause).toBeInstanceOf(SwiftError);
  });

  it('passes anything but a SwiftError through unchanged', () => {
    const down = new UpstreamUnavailable('swift', 'down');
    expect(translate(down, OBJECT_TABLE)).toBe(down);
    const already = s3Error('NoSuchUpload');
    expect(translate(already, OBJECT_TABLE)).toBe(already);
  });
});

describe('withTable', () => {
  const ctx = { req: { bucket: 'b', key: 'k', query: new Map([['uploadId', 'u1']]) } } as unknown as OperationContext;

  it("translates what a handler throws, with the request's elements", async () => {
    const handler = withTable(UPLOAD_TABLE, async () => { throw swift(404); });
    const err = (await handler(ctx).catch((e: unknown) => e)) as S3Error;
    expect(err.code).toBe('NoSuchUpload');
    expect(err.details).toEqual({ UploadId: 'u1' });
  });

  it('translates the failure of a pending answer too', async () => {
    const handler = withTable(OBJECT_TABLE, async () => ({ status: 200, pendingXml: Promise.reject(swift(503)) }));
    const result = await handler(ctx);
    const err = (await result.pendingXml!.catch((e: unknown) => e)) as S3Error;
    expect(err.code).toBe('ServiceUnavailable');
  });
});
