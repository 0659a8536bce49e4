// ListObjectVersions through the gateway against the real stack's Swift
// object versioning: a never-versioned bucket, 1,000+ versions and delete
// markers paged with small and large max-keys, many keys under a delimiter,
// multipart objects' S3 ETags, a suspended bucket's null version, the same
// listings from Swift's own s3api (the reference), and boto3 and the aws CLI.
// Versions are written straight to Swift (POST X-Versions-Enabled turns
// versioning on), as the gateway's writes do not speak of versions yet.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { keyPath, rawS3, xmlValue, type Keys, type RawResponse } from '../helpers/raw-s3.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

const BOTO3 = fileURLToPath(new URL('./list_versions_boto3.py', import.meta.url));
const MiB = 1024 * 1024;
const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

let gw: TestGateway;
let keys: Keys;
const made: string[] = [];

/** What a listing says of one version or delete marker (LastModified and Owner aside). */
interface Entry {
  readonly kind: 'Version' | 'DeleteMarker';
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly etag?: string;
  readonly size?: number;
}

interface Page {
  readonly entries: Entry[];
  readonly prefixes: string[];
  readonly xml: string;
}

const unescape = (text: string) => xmlValue(`<x>${text}</x>`, 'x')!;

/** Versions and delete markers in document order, and the common prefixes. */
function parsePage(xml: string, decode: (s: string) => string = (s) => s): Page {
  const entries = [...xml.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)].map((m): Entry => {
    const inner = m[2]!;
    const base = { kind: m[1] as Entry['kind'], key: decode(xmlValue(inner, 'Key')!), versionId: xmlValue(inner, 'VersionId')!, isLatest: xmlValue(inner, 'IsLatest') === 'true' };
    return base.kind === 'Version' ? { ...base, etag: xmlValue(inner, 'ETag')!, size: Number(xmlValue(inner, 'Size')) } : base;
  });
  const prefixes = [...xml.matchAll(/<CommonPrefixes><Prefix>([\s\S]*?)<\/Prefix><\/CommonPrefixes>/g)].map((m) => decode(unescape(m[1]!)));
  return { entries, prefixes, xml };
}

const q = (value: string) => encodeURIComponent(value);
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function listRaw(url: string, bucket: string, query: string): Promise<RawResponse> {
  return rawS3(url, { method: 'GET', path: `/${bucket}?versions${query}`, keys });
}

async function listPage(url: string, bucket: string, query = ''): Promise<Page> {
  const res = await listRaw(url, bucket, query);
  expect(res.status, res.text()).toBe(200);
  return parsePage(res.text());
}

/**
 * Every page of a listing through the gateway, following NextKeyMarker and
 * NextVersionIdMarker, checking on each page the echoed markers, the count
 * against max-keys and that the next markers name the last thing listed.
 */
async function pageThrough(bucket: string, maxKeys: number, extra = ''): Promise<{ entries: Entry[]; prefixes: string[]; pages: number }> {
  const entries: Entry[] = [];
  const prefixes: string[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (let pages = 1; pages < 10_000; pages++) {
    const markers = `${keyMarker !== undefined ? `&key-marker=${q(keyMarker)}` : ''}${versionIdMarker !== undefined ? `&version-id-marker=${q(versionIdMarker)}` : ''}`;
    const page = await listPage(gw.url, bucket, `&max-keys=${maxKeys}${extra}${markers}`);
    const { xml } = page;
    expect(xmlValue(xml, 'KeyMarker')).toBe(keyMarker ?? '');
    expect(xmlValue(xml, 'VersionIdMarker')).toBe(versionIdMarker ?? '');
    expect(xmlValue(xml, 'MaxKeys')).toBe(String(maxKeys));
    expect(page.entries.length + page.prefixes.length).toBeLessThanOrEqual(maxKeys);
    entries.push(...page.entries);
    prefixes.push(...page.prefixes);
    if (xmlValue(xml, 'IsTruncated') !== 'true') {
      expect(xml).not.toContain('<NextKeyMarker>');
      expect(xml).not.toContain('<NextVersionIdMarker>');
      return { entries, prefixes, pages };
    }
    expect(page.entries.length + page.prefixes.length).toBe(maxKeys);
    const lastEntry = page.entries[page.entries.length - 1];
    const lastPrefix = page.prefixes[page.prefixes.length - 1];
    keyMarker = xmlValue(xml, 'NextKeyMarker');
    versionIdMarker = xmlValue(xml, 'NextVersionIdMarker');
    if (lastPrefix !== undefined && (lastEntry === undefined || byteOrder(lastPrefix, lastEntry.key) > 0)) {
      // After a common prefix the key marker alone goes on past everything under it.
      expect(keyMarker).toBe(lastPrefix);
      expect(versionIdMarker).toBeUndefined();
    } else {
      expect(keyMarker).toBe(lastEntry!.key);
      expect(versionIdMarker).toBe(lastEntry!.versionId);
    }
  }
  throw new Error('too many pages');
}

/** At most `limit` calls of fn at a time over items. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const swift = (method: string, container: string, object?: string, opts: Parameters<typeof swiftDirect>[5] = {}) => swiftDirect(gw.stack, 'demo', method, container, object, opts);

async function setVersioning(bucket: string, enabled: boolean): Promise<void> {
  const res = await swift('POST', bucket, undefined, { headers: { 'x-versions-enabled': String(enabled) } });
  expect(res.status).toBe(204);
}

/** A PUT straight to Swift: what the listing must call this version. */
async function putVersion(bucket: string, key: string, body: string): Promise<Entry> {
  const res = await swift('PUT', bucket, key, { body });
  expect(res.status).toBe(201);
  return { kind: 'Version', key, versionId: res.headers['x-object-version-id'] ?? 'null', isLatest: false, etag: `"${md5(body)}"`, size: Buffer.byteLength(body) };
}

/** A DELETE straight to Swift of a versioned object: a delete marker. */
async function deleteVersion(bucket: string, key: string): Promise<Entry> {
  const res = await swift('DELETE', bucket, key);
  expect(res.status).toBe(204);
  return { kind: 'DeleteMarker', key, versionId: res.headers['x-object-version-id']!, isLatest: false };
}

/** The listing S3 gives for writes made in this order: by key, newest first, the newest one current. */
function expectedListing(writes: readonly Entry[], latest: (key: string, newest: Entry) => boolean = () => true): Entry[] {
  const byKey = new Map<string, Entry[]>();
  for (const w of writes) byKey.set(w.key, [w, ...(byKey.get(w.key) ?? [])]);
  return [...byKey.keys()].sort(byteOrder).flatMap((key) => byKey.get(key)!.map((e, i) => ({ ...e, isLatest: i === 0 && latest(key, e) })));
}

/** A bucket made through the gateway, purged of every version afterwards. */
async function bucket(label: string): Promise<string> {
  const b = uniqueBucket(label);
  made.push(b);
  const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys });
  expect(res.status, res.text()).toBe(201);
  return b;
}

async function purgeVersions(b: string): Promise<void> {
  if ((await swift('POST', b, undefined, { headers: { 'x-versions-enabled': 'false' } })).status === 404) return;
  for (;;) {
    const res = await swift('GET', b, undefined, { query: { versions: '', format: 'json', limit: '1000' } });
    const rows = res.status === 200 ? (JSON.parse(res.body.toString()) as { name: string; version_id: string }[]) : [];
    if (rows.length === 0) break;
    await pool(rows, 8, async (r) => { await swift('DELETE', b, r.name, { query: { 'version-id': r.version_id } }); });
  }
  await purgeContainer(gw.stack, 'demo', b);
}

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
});

afterAll(async () => {
  for (const b of made) {
    await purgeVersions(b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
});

describe('a bucket that never had versioning', () => {
  let b: string;
  const names = ['a.txt', 'dir/x', 'dir/y', 'e & f', 'g+h i', 'z'];

  beforeAll(async () => {
    b = await bucket('lv-plain');
    for (const name of names) {
      const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${keyPath(name)}`, keys, body: `body of ${name}` });
      expect(res.status, res.text()).toBe(201);
    }
  });

  it("lists every object once, as version 'null' and current, with its ETag, size, owner and storage class", async () => {
    const res = await listRaw(gw.url, b, '');
    const xml = res.text();
    expect(xml).toContain('<ListVersionsResult xmlns="http://doc.s3.amazonaws.com/2006-03-01"><Name>');
    expect(parsePage(xml).entries).toEqual(names.map((key) => ({ kind: 'Version', key, versionId: 'null', isLatest: true, etag: `"${md5(`body of ${key}`)}"`, size: `body of ${key}`.length })));
    expect(xml).not.toContain('<DeleteMarker>');
    expect(xmlValue(xml, 'ID')).toBe(gw.stack.users.demo.projectId);
    expect(xmlValue(xml, 'StorageClass')).toBe('STANDARD');
    expect(xmlValue(xml, 'LastModified')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(xmlValue(xml, 'IsTruncated')).toBe('false');
  });

  it("pages one version at a time with NextVersionIdMarker 'null'", async () => {
    const all = await pageThrough(b, 1);
    expect(all.entries.map((e) => e.key)).toEqual(names);
    expect(all.pages).toBe(names.length);
  });

  it('groups by delimiter, filters by prefix, and URL-encodes with encoding-type=url', async () => {
    const grouped = await listPage(gw.url, b, '&delimiter=/');
    expect(grouped.entries.map((e) => e.key)).toEqual(['a.txt', 'e & f', 'g+h i', 'z']);
    expect(grouped.prefixes).toEqual(['dir/']);
    expect((await listPage(gw.url, b, '&prefix=dir/')).entries.map((e) => e.key)).toEqual(['dir/x', 'dir/y']);
    const encoded = await listRaw(gw.url, b, '&encoding-type=url&prefix=g%2Bh');
    expect(xmlValue(encoded.text(), 'EncodingType')).toBe('url');
    expect(xmlValue(encoded.text(), 'Prefix')).toBe('g%2Bh');
    expect(parsePage(encoded.text()).entries.map((e) => e.key)).toEqual(['g%2Bh%20i']);
  });

  it('answers max-keys=0 with an empty page that is not truncated', async () => {
    const page = await listPage(gw.url, b, '&max-keys=0');
    expect(page.entries).toEqual([]);
    expect(xmlValue(page.xml, 'IsTruncated')).toBe('false');
  });

  it('refuses a version-id-marker without key-marker, a malformed one, and an ungroupable delimiter with InvalidArgument', async () => {
    for (const [query, message] of [
      ['&version-id-marker=null', 'A version-id marker cannot be specified without a key marker.'],
      ['&key-marker=a&version-id-marker=nope', 'Invalid version id specified'],
      ['&delimiter=.', undefined],
    ] as const) {
      const res = await listRaw(gw.url, b, query);
      expect(res.status, query).toBe(400);
      expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
      if (message) expect(xmlValue(res.text(), 'Message')).toBe(message);
    }
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    const res = await listRaw(gw.url, uniqueBucket('lv-none'), '');
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
  });

  it("lists what Swift's s3api lists", async () => {
    const ours = await listPage(gw.url, b);
    const ref = await listPage(gw.stack.s3api.url, b);
    expect(ours.entries).toEqual(ref.entries);
  });
});

describe('a versioned bucket with 1,000+ versions of a few keys', () => {
  let b: string;
  let expected: Entry[];

  beforeAll(async () => {
    b = await bucket('lv-many');
    await setVersioning(b, true);
    // Five keys of 215-235 writes each, every 40th a DELETE (a delete marker):
    // each key's writes in order, the keys side by side.
    const plan = ['k1', 'k2', 'k3', 'k4', 'k5'].map((key, i) => ({ key, writes: 215 + 5 * i }));
    const writes: Entry[][] = plan.map(() => []);
    await Promise.all(plan.map(async ({ key, writes: n }, i) => {
      for (let w = 0; w < n; w++) {
        // k2 ends on a delete marker, so a delete marker is its current version.
        const del = (w % 40 === 39) || (key === 'k2' && w === n - 1);
        writes[i]!.push(del ? await deleteVersion(b, key) : await putVersion(b, key, `${key} version ${w}`));
      }
    }));
    expected = expectedListing(writes.flat());
    expect(expected.length).toBeGreaterThan(1100);
    expect(expected.filter((e) => e.kind === 'DeleteMarker').length).toBeGreaterThan(20);
  }, 300_000);

  for (const maxKeys of [7, 100, 1000]) {
    it(`pages through every version and delete marker exactly once, in order, with max-keys=${maxKeys}`, async () => {
      const all = await pageThrough(b, maxKeys);
      expect(all.entries).toEqual(expected);
      expect(all.pages).toBe(Math.ceil(expected.length / maxKeys));
    });
  }

  it('marks exactly one entry of each key current, a delete marker where the key was deleted last', () => {
    const latest = expected.filter((e) => e.isLatest);
    expect(latest.map((e) => e.key)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(latest.find((e) => e.key === 'k2')!.kind).toBe('DeleteMarker');
  });

  it('starts after the given version of the key marker, and after all of that key without a version-id-marker', async () => {
    const at = expected.findIndex((e) => e.key === 'k3') + 17;
    const mid = await listPage(gw.url, b, `&key-marker=k3&version-id-marker=${expected[at]!.versionId}&max-keys=20`);
    expect(mid.entries).toEqual(expected.slice(at + 1, at + 21));
    // An id with an offset sorts just before (newer than) its plain timestamp: the listing after it starts at that version.
    const offset = await listPage(gw.url, b, `&key-marker=k3&version-id-marker=${expected[at]!.versionId}_0000000000000001&max-keys=20`);
    expect(offset.entries).toEqual(expected.slice(at, at + 20));
    const after = await listPage(gw.url, b, '&key-marker=k3&max-keys=5');
    expect(after.entries).toEqual(expected.filter((e) => e.key > 'k3').slice(0, 5));
  });

  it('pages with boto3 list_object_versions and its paginator, and with aws s3api list-object-versions', async () => {
    const report = await boto3([{ bucket: b, page_size: 97 }]);
    const [paged] = report.cases;
    expect(paged!.versions).toEqual(expected.filter((e) => e.kind === 'Version').map(boto3Version));
    expect(paged!.deleteMarkers).toEqual(expected.filter((e) => e.kind === 'DeleteMarker').map(boto3Marker));
    expect(paged!.pages).toHaveLength(Math.ceil(expected.length / 97));
    expect(report.sent.every((query) => /(^|&)encoding-type=url(&|$)/.test(query))).toBe(true);

    const cli = await awsCli(['s3api', 'list-object-versions', '--bucket', b, '--page-size', '250']) as { Versions: Record<string, unknown>[]; DeleteMarkers: Record<string, unknown>[] };
    expect(cli.Versions.map(boto3Version)).toEqual(expected.filter((e) => e.kind === 'Version').map(boto3Version));
    expect(cli.DeleteMarkers.map(boto3Marker)).toEqual(expected.filter((e) => e.kind === 'DeleteMarker').map(boto3Marker));
  }, 180_000);
});

describe('a versioned bucket of many keys under a delimiter, with multipart objects', () => {
  let b: string;
  let gatewayEtag: string;
  let s3apiEtag: string;

  /** Swift's own view of every version, in S3 terms: what the gateway must list. */
  async function swiftListing(): Promise<Entry[]> {
    const res = await swift('GET', b, undefined, { query: { versions: '', format: 'json', limit: '10000' } });
    const rows = JSON.parse(res.body.toString()) as { name: string; version_id: string; is_latest: boolean; hash: string; bytes: number; content_type: string }[];
    return rows.map((r): Entry => (r.content_type.startsWith('application/x-deleted;')
      ? { kind: 'DeleteMarker', key: r.name, versionId: r.version_id, isLatest: r.is_latest }
      : { kind: 'Version', key: r.name, versionId: r.version_id, isLatest: r.is_latest, etag: `"${r.hash.split(';')[0]}"`, size: r.bytes }));
  }

  async function multipart(url: string, key: string): Promise<string> {
    const created = await rawS3(url, { method: 'POST', path: `/${b}/${key}?uploads`, keys });
    expect(created.status, created.text()).toBe(200);
    const id = xmlValue(created.text(), 'UploadId')!;
    const etags: string[] = [];
    for (const [n, part] of [randomBytes(5 * MiB), randomBytes(1234)].entries()) {
      const res = await rawS3(url, { method: 'PUT', path: `/${b}/${key}?partNumber=${n + 1}&uploadId=${id}`, keys, body: part });
      expect(res.status, res.text()).toBe(200);
      etags.push(res.headers['etag']!);
    }
    const body = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await rawS3(url, { method: 'POST', path: `/${b}/${key}?uploadId=${id}`, keys, body });
    expect(done.status, done.text()).toBe(200);
    return xmlValue(done.text(), 'ETag')!;
  }

  beforeAll(async () => {
    b = await bucket('lv-tree');
    await setVersioning(b, true);
    const tasks: (() => Promise<unknown>)[] = [];
    for (let d = 0; d < 30; d++) {
      for (let f = 0; f < 3; f++) {
        const key = `d${String(d).padStart(2, '0')}/f${f}`;
        tasks.push(async () => {
          await putVersion(b, key, `${key} 1`);
          await putVersion(b, key, `${key} 2`);
        });
      }
    }
    for (let t = 0; t < 12; t++) {
      const key = `top${String(t).padStart(2, '0')}`;
      tasks.push(async () => {
        await putVersion(b, key, `${key} 1`);
        if (t % 3 === 0) await deleteVersion(b, key);
        // Also through the gateway's PutObject: Swift makes the version.
        const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}`, keys, body: `${key} 3` });
        expect(res.status).toBe(201);
        if (t % 4 === 0) await deleteVersion(b, key);
      });
    }
    tasks.push(() => putVersion(b, 'odd/a b+c&d é.txt', 'odd 1'), () => putVersion(b, 'top & <odd> "q"', 'odd 2'));
    await pool(tasks, 8, async (task) => { await task(); });
    // Three versions of one multipart key, each with its own S3 ETag.
    for (let i = 0; i < 3; i++) gatewayEtag = await multipart(gw.url, 'mp/gateway');
    s3apiEtag = await multipart(gw.stack.s3api.url, 'mp/s3api');
  }, 300_000);

  it("lists what Swift lists, with the multipart objects' S3 ETags", async () => {
    const swiftView = await swiftListing();
    const ours = (await listPage(gw.url, b)).entries;
    expect(ours.map(({ etag: _etag, ...e }) => e)).toEqual(swiftView.map(({ etag: _etag, ...e }) => e));
    const plain = (e: Entry) => !e.key.startsWith('mp/');
    expect(ours.filter(plain)).toEqual(swiftView.filter(plain));
    const gatewayVersions = ours.filter((e) => e.key === 'mp/gateway');
    expect(gatewayVersions).toHaveLength(3);
    expect(gatewayVersions[0]).toMatchObject({ isLatest: true, etag: gatewayEtag, size: 5 * MiB + 1234 });
    for (const v of gatewayVersions) expect(v.etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(ours.find((e) => e.key === 'mp/s3api')).toMatchObject({ isLatest: true, etag: s3apiEtag });
  });

  it('collapses the versions under each common prefix into one CommonPrefixes entry, on every page size', async () => {
    const tops = (await swiftListing()).filter((e) => !e.key.includes('/'));
    const dirs = [...Array.from({ length: 30 }, (_, d) => `d${String(d).padStart(2, '0')}/`), 'mp/', 'odd/'];
    for (const maxKeys of [1, 4, 33, 1000]) {
      const all = await pageThrough(b, maxKeys, '&delimiter=/');
      expect(all.entries, `max-keys=${maxKeys}`).toEqual(tops);
      expect(all.prefixes, `max-keys=${maxKeys}`).toEqual(dirs);
    }
    const one = await pageThrough(b, 4, '&delimiter=/&prefix=d07/');
    expect(one.prefixes).toEqual([]);
    expect(one.entries.map((e) => `${e.key} ${e.isLatest}`)).toEqual(['d07/f0 true', 'd07/f0 false', 'd07/f1 true', 'd07/f1 false', 'd07/f2 true', 'd07/f2 false']);
  });

  it("lists what Swift's s3api lists: the same keys, version ids, IsLatest, ETags and order", async () => {
    const ours = (await listPage(gw.url, b)).entries;
    const ref = (await listPage(gw.stack.s3api.url, b)).entries;
    // s3api knows nothing of the gateway's own multipart ETag (it shows Swift's SLO ETag there).
    const notOurMultipart = (e: Entry) => e.key !== 'mp/gateway';
    expect(ours.filter(notOurMultipart)).toEqual(ref.filter(notOurMultipart));
    expect(ours.map(({ etag: _etag, ...e }) => e)).toEqual(ref.map(({ etag: _etag, ...e }) => e));
    const grouped = await listPage(gw.url, b, '&delimiter=/');
    const refGrouped = await listPage(gw.stack.s3api.url, b, '&delimiter=/');
    expect(grouped.entries).toEqual(refGrouped.entries);
    expect(grouped.prefixes).toEqual(refGrouped.prefixes);
  });

  it('URL-encodes keys and prefixes with encoding-type=url', async () => {
    const res = await listRaw(gw.url, b, '&encoding-type=url&delimiter=/&prefix=odd/');
    const page = parsePage(res.text());
    expect(page.entries.map((e) => e.key)).toEqual(['odd/a%20b%2Bc%26d%20%C3%A9.txt']);
    expect(parsePage(res.text(), decodeURIComponent).entries.map((e) => e.key)).toEqual(['odd/a b+c&d é.txt']);
  });

  it('pages with boto3 under a delimiter and a prefix, keys decoded', async () => {
    const swiftView = await swiftListing();
    const report = await boto3([{ bucket: b, page_size: 5, Delimiter: '/' }, { bucket: b, page_size: 3, Prefix: 'odd/' }, { bucket: b, page_size: 1000 }]);
    const [grouped, odd, whole] = report.cases;
    const tops = swiftView.filter((e) => !e.key.includes('/'));
    expect(grouped!.versions.map((v) => v.Key)).toEqual(tops.filter((e) => e.kind === 'Version').map((e) => e.key));
    expect(grouped!.deleteMarkers.map((d) => d.VersionId)).toEqual(tops.filter((e) => e.kind === 'DeleteMarker').map((e) => e.versionId));
    expect(grouped!.commonPrefixes).toHaveLength(32);
    expect(odd!.versions.map((v) => v.Key)).toEqual(['odd/a b+c&d é.txt']);
    expect(whole!.versions.find((v) => v.Key === 'mp/gateway')!.ETag).toBe(gatewayEtag);
    expect(whole!.versions.find((v) => v.Key === 'top & <odd> "q"')).toBeDefined();
  }, 120_000);
});

describe('a bucket whose versioning was suspended', () => {
  let b: string;
  let expected: Entry[];

  beforeAll(async () => {
    b = await bucket('lv-susp');
    const s0 = await putVersion(b, 's', 's 0');
    const u = await putVersion(b, 'u', 'u, never overwritten');
    for (const e of [s0, u]) expect(e.versionId).toBe('null');
    await setVersioning(b, true);
    const s = [await putVersion(b, 's', 's 1'), await putVersion(b, 's', 's 2'), await deleteVersion(b, 's'), await putVersion(b, 's', 's 3')];
    const t = [await putVersion(b, 't', 't 1')];
    await setVersioning(b, false);
    // Suspended: a PUT writes the null version (a plain object); a second one replaces it.
    s.push(await putVersion(b, 's', 's null'));
    await putVersion(b, 't', 't null 1');
    t.push(await putVersion(b, 't', 't null 2'));
    const v = [await putVersion(b, 'v', 'v null')];
    for (const e of [s[4]!, t[1]!, v[0]!]) expect(e.versionId).toBe('null');
    // Swift quirk: the first versioned write over an object written before
    // versioning keeps that object as a version named by its own timestamp, not
    // 'null' as S3 would; an object never overwritten stays 'null'.
    const swiftRows = JSON.parse((await swift('GET', b, undefined, { query: { versions: '', format: 'json', prefix: 's' } })).body.toString()) as { version_id: string }[];
    const s0Id = swiftRows[swiftRows.length - 1]!.version_id;
    expect(s0Id).toMatch(/^\d{10}\.\d{5}$/);
    expected = expectedListing([{ ...s0, versionId: s0Id }, u, ...s, ...t, ...v]);
  });

  it('lists the null version first and current, the older versions after it', async () => {
    const page = await listPage(gw.url, b);
    expect(page.entries).toEqual(expected);
    expect(page.entries.filter((e) => e.key === 's').map((e) => `${e.versionId} ${e.isLatest}`)[0]).toBe('null true');
    expect(page.entries.filter((e) => e.key === 'u')).toMatchObject([{ versionId: 'null', isLatest: true }]);
  });

  it("goes on after a null version with version-id-marker 'null' (which Swift itself cannot), on every page size", async () => {
    for (const maxKeys of [1, 2, 3]) {
      expect((await pageThrough(b, maxKeys)).entries, `max-keys=${maxKeys}`).toEqual(expected);
    }
    const afterNull = await listPage(gw.url, b, '&key-marker=s&version-id-marker=null');
    expect(afterNull.entries).toEqual(expected.slice(expected.findIndex((e) => e.key === 's') + 1));
    // Among them s's delete marker, which Swift alone would call current on this page.
    expect(afterNull.entries.some((e) => e.key === 's' && e.kind === 'DeleteMarker')).toBe(true);
    expect(afterNull.entries.filter((e) => e.key === 's').some((e) => e.isLatest)).toBe(false);
  });

  it("lists what Swift's s3api lists", async () => {
    expect((await listPage(gw.url, b)).entries).toEqual((await listPage(gw.stack.s3api.url, b)).entries);
  });
});

// ---- clients ---------------------------------------------------------------

interface Boto3Case {
  versions: { Key: string; VersionId: string; IsLatest: boolean; ETag: string; Size: number }[];
  deleteMarkers: { Key: string; VersionId: string; IsLatest: boolean }[];
  commonPrefixes: string[];
  pages: Record<string, unknown>[];
}

const boto3Version = (e: Entry | Record<string, unknown>) =>
  ('kind' in e ? { Key: e.key, VersionId: e.versionId, IsLatest: e.isLatest, ETag: e.etag, Size: e.size } : { Key: e.Key, VersionId: e.VersionId, IsLatest: e.IsLatest, ETag: e.ETag, Size: e.Size });
const boto3Marker = (e: Entry | Record<string, unknown>) =>
  ('kind' in e ? { Key: e.key, VersionId: e.versionId, IsLatest: e.isLatest } : { Key: e.Key, VersionId: e.VersionId, IsLatest: e.IsLatest });

async function boto3(cases: Record<string, unknown>[]): Promise<{ cases: Boto3Case[]; sent: string[] }> {
  const r = await run('python3', [BOTO3], {
    env: {
      S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_CASES: JSON.stringify(cases),
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    timeoutMs: 150_000,
  });
  expect(r.code, describeRun('list_versions_boto3.py', r)).toBe(0);
  return JSON.parse(r.stdout) as { cases: Boto3Case[]; sent: string[] };
}

async function awsCli(args: readonly string[]): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 's3gw-lv-cli-'));
  const config = join(dir, 'aws-config');
  writeFileSync(config, '[default]\ns3 =\n    addressing_style = path\n');
  const r = await run('aws', ['--endpoint-url', gw.url, '--output', 'json', ...args], {
    env: {
      AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
      AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
    },
    timeoutMs: 150_000,
  });
  expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
  return JSON.parse(r.stdout);
}
