// Swift status → S3 error: the shared fallbacks every operation's table ends in.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OBJECT_TABLE, swiftFailure } from '../../../src/operations/swift-errors.js';
import type { SwiftResponse } from '../../../src/swift/client.js';

function response(status: number, body = ''): SwiftResponse {
  return { status, headers: { 'content-type': 'text/plain' }, body: Readable.from([Buffer.from(body)]) };
}

describe('swiftFailure', () => {
  it('maps Swift 408 (its client_timeout on our body) to RequestTimeout 400', async () => {
    const err = await swiftFailure(response(408, '<html><h1>Request Timeout</h1></html>'), OBJECT_TABLE);
    expect(err.code).toBe('RequestTimeout');
    expect(err.status).toBe(400);
  });

  it('maps Swift 499 (the client went away) to RequestTimeout 400', async () => {
    expect((await swiftFailure(response(499), OBJECT_TABLE)).code).toBe('RequestTimeout');
  });

  for (const status of [500, 502, 503, 504, 507]) {
    it(`maps Swift ${status} to ServiceUnavailable 503, which S3 clients retry, not InternalError`, async () => {
      const err = await swiftFailure(response(status, 'oops'), OBJECT_TABLE);
      expect(err.code).toBe('ServiceUnavailable');
      expect(err.status).toBe(503);
    });
  }

  it('lets the operation table win over the shared one', async () => {
    expect((await swiftFailure(response(404), OBJECT_TABLE)).code).toBe('NoSuchKey');
  });

  it("names the metadata limit from the text of Swift's 400, should Swift refuse metadata itself", async () => {
    const err = await swiftFailure(response(400, 'Metadata value longer than 256: x-object-meta-Foo'), OBJECT_TABLE, { Key: 'k' });
    expect(err.code).toBe('InvalidArgument');
    expect(err.details).toEqual({ ArgumentName: 'x-amz-meta-foo' });
    expect(err.message).toBe('The metadata value of x-amz-meta-foo is more than 256 bytes; this Swift cluster allows 256.');
  });

  it('keeps the generic InvalidArgument for any other Swift 400', async () => {
    const err = await swiftFailure(response(400, 'Invalid X-Delete-At'), OBJECT_TABLE);
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toBe('Invalid Argument');
  });

  it('keeps InternalError for a status nobody expects', async () => {
    expect((await swiftFailure(response(418), OBJECT_TABLE)).code).toBe('InternalError');
  });
});
