// Signature Version 4: AWS's published S3 examples run as data, then the
// refusals authenticate() gives for bad scopes, clocks and tampering.
import { describe, expect, it } from 'vitest';
import { StaticCredentialStore } from '../../../src/auth/credentials.js';
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUris,
  uriEncode,
} from '../../../src/auth/sigv4-canonical.js';
import { deriveSigningKey, SigningKeyCache } from '../../../src/auth/signing-keys.js';
import { authenticate, type AuthOptions } from '../../../src/auth/verify.js';
import { S3Error } from '../../../src/s3/errors.js';
import { parseRequest, type S3Request } from '../../../src/s3/request.js';

const ACCESS = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DOMAINS = ['s3.amazonaws.com'];
const AT = Date.UTC(2013, 4, 24, 0, 0, 0);
const store = new StaticCredentialStore([{ accessKeyId: ACCESS, secretKey: SECRET, identity: 'john' }]);

function opts(nowMs = AT, acceptedRegions: readonly string[] = ['us-east-1']): AuthOptions {
  return { maxSkewMs: 15 * 60_000, now: () => nowMs, acceptedRegions, signingKeys: new SigningKeyCache() };
}

function request(method: string, url: string, headers: ReadonlyArray<readonly [string, string]>): S3Request {
  return parseRequest({ method, url, rawHeaders: headers.flat() }, DOMAINS);
}

async function authError(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const auth = (signed: string, sig: string) =>
  `AWS4-HMAC-SHA256 Credential=${ACCESS}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signed},Signature=${sig}`;

// "Signature Calculations for the Authorization Header: Transferring Payload in a
// Single Chunk (AWS Signature Version 4)", examples section:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
const PUBLISHED = [
  {
    name: 'GET Object (with Range)',
    method: 'GET',
    url: '/test.txt',
    headers: [['Host', 'examplebucket.s3.amazonaws.com'], ['Range', 'bytes=0-9'], ['x-amz-content-sha256', EMPTY], ['x-amz-date', '20130524T000000Z']],
    signed: 'host;range;x-amz-content-sha256;x-amz-date',
    signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  },
  {
    name: 'PUT Object',
    method: 'PUT',
    url: '/test%24file.text',
    headers: [
      ['Host', 'examplebucket.s3.amazonaws.com'], ['Date', 'Fri, 24 May 2013 00:00:00 GMT'],
      ['x-amz-date', '20130524T000000Z'], ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
      ['x-amz-content-sha256', '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072'],
    ],
    signed: 'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
    signature: '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
  },
  {
    name: 'GET Bucket Lifecycle',
    method: 'GET',
    url: '/?lifecycle',
    headers: [['Host', 'examplebucket.s3.amazonaws.com'], ['x-amz-date', '20130524T000000Z'], ['x-amz-content-sha256', EMPTY]],
    signed: 'host;x-amz-content-sha256;x-amz-date',
    signature: 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
  },
  {
    name: 'GET Bucket (List Objects)',
    method: 'GET',
    url: '/?max-keys=2&prefix=J',
    headers: [['Host', 'examplebucket.s3.amazonaws.com'], ['x-amz-date', '20130524T000000Z'], ['x-amz-content-sha256', EMPTY]],
    signed: 'host;x-amz-content-sha256;x-amz-date',
    signature: '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
  },
] as const;

describe('AWS published SigV4 examples (single chunk)', () => {
  for (const ex of PUBLISHED) {
    it(`${ex.name}: accepts the published Authorization header`, async () => {
      const req = request(ex.method, ex.url, [...ex.headers, ['Authorization', auth(ex.signed, ex.signature)]]);
      const result = await authenticate(req, store, opts());
      expect(result.scheme).toBe('sigv4');
      expect(result.credential.identity).toBe('john');
    });

    it(`${ex.name}: refuses it once one signature digit changes`, async () => {
      const bad = ex.signature.slice(0, -1) + (ex.signature.endsWith('0') ? '1' : '0');
      const req = request(ex.method, ex.url, [...ex.headers, ['Authorization', auth(ex.signed, bad)]]);
      const err = await authError(authenticate(req, store, opts()));
      expect(err.code).toBe('SignatureDoesNotMatch');
      expect(String(err.details['CanonicalRequest'])).toContain(ex.signed);
      expect(JSON.stringify(err.details)).not.toContain(SECRET);
    });
  }
});

// "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)":
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
describe('AWS published SigV4 presigned URL example', () => {
  const url = '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request'
    + '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host'
    + '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const host = [['Host', 'examplebucket.s3.amazonaws.com']] as const;

  it('accepts the published URL within its 24 hours', async () => {
    const result = await authenticate(request('GET', url, host), store, opts(AT + 86_399_000));
    expect(result.scheme).toBe('sigv4-presigned');
    expect(result.v4?.payload).toEqual({ kind: 'unsigned' });
  });

  it('refuses it after X-Amz-Expires with AccessDenied "Request has expired"', async () => {
    const err = await authError(authenticate(request('GET', url, host), store, opts(AT + 86_401_000)));
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toBe('Request has expired');
  });

  it('refuses X-Amz-Expires over seven days with AuthorizationQueryParametersError', async () => {
    const err = await authError(authenticate(request('GET', url.replace('86400', '604801'), host), store, opts()));
    expect(err.code).toBe('AuthorizationQueryParametersError');
  });

  it('refuses a changed path or an added query parameter with SignatureDoesNotMatch', async () => {
    expect((await authError(authenticate(request('GET', url.replace('/test.txt', '/test2.txt'), host), store, opts()))).code)
      .toBe('SignatureDoesNotMatch');
    expect((await authError(authenticate(request('GET', url + '&acl', host), store, opts()))).code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a URL missing a parameter with AuthorizationQueryParametersError', async () => {
    const err = await authError(authenticate(request('GET', url.replace('&X-Amz-SignedHeaders=host', ''), host), store, opts()));
    expect(err.code).toBe('AuthorizationQueryParametersError');
  });
});

describe('SigV4 refusals', () => {
  const ex = PUBLISHED[0];
  const get = (authorization: string, extra: ReadonlyArray<readonly [string, string]> = []) =>
    request(ex.method, ex.url, [...ex.headers, ...extra, ['Authorization', authorization]]);

  it('names the expected region when the scope names another (AuthorizationHeaderMalformed)', async () => {
    const err = await authError(authenticate(get(auth(ex.signed, ex.signature)), store, opts(AT, ['kr-central-1'])));
    expect(err.code).toBe('AuthorizationHeaderMalformed');
    expect(err.message).toContain("expecting 'kr-central-1'");
    expect(err.details['Region']).toBe('kr-central-1');
  });

  it('accepts any configured region', async () => {
    await expect(authenticate(get(auth(ex.signed, ex.signature)), store, opts(AT, ['kr-central-1', 'us-east-1']))).resolves.toBeDefined();
  });

  it('refuses a scope date other than x-amz-date\'s date', async () => {
    const header = auth(ex.signed, ex.signature).replace('/20130524/', '/20130525/');
    expect((await authError(authenticate(get(header), store, opts()))).code).toBe('AuthorizationHeaderMalformed');
  });

  it('refuses a service other than s3', async () => {
    const header = auth(ex.signed, ex.signature).replace('/s3/', '/ec2/');
    expect((await authError(authenticate(get(header), store, opts()))).code).toBe('AuthorizationHeaderMalformed');
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    const header = auth(ex.signed, ex.signature).replace(ACCESS, 'AKIDUNKNOWN');
    expect((await authError(authenticate(get(header), store, opts()))).code).toBe('InvalidAccessKeyId');
  });

  it('refuses more than 15 minutes of skew with RequestTimeTooSkewed', async () => {
    const header = auth(ex.signed, ex.signature);
    await expect(authenticate(get(header), store, opts(AT + 15 * 60_000))).resolves.toBeDefined();
    expect((await authError(authenticate(get(header), store, opts(AT + 16 * 60_000)))).code).toBe('RequestTimeTooSkewed');
  });

  it('requires host among the signed headers', async () => {
    const header = auth('range;x-amz-content-sha256;x-amz-date', ex.signature);
    expect((await authError(authenticate(get(header), store, opts()))).code).toBe('AccessDenied');
  });

  it('refuses x-amz-* headers that were not signed', async () => {
    const err = await authError(authenticate(get(auth(ex.signed, ex.signature), [['x-amz-meta-sneaky', '1']]), store, opts()));
    expect(err.code).toBe('AccessDenied');
    expect(err.details['HeadersNotSigned']).toBe('x-amz-meta-sneaky');
  });

  it('requires x-amz-content-sha256 for header authentication', async () => {
    const headers = ex.headers.filter(([n]) => n !== 'x-amz-content-sha256');
    const req = request('GET', ex.url, [...headers, ['Authorization', auth('host;range;x-amz-date', ex.signature)]]);
    const err = await authError(authenticate(req, store, opts()));
    expect(err.code).toBe('InvalidRequest');
    expect(err.message).toContain('x-amz-content-sha256');
  });

  it('refuses a changed signed header value', async () => {
    const req = request(ex.method, ex.url, [...ex.headers.map(([n, v]) => [n, n === 'Range' ? 'bytes=0-10' : v] as const),
      ['Authorization', auth(ex.signed, ex.signature)]]);
    expect((await authError(authenticate(req, store, opts()))).code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a malformed header with AuthorizationHeaderMalformed', async () => {
    expect((await authError(authenticate(get('AWS4-HMAC-SHA256 Credential=x'), store, opts()))).code).toBe('AuthorizationHeaderMalformed');
  });
});

describe('canonical pieces', () => {
  it('UriEncodes every byte but the unreserved ones, upper-case hex', () => {
    expect(uriEncode('a b+c/é~*', false)).toBe('a%20b%2Bc%2F%C3%A9~%2A');
    expect(uriEncode('a b/c', true)).toBe('a%20b/c');
  });

  it('keeps the raw path as sent when it is already canonical (no //, .. normalisation)', () => {
    expect(canonicalUris('/b/a%20b//../c')).toEqual(['/b/a%20b//../c']);
    expect(canonicalUris('')).toEqual(['/']);
  });

  it('offers the raw path too when a client sent a character UriEncode escapes', () => {
    expect(canonicalUris('/b/a+b(1)')).toEqual(['/b/a%2Bb%281%29', '/b/a+b(1)']);
    expect(canonicalUris('/b/%7e%2a')).toEqual(['/b/~%2A', '/b/%7e%2a']);
  });

  it('sorts and encodes the query, bare names get an empty value, X-Amz-Signature excluded', () => {
    expect(canonicalQuery('prefix=J&max-keys=2', true)).toBe('max-keys=2&prefix=J');
    expect(canonicalQuery('lifecycle', true)).toBe('lifecycle=');
    expect(canonicalQuery('a=x+y&a=b%2Fc', true)).toBe('a=b%2Fc&a=x%20y');
    expect(canonicalQuery('a=x+y', false)).toBe('a=x%2By');
    expect(canonicalQuery('X-Amz-Signature=ab&z=1', true, 'X-Amz-Signature')).toBe('z=1');
  });

  it('trims header values and collapses inner whitespace', () => {
    expect(canonicalHeaderValue('  a   b \t c  ')).toBe('a b c');
  });

  it('derives the signing key of AWS\'s example (IAM guide)', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (older "Examples of how to derive a signing key")
    expect(deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex'))
      .toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('caches signing keys per (secret, date, region)', () => {
    const cache = new SigningKeyCache(10);
    const a = cache.get(SECRET, '20130524', 'us-east-1');
    expect(cache.get(SECRET, '20130524', 'us-east-1')).toBe(a);
    cache.get(SECRET, '20130525', 'us-east-1');
    cache.get(SECRET, '20130524', 'eu-west-1');
    expect(cache.size).toBe(3);
  });
});
