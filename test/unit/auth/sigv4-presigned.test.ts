// What a presigned SigV4 URL binds: the headers it lists (F2), and one reading
// of the query's bytes (F12).
import { describe, expect, it } from 'vitest';
import { queryClaim } from '../../../src/auth/sigv4-claim.js';
import { candidateCanonicalRequests } from '../../../src/auth/sigv4.js';
import { parseRequest, withLiteralPlus } from '../../../src/s3/request.js';
import { s3ErrorOf } from '../../helpers/s3-error.js';

const QUERY = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20261201%2Fus-east-1%2Fs3%2Faws4_request'
  + '&X-Amz-Date=20261201T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=' + 'a'.repeat(64);

function request(headers: Record<string, string>, extraQuery = '') {
  const raw = Object.entries({ host: 'gw', ...headers }).flat();
  return parseRequest({ method: 'PUT', url: `/b/k?${QUERY}${extraQuery}`, rawHeaders: raw }, []);
}

describe('presigned URLs and unsigned headers', () => {
  it('refuses any unsigned x-amz-* header with AccessDenied naming it', () => {
    const err = s3ErrorOf(() => queryClaim(request({ 'x-amz-copy-source': '/other/key', 'x-amz-meta-a': '1' }), ['us-east-1']));
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toBe('There were headers present in the request which were not signed');
    expect(err.details['HeadersNotSigned']).toBe('x-amz-copy-source, x-amz-meta-a');
  });

  it('tolerates an unsigned x-amz-content-sha256, as S3 does, and headers that are not x-amz-*', () => {
    expect(() => queryClaim(request({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-type': 'text/plain', 'x-amzn-trace-id': 't' }), ['us-east-1'])).not.toThrow();
  });
});

describe('the two readings of a raw + in the query', () => {
  it('offers the literal reading only when it differs, and says which reading each candidate is', () => {
    const plain = request({}, '&response-content-type=text%2Fa%2Bb');
    const claim = queryClaim(plain, ['us-east-1']);
    expect(candidateCanonicalRequests(plain, claim).map((c) => c.plusIsSpace)).toEqual([true]);
    const raw = request({}, '&response-content-type=text%2Fa+b');
    const both = candidateCanonicalRequests(raw, queryClaim(raw, ['us-east-1']));
    expect(both.map((c) => c.plusIsSpace)).toEqual([true, false]);
    expect(both[0]!.canonical).toContain('response-content-type=text%2Fa%20b');
    expect(both[1]!.canonical).toContain('response-content-type=text%2Fa%2Bb');
  });

  it('withLiteralPlus reads the query as the literal candidate signed it', () => {
    const raw = request({}, '&response-content-type=text%2Fa+b');
    expect(raw.query.get('response-content-type')).toBe('text/a b');
    expect(withLiteralPlus(raw).query.get('response-content-type')).toBe('text/a+b');
  });
});
