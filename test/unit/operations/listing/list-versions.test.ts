// ListObjectVersions: parameters and their errors, Swift's version_marker for
// an S3 version-id-marker, pages built from Swift `?versions` rows, and the
// handler's one Swift call.
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../../../src/operations/index.js';
import type { OperationContext } from '../../../../src/operations/context.js';
import {
  parseVersionsParams,
  swiftVersionMarker,
  toVersionsPage,
  type VersionsParams,
} from '../../../../src/operations/listing/list-versions.js';
import { DIALECTS } from '../../../../src/s3/dialect.js';
import { isS3Error } from '../../../../src/s3/errors.js';
import { parseQuery, type S3Request } from '../../../../src/s3/request.js';
import { SwiftError } from '../../../../src/swift/errors.js';
import { DELETE_MARKER_CONTENT_TYPE, type ObjectRow } from '../../../../src/swift/listing.js';
import type { SwiftStore } from '../../../../src/swift/store.js';
import { s3ErrorOf } from '../../../helpers/s3-error.js';

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const version = (name: string, versionId: string, isLatest: boolean, over: Partial<ObjectRow> = {}): ObjectRow => ({
  name, version_id: versionId, is_latest: isLatest, hash: '0123456789abcdef0123456789abcdef', bytes: 3,
  content_type: 'text/plain', last_modified: '2026-12-01T14:02:31.332880', ...over,
});
const deleteMarker = (name: string, versionId: string, isLatest: boolean): ObjectRow => ({
  name, version_id: versionId, is_latest: isLatest, hash: EMPTY_MD5, bytes: 0,
  content_type: DELETE_MARKER_CONTENT_TYPE, last_modified: '2026-12-01T14:02:31.361890',
});
const dir = (subdir: string): ObjectRow => ({ subdir });

const params = (query = ''): VersionsParams => parseVersionsParams(parseQuery(query));
/** Kind, key, version id and IsLatest of each entry: what a page says in order. */
const summary = (rows: readonly ObjectRow[], query = '') =>
  toVersionsPage(rows, params(query)).entries.map((e) => `${e.kind === 'Version' ? 'V' : 'D'} ${e.key} ${e.versionId}${e.isLatest ? ' latest' : ''}`);

describe('parseVersionsParams', () => {
  it('defaults to the whole bucket: no prefix, delimiter or markers, 1000 keys', () => {
    expect(params()).toEqual({ prefix: '', delimiter: undefined, maxKeys: 1000, encodingType: undefined, keyMarker: '', versionIdMarker: undefined });
  });

  it('reads prefix, delimiter, key-marker, version-id-marker, max-keys and encoding-type', () => {
    expect(params('versions&prefix=photos%2F&delimiter=%2F&key-marker=photos%2Fa+b&version-id-marker=1796133751.31015&max-keys=50&encoding-type=url')).toEqual({
      prefix: 'photos/', delimiter: '/', maxKeys: 50, encodingType: 'url', keyMarker: 'photos/a b', versionIdMarker: '1796133751.31015',
    });
  });

  it("accepts 'null' and a Swift timestamp with an offset as version-id-marker", () => {
    expect(params('key-marker=k&version-id-marker=null').versionIdMarker).toBe('null');
    expect(params('key-marker=k&version-id-marker=1796133751.31015_000000000000000a').versionIdMarker).toBe('1796133751.31015_000000000000000a');
  });

  it('treats an empty version-id-marker as none (S3 echoes it empty)', () => {
    expect(params('version-id-marker=').versionIdMarker).toBeUndefined();
    expect(params('key-marker=k&version-id-marker=').versionIdMarker).toBeUndefined();
  });

  it('refuses a version-id-marker without a key-marker with InvalidArgument, in S3 words', () => {
    for (const query of ['version-id-marker=null', 'key-marker=&version-id-marker=1796133751.31015']) {
      const err = s3ErrorOf(() => params(query));
      expect(err.code).toBe('InvalidArgument');
      expect(err.message).toBe('A version-id marker cannot be specified without a key marker.');
      expect(err.details.ArgumentName).toBe('version-id-marker');
    }
  });

  for (const bad of ['abc', 'Null', '1796133751', '1796133751.3101', '1796133751.310155', '-1796133751.31015', '1796133751.31015_abc', '1796133751.31015_000000000000000G', ' 1796133751.31015']) {
    it(`refuses version-id-marker=${JSON.stringify(bad)} with InvalidArgument "Invalid version id specified"`, () => {
      const err = s3ErrorOf(() => params(`key-marker=k&version-id-marker=${encodeURIComponent(bad)}`));
      expect(err.code).toBe('InvalidArgument');
      expect(err.message).toBe('Invalid version id specified');
      expect(err.details).toMatchObject({ ArgumentName: 'version-id-marker', ArgumentValue: bad });
    });
  }

  it('parses max-keys as ListObjects does: 0 is 0, above 1000 is 1000, anything else InvalidArgument', () => {
    expect(params('max-keys=0').maxKeys).toBe(0);
    expect(params('max-keys=5000').maxKeys).toBe(1000);
    expect(s3ErrorOf(() => params('max-keys=-1')).details).toMatchObject({ ArgumentName: 'max-keys' });
  });

  it('refuses an encoding-type other than url', () => {
    expect(s3ErrorOf(() => params('encoding-type=base64')).details.ArgumentName).toBe('encoding-type');
  });

  it("refuses a delimiter Swift's object versioning cannot group on (a digit or '.'), before asking Swift", () => {
    for (const delimiter of ['.', '0', 'a9', '-.-']) {
      const err = s3ErrorOf(() => params(`delimiter=${encodeURIComponent(delimiter)}`));
      expect(err.code).toBe('InvalidArgument');
      expect(err.details).toMatchObject({ ArgumentName: 'delimiter', ArgumentValue: delimiter });
    }
    expect(params('delimiter=-').delimiter).toBe('-');
  });
});

describe('swiftVersionMarker', () => {
  it('passes a plain version id on as it is', () => {
    expect(swiftVersionMarker('1796133751.31015')).toBe('1796133751.31015');
  });

  it("turns 'null' into the largest timestamp: every versioned row of the key follows its null version", () => {
    expect(swiftVersionMarker('null')).toBe('9999999999.99999');
  });

  it('turns an id with an offset (Swift answers 500 for it) into the next tick after its timestamp', () => {
    expect(swiftVersionMarker('1796133751.31015_0000000000000001')).toBe('1796133751.31016');
    expect(swiftVersionMarker('1796133751.99999_00000000000000ff')).toBe('1796133752.00000');
    expect(swiftVersionMarker('0000000000.00000_0000000000000001')).toBe('0000000000.00001');
    expect(swiftVersionMarker('9999999999.99999_0000000000000001')).toBe('9999999999.99999');
  });
});

describe('toVersionsPage', () => {
  it('interleaves versions and delete markers in Swift order, with its IsLatest', () => {
    const rows = [
      version('a', '1796133751.33288', true), version('a', '1796133751.31015', false),
      deleteMarker('b', '1796133751.36155', true), version('b', '1796133751.21310', false),
      version('c', '1796133751.40000', true),
    ];
    expect(summary(rows)).toEqual([
      'V a 1796133751.33288 latest', 'V a 1796133751.31015', 'D b 1796133751.36155 latest', 'V b 1796133751.21310', 'V c 1796133751.40000 latest',
    ]);
  });

  it('gives a version its S3 timestamp, quoted ETag, size and STANDARD, and a delete marker neither ETag nor size', () => {
    const page = toVersionsPage([version('a', '1', true), deleteMarker('b', '2', true)], params());
    expect(page.entries[0]).toEqual({
      kind: 'Version', key: 'a', versionId: '1', isLatest: true, lastModified: '2026-12-01T14:02:32.000Z',
      etag: '"0123456789abcdef0123456789abcdef"', size: 3, storageClass: 'STANDARD',
    });
    expect(page.entries[1]).toEqual({ kind: 'DeleteMarker', key: 'b', versionId: '2', isLatest: true, lastModified: '2026-12-01T14:02:32.000Z' });
  });

  it("lists a never-versioned object as version 'null', current (and a row without a version id or is_latest so too)", () => {
    expect(summary([version('a', 'null', true), { name: 'b', hash: EMPTY_MD5, bytes: 0, last_modified: '2026-12-01T14:02:31.000000' }]))
      .toEqual(['V a null latest', 'V b null latest']);
  });

  it("shows a multipart object's S3 ETag: s3api's `; s3_etag=` in the hash, or the gateway's sealed one", () => {
    const s3api = version('m', '1', true, { hash: 'ffffffffffffffffffffffffffffffff; s3_etag=0123456789abcdef0123456789abcdef-2' });
    const ours = version('n', '2', true, { content_type: 'application/octet-stream;s3gw_etag=sealed' });
    const page = toVersionsPage([s3api, ours], params(), (row) => (row.name === 'n' ? 'fedcba9876543210fedcba9876543210-3' : undefined));
    expect(page.entries.map((e) => (e.kind === 'Version' ? e.etag : ''))).toEqual(['"0123456789abcdef0123456789abcdef-2"', '"fedcba9876543210fedcba9876543210-3"']);
  });

  it('turns subdir rows into common prefixes, counted with the entries against max-keys', () => {
    const rows = [version('a', '2', true), version('a', '1', false), dir('d/'), version('e', '3', true), dir('f/')];
    const page = toVersionsPage(rows, params('delimiter=/&max-keys=4'));
    expect(page.entries.map((e) => `${e.key} ${e.versionId}`)).toEqual(['a 2', 'a 1', 'e 3']);
    expect(page.commonPrefixes).toEqual(['d/']);
    expect(page).toMatchObject({ isTruncated: true, nextKeyMarker: 'e', nextVersionIdMarker: '3' });
  });

  it('is not truncated when exactly max-keys rows came back, and names no next markers', () => {
    const page = toVersionsPage([version('a', '2', true), version('a', '1', false)], params('max-keys=2'));
    expect(page).toMatchObject({ isTruncated: false, nextKeyMarker: undefined, nextVersionIdMarker: undefined });
    expect(page.entries).toHaveLength(2);
  });

  it('is truncated when one row more than max-keys came back, and goes on after the last version listed', () => {
    const rows = [version('a', '3', true), deleteMarker('a', '2', false), version('a', '1', false)];
    expect(toVersionsPage(rows, params('max-keys=2'))).toMatchObject({ isTruncated: true, nextKeyMarker: 'a', nextVersionIdMarker: '2' });
    expect(toVersionsPage([version('a', 'null', true), version('b', '5', true)], params('max-keys=1'))).toMatchObject({ nextKeyMarker: 'a', nextVersionIdMarker: 'null' });
  });

  it('goes on after a common prefix with the prefix as key marker and no version id marker', () => {
    const page = toVersionsPage([version('a', '1', true), dir('d/'), version('e', '2', true)], params('delimiter=/&max-keys=2'));
    expect(page).toMatchObject({ isTruncated: true, nextKeyMarker: 'd/', nextVersionIdMarker: undefined, commonPrefixes: ['d/'] });
  });

  it('skips the common prefix Swift repeats at the key marker (returned on the previous page)', () => {
    const page = toVersionsPage([dir('d/'), version('e', '2', true), dir('f/')], params('delimiter=/&key-marker=d/&max-keys=2'));
    expect(page.commonPrefixes).toEqual(['f/']);
    expect(page.entries.map((e) => e.key)).toEqual(['e']);
    expect(page.isTruncated).toBe(false);
  });

  it('does not skip a version whose key equals the key marker text of a prefix', () => {
    expect(toVersionsPage([version('d/', '1', false)], params('key-marker=d/&version-id-marker=1796133751.00002')).entries).toHaveLength(1);
  });

  it("calls no row of the key marker's key current on a page that starts after one of its versions (Swift would call a delete marker so)", () => {
    const rows = [deleteMarker('a', '2', true), version('a', '1', false), deleteMarker('b', '4', true), version('b', '3', false)];
    expect(summary(rows, 'key-marker=a&version-id-marker=1796133751.00003')).toEqual(['D a 2', 'V a 1', 'D b 4 latest', 'V b 3']);
    // Without a version-id-marker the page starts after every version of the key marker's key: Swift's IsLatest stands.
    expect(summary(rows.slice(2), 'key-marker=a')).toEqual(['D b 4 latest', 'V b 3']);
  });

  it('answers max-keys=0 with an empty page that is not truncated, as S3 does', () => {
    expect(toVersionsPage([version('a', '1', true)], params('max-keys=0'))).toEqual({
      entries: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: undefined, nextVersionIdMarker: undefined,
    });
  });
});

describe('ListObjectVersions handler', () => {
  interface Call { container: string; q: Record<string, unknown> }

  function context(query: string, answer: () => Promise<ObjectRow[]>): { ctx: OperationContext; calls: Call[] } {
    const calls: Call[] = [];
    const store = {
      listVersions: (container: string, q: Record<string, unknown>) => {
        calls.push({ container, q });
        return answer();
      },
      storedEtagOfRow: () => undefined,
      account: () => Promise.resolve({ projectId: 'proj', userName: 'demo' }),
    } as unknown as SwiftStore;
    const req = { method: 'GET', rawPath: '/b', rawQuery: query, query: parseQuery(query), headers: {}, repeatedHeaders: new Set(), host: 'localhost', bucket: 'b', virtualHosted: false } as S3Request;
    return { ctx: { req, store, dialect: DIALECTS.aws } as unknown as OperationContext, calls };
  }

  it('asks Swift for max-keys + 2 rows after the markers, with version_marker translated', async () => {
    const { ctx, calls } = context('versions&prefix=p&delimiter=/&key-marker=p/k&version-id-marker=null&max-keys=10', () => Promise.resolve([]));
    const result = await HANDLERS.ListObjectVersions!(ctx);
    expect(calls).toEqual([{ container: 'b', q: { prefix: 'p', delimiter: '/', marker: 'p/k', versionMarker: '9999999999.99999', limit: 12 } }]);
    expect(result.status).toBe(200);
    const xml = result.xml!.text!(DIALECTS.aws.xmlns).join('');
    expect(xml).toContain('<KeyMarker>p/k</KeyMarker><VersionIdMarker>null</VersionIdMarker><MaxKeys>10</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>');
  });

  it('sends no version_marker without a version-id-marker', async () => {
    const { ctx, calls } = context('versions&key-marker=k', () => Promise.resolve([version('l', '1', true)]));
    const xml = (await HANDLERS.ListObjectVersions!(ctx)).xml!.text!(undefined).join('');
    expect(calls[0]!.q).toMatchObject({ marker: 'k', versionMarker: undefined, limit: 1002 });
    expect(xml).toContain('<Version><Key>l</Key><VersionId>1</VersionId><IsLatest>true</IsLatest>');
    expect(xml).toContain('<Owner><ID>proj</ID><DisplayName>demo</DisplayName></Owner>');
  });

  it('refuses bad parameters before any Swift call', async () => {
    const { ctx, calls } = context('versions&version-id-marker=null', () => Promise.resolve([]));
    await expect(HANDLERS.ListObjectVersions!(ctx)).rejects.toMatchObject({ code: 'InvalidArgument' });
    expect(calls).toHaveLength(0);
  });

  it("maps Swift's 404 to NoSuchBucket", async () => {
    const { ctx } = context('versions', () => Promise.reject(new SwiftError(404, 'GET', 'b', undefined)));
    const err: unknown = await HANDLERS.ListObjectVersions!(ctx).catch((e: unknown) => e);
    expect(isS3Error(err) && err.code).toBe('NoSuchBucket');
    expect(isS3Error(err) && err.details).toMatchObject({ BucketName: 'b' });
  });
});
