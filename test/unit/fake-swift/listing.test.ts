// Listings: Swift's name walk (ported from its SQLite broker) and what the
// fake's container and account GETs answer with it.
import { describe, expect, it } from 'vitest';
import { listEntries, type ListParams } from '../../helpers/fake-swift/listing.js';
import { compareNames } from '../../helpers/fake-swift/python.js';
import { rig } from './helpers.js';

const NAMES = ['a', 'a/b', 'a/c/d', 'a/c/e', 'b', 'b/', 'c d', 'd/x'].sort(compareNames);
const walk = (p: Partial<ListParams>) =>
  listEntries(NAMES, { limit: 10_000, marker: '', endMarker: '', prefix: undefined, delimiter: undefined, path: undefined, reverse: false, ...p }).map((e) => ('subdir' in e ? `${e.subdir}*` : e.name));

describe('the listing walk', () => {
  it('rolls names up to subdirs at the delimiter, after the prefix', () => {
    expect(walk({ delimiter: '/' })).toEqual(['a', 'a/*', 'b', 'b/*', 'c d', 'd/*']);
    expect(walk({ delimiter: '/', prefix: 'a/' })).toEqual(['a/b', 'a/c/*']);
  });

  it('starts after the marker, also when it is a subdir', () => {
    expect(walk({ delimiter: '/', marker: 'a' })).toEqual(['a/*', 'b', 'b/*', 'c d', 'd/*']);
    expect(walk({ delimiter: '/', marker: 'a/' })).toEqual(['b', 'b/*', 'c d', 'd/*']);
    expect(walk({ delimiter: '/', prefix: 'a/', marker: 'a/c/' })).toEqual([]);
    expect(walk({ delimiter: '/', prefix: 'a/', marker: 'a/c' })).toEqual(['a/c/*']);
  });

  it('stops before end_marker and counts a subdir as one row of the limit', () => {
    expect(walk({ delimiter: '/', endMarker: 'b' })).toEqual(['a', 'a/*']);
    expect(walk({ delimiter: '/', limit: 3, marker: 'a' })).toEqual(['a/*', 'b', 'b/*']);
    expect(walk({ limit: 2 })).toEqual(['a', 'a/b']);
  });

  it('walks backwards with reverse, the markers swapped', () => {
    expect(walk({ reverse: true })).toEqual([...NAMES].reverse());
    expect(walk({ reverse: true, marker: 'b' })).toEqual(['a/c/e', 'a/c/d', 'a/b', 'a']);
    expect(walk({ reverse: true, delimiter: '/' })).toEqual(['d/*', 'c d', 'b/*', 'b', 'a/*', 'a']);
  });

  it('lists one level under path, without subdirs', () => {
    expect(walk({ path: 'a' })).toEqual(['a/b']);
    expect(walk({ path: 'a/c' })).toEqual(['a/c/d', 'a/c/e']);
  });

  it('orders names by code point, as SQLite orders UTF-8 (not by UTF-16 units)', () => {
    expect(['\u{1F600}', '\uFF5E', 'z'].sort(compareNames)).toEqual(['z', '\uFF5E', '\u{1F600}']);
  });
});

describe('container and account GET', () => {
  it('answers JSON rows in Swift\'s form, [] when empty, and a plain 204', async () => {
    const r = rig();
    const u = r.fake.addUser({ name: 'u' });
    r.fake.putContainer(u.account, 'c');
    const empty = await r.call(u, { method: 'GET', container: 'c', query: { format: 'json' } });
    expect([empty.status, empty.text]).toEqual([200, '[]']);
    expect((await r.call(u, { method: 'GET', container: 'c' })).status).toBe(204);
    r.fake.putObject(u.account, 'c', 'k', 'hello', { 'content-type': 'text/plain' }, { timestamp: Date.UTC(2009, 9, 12, 17, 50, 30, 123) });
    const list = await r.call(u, { method: 'GET', container: 'c', query: { format: 'json' } });
    expect(list.text).toBe('[{"bytes": 5, "hash": "5d41402abc4b2a76b9719d911017c592", "name": "k", "content_type": "text/plain", "last_modified": "2009-10-12T17:50:30.123000"}]');
    expect(list.headers).toMatchObject({ 'x-container-object-count': '1', 'x-container-bytes-used': '5', 'content-type': 'application/json; charset=utf-8' });
  });

  it('refuses a limit over the cluster\'s with 412', async () => {
    const r = rig();
    const u = r.fake.addUser({ name: 'u' });
    r.fake.putContainer(u.account, 'c');
    const res = await r.call(u, { method: 'GET', container: 'c', query: { format: 'json', limit: 10_001 } });
    expect([res.status, res.text]).toEqual([412, 'Maximum limit is 10000']);
  });

  it('lists the account\'s containers with their counts as of their last PUT (no container-updater)', async () => {
    const r = rig();
    const u = r.fake.addUser({ name: 'u' });
    r.fake.putContainer(u.account, 'c');
    r.fake.putObject(u.account, 'c', 'k', 'x');
    const rows = async () => JSON.parse((await r.call(u, { method: 'GET', query: { format: 'json' } })).text) as { name: string; count: number }[];
    expect((await rows())[0]).toMatchObject({ name: 'c', count: 0 });
    r.fake.putContainer(u.account, 'c');
    expect((await rows())[0]).toMatchObject({ name: 'c', count: 1 });
  });
});
