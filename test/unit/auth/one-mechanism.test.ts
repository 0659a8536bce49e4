// One request, one signature: S3 refuses a request signed in two places.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StaticCredentialStore } from '../../../src/auth/credentials.js';
import { authenticate } from '../../../src/auth/verify.js';
import { S3Error } from '../../../src/s3/errors.js';
import { parseRequest } from '../../../src/s3/request.js';

const ACCESS = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const store = new StaticCredentialStore([{ accessKeyId: ACCESS, secretKey: SECRET, identity: 'john' }]);
const DATE = 'Tue, 27 Mar 2007 19:36:42 +0000';
const NOW = Date.parse(DATE);

function sign(stringToSign: string): string {
  return createHmac('sha1', SECRET).update(stringToSign, 'utf8').digest('base64');
}

const GOOD = `AWS ${ACCESS}:${sign(`GET\n\n\n${DATE}\n/johnsmith/photos/puppy.jpg`)}`;

async function refusal(url: string, headers: string[]): Promise<S3Error> {
  const req = parseRequest({ method: 'GET', url, rawHeaders: ['Host', 'johnsmith.s3.amazonaws.com', 'Date', DATE, ...headers] }, ['s3.amazonaws.com']);
  try {
    await authenticate(req, store, { maxSkewMs: 900_000, now: () => NOW });
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

describe('authenticate with more than one signature', () => {
  it('accepts the one good Authorization header (the control case)', async () => {
    const req = parseRequest({ method: 'GET', url: '/photos/puppy.jpg', rawHeaders: ['Host', 'johnsmith.s3.amazonaws.com', 'Date', DATE, 'Authorization', GOOD] }, ['s3.amazonaws.com']);
    expect((await authenticate(req, store, { maxSkewMs: 900_000, now: () => NOW })).credential.identity).toBe('john');
  });

  it('refuses two Authorization headers with InvalidArgument, even when both are the good one', async () => {
    const err = await refusal('/photos/puppy.jpg', ['Authorization', GOOD, 'authorization', GOOD]);
    expect(err.code).toBe('InvalidArgument');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ ArgumentName: 'Authorization' });
    expect(err.message).toMatch(/^Only one auth mechanism allowed/);
  });

  for (const query of ['X-Amz-Signature=abc', 'X-Amz-Algorithm=AWS4-HMAC-SHA256', 'Signature=abc', `AWSAccessKeyId=${ACCESS}`]) {
    it(`refuses an Authorization header together with the query parameter ${query.split('=')[0]} with S3's InvalidArgument`, async () => {
      const err = await refusal(`/photos/puppy.jpg?${query}`, ['Authorization', GOOD]);
      expect(err.code).toBe('InvalidArgument');
      expect(err.details.ArgumentName).toBe('Authorization');
      expect(err.message).toBe('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
    });
  }

  it('refuses SigV2 and SigV4 query authentication in one URL', async () => {
    const err = await refusal(`/photos/puppy.jpg?AWSAccessKeyId=${ACCESS}&Expires=1175139620&Signature=abc&X-Amz-Algorithm=AWS4-HMAC-SHA256`, []);
    expect(err.code).toBe('InvalidArgument');
    expect(err.details.ArgumentName).toBe('X-Amz-Algorithm');
  });

  it('never repeats the signature in the error', async () => {
    const err = await refusal('/photos/puppy.jpg?Signature=abc', ['Authorization', GOOD]);
    expect(JSON.stringify({ ...err.details, m: err.message })).not.toContain(GOOD.split(':')[1]);
  });
});
