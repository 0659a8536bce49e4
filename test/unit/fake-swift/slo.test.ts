// Static large objects: the manifest PUT checked segment by segment, the large
// object read back (ETag = quoted MD5 of the segments' ETags), the raw
// manifest, the listing row, and a segment that vanished.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rig } from './helpers.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function setup() {
  const r = rig();
  const u = r.fake.addUser({ name: 'u' });
  r.fake.putContainer(u.account, 'c');
  r.fake.putObject(u.account, 'c', 's/1', 'aaaaa');
  r.fake.putObject(u.account, 'c', 's/2', 'bbbbbbb');
  const manifest = JSON.stringify([{ path: '/c/s/1', etag: md5('aaaaa'), size_bytes: 5 }, { path: '/c/s/2', etag: md5('bbbbbbb'), size_bytes: 7 }]);
  return { r, u, manifest, sloEtag: md5(md5('aaaaa') + md5('bbbbbbb')) };
}

describe('static large objects', () => {
  it('stores a manifest and serves the concatenated segments', async () => {
    const { r, u, manifest, sloEtag } = setup();
    const put = await r.call(u, { method: 'PUT', container: 'c', object: 'big', query: { 'multipart-manifest': 'put' }, body: manifest, headers: { 'content-type': 'application/x-big' } });
    expect([put.status, put.headers['etag']]).toEqual([201, `"${sloEtag}"`]);
    const head = await r.call(u, { method: 'HEAD', container: 'c', object: 'big' });
    expect(head.headers).toMatchObject({ 'x-static-large-object': 'True', etag: `"${sloEtag}"`, 'content-length': '12', 'content-type': 'application/x-big' });
    expect(head.headers['x-manifest-etag']).toMatch(/^[0-9a-f]{32}$/);
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'big' })).text).toBe('aaaaabbbbbbb');
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'big', headers: { range: 'bytes=3-8' } })).text).toBe('aabbbb');
    const raw = await r.call(u, { method: 'GET', container: 'c', object: 'big', query: { 'multipart-manifest': 'get', format: 'raw' } });
    expect(JSON.parse(raw.text)).toEqual([{ etag: md5('aaaaa'), path: '/c/s/1', size_bytes: 5 }, { etag: md5('bbbbbbb'), path: '/c/s/2', size_bytes: 7 }]);
    const row = (JSON.parse((await r.call(u, { method: 'GET', container: 'c', query: { format: 'json', prefix: 'big' } })).text) as Record<string, unknown>[])[0];
    expect(row).toMatchObject({ name: 'big', bytes: 12, slo_etag: `"${sloEtag}"`, content_type: 'application/x-big' });
    // Deleting the manifest leaves its segments.
    expect((await r.call(u, { method: 'DELETE', container: 'c', object: 'big' })).status).toBe(204);
    expect((await r.call(u, { method: 'HEAD', container: 'c', object: 's/1' })).status).toBe(200);
  });

  it('refuses missing segments and wrong etags or sizes with Swift\'s words', async () => {
    const { r, u } = setup();
    const bad = JSON.stringify([{ path: '/c/none', etag: md5('aaaaa') }, { path: '/c/s/2', etag: md5('x') }, { path: '/c/s/1', size_bytes: 9 }]);
    const res = await r.call(u, { method: 'PUT', container: 'c', object: 'bad', query: { 'multipart-manifest': 'put' }, body: bad });
    expect([res.status, res.text]).toEqual([400, 'Errors:\n/c/none, 404 Not Found\n/c/s/2, Etag Mismatch\n/c/s/1, Size Mismatch\n']);
    expect((await r.call(u, { method: 'PUT', container: 'c', object: 'bad', query: { 'multipart-manifest': 'put' }, body: 'nope' })).text).toBe('Manifest must be valid JSON.\n');
  });

  it('refuses more segments than /info\'s max_manifest_segments', async () => {
    const { r, u, manifest } = setup();
    r.fake.info = { ...r.fake.info, slo: { ...r.fake.info['slo'], max_manifest_segments: 1 } };
    const res = await r.call(u, { method: 'PUT', container: 'c', object: 'm', query: { 'multipart-manifest': 'put' }, body: manifest });
    expect([res.status, res.text]).toEqual([413, 'Number of object-backed segments must be <= 1']);
  });

  it('fails the read where a segment is gone: 409 at the start, eventlet\'s 500 early, a cut connection later', async () => {
    const { r, u } = setup();
    r.fake.putObject(u.account, 'c', 'big/1', Buffer.alloc(8192, 1));
    r.fake.putObject(u.account, 'c', 'big/2', Buffer.alloc(8192, 2));
    const put = (name: string, paths: string[]) => r.call(u, { method: 'PUT', container: 'c', object: name, query: { 'multipart-manifest': 'put' }, body: JSON.stringify(paths.map((path) => ({ path }))) });
    await put('first-gone', ['/c/s/2', '/c/s/1']);
    await put('second-gone', ['/c/s/1', '/c/s/2']);
    await put('big-gone', ['/c/big/1', '/c/big/2']);
    await r.call(u, { method: 'DELETE', container: 'c', object: 's/2' });
    await r.call(u, { method: 'DELETE', container: 'c', object: 'big/2' });
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'first-gone' })).status).toBe(409);
    const early = await r.call(u, { method: 'GET', container: 'c', object: 'second-gone' });
    expect(early.status).toBe(500);
    expect(early.text).toContain('BadResponseLength: Expected another 7 bytes');
    const late = await r.swift.call(u.identity, { method: 'GET', container: 'c', object: 'big-gone' }, { transId: '' });
    expect(late.status).toBe(200);
    let read = 0;
    await expect((async () => { for await (const chunk of late.body) read += (chunk as Buffer).length; })()).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(read).toBe(8192);
  });
});
