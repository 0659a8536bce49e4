// DeleteObjects (POST /bucket?delete) through the gateway against the real
// stack: Content-MD5 or a flexible checksum required, per-key results, Quiet,
// missing keys, versions, the 1000-key cap, and multipart objects' segments.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPath, rawS3, xmlValue, xmlValues, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3v4 } from '../helpers/sigv4-client.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let b: string;

/** Calls the gateway made to Swift with this method so far. */
const swiftCalls = async (method: string) => (await gw.metrics.swiftRequests.get()).values.filter((v) => v.labels['method'] === method).reduce((n, v) => n + v.value, 0);
const md5b64 = (d: string | Buffer) => createHash('md5').update(d).digest('base64');
const crc32b64 = (d: string | Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlibCrc32(d) >>> 0);
  return out.toString('base64');
};
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function deleteBody(entries: readonly (string | { key: string; versionId?: string })[], quiet?: boolean): string {
  const objects = entries.map((e) => (typeof e === 'string' ? { key: e } : e)).map((e) =>
    `<Object><Key>${escape(e.key)}</Key>${e.versionId === undefined ? '' : `<VersionId>${e.versionId}</VersionId>`}</Object>`);
  return `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet === undefined ? '' : `<Quiet>${quiet}</Quiet>`}${objects.join('')}</Delete>`;
}

const multiDelete = (body: string, headers: Record<string, string> = { 'content-md5': md5b64(body) }, bucket = b) =>
  rawS3(gw.url, { method: 'POST', path: `/${bucket}?delete`, keys, body, headers });

async function put(key: string, body: string | Buffer = 'x'): Promise<void> {
  const res = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${keyPath(key)}`, keys, body });
  expect(res.status, res.text()).toBe(201);
}

const swiftHas = async (key: string, container = b) => (await swiftDirect(gw.stack, 'demo', 'HEAD', container, key)).status === 200;

beforeAll(async () => {
  gw = await startGateway();
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('mdel');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', b);
  await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  await gw.stop();
});

describe('DeleteObjects', () => {
  it('deletes every listed key and answers each in <Deleted>, a missing key included (S3: deleting nothing succeeds)', async () => {
    const names = ['a.txt', 'dir/b.txt', 'sp ace+plus&amp.txt', 'ünï/cödé'];
    for (const k of names) await put(k);
    const res = await multiDelete(deleteBody([...names, 'never-was']));
    expect(res.status, res.text()).toBe(200);
    expect(res.text()).toContain('<DeleteResult');
    expect(xmlValues(res.text(), 'Key').sort()).toEqual([...names, 'never-was'].sort());
    expect(xmlValues(res.text(), 'Code')).toEqual([]);
    for (const k of names) expect(await swiftHas(k)).toBe(false);
  });

  it('Quiet mode answers only the errors: an empty DeleteResult when all went well', async () => {
    await put('q1');
    await put('q2');
    const res = await multiDelete(deleteBody(['q1', 'q2'], true));
    expect(res.status, res.text()).toBe(200);
    expect(res.text()).not.toContain('<Deleted>');
    expect(res.text()).not.toContain('<Error>');
    expect(await swiftHas('q1')).toBe(false);
  });

  it('reports a versionId that cannot be one as a per-key InvalidArgument and deletes the rest; "null" is the unversioned object', async () => {
    await put('v-null');
    await put('v-other');
    await put('plain');
    const res = await multiDelete(deleteBody([{ key: 'v-null', versionId: 'null' }, { key: 'v-other', versionId: '3HL4kqtJlcpXroDTDmJ' }, 'plain'], true));
    expect(res.status, res.text()).toBe(200);
    // Quiet: only the error shows.
    expect(xmlValues(res.text(), 'Key')).toEqual(['v-other']);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidArgument');
    expect(xmlValue(res.text(), 'VersionId')).toBe('3HL4kqtJlcpXroDTDmJ');
    expect(xmlValue(res.text(), 'Message')).toBeTruthy();
    expect(await swiftHas('v-null')).toBe(false);
    expect(await swiftHas('plain')).toBe(false);
    expect(await swiftHas('v-other')).toBe(true);
  });

  it('reports a key over 1024 bytes as a per-key KeyTooLongError', async () => {
    const long = 'k'.repeat(1025);
    const res = await multiDelete(deleteBody([long, 'other']));
    expect(res.status, res.text()).toBe(200);
    expect(xmlValue(res.text(), 'Code')).toBe('KeyTooLongError');
    expect(res.text()).toContain('<Deleted><Key>other</Key></Deleted>');
  });

  it('decodes entities and numeric character references in keys', async () => {
    await put('a<b>&"c\'');
    await put('caf\u00e9');
    const body = '<Delete><Object><Key>a&lt;b&gt;&amp;&quot;c&apos;</Key></Object><Object><Key>caf&#xE9;</Key></Object></Delete>';
    const res = await multiDelete(body);
    expect(res.status, res.text()).toBe(200);
    expect(xmlValues(res.text(), 'Key').sort()).toEqual(['a<b>&"c\'', 'caf\u00e9']);
    expect(await swiftHas('a<b>&"c\'')).toBe(false);
    expect(await swiftHas('caf\u00e9')).toBe(false);
  });

  it('deletes a multipart object and all its segments', async () => {
    const created = await rawS3(gw.url, { method: 'POST', path: `/${b}/big?uploads`, keys });
    const id = xmlValue(created.text(), 'UploadId')!;
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1000)];
    const etags: string[] = [];
    for (const [i, data] of parts.entries()) {
      const up = await rawS3(gw.url, { method: 'PUT', path: `/${b}/big?partNumber=${i + 1}&uploadId=${id}`, keys, body: data });
      etags.push(up.headers['etag']!);
    }
    const done = await rawS3(gw.url, {
      method: 'POST', path: `/${b}/big?uploadId=${id}`, keys,
      body: `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
    });
    expect(done.status, done.text()).toBe(200);
    const segs = async () => {
      const list = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, undefined, { query: { format: 'json', prefix: 'big/' } });
      return list.status === 200 ? (JSON.parse(list.body.toString()) as unknown[]).length : 0;
    };
    expect(await segs()).toBe(2);
    const res = await multiDelete(deleteBody(['big']));
    expect(res.status, res.text()).toBe(200);
    expect(res.text()).toContain('<Deleted><Key>big</Key></Deleted>');
    expect(await swiftHas('big')).toBe(false);
    expect(await segs()).toBe(0);
  });

  it('deleting a multipart object leaves an upload of the same key that is still open, and the key of a longer name, whole', async () => {
    const start = async (key: string) => xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploads`, keys })).text(), 'UploadId')!;
    const part = async (key: string, id: string) => (await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, keys, body: 'p' })).headers['etag']!;
    const done = await start('mp/k');
    const etag = await part('mp/k', done);
    expect((await rawS3(gw.url, { method: 'POST', path: `/${b}/mp/k?uploadId=${done}`, keys, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` })).status).toBe(200);
    const open = await start('mp/k');
    await part('mp/k', open);
    const longer = await start('mp/k/more');
    await part('mp/k/more', longer);
    const res = await multiDelete(deleteBody(['mp/k']));
    expect(res.text()).toContain('<Deleted><Key>mp/k</Key></Deleted>');
    expect(await swiftHas('mp/k')).toBe(false);
    const rows = async () => {
      const list = await swiftDirect(gw.stack, 'demo', 'GET', `${b}+segments`, undefined, { query: { format: 'json', prefix: 'mp/' } });
      return (JSON.parse(list.body.toString()) as { name: string }[]).map((r) => r.name).sort();
    };
    // The completed upload's part went; the open uploads (markers and parts) stayed.
    expect(await rows()).toEqual([`mp/k/${open}`, `mp/k/${open}/1`, `mp/k/more/${longer}`, `mp/k/more/${longer}/1`].sort());
    for (const [key, id] of [['mp/k', open], ['mp/k/more', longer]] as const) {
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/${key}?uploadId=${id}`, keys })).text()).toContain('<PartNumber>1</PartNumber>');
    }
  });

  it('an <ETag> makes that entry a conditional delete: another ETag is a per-key PreconditionFailed and the object stays; its own ETag deletes it', async () => {
    await put('cond-a', 'a');
    await put('cond-b', 'b');
    const etagOf = (text: string) => `"${createHash('md5').update(text).digest('hex')}"`;
    const body = `<Delete><Object><Key>cond-a</Key><ETag>${etagOf('not a')}</ETag></Object><Object><Key>cond-b</Key><ETag>${etagOf('b')}</ETag></Object><Object><Key>plain-missing</Key></Object></Delete>`;
    const res = await multiDelete(body);
    expect(res.status, res.text()).toBe(200);
    expect(xmlValues(res.text(), 'Code')).toEqual(['PreconditionFailed']);
    expect(res.text()).toContain('<Deleted><Key>cond-b</Key></Deleted>');
    expect(res.text()).toContain('<Deleted><Key>plain-missing</Key></Deleted>');
    expect(await swiftHas('cond-a')).toBe(true);
    expect(await swiftHas('cond-b')).toBe(false);
  });

  it('deletes 1000 keys in one request', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    // Write a few for real; the rest are missing keys, which S3 also reports as deleted.
    for (const k of names.slice(0, 20)) await put(k);
    const deletes = await swiftCalls('DELETE');
    const posts = await swiftCalls('POST');
    const res = await multiDelete(deleteBody(names, false));
    expect(res.status, res.text()).toBe(200);
    expect(xmlValues(res.text(), 'Key')).toHaveLength(1000);
    // Through Swift's bulk middleware: four POST ?bulk-delete side by side (250 keys each), not a DELETE per key.
    expect(await swiftCalls('DELETE')).toBe(deletes);
    expect(await swiftCalls('POST')).toBe(posts + 4);
    const left = await swiftDirect(gw.stack, 'demo', 'GET', b, undefined, { query: { format: 'json', prefix: 'many/' } });
    expect(JSON.parse(left.body.toString())).toEqual([]);
  }, 60_000);

  it('refuses 1001 keys with MalformedXML', async () => {
    const res = await multiDelete(deleteBody(Array.from({ length: 1001 }, (_, i) => `k${i}`)));
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('MalformedXML');
  });

  it('refuses a body that is not a Delete document, or names no object, with MalformedXML', async () => {
    for (const body of ['<Delete>', '<Other><Object><Key>a</Key></Object></Other>', '<Delete><Quiet>true</Quiet></Delete>', '<Delete><Object></Object></Delete>']) {
      const res = await multiDelete(body);
      expect(res.status, body).toBe(400);
      expect(xmlValue(res.text(), 'Code'), body).toBe('MalformedXML');
    }
  });

  it('requires Content-MD5 or a checksum header: InvalidRequest naming Content-Md5, and nothing is deleted', async () => {
    await put('kept');
    const res = await multiDelete(deleteBody(['kept']), {});
    expect(res.status).toBe(400);
    expect(xmlValue(res.text(), 'Code')).toBe('InvalidRequest');
    expect(xmlValue(res.text(), 'Message')).toBe('Missing required header for this request: Content-Md5');
    expect(await swiftHas('kept')).toBe(true);
  });

  it('answers BadDigest for a wrong Content-MD5 and InvalidDigest for a malformed one; nothing is deleted', async () => {
    const body = deleteBody(['kept']);
    const bad = await multiDelete(body, { 'content-md5': md5b64('something else') });
    expect(bad.status).toBe(400);
    expect(xmlValue(bad.text(), 'Code')).toBe('BadDigest');
    const malformed = await multiDelete(body, { 'content-md5': 'nope' });
    expect(xmlValue(malformed.text(), 'Code')).toBe('InvalidDigest');
    expect(await swiftHas('kept')).toBe(true);
  });

  it('accepts an x-amz-checksum-crc32 instead of Content-MD5 (SigV4), and answers BadDigest when it does not match', async () => {
    await put('crc-ok');
    const body = deleteBody(['crc-ok']);
    const wrong = await rawS3v4(gw.url, keys, {
      method: 'POST', path: `/${b}?delete`, body, headers: { 'x-amz-checksum-crc32': crc32b64('other'), 'x-amz-sdk-checksum-algorithm': 'CRC32' },
    });
    expect(wrong.status).toBe(400);
    expect(xmlValue(wrong.text(), 'Code')).toBe('BadDigest');
    expect(await swiftHas('crc-ok')).toBe(true);
    const res = await rawS3v4(gw.url, keys, {
      method: 'POST', path: `/${b}?delete`, body, headers: { 'x-amz-checksum-crc32': crc32b64(body), 'x-amz-sdk-checksum-algorithm': 'CRC32' },
    });
    expect(res.status, res.text()).toBe(200);
    expect(res.text()).toContain('<Deleted><Key>crc-ok</Key></Deleted>');
    expect(await swiftHas('crc-ok')).toBe(false);
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    const res = await multiDelete(deleteBody(['a']), undefined, uniqueBucket('nobucket'));
    expect(res.status).toBe(404);
    expect(xmlValue(res.text(), 'Code')).toBe('NoSuchBucket');
  });
});
