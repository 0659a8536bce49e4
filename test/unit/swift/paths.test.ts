// Swift request paths built by hand, so object names survive as they are.
import { describe, expect, it } from 'vitest';
import { encodeObjectPath, encodeQuery, encodeSegment, swiftPath } from '../../../src/swift/paths.js';

describe('encodeSegment', () => {
  it('encodes . and .. so no URL normalisation can remove them', () => {
    expect(encodeSegment('.')).toBe('%2E');
    expect(encodeSegment('..')).toBe('%2E%2E');
  });

  it('leaves other dots alone', () => {
    expect(encodeSegment('...')).toBe('...');
    expect(encodeSegment('.hidden')).toBe('.hidden');
  });

  it('percent-encodes spaces, +, ?, #, % and unicode as UTF-8', () => {
    expect(encodeSegment('a b+c?d#e%f')).toBe('a%20b%2Bc%3Fd%23e%25f');
    expect(encodeSegment('préfère')).toBe('pr%C3%A9f%C3%A8re');
    expect(encodeSegment('한')).toBe('%ED%95%9C');
  });

  it('encodes / inside one segment (a container name never spans segments)', () => {
    expect(encodeSegment('a/b')).toBe('a%2Fb');
  });
});

describe('encodeObjectPath', () => {
  it('keeps / between segments and // as an empty segment', () => {
    expect(encodeObjectPath('a//b/')).toBe('a//b/');
    expect(encodeObjectPath('/lead')).toBe('/lead');
  });

  it('encodes . and .. segments but not dots inside names', () => {
    expect(encodeObjectPath('a/./b/../c.txt')).toBe('a/%2E/b/%2E%2E/c.txt');
    expect(encodeObjectPath('..')).toBe('%2E%2E');
  });

  it('encodes unicode and spaces in each segment', () => {
    expect(encodeObjectPath('dictionary/français/my file')).toBe('dictionary/fran%C3%A7ais/my%20file');
  });
});

describe('encodeQuery', () => {
  it('encodes names and values and skips undefined ones', () => {
    expect(encodeQuery({ format: 'json', limit: 1001, prefix: 'a b/', marker: undefined, delimiter: '/' })).toBe(
      '?format=json&limit=1001&prefix=a%20b%2F&delimiter=%2F',
    );
  });

  it('is empty when no parameter has a value', () => {
    expect(encodeQuery({})).toBe('');
    expect(encodeQuery({ a: undefined })).toBe('');
  });
});

describe('swiftPath', () => {
  it('joins account, container and object', () => {
    expect(swiftPath('/v1/AUTH_p1', 'photos', 'a/../b')).toBe('/v1/AUTH_p1/photos/a/%2E%2E/b');
  });

  it('drops trailing slashes of the account path', () => {
    expect(swiftPath('/v1/AUTH_p1//', 'c')).toBe('/v1/AUTH_p1/c');
  });

  it('builds an account path with a query', () => {
    expect(swiftPath('/v1/AUTH_p1', undefined, undefined, { format: 'json' })).toBe('/v1/AUTH_p1?format=json');
  });

  it('encodes the container name as one segment', () => {
    expect(swiftPath('/v1/AUTH_p1', 'photos+segments', 'k')).toBe('/v1/AUTH_p1/photos%2Bsegments/k');
  });
});
