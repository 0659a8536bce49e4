// fast-check arbitraries for one fuzzed S3 request: method, raw path (with odd
// encodings), query (every sub-resource the router knows, parameters with odd
// values), the headers the gateway reads, a body (documents of the operations
// that take one, bytes, aws-chunked pieces) and how it is authenticated. The
// request is signed later (sign.ts) over whatever was generated.
import fc from 'fast-check';
import { HANDLERS } from '../../src/operations/index.js';
import { ROUTES } from '../../src/s3/router.js';
import { documentArb } from './documents.js';

/** The buckets and keys a campaign set up, which the generated requests aim at. */
export interface FuzzTargets {
  /** demo's bucket, where fuzzed writes may land. */
  readonly own: string;
  /** Another project's bucket with no grants: nothing a demo request does may change it. */
  readonly victim: string;
  /** A name demo may create and delete. */
  readonly scratch: string;
  readonly ownKeys: readonly string[];
  readonly victimKeys: readonly string[];
  /** A multipart upload open in the own bucket (on key `mp`). */
  readonly uploadId: string;
}

export type AuthMode = 'v4' | 'v2' | 'presigned-v4' | 'presigned-v2' | 'anonymous'
  | 'bad-signature-v4' | 'bad-signature-v2' | 'unknown-key' | 'skewed-date' | 'bad-scope' | 'garbage-authorization'
  | 'expired-presigned' | 'bad-expires-presigned';

export interface FuzzCase {
  readonly method: string;
  /** Raw path as it goes on the wire. */
  readonly path: string;
  /** Raw query without `?`. */
  readonly query: string;
  /** Virtual-host style: the bucket in the Host header. */
  readonly hostBucket?: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  readonly chunked: boolean;
  /** `content-md5` computed from the body (else absent or as generated). */
  readonly md5: 'none' | 'right' | 'wrong';
  readonly auth: AuthMode;
  /** The request names the other project's bucket (path, host or copy source): it must not succeed. */
  readonly touchesVictim: boolean;
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const encKey = (k: string) => k.split('/').map(enc).join('/');

// Odd pieces of a raw path: dot segments, encoded slashes, NUL, invalid and
// overlong percent-escapes, non-UTF-8 bytes, a surrogate encoded in UTF-8.
const ODD_SEGMENTS = ['.', '..', '', '%2F', '%2f', '%00', '%ZZ', '%', '%4', '%C0%AE', '%E0%80%AF', '%FF', '%FE%FF', '%ED%A0%80', '%C3%28',
  '%25', '%2e%2e', 'a%20b', 'a+b', '~', '%7E', 'x%0Ay', '%0D%0A', '%09', '?', '%3F', '#', '%23', ';', 'a=b', '%EF%BF%BF', '%F4%90%80%80'];

const keyArb = (known: readonly string[]): fc.Arbitrary<string> => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...known).map(encKey) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9/._-]{1,20}$/).map(encKey) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(encKey) },
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...ODD_SEGMENTS), fc.stringMatching(/^[a-z]{1,4}$/)), { minLength: 1, maxLength: 5 }).map((s) => s.join('/')) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1015, max: 1030 }), fc.constantFrom(512, 2000, 6000)).map((n) => 'k'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 330, max: 345 }).map((n) => '%E2%82%AC'.repeat(n)) },
);

const bucketName = (t: FuzzTargets) => fc.oneof(
  { weight: 10, arbitrary: fc.constant(t.own) },
  { weight: 3, arbitrary: fc.constant(t.victim) },
  { weight: 1, arbitrary: fc.constant(t.scratch) },
  { weight: 1, arbitrary: fc.constantFrom(`${t.own}-absent`, 'ab', 'UPPER', 'a..b', '-x-', 'a'.repeat(64), '192.168.1.1', 'xn--a', `${t.own}+segments`, `${t.own}%2Bsegments`, 'a_b', '%00') },
);

type Target = 'service' | 'bucket' | 'object';

/** A raw path for the target, with odd forms (dot segments, doubled or encoded slashes) a fraction of the time. */
const pathArb = (t: FuzzTargets, target: Target) => bucketName(t).chain((b) => fc.tuple(fc.constant(b), keyArb(b === t.victim ? t.victimKeys : t.ownKeys), fc.integer({ min: 0, max: 99 }))).map(([b, k, form]) => {
  const odd: Record<number, string> = {
    0: `/${b}`, 1: `/${b}/`, 2: '/', 3: `//${b}/${k}`, 4: `/${b}//${k}`, 5: `/./${b}/${k}`, 6: `/${b}/./${k}`, 7: `/${b}/../${k}`,
    8: `/%2F${b}`, 9: `/${b}%2F${k}`, 10: `/${b}/${k}/`, 11: `/${b}?`, 12: '',
  };
  const vhost = form === 13 || form === 14;
  const plain = target === 'service' ? '/' : target === 'bucket' ? (form % 2 === 0 ? `/${b}` : `/${b}/`) : `/${b}/${k}`;
  const vhostPath = target === 'object' ? `/${k}` : '/';
  return { bucket: b, path: vhost ? vhostPath : odd[form] ?? plain, vhost: vhost && target !== 'service' ? { bucket: b, path: vhostPath } : undefined };
});

const SUBS = [...new Set(ROUTES.flatMap((r) => (r.sub ? [r.sub] : [])))];

const oddNumber = fc.constantFrom('-1', '0', '1', '2', '3', '1000', '1001', '10000', '10001', '2147483648', '99999999999999999999', '1e3', '0x10', 'abc', '', ' 1', '1.5', '+1', '00001');
const oddString = (t: FuzzTargets) => fc.oneof(
  fc.constantFrom('', 'a', '/', 'dir/', t.ownKeys[0]!, t.uploadId, 'null', '%ZZ', '%00', '%FF', 'x'.repeat(1100), 'x'.repeat(5000), 'url', 'true', '2', '%2F',
    '%E2%82%AC'.repeat(400), '%E2%82%AC'.repeat(1000), 'QQ', '_w'),
  fc.string({ maxLength: 30 }).map(enc),
);

const QUERY_PARAMS = ['prefix', 'delimiter', 'marker', 'max-keys', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner',
  'key-marker', 'version-id-marker', 'upload-id-marker', 'max-uploads', 'max-parts', 'part-number-marker', 'partNumber', 'versionId',
  'list-type', 'response-content-type', 'response-content-disposition', 'response-expires', 'response-cache-control',
  'response-content-encoding', 'response-content-language', 'x-id', 'multipart-manifest', 'symlink', 'format', 'temp_url_sig', 'X-Amz-Expires'];

const queryArb = (t: FuzzTargets, routeSub: string | undefined) => fc.tuple(
  fc.oneof({ weight: 9, arbitrary: fc.constant(routeSub) }, { weight: 1, arbitrary: fc.constantFrom(undefined, ...SUBS) }),
  fc.array(fc.tuple(fc.constantFrom(...QUERY_PARAMS), fc.oneof(oddNumber, oddString(t)), fc.boolean()), { maxLength: 4 }),
).map(([sub, params]) => {
  const parts: string[] = [];
  if (sub !== undefined) parts.push(sub === 'uploadId' ? `uploadId=${t.uploadId}` : sub === 'list-type' ? 'list-type=2' : sub);
  for (const [name, value, bare] of params) parts.push(bare && value === '' ? name : `${name}=${value}`);
  return { sub, query: parts.join('&') };
});

const date = fc.constantFrom(new Date().toUTCString(), 'Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'garbage', '', '2026-01-01T00:00:00Z', 'Sun, 06 Nov 1994 08:49:37 GMT');
const etag = fc.constantFrom('"d41d8cd98f00b204e9800998ecf8427e"', '*', 'W/"x"', '"a", "b"', 'unquoted', '', '""', '"' + 'f'.repeat(40) + '-3"');
const b64 = fc.constantFrom('AAAAAA==', 'AAAAAAAAAAA=', '2jmj7l5rSw0yVb/vlWAYkK/YBwk=', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=', 'not base64!', '', '====', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
const latin1 = fc.string({ maxLength: 20, unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)) });

const copySourceArb = (t: FuzzTargets) => fc.constantFrom(`/${t.own}/${t.ownKeys[0]}`, `${t.own}/${encKey(t.ownKeys[1] ?? 'x')}`, `/${t.own}/${t.ownKeys[0]}?versionId=null`,
    `/${t.victim}/${t.victimKeys[0]}`, `${t.victim}/${t.victimKeys[0]}?versionId=null`, `/${t.own}/missing`, '', '/', 'nobucket', `/${t.own}/%ZZ`,
    `/${t.own}/${'k'.repeat(1100)}`, `/${t.own}/${t.ownKeys[0]}?versionId=garbage`, `/${t.own}`, `/${t.own}/mp?uploadId=${t.uploadId}`, `/%2F${t.victim}/${t.victimKeys[0]}`);

const headerArb = (t: FuzzTargets): fc.Arbitrary<Record<string, string>> => {
  const one = (name: string, value: fc.Arbitrary<string>) => value.map((v) => ({ [name]: v }));
  const source = copySourceArb(t);
  return fc.oneof(
    one('if-match', etag), one('if-none-match', etag), one('if-modified-since', date), one('if-unmodified-since', date),
    one('range', fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=5-', 'bytes=0-1,3-4', 'bytes=9-1', 'bytes=99999999999999999999-', 'bytes=', 'items=0-1', 'bytes=-0', 'bytes=0-', 'bytes=-99999', 'bytes=1-2-3')),
    { weight: 3, arbitrary: one('x-amz-copy-source', source) },
    one('x-amz-copy-source-if-match', etag), one('x-amz-copy-source-if-none-match', etag),
    one('x-amz-copy-source-if-modified-since', date), one('x-amz-copy-source-if-unmodified-since', date),
    one('x-amz-copy-source-range', fc.constantFrom('bytes=0-0', 'bytes=0-99999999', 'bytes=5-1', 'garbage', 'bytes=-1')),
    one('x-amz-metadata-directive', fc.constantFrom('COPY', 'REPLACE', 'copy', 'bogus', '')),
    one('x-amz-tagging-directive', fc.constantFrom('COPY', 'REPLACE', 'bogus')),
    one('x-amz-tagging', fc.constantFrom('a=b', 'a=b&a=c', '=x', 'k'.repeat(200) + '=v', '%ZZ=1', Array.from({ length: 11 }, (_, i) => `t${i}=v`).join('&'), '', 'a', 'a=' + 'v'.repeat(300), '&&&')),
    one('x-amz-object-lock-mode', fc.constantFrom('GOVERNANCE', 'COMPLIANCE', 'bogus', '')),
    one('x-amz-object-lock-retain-until-date', fc.constantFrom(new Date(Date.now() + 30_000).toISOString(), '2000-01-01T00:00:00Z', 'garbage', '9999-12-31T23:59:59Z')),
    one('x-amz-object-lock-legal-hold', fc.constantFrom('ON', 'OFF', 'bogus')),
    one('x-amz-bypass-governance-retention', fc.constantFrom('true', 'false', 'bogus')),
    one('x-amz-bucket-object-lock-enabled', fc.constantFrom('true', 'false', 'bogus')),
    one('x-amz-object-ownership', fc.constantFrom('BucketOwnerEnforced', 'ObjectWriter', 'BucketOwnerPreferred', 'bogus')),
    fc.tuple(fc.constantFrom('crc32', 'crc32c', 'sha1', 'sha256', 'crc64nvme', 'bogus'), b64).map(([a, v]) => ({ [`x-amz-checksum-${a}`]: v })),
    one('x-amz-checksum-algorithm', fc.constantFrom('CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME', 'bogus', '')),
    one('x-amz-sdk-checksum-algorithm', fc.constantFrom('CRC32', 'SHA256', 'bogus')),
    one('x-amz-checksum-type', fc.constantFrom('COMPOSITE', 'FULL_OBJECT', 'bogus')),
    one('x-amz-checksum-mode', fc.constantFrom('ENABLED', 'bogus')),
    one('x-amz-storage-class', fc.constantFrom('STANDARD', 'STANDARD_IA', 'GLACIER', 'REDUCED_REDUNDANCY', 'bogus', '')),
    one('x-amz-acl', fc.constantFrom('private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-full-control', 'bogus', '')),
    fc.tuple(fc.constantFrom('read', 'write', 'read-acp', 'write-acp', 'full-control'), fc.constantFrom('id="owner"', 'uri="http://acs.amazonaws.com/groups/global/AllUsers"', 'emailAddress="a@b.c"', 'garbage', 'id=', ''))
      .map(([g, v]) => ({ [`x-amz-grant-${g}`]: v })),
    fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,30}$/), latin1).map(([n, v]) => ({ [`x-amz-meta-${n}`]: v })),
    fc.integer({ min: 1, max: 120 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-amz-meta-m${i}`, 'v'.repeat(1 + (i % 60))]))),
    one('x-amz-meta-' + 'k'.repeat(200), fc.constant('v')),
    one('x-amz-website-redirect-location', fc.constantFrom('/x', 'http://example.com/', 'garbage', '')),
    one('x-amz-object-attributes', fc.constantFrom('ETag,Checksum,ObjectParts,StorageClass,ObjectSize', 'bogus', '', 'ETag')),
    one('x-amz-max-parts', oddNumber), one('x-amz-part-number-marker', oddNumber),
    one('x-amz-server-side-encryption', fc.constantFrom('AES256', 'aws:kms', 'bogus')),
    one('x-amz-server-side-encryption-customer-algorithm', fc.constantFrom('AES256', 'bogus')),
    one('x-amz-expected-bucket-owner', fc.constantFrom('123456789012', 'bogus')),
    one('x-amz-mfa', fc.constant('123 456')),
    one('content-type', fc.constantFrom('application/xml', 'text/plain', 'multipart/form-data; boundary=xyz', 'application/x-www-form-urlencoded', '', 'a/b; charset=utf-16')),
    one('content-encoding', fc.constantFrom('gzip', 'aws-chunked', 'aws-chunked,gzip', 'bogus')),
    one('cache-control', latin1), one('content-disposition', latin1), one('expires', date),
    one('expect', fc.constantFrom('100-continue', 'bogus')),
    one('origin', fc.constantFrom('http://www.example.com', 'null', '')),
    one('access-control-request-method', fc.constantFrom('PUT', 'GET', 'bogus')),
    one('x-amz-content-sha256', fc.constantFrom('UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'garbage', '0'.repeat(64))),
    one('x-amz-decoded-content-length', oddNumber), one('x-amz-trailer', fc.constantFrom('x-amz-checksum-crc32', 'bogus', '')),
    // Swift controls a client must never get through.
    one('x-auth-token', fc.constant('forged')), one('x-object-manifest', fc.constant(`${t.victim}/`)), one('x-delete-at', fc.constant('1')),
    one('x-copy-from', fc.constant(`${t.victim}/${t.victimKeys[0]}`)), one('x-container-read', fc.constant('.r:*')), one('x-versions-enabled', fc.constant('false')),
  );
};

/** An aws-chunked body (unsigned, maybe with a trailer), mutated: sizes that lie, missing CRLFs, garbage signatures. */
const awsChunkedArb = fc.tuple(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 4 }), fc.integer({ min: 0, max: 7 })).map(([sizes, mutation]) => {
  let text = sizes.filter((s) => s > 0).map((s) => `${s.toString(16)}\r\n${'c'.repeat(s)}\r\n`).join('') + '0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
  if (mutation === 1) text = text.replace(/^[0-9a-f]+/, 'zz');
  if (mutation === 2) text = text.replace(/\r\n/, '\n');
  if (mutation === 3) text = text.slice(0, Math.floor(text.length / 2));
  if (mutation === 4) text = text.replace(/^([0-9a-f]+)/, '$1;chunk-signature=' + 'f'.repeat(64));
  if (mutation === 5) text = 'ffffffffffffffff\r\n' + text;
  const decoded = sizes.filter((s) => s > 0).reduce((a, b) => a + b, 0);
  return {
    body: Buffer.from(text, 'latin1'),
    headers: { 'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': String(mutation === 6 ? decoded + 1 : decoded) },
  };
});

const METHODS = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST') },
  { weight: 1, arbitrary: fc.constantFrom('OPTIONS', 'PATCH', 'COPY', 'FOO', 'TRACE') },
);

/** Mostly a row of the router's table (so every operation is reached), sometimes its method changed. */
const IMPLEMENTED = ROUTES.filter((r) => HANDLERS[r.operation] !== undefined);
const OPERATION = fc.tuple(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...IMPLEMENTED) }, { weight: 1, arbitrary: fc.constantFrom(...ROUTES) }), fc.integer({ min: 0, max: 9 }), METHODS)
  .map(([route, draw, other]) => ({ method: draw === 0 ? other : route.method, target: route.target as Target, sub: route.sub, copy: route.header !== undefined }));

const AUTH = fc.oneof(
  { weight: 45, arbitrary: fc.constant<AuthMode>('v4') },
  { weight: 30, arbitrary: fc.constant<AuthMode>('v2') },
  { weight: 5, arbitrary: fc.constant<AuthMode>('presigned-v4') },
  { weight: 3, arbitrary: fc.constant<AuthMode>('presigned-v2') },
  { weight: 4, arbitrary: fc.constant<AuthMode>('anonymous') },
  { weight: 13, arbitrary: fc.constantFrom<AuthMode>('bad-signature-v4', 'bad-signature-v2', 'unknown-key', 'skewed-date', 'bad-scope', 'garbage-authorization', 'expired-presigned', 'bad-expires-presigned') },
);

/** Which document a request body is, by method and sub-resource. */
function documentKind(method: string, sub: string | undefined): string | undefined {
  if (method === 'POST' && sub === 'delete') return 'delete';
  if (method === 'POST' && sub === 'uploadId') return 'complete';
  if (method === 'PUT' && sub !== undefined && sub !== 'uploadId' && sub !== 'uploads') return sub;
  return undefined;
}

export function fuzzCaseArb(t: FuzzTargets): fc.Arbitrary<FuzzCase> {
  return OPERATION.chain((op) => fc.tuple(fc.constant(op), pathArb(t, op.target), queryArb(t, op.sub), fc.array(headerArb(t), { maxLength: 4 }), AUTH,
    fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 1024 }), awsChunkedArb, fc.constantFrom<FuzzCase['md5']>('none', 'none', 'right', 'wrong'), fc.nat(99), copySourceArb(t)))
    .chain(([op, where, { sub, query }, headerList, auth, bodyMode, bytes, chunkedBody, md5, chunkDraw, copySource]) => {
      const method = op.method;
      const kind = documentKind(method, sub);
      const doc = kind === undefined ? fc.constant(undefined) : documentArb(kind, t.ownKeys);
      return doc.map((document): FuzzCase => {
        const headers: Record<string, string> = Object.assign(op.copy ? { 'x-amz-copy-source': copySource } : {}, ...headerList);
        let body: Buffer | undefined;
        if (document !== undefined && bodyMode < 8) body = Buffer.from(document, 'utf8');
        else if (bodyMode === 9 && (method === 'PUT' || method === 'POST')) { body = chunkedBody.body; Object.assign(headers, chunkedBody.headers); } else if (method === 'PUT' || method === 'POST' || bodyMode === 8) body = Buffer.from(bytes);
        const copy = headers['x-amz-copy-source'] ?? '';
        return {
          method, path: where.vhost?.path ?? where.path, query, hostBucket: where.vhost?.bucket, headers, body,
          chunked: body !== undefined && chunkDraw < 8, md5, auth,
          touchesVictim: where.vhost?.bucket === t.victim || where.path === `/${t.victim}` || where.path.startsWith(`/${t.victim}/`) || where.path.startsWith(`/${t.victim}?`)
            || (method === 'PUT' && (sub === undefined || sub === 'uploadId') && copy.includes(t.victim)),
        };
      });
    });
}
