// S3 versioning through the gateway on Swift's object_versioning, against the
// real stack: Put/GetBucketVersioning, version ids on writes, reads, copies
// and deletes, delete markers, suspended buckets, multipart objects as
// versions (their segments live as long as some version needs them), and
// DeleteBucket. (ListObjectVersions: list-versions.test.ts.)
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, xmlValue, xmlValues } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, segmentNames, swiftDirect, versionRows } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const buckets: string[] = [];

const s3 = (method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string> } = {}) =>
  rawS3(gw.url, { method, path, keys, ...opts });

const versioning = (status: string) => `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>${status}</Status></VersioningConfiguration>`;

async function bucket(label: string, status?: 'Enabled' | 'Suspended'): Promise<string> {
  const b = uniqueBucket(label);
  buckets.push(b);
  expect((await s3('PUT', `/${b}`)).status).toBe(200);
  if (status) expect((await s3('PUT', `/${b}?versioning`, { body: versioning(status) })).status).toBe(200);
  return b;
}

const swiftVersions = (b: string, prefix: string) => versionRows(stack, 'demo', b, prefix);
const segmentsOf = (b: string) => segmentNames(stack, 'demo', b);

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});

afterAll(async () => {
  for (const b of buckets) await purgeBucket(stack, 'demo', b);
  await gw?.stop();
});

describe('PutBucketVersioning and GetBucketVersioning', () => {
  it('answers an empty configuration for a never-versioned bucket, then Enabled, then Suspended', async () => {
    const b = await bucket('vcfg');
    const never = await s3('GET', `/${b}?versioning`);
    expect(never.status).toBe(200);
    expect(xmlValue(never.text(), 'Status')).toBeUndefined();
    expect((await s3('PUT', `/${b}?versioning`, { body: versioning('Enabled') })).status).toBe(200);
    expect(xmlValue((await s3('GET', `/${b}?versioning`)).text(), 'Status')).toBe('Enabled');
    expect((await swiftDirect(stack, 'demo', 'HEAD', b)).headers['x-versions-enabled']).toBe('True');
    expect((await s3('PUT', `/${b}?versioning`, { body: versioning('Suspended') })).status).toBe(200);
    expect(xmlValue((await s3('GET', `/${b}?versioning`)).text(), 'Status')).toBe('Suspended');
  });

  it('refuses bad configurations: MalformedXML, IllegalVersioningConfigurationException, MFA delete, a missing bucket', async () => {
    const b = await bucket('vbad');
    expect(xmlValue((await s3('PUT', `/${b}?versioning`, { body: '<VersioningConfiguration><Status>Enabled' })).text(), 'Code')).toBe('MalformedXML');
    expect(xmlValue((await s3('PUT', `/${b}?versioning`, { body: versioning('Sometimes') })).text(), 'Code')).toBe('IllegalVersioningConfigurationException');
    const mfa = await s3('PUT', `/${b}?versioning`, { body: '<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>' });
    expect(mfa.status).toBe(501);
    expect(xmlValue(mfa.text(), 'Message')).toContain('MFA delete');
    expect(xmlValue((await s3('PUT', `/${b}-missing?versioning`, { body: versioning('Enabled') })).text(), 'Code')).toBe('NoSuchBucket');
  });
});

describe('version ids and delete markers in a versioned bucket', () => {
  it('gives every write a version, reads any version back, and a DELETE writes a delete marker', async () => {
    const b = await bucket('vobj', 'Enabled');
    const v1 = (await s3('PUT', `/${b}/k`, { body: 'one' })).headers['x-amz-version-id']!;
    const v2 = (await s3('PUT', `/${b}/k`, { body: 'two!' })).headers['x-amz-version-id']!;
    expect(v1).toMatch(/^\d+\.\d{5}$/);
    expect(v2).not.toBe(v1);
    const current = await s3('GET', `/${b}/k`);
    expect([current.text(), current.headers['x-amz-version-id']]).toEqual(['two!', v2]);
    const old = await s3('GET', `/${b}/k?versionId=${v1}`);
    expect([old.status, old.text(), old.headers['x-amz-version-id']]).toEqual([200, 'one', v1]);
    expect((await s3('HEAD', `/${b}/k?versionId=${v1}`)).headers['content-length']).toBe('3');

    const del = await s3('DELETE', `/${b}/k`);
    expect(del.status).toBe(204);
    expect(del.headers['x-amz-delete-marker']).toBe('true');
    const marker = del.headers['x-amz-version-id']!;
    expect(marker).toMatch(/^\d+\.\d{5}$/);
    const gone = await s3('GET', `/${b}/k`);
    expect([gone.status, xmlValue(gone.text(), 'Code'), gone.headers['x-amz-delete-marker'], gone.headers['x-amz-version-id']]).toEqual([404, 'NoSuchKey', 'true', marker]);
    const head = await s3('HEAD', `/${b}/k`);
    expect([head.status, head.headers['x-amz-delete-marker']]).toEqual([404, 'true']);
    // A delete marker asked for by its version id is not an object.
    const byId = await s3('GET', `/${b}/k?versionId=${marker}`);
    expect([byId.status, xmlValue(byId.text(), 'Code'), byId.headers['x-amz-delete-marker']]).toEqual([405, 'MethodNotAllowed', 'true']);
    // Old versions still read.
    expect((await s3('GET', `/${b}/k?versionId=${v2}`)).text()).toBe('two!');

    // Deleting the marker by id makes the previous version current again.
    const undo = await s3('DELETE', `/${b}/k?versionId=${marker}`);
    expect([undo.status, undo.headers['x-amz-delete-marker'], undo.headers['x-amz-version-id']]).toEqual([204, 'true', marker]);
    const back = await s3('GET', `/${b}/k`);
    expect([back.status, back.text(), back.headers['x-amz-version-id']]).toEqual([200, 'two!', v2]);

    // Deleting the current version by id makes the one before current.
    expect((await s3('DELETE', `/${b}/k?versionId=${v2}`)).status).toBe(204);
    expect((await s3('GET', `/${b}/k`)).text()).toBe('one');
    expect((await swiftVersions(b, 'k')).map((v) => v.version_id)).toEqual([v1]);
  });

  it('answers NoSuchVersion for a version that is not there, InvalidArgument for one that cannot be, and deletes of unknown versions succeed', async () => {
    const b = await bucket('vids', 'Enabled');
    await s3('PUT', `/${b}/k`, { body: 'x' });
    expect(xmlValue((await s3('GET', `/${b}/k?versionId=1234567890.12345`)).text(), 'Code')).toBe('NoSuchVersion');
    const bad = await s3('GET', `/${b}/k?versionId=not-a-version`);
    expect([bad.status, xmlValue(bad.text(), 'Code')]).toEqual([400, 'InvalidArgument']);
    expect((await s3('DELETE', `/${b}/k?versionId=1234567890.12345`)).status).toBe(204);
    expect((await s3('GET', `/${b}/k`)).text()).toBe('x');
  });

  it('writes a delete marker for a key that never existed, as S3 does', async () => {
    const b = await bucket('vnone', 'Enabled');
    const del = await s3('DELETE', `/${b}/never`);
    expect([del.status, del.headers['x-amz-delete-marker']]).toEqual([204, 'true']);
    expect((await swiftVersions(b, 'never')).map((v) => v.content_type)).toEqual(['application/x-deleted;swift_versions_deleted=1']);
  });

  it('copies a version: x-amz-copy-source with ?versionId, answering both version ids; a delete marker cannot be a source', async () => {
    const b = await bucket('vcopy', 'Enabled');
    const v1 = (await s3('PUT', `/${b}/src`, { body: 'first' })).headers['x-amz-version-id']!;
    await s3('PUT', `/${b}/src`, { body: 'second' });
    const copy = await s3('PUT', `/${b}/dst`, { headers: { 'x-amz-copy-source': `/${b}/src?versionId=${v1}` } });
    expect(copy.status, copy.text()).toBe(200);
    expect(copy.headers['x-amz-copy-source-version-id']).toBe(v1);
    expect(copy.headers['x-amz-version-id']).toMatch(/^\d+\.\d{5}$/);
    expect((await s3('GET', `/${b}/dst`)).text()).toBe('first');
    const marker = (await s3('DELETE', `/${b}/src`)).headers['x-amz-version-id']!;
    const fromMarker = await s3('PUT', `/${b}/dst2`, { headers: { 'x-amz-copy-source': `/${b}/src?versionId=${marker}` } });
    expect([fromMarker.status, xmlValue(fromMarker.text(), 'Code')]).toEqual([400, 'InvalidRequest']);
    expect(xmlValue((await s3('PUT', `/${b}/dst3`, { headers: { 'x-amz-copy-source': `/${b}/src` } })).text(), 'Code')).toBe('NoSuchKey');
  });

  it('DeleteObjects deletes versions and writes markers, and says which', async () => {
    const b = await bucket('vmulti', 'Enabled');
    const va = (await s3('PUT', `/${b}/a`, { body: 'a' })).headers['x-amz-version-id']!;
    await s3('PUT', `/${b}/b`, { body: 'b' });
    const body = `<Delete><Object><Key>a</Key><VersionId>${va}</VersionId></Object><Object><Key>b</Key></Object></Delete>`;
    const res = await s3('POST', `/${b}?delete`, { body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } });
    expect(res.status, res.text()).toBe(200);
    expect(xmlValues(res.text(), 'Key')).toEqual(['a', 'b']);
    expect(xmlValues(res.text(), 'VersionId')).toEqual([va]);
    expect(xmlValues(res.text(), 'DeleteMarker')).toEqual(['true']);
    expect(xmlValues(res.text(), 'DeleteMarkerVersionId')[0]).toMatch(/^\d+\.\d{5}$/);
    expect(await swiftVersions(b, 'a')).toEqual([]);
    expect((await swiftVersions(b, 'b')).map((v) => v.content_type)[0]).toBe('application/x-deleted;swift_versions_deleted=1');
  });
});

describe('DeleteObjects of many versions of one key', () => {
  it('deletes all 12 versions of a key in one request, in order per key, without a Swift race', async () => {
    const b = await bucket('vmany', 'Enabled');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await s3('PUT', `/${b}/k`, { body: `v${i}` })).headers['x-amz-version-id']!);
    await s3('PUT', `/${b}/other`, { body: 'x' });
    const body = `<Delete><Quiet>true</Quiet>${ids.map((id) => `<Object><Key>k</Key><VersionId>${id}</VersionId></Object>`).join('')}<Object><Key>other</Key></Object></Delete>`;
    const res = await s3('POST', `/${b}?delete`, { body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } });
    expect(res.status, res.text()).toBe(200);
    expect(xmlValues(res.text(), 'Code')).toEqual([]);
    expect(await swiftVersions(b, 'k')).toEqual([]);
    expect((await s3('GET', `/${b}/k`)).status).toBe(404);
  });

  it('deletes the null version and the older ones of a suspended bucket\'s key in one request', async () => {
    for (let round = 0; round < 4; round++) {
      const b = await bucket(`vmanys${round}`, 'Enabled');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await s3('PUT', `/${b}/k`, { body: `v${i}` })).headers['x-amz-version-id']!);
      expect((await s3('PUT', `/${b}?versioning`, { body: versioning('Suspended') })).status).toBe(200);
      await s3('PUT', `/${b}/k`, { body: 'null' });
      const all = ['null', ...ids.reverse()];
      const body = `<Delete>${all.map((id) => `<Object><Key>k</Key><VersionId>${id}</VersionId></Object>`).join('')}</Delete>`;
      const res = await s3('POST', `/${b}?delete`, { body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } });
      expect(res.status, res.text()).toBe(200);
      expect(xmlValues(res.text(), 'Code'), res.text()).toEqual([]);
      expect(await swiftVersions(b, 'k')).toEqual([]);
    }
  });
});

describe('suspended versioning', () => {
  it('writes null versions that replace each other, and keeps the versions made before', async () => {
    const b = await bucket('vsusp', 'Enabled');
    const v1 = (await s3('PUT', `/${b}/k`, { body: 'versioned' })).headers['x-amz-version-id']!;
    expect((await s3('PUT', `/${b}?versioning`, { body: versioning('Suspended') })).status).toBe(200);
    await s3('PUT', `/${b}/k`, { body: 'null one' });
    await s3('PUT', `/${b}/k`, { body: 'null two' });
    expect((await s3('GET', `/${b}/k`)).text()).toBe('null two');
    expect((await s3('GET', `/${b}/k?versionId=null`)).text()).toBe('null two');
    expect((await s3('GET', `/${b}/k?versionId=${v1}`)).text()).toBe('versioned');
    const versions = await swiftVersions(b, 'k');
    expect(versions.map((v) => v.version_id)).toEqual(['null', v1]);
  });
});

describe('multipart objects as versions', () => {
  const part = Buffer.alloc(5 * 1024 * 1024, 'p');
  async function upload(b: string, key: string, fill: string): Promise<{ versionId: string; etag: string }> {
    const created = await s3('POST', `/${b}/${key}?uploads`);
    const id = xmlValue(created.text(), 'UploadId')!;
    const e1 = (await s3('PUT', `/${b}/${key}?partNumber=1&uploadId=${id}`, { body: Buffer.concat([part, Buffer.from(fill)]) })).headers['etag'];
    const e2 = (await s3('PUT', `/${b}/${key}?partNumber=2&uploadId=${id}`, { body: fill })).headers['etag'];
    const done = await s3('POST', `/${b}/${key}?uploadId=${id}`, { body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${e2}</ETag></Part></CompleteMultipartUpload>` });
    expect(done.status, done.text()).toBe(200);
    return { versionId: done.headers['x-amz-version-id']!, etag: xmlValue(done.text(), 'ETag')! };
  }

  it('keeps every version readable, removes a version\'s segments only with that version, and leaves none behind', async () => {
    const b = await bucket('vmp', 'Enabled');
    const first = await upload(b, 'big', 'A');
    const second = await upload(b, 'big', 'B');
    expect(first.versionId).toMatch(/^\d+\.\d{5}$/);
    expect(second.versionId).not.toBe(first.versionId);
    // The overwrite kept the first version's segments: both read whole.
    const a = await s3('GET', `/${b}/big?versionId=${first.versionId}`);
    expect([a.status, a.body.length, a.body.subarray(-1).toString(), a.headers['etag']]).toEqual([200, part.length + 2, 'A', first.etag]);
    const bb = await s3('GET', `/${b}/big`);
    expect([bb.body.length, bb.body.subarray(-1).toString(), bb.headers['etag']]).toEqual([part.length + 2, 'B', second.etag]);
    expect((await segmentsOf(b)).length).toBe(4);
    // A delete marker keeps every segment.
    await s3('DELETE', `/${b}/big`);
    expect((await segmentsOf(b)).length).toBe(4);
    // Deleting a version removes exactly its segments.
    expect((await s3('DELETE', `/${b}/big?versionId=${first.versionId}`)).status).toBe(204);
    expect((await segmentsOf(b)).length).toBe(2);
    expect((await s3('GET', `/${b}/big?versionId=${second.versionId}`)).body.subarray(-1).toString()).toBe('B');
    for (const v of await swiftVersions(b, 'big')) expect((await s3('DELETE', `/${b}/big?versionId=${v.version_id}`)).status).toBe(204);
    expect(await segmentsOf(b)).toEqual([]);
  });
});

describe('DeleteBucket', () => {
  it('refuses a bucket with versions or delete markers left (BucketNotEmpty), and deletes it once they are gone', async () => {
    const b = await bucket('vdel', 'Enabled');
    const v = (await s3('PUT', `/${b}/k`, { body: 'x' })).headers['x-amz-version-id']!;
    const marker = (await s3('DELETE', `/${b}/k`)).headers['x-amz-version-id']!;
    expect(xmlValue((await s3('DELETE', `/${b}`)).text(), 'Code')).toBe('BucketNotEmpty');
    await s3('DELETE', `/${b}/k?versionId=${v}`);
    expect(xmlValue((await s3('DELETE', `/${b}`)).text(), 'Code')).toBe('BucketNotEmpty');
    await s3('DELETE', `/${b}/k?versionId=${marker}`);
    expect((await s3('DELETE', `/${b}`)).status).toBe(204);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b)).status).toBe(404);
  });
});
