// SSE-C request headers: every error S3 gives for them, and what is echoed.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { COPY_SOURCE_SSE_C_PREFIX, customerKeyResponseHeaders, parseCustomerKey, withoutCustomerKeys } from '../../../src/s3/sse.js';

const key = randomBytes(32);
const b64 = key.toString('base64');
const md5 = createHash('md5').update(key).digest('base64');
const ALG = 'x-amz-server-side-encryption-customer-algorithm';
const KEY = 'x-amz-server-side-encryption-customer-key';
const MD5 = 'x-amz-server-side-encryption-customer-key-md5';
const good = { [ALG]: 'AES256', [KEY]: b64, [MD5]: md5 };

function error(headers: Record<string, string>): S3Error {
  try {
    parseCustomerKey(headers);
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('parseCustomerKey', () => {
  it('is undefined without SSE-C headers, and reads a complete set', () => {
    expect(parseCustomerKey({ 'content-type': 'x' })).toBeUndefined();
    const k = parseCustomerKey(good)!;
    expect(k.key.equals(key)).toBe(true);
    expect(k.keyMd5).toBe(md5);
    expect(customerKeyResponseHeaders(k)).toEqual({ [ALG]: 'AES256', [MD5]: md5 });
  });

  const short = randomBytes(16);
  const cases: [string, Record<string, string>, string, string][] = [
    ['no algorithm', { [KEY]: b64, [MD5]: md5 }, 'InvalidArgument', 'must provide a valid encryption algorithm.'],
    ['another algorithm', { ...good, [ALG]: 'AES128' }, 'InvalidArgument', 'must provide a valid encryption algorithm.'],
    ['no key', { [ALG]: 'AES256', [MD5]: md5 }, 'InvalidArgument', 'must provide an appropriate secret key.'],
    ['an empty key', { ...good, [KEY]: '' }, 'InvalidArgument', 'must provide an appropriate secret key.'],
    ['no key MD5', { [ALG]: 'AES256', [KEY]: b64 }, 'InvalidArgument', 'must provide the client calculated MD5 of the secret key.'],
    ['a 128-bit key', { ...good, [KEY]: short.toString('base64'), [MD5]: createHash('md5').update(short).digest('base64') }, 'InvalidArgument', 'The secret key was invalid for the specified algorithm.'],
    ['a key that is not base64', { ...good, [KEY]: '!'.repeat(44) }, 'InvalidArgument', 'The secret key was invalid for the specified algorithm.'],
    ['an MD5 of another key', { ...good, [MD5]: createHash('md5').update(randomBytes(32)).digest('base64') }, 'InvalidArgument', 'The calculated MD5 hash of the key did not match the hash that was provided.'],
    ['an unknown SSE-C header', { ...good, 'x-amz-server-side-encryption-customer-foo': '1' }, 'InvalidArgument', 'Unknown server-side encryption header'],
  ];
  for (const [what, headers, code, message] of cases) {
    it(`${what}: 400 ${code}, without the key in the error`, () => {
      const err = error(headers);
      expect(err.code).toBe(code);
      expect(err.status).toBe(400);
      expect(err.message).toContain(message);
      expect(JSON.stringify({ ...err.details, message: err.message })).not.toContain(b64);
    });
  }

  it('reads the copy-source set under its own prefix', () => {
    const copy = Object.fromEntries(Object.entries(good).map(([k, v]) => [k.replace('x-amz-', 'x-amz-copy-source-'), v]));
    expect(parseCustomerKey(copy)).toBeUndefined();
    expect(parseCustomerKey(copy, COPY_SOURCE_SSE_C_PREFIX)!.key.equals(key)).toBe(true);
  });
});

describe('withoutCustomerKeys', () => {
  it('blanks the key and key-MD5 lines of a canonical request, its own and a copy source\'s, and nothing else', () => {
    const canonical = ['GET', '/b/k', '', 'host:h', `x-amz-copy-source-server-side-encryption-customer-key:${b64}`, 'x-amz-server-side-encryption-customer-algorithm:AES256',
      `x-amz-server-side-encryption-customer-key:${b64}`, `x-amz-server-side-encryption-customer-key-md5:${md5}`, '', 'host;x-amz-server-side-encryption-customer-key'].join('\n');
    const shown = withoutCustomerKeys(canonical);
    expect(shown).not.toContain(b64);
    expect(shown).not.toContain(md5);
    expect(shown).toContain('x-amz-server-side-encryption-customer-algorithm:AES256');
    expect(shown).toContain('x-amz-server-side-encryption-customer-key:<redacted>');
    expect(shown.split('\n')).toHaveLength(canonical.split('\n').length);
    expect(withoutCustomerKeys('GET\n/\n')).toBe('GET\n/\n');
  });
});
