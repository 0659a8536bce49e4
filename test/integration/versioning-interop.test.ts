// Versioning shared with Swift's own s3api (port 8081 of the stack) and
// versions under concurrent writers, against the real stack.
//
// Interop: both front ends build S3 versioning on Swift's object_versioning,
// so a bucket whose versioning one turned on, with versions and delete
// markers written through both, must list and read the same through the
// other: the same version ids, ETags, IsLatest and order.
// (s3api 2.30 names the wrong NextVersionIdMarker on a truncated page, so
// its listings here are single full pages, and cannot delete a delete marker.)
//
// Integrity: concurrent overwrites of one key in a versioned bucket, plain
// and multipart, each become a version that reads back with its own bytes;
// deleting them all leaves no segment behind.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues, type RawResponse } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, segmentNames } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');
const versioning = (status: string) => `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${status}</Status></VersioningConfiguration>`;
let gw: TestGateway;
const made: string[] = [];

type Front = 'gateway' | 's3api';
const urlOf = (front: Front) => (front === 'gateway' ? gw.url : stack.s3api.url);
const s3 = (front: Front, method: string, path: string, body?: string | Buffer, headers?: Record<string, string>): Promise<RawResponse> =>
  rawS3(urlOf(front), { method, path, keys, body, headers });

interface Entry { kind: string; key: string; versionId: string; isLatest: boolean; etag?: string; size?: string }

async function listing(front: Front, b: string): Promise<Entry[]> {
  const res = await s3(front, 'GET', `/${b}?versions&max-keys=1000`);
  expect(res.status, res.text()).toBe(200);
  expect(xmlValue(res.text(), 'IsTruncated')).toBe('false');
  return [...res.text().matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)].map((m) => {
    const inner = m[2]!;
    return {
      kind: m[1]!, key: xmlValue(inner, 'Key')!, versionId: xmlValue(inner, 'VersionId')!, isLatest: xmlValue(inner, 'IsLatest') === 'true',
      ...(m[1] === 'Version' ? { etag: xmlValue(inner, 'ETag')!.replaceAll('&quot;', '"'), size: xmlValue(inner, 'Size')! } : {}),
    };
  });
}

async function bucket(label: string): Promise<string> {
  const b = uniqueBucket(label);
  made.push(b);
  expect((await s3('gateway', 'PUT', `/${b}`)).status).toBe(200);
  return b;
}

const segmentsOf = (b: string) => segmentNames(stack, 'demo', b);

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});

afterAll(async () => {
  for (const b of made) await purgeBucket(stack, 'demo', b);
  await gw?.stop();
});

describe("versioning shared with Swift's s3api", () => {
  for (const [enabler, other] of [['s3api', 'gateway'], ['gateway', 's3api']] as const) {
    it(`turned on through ${enabler}: versions and markers written through both list and read the same through ${other}`, async () => {
      const b = await bucket(`vio-${enabler[0]}`);
      expect((await s3(enabler, 'PUT', `/${b}?versioning`, versioning('Enabled'))).status).toBe(200);
      expect(xmlValue((await s3(other, 'GET', `/${b}?versioning`)).text(), 'Status')).toBe('Enabled');

      // Alternate writers: every write and delete says which version it made.
      const written: { front: Front; key: string; versionId: string; body?: string }[] = [];
      const fronts: Front[] = ['gateway', 's3api', 'gateway', 's3api'];
      for (const [i, front] of fronts.entries()) {
        const body = `${front} wrote ${'v'.repeat(i + 1)}`;
        const res = await s3(front, 'PUT', `/${b}/doc`, body);
        expect(res.status, res.text()).toBe(200);
        written.push({ front, key: 'doc', versionId: res.headers['x-amz-version-id']!, body });
        expect((await s3(front === 'gateway' ? 's3api' : 'gateway', 'PUT', `/${b}/other-${i}`, body)).status).toBe(200);
      }
      const byS3api = await s3('s3api', 'DELETE', `/${b}/other-1`);
      const byGateway = await s3('gateway', 'DELETE', `/${b}/other-2`);
      for (const d of [byS3api, byGateway]) expect([d.status, d.headers['x-amz-delete-marker']]).toEqual([204, 'true']);
      expect(new Set(written.map((w) => w.versionId)).size).toBe(4);

      // The same listing through both: keys, version ids, IsLatest, ETags, sizes and order.
      const ours = await listing('gateway', b);
      expect(ours).toEqual(await listing('s3api', b));
      expect(ours.filter((e) => e.key === 'doc').map((e) => e.versionId)).toEqual(written.map((w) => w.versionId).reverse());
      expect(ours.filter((e) => e.kind === 'DeleteMarker').map((e) => [e.key, e.versionId])).toEqual([
        ['other-1', byS3api.headers['x-amz-version-id']], ['other-2', byGateway.headers['x-amz-version-id']],
      ]);

      // Every version reads the same through both, whoever wrote it.
      for (const w of written) {
        for (const front of ['gateway', 's3api'] as const) {
          const res = await s3(front, 'GET', `/${b}/doc?versionId=${w.versionId}`);
          expect([front, res.status, res.text(), res.headers['etag'], res.headers['x-amz-version-id']]).toEqual([front, 200, w.body, `"${md5(w.body!)}"`, w.versionId]);
        }
      }
      // A marker one wrote hides the key from the other, and removing it brings the key back for both.
      // (Through the gateway: s3api 2.30 answers a DELETE of a delete marker by its version id with a
      // 500 after 60 s, its own markers too.)
      const hidden = await s3(other, 'GET', `/${b}/other-${enabler === 's3api' ? 1 : 2}`);
      // (s3api's 404 for a delete marker does not say x-amz-delete-marker; the gateway's does, as S3's.)
      expect([hidden.status, other === 'gateway' ? hidden.headers['x-amz-delete-marker'] : 'true']).toEqual([404, 'true']);
      const marker = enabler === 's3api' ? byS3api : byGateway;
      const key = `other-${enabler === 's3api' ? 1 : 2}`;
      expect((await s3('gateway', 'DELETE', `/${b}/${key}?versionId=${marker.headers['x-amz-version-id']}`)).status).toBe(204);
      for (const front of ['gateway', 's3api'] as const) expect((await s3(front, 'GET', `/${b}/${key}`)).status).toBe(200);

      // Suspending through the other is seen by the first.
      expect((await s3(other, 'PUT', `/${b}?versioning`, versioning('Suspended'))).status).toBe(200);
      expect(xmlValue((await s3(enabler, 'GET', `/${b}?versioning`)).text(), 'Status')).toBe('Suspended');
      expect((await s3(enabler, 'PUT', `/${b}/doc`, 'null version')).status).toBe(200);
      const afterSuspend = await listing('gateway', b);
      expect(afterSuspend).toEqual(await listing('s3api', b));
      expect(afterSuspend.filter((e) => e.key === 'doc').map((e) => [e.versionId, e.isLatest])).toEqual([
        ['null', true], ...written.map((w) => [w.versionId, false]).reverse(),
      ]);
      for (const front of ['gateway', 's3api'] as const) expect((await s3(front, 'GET', `/${b}/doc?versionId=null`)).text()).toBe('null version');
    });
  }
});

describe('concurrent writers in a versioned bucket', () => {
  it('keeps every one of 24 concurrent overwrites of one key as a version that reads back its own bytes', async () => {
    const b = await bucket('vconc');
    expect((await s3('gateway', 'PUT', `/${b}?versioning`, versioning('Enabled'))).status).toBe(200);
    const bodies = Array.from({ length: 24 }, (_, i) => randomBytes(1024 * (1 + (i % 6) * 97)));
    const puts = await Promise.all(bodies.map((body) => s3('gateway', 'PUT', `/${b}/hot`, body)));
    for (const p of puts) expect(p.status, p.text()).toBe(200);
    const ids = puts.map((p) => p.headers['x-amz-version-id']!);
    expect(new Set(ids).size).toBe(24);

    const listed = (await listing('gateway', b)).filter((e) => e.key === 'hot');
    expect(listed.map((e) => e.versionId).sort()).toEqual([...ids].sort());
    expect(listed.filter((e) => e.isLatest)).toHaveLength(1);
    for (const [i, id] of ids.entries()) {
      const res = await s3('gateway', 'GET', `/${b}/hot?versionId=${id}`);
      expect([res.status, md5(res.body), res.headers['etag']]).toEqual([200, md5(bodies[i]!), `"${md5(bodies[i]!)}"`]);
    }
    // What a plain GET reads is the version the listing calls latest.
    const current = await s3('gateway', 'GET', `/${b}/hot`);
    expect(current.headers['x-amz-version-id']).toBe(listed.find((e) => e.isLatest)!.versionId);
  });

  const MiB = 1024 * 1024;
  async function upload(b: string, i: number): Promise<{ versionId: string; body: Buffer }> {
    const id = xmlValue((await s3('gateway', 'POST', `/${b}/big?uploads`)).text(), 'UploadId')!;
    const parts = [randomBytes(5 * MiB), randomBytes(1000 + i)];
    const etags = await Promise.all(parts.map(async (p, n) => (await s3('gateway', 'PUT', `/${b}/big?partNumber=${n + 1}&uploadId=${id}`, p)).headers['etag']!));
    const done = await s3('gateway', 'POST', `/${b}/big?uploadId=${id}`,
      `<CompleteMultipartUpload>${etags.map((e, n) => `<Part><PartNumber>${n + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`);
    expect(done.status, done.text()).toBe(200);
    expect(xmlValue(done.text(), 'Code')).toBeUndefined();
    return { versionId: done.headers['x-amz-version-id']!, body: Buffer.concat(parts) };
  }

  it('keeps every one of 4 concurrent multipart uploads of one key readable, and deleting them all leaves no segment', async () => {
    const b = await bucket('vconcmp');
    expect((await s3('gateway', 'PUT', `/${b}?versioning`, versioning('Enabled'))).status).toBe(200);
    const uploads = await Promise.all([0, 1, 2, 3].map((i) => upload(b, i)));
    expect(new Set(uploads.map((u) => u.versionId)).size).toBe(4);
    expect(await segmentsOf(b)).toHaveLength(8);
    for (const u of uploads) {
      const res = await s3('gateway', 'GET', `/${b}/big?versionId=${u.versionId}`);
      expect([res.status, res.body.length, md5(res.body)]).toEqual([200, u.body.length, md5(u.body)]);
    }
    // Delete the versions concurrently: each takes exactly its own segments.
    const deletes = await Promise.all(uploads.map((u) => s3('gateway', 'DELETE', `/${b}/big?versionId=${u.versionId}`)));
    for (const d of deletes) expect(d.status).toBe(204);
    expect(await segmentsOf(b)).toEqual([]);
    expect(xmlValues((await s3('gateway', 'GET', `/${b}?versions`)).text(), 'Key')).toEqual([]);
  });

  it('answers 200 to each of 4 concurrent multipart uploads of one key without versioning, and leaves only the winner\'s segments', async () => {
    const b = await bucket('vconcplain');
    const uploads = await Promise.all([0, 1, 2, 3].map((i) => upload(b, i)));
    const current = await s3('gateway', 'GET', `/${b}/big`);
    expect(current.status).toBe(200);
    const winner = uploads.findIndex((u) => md5(u.body) === md5(current.body));
    expect(winner).toBeGreaterThanOrEqual(0);
    // Every loser was overwritten: none of its parts may stay behind.
    const segments = await segmentsOf(b);
    expect(segments).toHaveLength(2);
    expect((await s3('gateway', 'DELETE', `/${b}/big`)).status).toBe(204);
    expect(await segmentsOf(b)).toEqual([]);
  });
});
