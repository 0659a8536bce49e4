// Conditional writes and deletes (If-None-Match: *, If-Match) against the real
// Swift, including races: several clients through two gateway replicas
// writing one key at once, round after round, must leave exactly one winner.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
let gw2: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  [gw, gw2] = await Promise.all([startGateway(), startGateway()]);
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('cond');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', `${b}+segments`).catch(() => undefined);
  await purgeContainer(gw.stack, 'demo', b);
  await Promise.all([gw.stop(), gw2.stop()]);
});

const md5 = (s: string) => `"${createHash('md5').update(s).digest('hex')}"`;
const put = (key: string, body: string, headers: Record<string, string> = {}, url = gw.url) => rawS3(url, { method: 'PUT', path: `/${b}/${key}`, keys, body, headers });
const get = (key: string) => rawS3(gw.url, { method: 'GET', path: `/${b}/${key}`, keys });
const code = (r: { text(): string }) => xmlValue(r.text(), 'Code');

describe('PutObject with If-None-Match: *', () => {
  it('writes a new key, then refuses to overwrite it with 412 PreconditionFailed and keeps the first body', async () => {
    expect((await put('inm', 'first', { 'if-none-match': '*' })).status).toBe(201);
    const again = await put('inm', 'second', { 'if-none-match': '*' });
    expect([again.status, code(again)]).toEqual([412, 'PreconditionFailed']);
    expect((await get('inm')).text()).toBe('first');
  });

  it('refuses an ETag in If-None-Match on a write (S3 takes only *): 501 NotImplemented, nothing written', async () => {
    const r = await put('inm-etag', 'x', { 'if-none-match': md5('x') });
    expect([r.status, code(r)]).toEqual([501, 'NotImplemented']);
    expect((await get('inm-etag')).status).toBe(404);
  });
});

describe('PutObject with If-Match', () => {
  it('overwrites only the object whose ETag it names: 412 for another ETag, 404 NoSuchKey for a missing key', async () => {
    const first = await put('im', 'v1');
    const wrong = await put('im', 'v2', { 'if-match': md5('nope') });
    expect([wrong.status, code(wrong)]).toEqual([412, 'PreconditionFailed']);
    const right = await put('im', 'v2', { 'if-match': first.headers['etag']! });
    expect(right.status).toBe(201);
    expect((await get('im')).text()).toBe('v2');
    const missing = await put('im-missing', 'v1', { 'if-match': md5('v1') });
    expect([missing.status, code(missing)]).toEqual([404, 'NoSuchKey']);
    expect((await get('im-missing')).status).toBe(404);
  });
});

describe('DeleteObject with If-Match', () => {
  it('deletes only the object it names: 412 for another ETag, 404 NoSuchKey when there is none, 204 when it matches', async () => {
    const written = await put('del', 'gone soon');
    const wrong = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/del`, keys, headers: { 'if-match': md5('other') } });
    expect([wrong.status, code(wrong)]).toEqual([412, 'PreconditionFailed']);
    expect((await get('del')).status).toBe(200);
    const right = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/del`, keys, headers: { 'if-match': written.headers['etag']! } });
    expect(right.status).toBe(204);
    expect((await get('del')).status).toBe(404);
    const missing = await rawS3(gw.url, { method: 'DELETE', path: `/${b}/del`, keys, headers: { 'if-match': '*' } });
    expect([missing.status, code(missing)]).toEqual([404, 'NoSuchKey']);
  });
});

describe('CompleteMultipartUpload and CopyObject with conditions', () => {
  async function upload(key: string): Promise<{ id: string; body: string }> {
    const id = xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploads`, keys })).text(), 'UploadId')!;
    const etag = (await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, keys, body: 'only part' })).headers['etag']!;
    return { id, body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>` };
  }

  it('Complete with If-None-Match: * over an existing key is 412 and leaves the upload open; over a free key it completes, and a retry answers as the first', async () => {
    await put('mp', 'plain');
    const u = await upload('mp');
    const refused = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp?uploadId=${u.id}`, keys, body: u.body, headers: { 'if-none-match': '*' } });
    expect([refused.status, code(refused)]).toEqual([412, 'PreconditionFailed']);
    expect((await get('mp')).text()).toBe('plain');
    // Still open: its parts list.
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/mp?uploadId=${u.id}`, keys })).status).toBe(200);
    const v = await upload('mp-new');
    const done = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp-new?uploadId=${v.id}`, keys, body: v.body, headers: { 'if-none-match': '*' } });
    expect(done.status).toBe(200);
    expect(xmlValue(done.text(), 'ETag')).toMatch(/-1"$/);
    const retry = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp-new?uploadId=${v.id}`, keys, body: v.body, headers: { 'if-none-match': '*' } });
    expect(retry.status).toBe(200);
    expect((await get('mp-new')).text()).toBe('only part');
  });

  it('Complete with If-Match the multipart object it replaces (its S3 ETag) succeeds; with a stale ETag it is 412', async () => {
    const u = await upload('mp-im');
    const first = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp-im?uploadId=${u.id}`, keys, body: u.body });
    const etag = xmlValue(first.text(), 'ETag')!;
    const v = await upload('mp-im');
    const stale = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp-im?uploadId=${v.id}`, keys, body: v.body, headers: { 'if-match': md5('stale') } });
    expect([stale.status, code(stale)]).toEqual([412, 'PreconditionFailed']);
    const ok = await rawS3(gw.url, { method: 'POST', path: `/${b}/mp-im?uploadId=${v.id}`, keys, body: v.body, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
  });

  it('CopyObject with If-None-Match: * onto an existing key is 412', async () => {
    await put('src', 'source');
    await put('dst', 'destination');
    const r = await rawS3(gw.url, { method: 'PUT', path: `/${b}/dst`, keys, headers: { 'x-amz-copy-source': `/${b}/src`, 'if-none-match': '*' } });
    expect([r.status, code(r)]).toEqual([412, 'PreconditionFailed']);
    expect((await get('dst')).text()).toBe('destination');
  });
});

describe('racing conditional writers (two gateway replicas)', () => {
  const ROUNDS = 25;
  const WRITERS = 4;

  it(`If-None-Match: * — ${ROUNDS} rounds of ${WRITERS} writers creating one key at once: exactly one wins each round, the others get 412 or 409, and the key holds the winner's body`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `race-inm-${round}`;
      const answers = await Promise.all(Array.from({ length: WRITERS }, (_, w) =>
        put(key, `writer ${w}`, { 'if-none-match': '*' }, w % 2 === 0 ? gw.url : gw2.url)));
      const winners = answers.flatMap((a, w) => (a.status === 201 ? [w] : []));
      expect(winners, `round ${round}: ${answers.map((a) => a.status).join(',')}`).toHaveLength(1);
      for (const a of answers) if (a.status !== 201) expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain(code(a));
      expect((await get(key)).text()).toBe(`writer ${winners[0]}`);
    }
  }, 180_000);

  it(`If-Match — ${ROUNDS} rounds of ${WRITERS} writers each replacing the version they all read: exactly one wins each round (compare-and-swap)`, async () => {
    let etag = (await put('race-im', 'round start')).headers['etag']!;
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await Promise.all(Array.from({ length: WRITERS }, (_, w) =>
        put('race-im', `round ${round} writer ${w}`, { 'if-match': etag }, w % 2 === 0 ? gw.url : gw2.url)));
      const winners = answers.flatMap((a, w) => (a.status === 201 ? [w] : []));
      expect(winners, `round ${round}: ${answers.map((a) => a.status).join(',')}`).toHaveLength(1);
      for (const a of answers) if (a.status !== 201) expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain(code(a));
      expect((await get('race-im')).text()).toBe(`round ${round} writer ${winners[0]}`);
      etag = answers[winners[0]!]!.headers['etag']!;
    }
  }, 180_000);
});
