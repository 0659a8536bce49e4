// Signature Version 2: AWS's published examples run as data, error paths of
// authenticate(), and botocore's HmacV1Auth as an independent oracle.
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StaticCredentialStore } from '../../../src/auth/credentials.js';
import {
  canonicalAmzHeaders,
  canonicalResources,
  canonicalSubResources,
  signV2,
  stringToSign,
  stringToSignBase,
} from '../../../src/auth/sigv2.js';
import { authenticate, signaturesEqual, type AuthOptions } from '../../../src/auth/verify.js';
import { S3Error } from '../../../src/s3/errors.js';
import { parseQuery, parseRequest, type S3Request } from '../../../src/s3/request.js';

const ACCESS = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DOMAINS = ['s3.amazonaws.com'];

const store = new StaticCredentialStore([{ accessKeyId: ACCESS, secretKey: SECRET, identity: 'john' }]);

function opts(nowMs: number, maxSkewMs = 15 * 60 * 1000): AuthOptions {
  return { maxSkewMs, now: () => nowMs };
}

/** An independent HMAC-SHA1, so tests that sign by hand do not lean on signV2. */
function hmac(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text, 'utf8').digest('base64');
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

// AWS's published examples, from "Signing and authenticating REST requests"
// (https://docs.aws.amazon.com/AmazonS3/latest/dev/RESTAuthentication.html#RESTAuthenticationExamples),
// in the version that uses the bucket "johnsmith" with the AKIAIOSFODNN7EXAMPLE key
// (awsdocs/amazon-s3-developer-guide, doc_source/RESTAuthentication.md). The later
// "awsexamplebucket1" version renamed the bucket but kept the old signatures, so
// only this version's signatures check.
interface PublishedExample {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly stringToSign: string;
  readonly signature: string;
}

const PUBLISHED: readonly PublishedExample[] = [
  {
    name: 'Object GET (virtual-hosted)',
    method: 'GET',
    url: '/photos/puppy.jpg',
    headers: [['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Tue, 27 Mar 2007 19:36:42 +0000']],
    stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg',
    signature: 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=',
  },
  {
    name: 'Object PUT with Content-Type',
    method: 'PUT',
    url: '/photos/puppy.jpg',
    headers: [
      ['Content-Type', 'image/jpeg'],
      ['Content-Length', '94328'],
      ['Host', 'johnsmith.s3.amazonaws.com'],
      ['Date', 'Tue, 27 Mar 2007 21:15:45 +0000'],
    ],
    stringToSign: 'PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg',
    signature: 'MyyxeRY7whkBe+bq8fHCL/2kKUg=',
  },
  {
    name: 'List with prefix, max-keys and marker (not signed)',
    method: 'GET',
    url: '/?prefix=photos&max-keys=50&marker=puppy',
    headers: [['User-Agent', 'Mozilla/5.0'], ['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Tue, 27 Mar 2007 19:42:41 +0000']],
    stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/',
    signature: 'htDYFYduRNen8P9ZfE/s9SuKy0U=',
  },
  {
    name: 'Fetch ?acl',
    method: 'GET',
    url: '/?acl',
    headers: [['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Tue, 27 Mar 2007 19:44:46 +0000']],
    stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl',
    signature: 'c2WLPFtWHVgbEmeEG93a4cG37dM=',
  },
  {
    // The published example is CNAME style (Host: static.johnsmith.net:8080); its
    // canonical resource is the same as this path-style request's.
    name: 'Upload with x-amz-acl, repeated x-amz-meta-* and Content-MD5',
    method: 'PUT',
    url: '/static.johnsmith.net/db-backup.dat.gz',
    headers: [
      ['User-Agent', 'curl/7.15.5'],
      ['Host', 's3.amazonaws.com'],
      ['Date', 'Tue, 27 Mar 2007 21:06:08 +0000'],
      ['x-amz-acl', 'public-read'],
      ['content-type', 'application/x-download'],
      ['Content-MD5', '4gJE4saaMU4BqNR0kLY+lw=='],
      ['X-Amz-Meta-ReviewedBy', 'joe@johnsmith.net'],
      ['X-Amz-Meta-ReviewedBy', 'jane@johnsmith.net'],
      ['X-Amz-Meta-FileChecksum', '0x02661779'],
      ['X-Amz-Meta-ChecksumAlgorithm', 'crc32'],
      ['Content-Disposition', 'attachment; filename=database.dat'],
      ['Content-Encoding', 'gzip'],
      ['Content-Length', '5913339'],
    ],
    stringToSign:
      'PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n' +
      'x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n' +
      'x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n/static.johnsmith.net/db-backup.dat.gz',
    signature: 'ilyl83RwaSoYIEdixDQcA4OnAnc=',
  },
  {
    name: 'List all my buckets',
    method: 'GET',
    url: '/',
    headers: [['Host', 's3.amazonaws.com'], ['Date', 'Wed, 28 Mar 2007 01:29:59 +0000']],
    stringToSign: 'GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/',
    signature: 'qGdzdERIC03wnaRNKh6OqZehG9s=',
  },
  {
    name: 'Unicode keys, signed with the percent-encoding as sent',
    method: 'GET',
    url: '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
    headers: [['Host', 's3.amazonaws.com'], ['Date', 'Wed, 28 Mar 2007 01:49:49 +0000']],
    stringToSign: 'GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
    signature: 'DNEZGsoieTZ92F3bUfSPQcbGmlM=',
  },
];

function dateOf(example: PublishedExample): number {
  const date = example.headers.find(([name]) => name.toLowerCase() === 'date');
  return Date.parse(date![1]);
}

describe('AWS published Signature Version 2 examples', () => {
  for (const example of PUBLISHED) {
    it(`${example.name}: the published string to sign gives the published signature`, () => {
      expect(signV2(SECRET, example.stringToSign)).toBe(example.signature);
    });

    it(`${example.name}: the gateway builds the published string to sign`, () => {
      const req = request(example.method, example.url, example.headers);
      const base = stringToSignBase(req);
      const built = canonicalResources(req).map((resource) => stringToSign({ ...base, resource }));
      expect(built[0]).toBe(example.stringToSign);
    });

    it(`${example.name}: authenticate() accepts the published Authorization header`, async () => {
      const req = request(example.method, example.url, [...example.headers, ['Authorization', `AWS ${ACCESS}:${example.signature}`]]);
      const result = await authenticate(req, store, opts(dateOf(example) + 30_000));
      expect(result.scheme).toBe('sigv2');
      expect(result.credential.identity).toBe('john');
    });
  }

  // The published Delete example puts the x-amz-date value in the Date line and
  // leaves it out of the x-amz-* headers, against the page's own rule ("if you
  // include the x-amz-date header, use the empty string for the Date"), which is
  // what Swift's s3api and S3 apply. Its published pair is checked as HMAC data;
  // the gateway is checked against the rule.
  it('Delete with x-amz-date: the published string to sign gives the published signature', () => {
    expect(signV2(SECRET, 'DELETE\n\n\nTue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg')).toBe('lx3byBScXR6KzyMaifNkardMwNk=');
  });

  it('Delete with x-amz-date: signs an empty Date line and x-amz-date among the amz headers', async () => {
    const headers = [
      ['User-Agent', 'dotnet'],
      ['Host', 's3.amazonaws.com'],
      ['Date', 'Tue, 27 Mar 2007 21:20:27 +0000'],
      ['x-amz-date', 'Tue, 27 Mar 2007 21:20:26 +0000'],
    ] as const;
    const req = request('DELETE', '/johnsmith/photos/puppy.jpg', headers);
    const expected = 'DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg';
    expect(stringToSign({ ...stringToSignBase(req), resource: canonicalResources(req)[0]! })).toBe(expected);
    const signed = request('DELETE', '/johnsmith/photos/puppy.jpg', [...headers, ['Authorization', `AWS ${ACCESS}:${hmac(SECRET, expected)}`]]);
    // The skew check reads x-amz-date, not Date.
    await expect(authenticate(signed, store, opts(Date.parse('Tue, 27 Mar 2007 21:20:26 +0000')))).resolves.toMatchObject({ scheme: 'sigv2' });
  });

  it('query-string authentication: the published presigned GET is accepted before it expires', async () => {
    // "Query string request authentication" example: Expires=1175139620.
    const url = `/photos/puppy.jpg?AWSAccessKeyId=${ACCESS}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`;
    const req = request('GET', url, [['Host', 'johnsmith.s3.amazonaws.com']]);
    const base = stringToSignBase(req, '1175139620');
    expect(stringToSign({ ...base, resource: canonicalResources(req)[0]! })).toBe('GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg');
    const result = await authenticate(req, store, opts(1175139620_000 - 60_000));
    expect(result.scheme).toBe('sigv2-presigned');
  });

  it('query-string authentication: a presigned URL past its Expires is AccessDenied "Request has expired"', async () => {
    const url = `/photos/puppy.jpg?AWSAccessKeyId=${ACCESS}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`;
    const req = request('GET', url, [['Host', 'johnsmith.s3.amazonaws.com']]);
    const err = await authError(authenticate(req, store, opts(1175139620_000 + 1_000)));
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toBe('Request has expired');
  });

  it('query-string authentication ignores the clock skew limit (a URL may be valid for days)', async () => {
    const url = `/photos/puppy.jpg?AWSAccessKeyId=${ACCESS}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`;
    const req = request('GET', url, [['Host', 'johnsmith.s3.amazonaws.com'], ['Date', 'Mon, 01 Jan 2007 00:00:00 GMT']]);
    await expect(authenticate(req, store, opts(1175139620_000 - 6 * 86_400_000))).resolves.toMatchObject({ scheme: 'sigv2-presigned' });
  });

  it('query-string authentication without Expires is AccessDenied', async () => {
    const req = request('GET', `/photos/puppy.jpg?AWSAccessKeyId=${ACCESS}&Signature=abc`, [['Host', 'johnsmith.s3.amazonaws.com']]);
    const err = await authError(authenticate(req, store, opts(0)));
    expect(err.code).toBe('AccessDenied');
  });

  it('query-string authentication with a non-numeric Expires is AccessDenied', async () => {
    const req = request('GET', `/photos/puppy.jpg?AWSAccessKeyId=${ACCESS}&Signature=abc&Expires=tomorrow`, [['Host', 'johnsmith.s3.amazonaws.com']]);
    const err = await authError(authenticate(req, store, opts(0)));
    expect(err.code).toBe('AccessDenied');
  });
});

describe('authenticate() refusals', () => {
  const date = 'Tue, 27 Mar 2007 19:36:42 +0000';
  const at = Date.parse(date);
  const good = 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=';
  const get = (auth: string | undefined, headers: ReadonlyArray<readonly [string, string]> = [['Date', date]]) =>
    request('GET', '/photos/puppy.jpg', [['Host', 'johnsmith.s3.amazonaws.com'], ...headers, ...(auth ? [['Authorization', auth] as const] : [])]);

  it('accepts a request up to 15 minutes early or late', async () => {
    await expect(authenticate(get(`AWS ${ACCESS}:${good}`), store, opts(at + 15 * 60_000))).resolves.toBeDefined();
    await expect(authenticate(get(`AWS ${ACCESS}:${good}`), store, opts(at - 15 * 60_000))).resolves.toBeDefined();
  });

  it('refuses a Date more than 15 minutes from the server clock with RequestTimeTooSkewed', async () => {
    const late = await authError(authenticate(get(`AWS ${ACCESS}:${good}`), store, opts(at + 15 * 60_000 + 1_000)));
    expect(late.code).toBe('RequestTimeTooSkewed');
    expect(late.status).toBe(403);
    expect(late.details.RequestTime).toBe(date);
    const early = await authError(authenticate(get(`AWS ${ACCESS}:${good}`), store, opts(at - 16 * 60_000)));
    expect(early.code).toBe('RequestTimeTooSkewed');
  });

  it('refuses a signed request without Date or x-amz-date with AccessDenied', async () => {
    const err = await authError(authenticate(get(`AWS ${ACCESS}:${good}`, []), store, opts(at)));
    expect(err.code).toBe('AccessDenied');
  });

  it('refuses an unparseable Date with AccessDenied', async () => {
    const err = await authError(authenticate(get(`AWS ${ACCESS}:${good}`, [['Date', 'yesterday-ish']]), store, opts(at)));
    expect(err.code).toBe('AccessDenied');
  });

  it('refuses an unknown access key with InvalidAccessKeyId naming the key', async () => {
    const err = await authError(authenticate(get(`AWS AKIDUNKNOWN:${good}`), store, opts(at)));
    expect(err.code).toBe('InvalidAccessKeyId');
    expect(err.details.AWSAccessKeyId).toBe('AKIDUNKNOWN');
  });

  it('refuses a wrong signature with SignatureDoesNotMatch showing the StringToSign but never the secret', async () => {
    const wrong = hmac('not-the-secret', 'whatever');
    const err = await authError(authenticate(get(`AWS ${ACCESS}:${wrong}`), store, opts(at)));
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.details.StringToSign).toBe('GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg');
    expect(err.details.SignatureProvided).toBe(wrong);
    expect(err.details.StringToSignBytes).toMatch(/^47 45 54 0a/); // "GET\n"
    const everything = JSON.stringify({ message: err.message, details: err.details });
    expect(everything).not.toContain(SECRET);
    // Nor the signature the gateway expected, which would let a caller forge one.
    expect(everything).not.toContain(good);
  });

  it('refuses a signature made with the right secret over another resource', async () => {
    const other = hmac(SECRET, `GET\n\n\n${date}\n/johnsmith/photos/kitten.jpg`);
    const err = await authError(authenticate(get(`AWS ${ACCESS}:${other}`), store, opts(at)));
    expect(err.code).toBe('SignatureDoesNotMatch');
  });

  it('refuses an anonymous request with AccessDenied', async () => {
    const err = await authError(authenticate(get(undefined), store, opts(at)));
    expect(err.code).toBe('AccessDenied');
  });

  it('refuses a malformed Authorization header with AccessDenied', async () => {
    const err = await authError(authenticate(get(`AWS ${ACCESS}`), store, opts(at)));
    expect(err.code).toBe('AccessDenied');
  });

  it('hands Signature Version 4 headers and presigned URLs to the SigV4 verifier', async () => {
    const header = await authError(
      authenticate(get('AWS4-HMAC-SHA256 Credential=AKID/20070327/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'), store, opts(at)),
    );
    expect(header.code).toBe('InvalidRequest'); // SigV4 headers need x-amz-content-sha256
    const presigned = request('GET', '/photos/puppy.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00', [['Host', 'johnsmith.s3.amazonaws.com']]);
    expect((await authError(authenticate(presigned, store, opts(at)))).code).toBe('AuthorizationQueryParametersError');
  });
});

describe('canonical resource', () => {
  const date = 'Tue, 27 Mar 2007 19:36:42 +0000';
  const at = Date.parse(date);

  it('maps a bucket-level request signed as /bucket/ to the same signature (boto3 quirk)', async () => {
    const sig = hmac(SECRET, `GET\n\n\n${date}\n/johnsmith/?acl`);
    const req = request('GET', '/johnsmith?acl', [['Host', 's3.amazonaws.com'], ['Date', date], ['Authorization', `AWS ${ACCESS}:${sig}`]]);
    expect(canonicalResources(req)).toEqual(['/johnsmith?acl', '/johnsmith/?acl']);
    await expect(authenticate(req, store, opts(at))).resolves.toMatchObject({ scheme: 'sigv2' });
  });

  it('accepts a bucket-level request sent as /bucket/ but signed as /bucket', async () => {
    const sig = hmac(SECRET, `PUT\n\n\n${date}\n/johnsmith`);
    const req = request('PUT', '/johnsmith/', [['Host', 's3.amazonaws.com'], ['Date', date], ['Authorization', `AWS ${ACCESS}:${sig}`]]);
    await expect(authenticate(req, store, opts(at))).resolves.toBeDefined();
  });

  it('does not offer the slash alternative for an object request', async () => {
    const req = request('GET', '/johnsmith/photos/', [['Host', 's3.amazonaws.com']]);
    expect(canonicalResources(req)).toEqual(['/johnsmith/photos/']);
    const sig = hmac(SECRET, `GET\n\n\n${date}\n/johnsmith/photos`);
    const signed = request('GET', '/johnsmith/photos/', [['Host', 's3.amazonaws.com'], ['Date', date], ['Authorization', `AWS ${ACCESS}:${sig}`]]);
    expect((await authError(authenticate(signed, store, opts(at)))).code).toBe('SignatureDoesNotMatch');
  });

  it('signs the raw path of a virtual-hosted request under /bucket, keeping //, .. and the percent-encoding', () => {
    const req = request('GET', '/a//b/../c%20d', [['Host', 'johnsmith.s3.amazonaws.com']]);
    expect(canonicalResources(req)).toEqual(['/johnsmith/a//b/../c%20d']);
  });

  it('puts ?acl, ?uploads and a decoded ?response-content-type in the resource, but not prefix', () => {
    const q = parseQuery('prefix=photos&uploads&acl&response-content-type=image%2Fjpeg&max-keys=5');
    expect(canonicalSubResources(q)).toBe('?acl&response-content-type=image/jpeg&uploads');
  });

  it('sorts signed sub-resources by name: partNumber before uploadId', () => {
    expect(canonicalSubResources(parseQuery('uploadId=abc&partNumber=3'))).toBe('?partNumber=3&uploadId=abc');
  });

  it('signs no query when no sub-resource is present', () => {
    expect(canonicalSubResources(parseQuery('prefix=a&delimiter=%2F&marker=m&max-keys=5&list-type=2'))).toBe('');
  });
});

describe('canonical x-amz headers', () => {
  it('includes x-amz-checksum-crc32 and x-amz-sdk-checksum-algorithm, lower-cased and sorted', () => {
    const req = request('PUT', '/b/k', [
      ['Host', 's3.amazonaws.com'],
      ['X-Amz-SDK-Checksum-Algorithm', 'CRC32'],
      ['x-amz-checksum-crc32', 'AAAAAA=='],
      ['Content-Type', 'text/plain'],
    ]);
    expect(canonicalAmzHeaders(req.headers)).toBe('x-amz-checksum-crc32:AAAAAA==\nx-amz-sdk-checksum-algorithm:CRC32\n');
  });

  it('authenticates a PUT whose checksum headers were signed', async () => {
    const date = 'Tue, 27 Mar 2007 21:15:45 +0000';
    const toSign = `PUT\n\ntext/plain\n${date}\nx-amz-checksum-crc32:AAAAAA==\nx-amz-sdk-checksum-algorithm:CRC32\n/b/k`;
    const req = request('PUT', '/b/k', [
      ['Host', 's3.amazonaws.com'],
      ['Date', date],
      ['Content-Type', 'text/plain'],
      ['x-amz-sdk-checksum-algorithm', 'CRC32'],
      ['x-amz-checksum-crc32', 'AAAAAA=='],
      ['Authorization', `AWS ${ACCESS}:${hmac(SECRET, toSign)}`],
    ]);
    await expect(authenticate(req, store, opts(Date.parse(date)))).resolves.toBeDefined();
    const unsigned = hmac(SECRET, `PUT\n\ntext/plain\n${date}\n/b/k`);
    const tampered = request('PUT', '/b/k', [
      ['Host', 's3.amazonaws.com'], ['Date', date], ['Content-Type', 'text/plain'],
      ['x-amz-checksum-crc32', 'AAAAAA=='], ['Authorization', `AWS ${ACCESS}:${unsigned}`],
    ]);
    expect((await authError(authenticate(tampered, store, opts(Date.parse(date))))).code).toBe('SignatureDoesNotMatch');
  });

  it('unfolds a folded header value and trims it', () => {
    expect(canonicalAmzHeaders({ 'x-amz-meta-note': '  one\r\n   two  ' })).toBe('x-amz-meta-note:one two\n');
  });

  it('ignores headers that do not start with x-amz-', () => {
    expect(canonicalAmzHeaders({ 'content-type': 'a', 'x-amzfoo': 'b', host: 'h' })).toBe('');
  });
});

describe('signaturesEqual', () => {
  it('is true for identical signatures', () => {
    expect(signaturesEqual('bWq2s1WEIj+Ydj0vQ697zp+IXMU=', 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=')).toBe(true);
  });
  it('is false for one differing character', () => {
    expect(signaturesEqual('bWq2s1WEIj+Ydj0vQ697zp+IXMU=', 'bWq2s1WEIj+Ydj0vQ697zp+IXMV=')).toBe(false);
  });
  it('is false, without throwing, for different lengths and the empty string', () => {
    expect(signaturesEqual('bWq2s1WEIj+Ydj0vQ697zp+IXMU=', 'bWq2s1WEIj')).toBe(false);
    expect(signaturesEqual('bWq2s1WEIj+Ydj0vQ697zp+IXMU=', '')).toBe(false);
  });
  it('compares case-sensitively', () => {
    expect(signaturesEqual('abcd', 'ABCD')).toBe(false);
  });
});

// botocore's HmacV1Auth as an oracle: the helper signs each case as botocore
// would; the gateway must accept every signature.
describe('botocore HmacV1Auth oracle', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const date = 'Wed, 28 Mar 2007 01:49:49 GMT';

  /** Python's quote(key, safe='/~'), which botocore applies to keys in the URL path. */
  function quoteKey(key: string): string {
    return encodeURIComponent(key)
      .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%2F/g, '/');
  }

  interface OracleCase {
    readonly name: string;
    readonly method: string;
    readonly bucket?: string;
    readonly key?: string;
    /** Raw query as botocore's serializer would send it. */
    readonly query?: string;
    readonly headers?: ReadonlyArray<readonly [string, string]>;
    readonly virtual?: boolean;
    /** Sign a bucket-level request as /bucket/ (what boto3 does with signature_version='s3'). */
    readonly slash?: boolean;
  }

  const CASES: readonly OracleCase[] = [
    { name: 'list buckets', method: 'GET' },
    { name: 'plain object', method: 'GET', bucket: 'photos', key: 'puppy.jpg' },
    { name: 'key with spaces', method: 'GET', bucket: 'photos', key: 'my summer/beach day.jpg' },
    { name: 'key with literal plus', method: 'PUT', bucket: 'photos', key: 'c++/a+b=c.txt', headers: [['Content-Type', 'text/plain']] },
    { name: 'key with unicode', method: 'GET', bucket: 'dictionary', key: 'français/préfère/한글 파일.txt' },
    { name: 'key with sub-delims', method: 'GET', bucket: 'photos', key: "weird!(x)*'~;,@$&=.txt" },
    { name: 'key with // and dot segments', method: 'DELETE', bucket: 'photos', key: 'a//b/./c/../d' },
    { name: 'key with percent', method: 'HEAD', bucket: 'photos', key: '100% done' },
    { name: 'virtual-hosted object', method: 'GET', bucket: 'johnsmith', key: 'photos/puppy.jpg', virtual: true },
    { name: 'virtual-hosted list with prefix', method: 'GET', bucket: 'johnsmith', query: 'prefix=photos%2F&max-keys=50', virtual: true },
    { name: 'path-style bucket signed as /bucket/', method: 'GET', bucket: 'johnsmith', query: 'delimiter=%2F&list-type=2', slash: true },
    { name: 'path-style bucket signed as /bucket', method: 'HEAD', bucket: 'johnsmith' },
    { name: 'create bucket', method: 'PUT', bucket: 'new-bucket', slash: true, headers: [['x-amz-acl', 'private']] },
    { name: 'bucket ?acl', method: 'GET', bucket: 'johnsmith', query: 'acl', virtual: true },
    { name: 'object ?tagging', method: 'GET', bucket: 'johnsmith', key: 'a b', query: 'tagging' },
    { name: 'initiate multipart ?uploads', method: 'POST', bucket: 'johnsmith', key: 'big file.bin', query: 'uploads', headers: [['Content-Type', 'application/octet-stream']] },
    { name: 'upload part', method: 'PUT', bucket: 'johnsmith', key: 'big file.bin', query: 'partNumber=2&uploadId=2~abc.def-_' },
    { name: 'delete objects ?delete with Content-MD5', method: 'POST', bucket: 'johnsmith', query: 'delete', headers: [['Content-MD5', '1B2M2Y8AsgTpgAmY7PhCfg=='], ['Content-Type', 'application/xml']] },
    {
      name: 'GET with response-* overrides',
      method: 'GET',
      bucket: 'johnsmith',
      key: 'report.pdf',
      query: 'response-content-type=application%2Fpdf&response-content-disposition=attachment%3B%20filename%3D%22r.pdf%22',
    },
    {
      name: 'PUT with metadata, checksum and acl headers',
      method: 'PUT',
      bucket: 'johnsmith',
      key: 'db-backup.dat.gz',
      virtual: true,
      headers: [
        ['Content-Type', 'application/x-download'],
        ['Content-MD5', '4gJE4saaMU4BqNR0kLY+lw=='],
        ['x-amz-acl', 'public-read'],
        ['X-Amz-Meta-ReviewedBy', 'joe@johnsmith.net'],
        ['X-Amz-Meta-ReviewedBy', 'jane@johnsmith.net'],
        ['x-amz-meta-Mixed_Case', 'Value with  two spaces'],
        ['x-amz-checksum-crc32', 'sOO8/Q=='],
        ['x-amz-sdk-checksum-algorithm', 'CRC32'],
      ],
    },
    { name: 'copy object', method: 'PUT', bucket: 'johnsmith', key: 'copy of a', headers: [['x-amz-copy-source', 'johnsmith/a%20b'], ['x-amz-metadata-directive', 'REPLACE']] },
  ];

  function build(c: OracleCase): { url: string; host: string; authPath?: string } {
    const path = c.key !== undefined ? '/' + quoteKey(c.key) : '/';
    const query = c.query ? '?' + c.query : '';
    if (c.bucket === undefined) return { url: '/' + query, host: 's3.amazonaws.com' };
    if (c.virtual) {
      return { url: path + query, host: `${c.bucket}.s3.amazonaws.com`, authPath: `/${c.bucket}${path}` };
    }
    const pathStyle = `/${c.bucket}${c.key !== undefined ? path : ''}`;
    return { url: pathStyle + query, host: 's3.amazonaws.com', authPath: c.slash ? `/${c.bucket}/` : undefined };
  }

  it('accepts every signature botocore computes for ~20 generated requests', async () => {
    const built = CASES.map(build);
    const input = CASES.map((c, i) => ({
      method: c.method,
      url: `http://${built[i]!.host}${built[i]!.url}`,
      headers: c.headers ?? [],
      date,
      authPath: built[i]!.authPath,
      accessKey: ACCESS,
      secretKey: SECRET,
    }));
    const run = spawnSync('python3', [join(here, 'botocore_sign_v2.py')], { input: JSON.stringify(input), encoding: 'utf8' });
    expect(run.error, 'python3 with botocore must be on PATH').toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const signed = JSON.parse(run.stdout) as { authorization: string; date: string; stringToSign: string }[];
    expect(signed).toHaveLength(CASES.length);

    const failures: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const out = signed[i]!;
      expect(out.authorization).toMatch(new RegExp(`^AWS ${ACCESS}:[A-Za-z0-9+/]{27}=$`));
      const req = request(c.method, built[i]!.url, [
        ['Host', built[i]!.host],
        ['Date', out.date],
        ...(c.headers ?? []),
        ['Authorization', out.authorization],
      ]);
      try {
        await authenticate(req, store, opts(Date.parse(date)));
      } catch (err) {
        const shown = err instanceof S3Error ? String(err.details.StringToSign) : String(err);
        failures.push(`${c.name}: botocore signed ${JSON.stringify(out.stringToSign)}, gateway ${JSON.stringify(shown)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the oracle is not a rubber stamp: a botocore signature for another key is refused', async () => {
    const input = [{ method: 'GET', url: 'http://s3.amazonaws.com/photos/kitten.jpg', headers: [], date, accessKey: ACCESS, secretKey: SECRET }];
    const run = spawnSync('python3', [join(here, 'botocore_sign_v2.py')], { input: JSON.stringify(input), encoding: 'utf8' });
    expect(run.status).toBe(0);
    const [out] = JSON.parse(run.stdout) as { authorization: string }[];
    const req = request('GET', '/photos/puppy.jpg', [['Host', 's3.amazonaws.com'], ['Date', date], ['Authorization', out!.authorization]]);
    expect((await authError(authenticate(req, store, opts(Date.parse(date))))).code).toBe('SignatureDoesNotMatch');
  });
});
