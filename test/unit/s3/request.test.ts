// Parsing the raw request line and headers into bucket, key and query.
import { describe, expect, it } from 'vitest';
import { bucketFromHost, collectHeaders, decodeComponent, parseQuery, parseRequest } from '../../../src/s3/request.js';
import { s3ErrorOf } from '../../helpers/s3-error.js';

const DOMAINS = ['s3.example.com', 'localhost'];

function parse(url: string, host = 's3.example.com', method = 'GET', extra: string[] = []) {
  return parseRequest({ method, url, rawHeaders: ['Host', host, ...extra] }, DOMAINS);
}


describe('path-style and virtual-hosted addressing', () => {
  it('reads no bucket for the service root', () => {
    const req = parse('/');
    expect(req.bucket).toBeUndefined();
    expect(req.key).toBeUndefined();
    expect(req.virtualHosted).toBe(false);
  });

  it('reads the bucket from the first path segment in path style', () => {
    const req = parse('/photos/puppy.jpg');
    expect(req).toMatchObject({ bucket: 'photos', key: 'puppy.jpg', virtualHosted: false, rawPath: '/photos/puppy.jpg' });
  });

  it('reads a bucket-level request with and without the trailing slash', () => {
    expect(parse('/photos')).toMatchObject({ bucket: 'photos', key: undefined });
    expect(parse('/photos/')).toMatchObject({ bucket: 'photos', key: undefined });
  });

  it('reads the bucket from the Host header in virtual-hosted style', () => {
    const req = parse('/photos/puppy.jpg', 'johnsmith.s3.example.com');
    expect(req).toMatchObject({ bucket: 'johnsmith', key: 'photos/puppy.jpg', virtualHosted: true, host: 'johnsmith.s3.example.com' });
  });

  it('reads a virtual-hosted bucket-level request for /', () => {
    expect(parse('/?acl', 'johnsmith.s3.example.com')).toMatchObject({ bucket: 'johnsmith', key: undefined, virtualHosted: true });
  });

  it('keeps dots in a virtual-hosted bucket name', () => {
    expect(parse('/k', 'my.dotted.bucket.s3.example.com')).toMatchObject({ bucket: 'my.dotted.bucket', key: 'k' });
  });

  it('ignores the port and the case of the Host header', () => {
    const req = parse('/k', 'JohnSmith.S3.Example.com:8080');
    expect(req).toMatchObject({ bucket: 'johnsmith', key: 'k', host: 'johnsmith.s3.example.com' });
  });

  it('treats the bare domain with a port as path style', () => {
    expect(parse('/b/k', 'localhost:9000')).toMatchObject({ bucket: 'b', key: 'k', virtualHosted: false, host: 'localhost' });
  });

  it('treats an unknown host (an IP address) as path style', () => {
    expect(parse('/b/k', '127.0.0.1:9000')).toMatchObject({ bucket: 'b', key: 'k', virtualHosted: false, host: '127.0.0.1' });
  });

  it('reads an IPv6 literal host without its port', () => {
    expect(parse('/b/k', '[::1]:9000').host).toBe('[::1]');
  });

  it('does not take a host that merely ends with the domain text as virtual-hosted', () => {
    expect(bucketFromHost('evils3.example.com', DOMAINS)).toBeUndefined();
    expect(bucketFromHost('s3.example.com', DOMAINS)).toBeUndefined();
    expect(bucketFromHost('b.s3.example.com', DOMAINS)).toBe('b');
  });

  it('accepts an absolute-form request target', () => {
    const req = parse('http://s3.example.com:9000/b/k%20x?acl');
    expect(req).toMatchObject({ bucket: 'b', key: 'k x', rawPath: '/b/k%20x', rawQuery: 'acl' });
    expect(parse('http://s3.example.com').rawPath).toBe('/');
  });

  it('refuses a request target that is neither a path nor an absolute URL with InvalidURI', () => {
    expect(s3ErrorOf(() => parse('*')).code).toBe('InvalidURI');
  });

  it('upper-cases the method', () => {
    expect(parse('/', 's3.example.com', 'get').method).toBe('GET');
  });
});

describe('keys as S3 sees them', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['keeps // inside a key', '/b/a//b', 'a//b'],
    ['keeps a leading / of a key', '/b//lead', '/lead'],
    ['keeps . and .. segments', '/b/a/./b/../c', 'a/./b/../c'],
    ['keeps a key that is only ..', '/b/..', '..'],
    ['decodes %2F to a slash inside the key', '/b/a%2Fb', 'a/b'],
    ['keeps + in a path as a literal plus', '/b/a+b', 'a+b'],
    ['decodes %20 to a space', '/b/a%20b', 'a b'],
    ['decodes UTF-8 percent-encoding', '/b/fran%C3%A7ais/pr%c3%a9f%c3%a8re', 'français/préfère'],
    ['keeps a trailing slash', '/b/dir/', 'dir/'],
    ['decodes %25 to a percent sign', '/b/100%25', '100%'],
  ];
  for (const [name, url, key] of cases) {
    it(name, () => {
      const req = parse(url);
      expect(req.bucket).toBe('b');
      expect(req.key).toBe(key);
      expect(req.rawPath).toBe(url);
    });
  }

  it('keeps // and .. in a virtual-hosted key', () => {
    expect(parse('//a/../b', 'b.s3.example.com').key).toBe('/a/../b');
  });

  it('refuses malformed percent-encoding in the key with InvalidURI', () => {
    const err = s3ErrorOf(() => parse('/b/%E0%A4%A'));
    expect(err.code).toBe('InvalidURI');
    expect(err.status).toBe(400);
    expect(s3ErrorOf(() => parse('/b/%zz')).code).toBe('InvalidURI');
    expect(s3ErrorOf(() => parse('/b%ff/k')).code).toBe('InvalidURI');
  });
});

describe('query parameters', () => {
  it('decodes + as a space and %XX in names and values', () => {
    const q = parseQuery('prefix=a+b%2Fc&na%6De=v');
    expect(q.get('prefix')).toBe('a b/c');
    expect(q.get('name')).toBe('v');
  });

  it('reads a bare name as the empty string', () => {
    const q = parseQuery('acl&uploads&prefix=');
    expect(q.get('acl')).toBe('');
    expect(q.get('uploads')).toBe('');
    expect(q.get('prefix')).toBe('');
    expect(q.has('other')).toBe(false);
  });

  it('keeps the first value of a repeated parameter', () => {
    expect(parseQuery('prefix=first&prefix=second').get('prefix')).toBe('first');
  });

  it('keeps = inside a value', () => {
    expect(parseQuery('continuation-token=abc==').get('continuation-token')).toBe('abc==');
  });

  it('skips empty pairs', () => {
    expect([...parseQuery('&&a=1&').keys()]).toEqual(['a']);
  });

  it('refuses malformed percent-encoding with InvalidURI', () => {
    expect(s3ErrorOf(() => parseQuery('prefix=%E0%A4%A')).code).toBe('InvalidURI');
    expect(s3ErrorOf(() => parse('/b?prefix=%')).code).toBe('InvalidURI');
  });

  it('keeps the raw query of the request', () => {
    const req = parse('/b?prefix=a+b&max-keys=5');
    expect(req.rawQuery).toBe('prefix=a+b&max-keys=5');
    expect(req.query.get('prefix')).toBe('a b');
    expect(parse('/b').rawQuery).toBe('');
  });
});

describe('decodeComponent', () => {
  it('decodes + as a space only when asked', () => {
    expect(decodeComponent('a+b', true)).toBe('a b');
    expect(decodeComponent('a+b', false)).toBe('a+b');
  });
});

describe('headers', () => {
  it('lower-cases header names', () => {
    expect(collectHeaders(['Content-Type', 'text/plain', 'X-Amz-Meta-A', '1'])).toEqual({ 'content-type': 'text/plain', 'x-amz-meta-a': '1' });
  });

  it('joins repeated headers with a comma in arrival order', () => {
    const headers = collectHeaders(['X-Amz-Meta-ReviewedBy', 'joe', 'x-amz-meta-reviewedby', 'jane', 'X-AMZ-META-REVIEWEDBY', 'ann']);
    expect(headers['x-amz-meta-reviewedby']).toBe('joe,jane,ann');
  });

  it('has no inherited properties (a header named constructor or __proto__ is just a header)', () => {
    const headers = collectHeaders(['__proto__', 'x']);
    expect(headers['__proto__']).toBe('x');
    expect(collectHeaders([])['constructor']).toBeUndefined();
  });

  it('parseRequest exposes the joined headers', () => {
    const req = parse('/b/k', 's3.example.com', 'PUT', ['X-Amz-Meta-A', '1', 'x-amz-meta-a', '2']);
    expect(req.headers['x-amz-meta-a']).toBe('1,2');
    expect(req.headers['host']).toBe('s3.example.com');
  });
});
