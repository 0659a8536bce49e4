// Objects through the gateway's SwiftClient: POST replacing metadata, copies
// (with a range), conditional and ranged reads, Swift's metadata limits and
// expiry on a test clock.
import { describe, expect, it } from 'vitest';
import { rig } from './helpers.js';

function setup(now?: () => number) {
  const r = rig(now ? { now } : {});
  const u = r.fake.addUser({ name: 'u' });
  r.fake.putContainer(u.account, 'c');
  return { r, u };
}

describe('objects', () => {
  it('POST replaces every X-Object-Meta-* and the kept content headers, keeps Content-Type', async () => {
    const { r, u } = setup();
    await r.call(u, { method: 'PUT', container: 'c', object: 'k', body: 'data', headers: { 'content-type': 'text/x', 'x-object-meta-a': '1', 'x-object-meta-b': '2', 'content-disposition': 'inline' } });
    expect((await r.call(u, { method: 'POST', container: 'c', object: 'k', headers: { 'x-object-meta-z': '9' } })).status).toBe(202);
    const head = await r.call(u, { method: 'HEAD', container: 'c', object: 'k' });
    expect(head.headers['x-object-meta-z']).toBe('9');
    expect(head.headers['x-object-meta-a']).toBeUndefined();
    expect(head.headers['content-disposition']).toBeUndefined();
    expect(head.headers['content-type']).toBe('text/x');
  });

  it('copies with X-Copy-From: metadata merged, or fresh, or a range of the source', async () => {
    const { r, u } = setup();
    await r.call(u, { method: 'PUT', container: 'c', object: 'src', body: '0123456789', headers: { 'x-object-meta-a': '1', 'x-object-meta-b': '2' } });
    const cp = await r.call(u, { method: 'PUT', container: 'c', object: 'cp', headers: { 'x-copy-from': '/c/src', 'x-object-meta-b': 'new' } });
    expect(cp.status).toBe(201);
    expect(cp.headers).toMatchObject({ 'x-copied-from': 'c/src', 'x-object-meta-a': '1', 'x-object-meta-b': 'new' });
    await r.call(u, { method: 'PUT', container: 'c', object: 'fresh', headers: { 'x-copy-from': 'c/src', 'x-fresh-metadata': 'true' } });
    expect((await r.call(u, { method: 'HEAD', container: 'c', object: 'fresh' })).headers['x-object-meta-a']).toBeUndefined();
    await r.call(u, { method: 'PUT', container: 'c', object: 'part', headers: { 'x-copy-from': '/c/src', range: 'bytes=2-5' } });
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'part' })).text).toBe('2345');
    expect((await r.call(u, { method: 'PUT', container: 'c', object: 'x', headers: { 'x-copy-from': '/c/none' } })).status).toBe(404);
  });

  it('answers ranges (206, 416) and conditions (304, 412) as swob does', async () => {
    const { r, u } = setup();
    const put = await r.call(u, { method: 'PUT', container: 'c', object: 'k', body: '0123456789' });
    const etag = put.headers['etag']!;
    const get = (headers: Record<string, string>) => r.call(u, { method: 'GET', container: 'c', object: 'k', headers });
    const ranged = await get({ range: 'bytes=2-4' });
    expect([ranged.status, ranged.text, ranged.headers['content-range']]).toEqual([206, '234', 'bytes 2-4/10']);
    expect((await get({ range: 'bytes=-3' })).text).toBe('789');
    expect((await get({ range: 'bytes=20-' })).status).toBe(416);
    expect((await get({ range: 'garbage' })).status).toBe(200);
    expect((await get({ 'if-none-match': etag })).status).toBe(304);
    expect((await get({ 'if-match': 'other' })).status).toBe(412);
    expect((await get({ 'if-match': `"${etag}"` })).status).toBe(200);
    expect((await get({ 'if-modified-since': new Date(Date.now() + 3_600_000).toUTCString() })).status).toBe(304);
    expect((await get({ 'if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' })).status).toBe(412);
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'none', headers: { 'if-match': '*' } })).status).toBe(412);
  });

  it('checks the ETag a PUT declares, If-None-Match: *, and a missing container', async () => {
    const { r, u } = setup();
    expect((await r.call(u, { method: 'PUT', container: 'c', object: 'k', body: 'x', headers: { etag: 'nope' } })).status).toBe(422);
    expect((await r.call(u, { method: 'PUT', container: 'c', object: 'k', body: 'x', headers: { etag: '"9dd4e461268c8034f5c8564e155c67a6"' } })).status).toBe(201);
    expect((await r.call(u, { method: 'PUT', container: 'c', object: 'k', body: 'x', headers: { 'if-none-match': '*' } })).status).toBe(412);
    expect((await r.call(u, { method: 'PUT', container: 'none', object: 'k', body: 'x' })).status).toBe(404);
  });

  it('refuses metadata over /info\'s limits with Swift\'s words', async () => {
    const { r, u } = setup();
    const put = (headers: Record<string, string>) => r.call(u, { method: 'PUT', container: 'c', object: 'm', body: 'x', headers });
    expect((await put({ 'x-object-meta-n': 'v'.repeat(257) })).text).toBe('Metadata value longer than 256: x-object-meta-N');
    expect((await put({ [`x-object-meta-${'n'.repeat(129)}`]: 'v' })).text).toBe(`Metadata name too long: x-object-meta-N${'n'.repeat(128)}`);
    expect((await put(Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`x-object-meta-k${i}`, 'v'])))).text).toBe('Too many metadata items; max 90');
    r.fake.info = { ...r.fake.info, swift: { ...r.fake.info['swift'], max_meta_count: 2, max_file_size: 4 } };
    expect((await put({ 'x-object-meta-a': '1', 'x-object-meta-b': '2', 'x-object-meta-c': '3' })).status).toBe(400);
    expect((await r.call(u, { method: 'PUT', container: 'c', object: 'big', body: '12345' })).text).toBe('Your request is too large.');
  });

  it('expires objects at X-Delete-At: 404 to reads, still listed (no expirer), the container not empty', async () => {
    let now = Date.UTC(2030, 0, 1);
    const { r, u } = setup(() => now);
    await r.call(u, { method: 'PUT', container: 'c', object: 'k', body: 'x', headers: { 'x-delete-after': '60' } });
    expect((await r.call(u, { method: 'HEAD', container: 'c', object: 'k' })).headers['x-delete-at']).toBe(String(now / 1000 + 60));
    now += 61_000;
    expect((await r.call(u, { method: 'GET', container: 'c', object: 'k' })).status).toBe(404);
    expect(JSON.parse((await r.call(u, { method: 'GET', container: 'c', query: { format: 'json' } })).text)).toHaveLength(1);
    expect((await r.call(u, { method: 'DELETE', container: 'c' })).status).toBe(409);
    expect((await r.call(u, { method: 'DELETE', container: 'c', object: 'k' })).status).toBe(404);
    expect((await r.call(u, { method: 'DELETE', container: 'c' })).status).toBe(204);
  });
});
