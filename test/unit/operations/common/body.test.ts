// Reading XML request bodies under a cap: refused before reading when the
// declared length is over it, and without reading further when a body without
// one passes it.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readXmlBody } from '../../../../src/operations/common/body.js';
import type { OperationContext } from '../../../../src/operations/context.js';

/** A body of `chunks` chunks of `size` bytes that counts what was pulled from it. */
function countingBody(chunks: number, size: number): Readable & { pulled: number } {
  let sent = 0;
  const body = new Readable({
    highWaterMark: size,
    read() {
      if (sent === chunks) this.push(null);
      else {
        sent++;
        body.pulled += size;
        this.push(Buffer.alloc(size, 0x20));
      }
    },
  }) as Readable & { pulled: number };
  body.pulled = 0;
  return body;
}

function ctxWith(body: Readable, headers: Record<string, string>, decodedLength?: number): OperationContext {
  return { body, decodedLength, req: { headers } } as unknown as OperationContext;
}

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message?: string };
  }
  throw new Error('not refused');
}

describe('readXmlBody', () => {
  it('reads a body up to its cap, and its MD5 as it comes', async () => {
    const body = countingBody(4, 1000);
    const read = await readXmlBody(ctxWith(body, { 'content-length': '4000' }), 4000);
    expect(read.bytes).toEqual(Buffer.alloc(4000, 0x20));
    expect(read.md5Hex).toBe(createHash('md5').update(Buffer.alloc(4000, 0x20)).digest('hex'));
  });

  it('refuses a declared Content-Length over the cap with MalformedXML naming it, reading nothing', async () => {
    const body = countingBody(1000, 1000);
    const err = await refusal(readXmlBody(ctxWith(body, { 'content-length': '1000000' }), 4000));
    expect(err.code).toBe('MalformedXML');
    expect(err.message).toContain('4000 bytes');
    expect(body.pulled).toBe(0);
    expect(body.destroyed).toBe(false);
  });

  it('judges an aws-chunked body by its decoded length', async () => {
    const body = countingBody(1000, 1000);
    const err = await refusal(readXmlBody(ctxWith(body, { 'content-length': '100' }, 5000), 4000));
    expect(err.code).toBe('MalformedXML');
    expect(body.pulled).toBe(0);
  });

  it('stops reading a body without a length once it passes the cap, and leaves the stream to the pipeline', async () => {
    const body = countingBody(1000, 1000);
    const err = await refusal(readXmlBody(ctxWith(body, { 'transfer-encoding': 'chunked' }), 4000));
    expect(err.code).toBe('MalformedXML');
    // The chunk past the cap, and what the stream buffered ahead of it (one highWaterMark).
    expect(body.pulled).toBeLessThanOrEqual(7000);
    // Destroying a request body destroys its socket, and the error would never reach the client.
    expect(body.destroyed).toBe(false);
  });
});
