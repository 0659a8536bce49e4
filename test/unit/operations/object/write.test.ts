// Object headers: what crosses from S3 to Swift and back.
import { describe, expect, it } from 'vitest';
import { checkBucketName, checkKey, isValidNewBucketName } from '../../../../src/operations/common/names.js';
import { contentMd5ToHex, objectResponseHeaders, quoteEtag } from '../../../../src/operations/common/object-headers.js';
import { requestMd5, requireContentLength, storedObjectHeaders } from '../../../../src/operations/common/write-body.js';
import { objectInfo } from '../../../../src/swift/object-info.js';
import { Sealer } from '../../../../src/swift/sealed-state.js';
import { s3ErrorOf } from '../../../helpers/s3-error.js';


describe('contentMd5ToHex', () => {
  it('turns the base64 Content-MD5 into the hex MD5 Swift checks', () => {
    // MD5("") = d41d8cd98f00b204e9800998ecf8427e
    expect(contentMd5ToHex('1B2M2Y8AsgTpgAmY7PhCfg==')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(contentMd5ToHex('  4gJE4saaMU4BqNR0kLY+lw==  ')).toBe('e20244e2c69a314e01a8d47490b63e97');
  });

  for (const bad of ['', 'not base64!', '1B2M2Y8AsgTpgAmY7PhCfg', '1B2M2Y8AsgTpgAmY7PhC', 'd41d8cd98f00b204e9800998ecf8427e', '1B2M2Y8AsgTpgAmY7PhCfg==AA', '1B2M2Y8AsgTpgAmY7PhCfg-_']) {
    it(`refuses ${JSON.stringify(bad)} with InvalidDigest`, () => {
      const err = s3ErrorOf(() => contentMd5ToHex(bad));
      expect(err.code).toBe('InvalidDigest');
      expect(err.status).toBe(400);
    });
  }
});

describe('quoteEtag', () => {
  it('quotes a bare ETag and keeps a quoted one', () => {
    expect(quoteEtag('abc')).toBe('"abc"');
    expect(quoteEtag('"abc"')).toBe('"abc"');
    expect(quoteEtag('"abc-3"')).toBe('"abc-3"');
  });
  it('keeps undefined', () => {
    expect(quoteEtag(undefined)).toBeUndefined();
  });
});

describe('requireContentLength', () => {
  it('returns the length', () => {
    expect(requireContentLength({ 'content-length': '94328' }, 5 * 1024 ** 3)).toBe(94328);
    expect(requireContentLength({ 'content-length': '0' }, 10)).toBe(0);
  });

  it('refuses a missing or non-numeric Content-Length with MissingContentLength (411)', () => {
    const bad: Record<string, string>[] = [{}, { 'content-length': '' }, { 'content-length': '-1' }, { 'content-length': '12abc' }];
    for (const headers of bad) {
      const err = s3ErrorOf(() => requireContentLength(headers, 100));
      expect(err.code).toBe('MissingContentLength');
      expect(err.status).toBe(411);
    }
  });

  it('accepts exactly the maximum and refuses one byte more with EntityTooLarge', () => {
    expect(requireContentLength({ 'content-length': '100' }, 100)).toBe(100);
    const err = s3ErrorOf(() => requireContentLength({ 'content-length': '101' }, 100));
    expect(err.code).toBe('EntityTooLarge');
    expect(err.details).toMatchObject({ ProposedSize: 101, MaxSizeAllowed: 100 });
  });
});

describe('storedObjectHeaders', () => {
  const SWIFT_CONTROLS = [
    'x-auth-token', 'x-storage-token', 'x-object-manifest', 'x-static-large-object', 'x-delete-at', 'x-delete-after',
    'x-copy-from', 'x-copy-from-account', 'x-container-read', 'x-container-write', 'x-symlink-target',
    'x-symlink-target-account', 'x-object-meta-injected', 'x-fresh-metadata', 'x-timestamp', 'x-backend-storage-policy-index',
    'transfer-encoding', 'x-detect-content-type', 'if-none-match', 'destination',
  ];

  it('never lets a client send Swift control headers', () => {
    const client: Record<string, string> = { 'content-type': 'image/jpeg' };
    for (const name of SWIFT_CONTROLS) client[name] = 'evil';
    const out = storedObjectHeaders(client);
    for (const name of SWIFT_CONTROLS) expect(out, name).not.toHaveProperty(name);
    expect(Object.keys(out).sort()).toEqual(['content-type']);
  });

  it('passes the stored content headers and translates metadata', () => {
    const out = storedObjectHeaders(
      {
        'content-type': 'application/x-download',
        'content-encoding': 'gzip',
        'content-disposition': 'attachment; filename=database.dat',
        'cache-control': 'no-cache',
        expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
        'content-language': 'ko',
        'content-length': '999',
        'x-amz-meta-reviewedby': 'joe,jane',
        'x-amz-acl': 'public-read',
        host: 'b.s3.example.com',
        authorization: 'AWS AK:sig',
      },
    );
    expect(out).toEqual({
      'content-type': 'application/x-download',
      'content-encoding': 'gzip',
      'content-disposition': 'attachment; filename=database.dat',
      'cache-control': 'no-cache',
      expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
      'content-language': 'ko',
      'x-object-meta-reviewedby': 'joe,jane',
    });
  });

  it('sends Content-MD5 as the hex ETag Swift verifies', () => {
    expect(requestMd5({ 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' })).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('does not pass a client ETag header through', () => {
    expect(storedObjectHeaders({ etag: 'ffffffffffffffffffffffffffffffff' })).not.toHaveProperty('etag');
  });

  it('refuses a bad Content-MD5 with InvalidDigest', () => {
    expect(s3ErrorOf(() => requestMd5({ 'content-md5': 'nope' })).code).toBe('InvalidDigest');
  });
});

describe('objectResponseHeaders', () => {
  it('answers S3 headers from Swift headers, quoting the ETag and keeping Swift internals out', () => {
    const out = objectResponseHeaders(objectInfo('b', 'k', {
      'content-length': '5',
      etag: 'd41d8cd98f00b204e9800998ecf8427e',
      'last-modified': 'Tue, 27 Mar 2007 19:36:42 GMT',
      'content-type': 'image/jpeg',
      'x-object-meta-file%5fchecksum': '1',
      'x-timestamp': '1175024202.00000',
      'x-trans-id': 'tx1',
      'x-object-manifest': 'segments/x',
    }, new Sealer(Buffer.alloc(32))));
    expect(out).toMatchObject({
      'content-length': '5',
      'accept-ranges': 'bytes',
      etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      'last-modified': 'Tue, 27 Mar 2007 19:36:42 GMT',
      'content-type': 'image/jpeg',
      'x-amz-meta-file_checksum': '1',
    });
    expect(out).not.toHaveProperty('x-timestamp');
    expect(out).not.toHaveProperty('x-object-manifest');
    expect(out).not.toHaveProperty('x-trans-id');
  });
});

describe('bucket names', () => {
  const valid = ['abc', 'my-bucket', 'my.bucket.name', 'a1b2c3', '123', 'a'.repeat(63)];
  const invalid = [
    'ab', 'a'.repeat(64), 'MyBucket', 'my_bucket', '-abc', 'abc-', '.abc', 'abc.', 'a..b', 'a.-b', 'a-.b',
    '192.168.5.4', 'xn--abc', 'sthree-abc', 'abc-s3alias', 'abc--ol-s3', 'a b', 'a/b', 'abc+segments',
  ];
  for (const name of valid) {
    it(`accepts ${JSON.stringify(name)} for a new bucket`, () => {
      expect(isValidNewBucketName(name)).toBe(true);
    });
  }
  for (const name of invalid) {
    it(`refuses ${JSON.stringify(name.length > 20 ? name.slice(0, 10) + '…' : name)} for a new bucket`, () => {
      expect(isValidNewBucketName(name)).toBe(false);
    });
  }

  it('lets legacy names (upper case, underscore) be addressed', () => {
    expect(() => checkBucketName('Legacy_Bucket')).not.toThrow();
    expect(() => checkBucketName('a'.repeat(255))).not.toThrow();
  });

  it('refuses names Swift could not hold or that reach segments containers with InvalidBucketName', () => {
    for (const name of ['ab', 'a'.repeat(256), 'a b', 'a/b', 'photos+segments', 'é-bucket']) {
      const err = s3ErrorOf(() => checkBucketName(name));
      expect(err.code).toBe('InvalidBucketName');
      expect(err.details.BucketName).toBe(name);
    }
  });
});

describe('checkKey', () => {
  it('accepts a key of exactly the limit in UTF-8 bytes', () => {
    expect(() => checkKey('a'.repeat(1024), 1024)).not.toThrow();
  });
  it('counts UTF-8 bytes, not characters, and refuses longer keys with KeyTooLongError', () => {
    const err = s3ErrorOf(() => checkKey('é'.repeat(513), 1024));
    expect(err.code).toBe('KeyTooLongError');
    expect(err.details).toMatchObject({ Size: 1026, MaxSizeAllowed: 1024 });
  });
});
