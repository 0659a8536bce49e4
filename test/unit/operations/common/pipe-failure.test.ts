import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pipeWithFailure, throwIfFailed } from '../../../../src/operations/common/pipe-failure.js';

/** A body whose verification failed before anyone read it (as a short body with a wrong hash does). */
async function failedBody(): Promise<Readable> {
  const body = new Readable({ read() {} });
  body.on('error', () => {});
  body.destroy(Object.assign(new Error('XAmzContentSHA256Mismatch'), { code: 'XAmzContentSHA256Mismatch' }));
  await new Promise((r) => setImmediate(r));
  return body;
}

describe('pipeWithFailure', () => {
  it('fails the destination at once when the body had already failed (a later error listener would never hear of it)', async () => {
    const into = pipeWithFailure(await failedBody(), new PassThrough());
    const outcome = await new Promise<string>((resolve) => {
      into.once('error', (err) => resolve(`error: ${err.message}`));
      into.once('end', () => resolve('end'));
      into.resume();
      setTimeout(() => resolve('still waiting'), 500);
    });
    expect(outcome).toBe('error: XAmzContentSHA256Mismatch');
  });

  it('passes on a failure that comes later, and the bytes before it', async () => {
    const body = new PassThrough();
    const into = pipeWithFailure(body, new PassThrough());
    const chunks: Buffer[] = [];
    into.on('data', (c: Buffer) => chunks.push(c));
    body.write('abc');
    const failed = new Promise<Error>((resolve) => into.once('error', resolve));
    setImmediate(() => body.destroy(new Error('BadDigest')));
    expect((await failed).message).toBe('BadDigest');
    expect(Buffer.concat(chunks).toString()).toBe('abc');
  });

  it('pipes a healthy body through to its end', async () => {
    const into = pipeWithFailure(Readable.from([Buffer.from('whole')]), new PassThrough());
    const chunks: Buffer[] = [];
    for await (const c of into) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('whole');
  });
});

describe('throwIfFailed', () => {
  it('throws the failure of a body that already failed, and nothing for a healthy one', async () => {
    expect(() => throwIfFailed(new PassThrough())).not.toThrow();
    expect(() => throwIfFailed(Readable.from([]))).not.toThrow();
    const failed = await failedBody();
    expect(() => throwIfFailed(failed)).toThrow('XAmzContentSHA256Mismatch');
  });
});
