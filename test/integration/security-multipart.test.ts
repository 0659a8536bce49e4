// Security findings F6 and F7, against the real stack.
// F6: AbortMultipartUpload of upload U of key K listed `K/U/` by prefix and so
// also deleted the parts of an upload of key `K/U/...`.
// F7: CompleteMultipartUpload racing AbortMultipartUpload could leave a listed
// object whose segments were deleted under it (it answered 500). Exactly one
// must win, cleanly: either the object is complete and readable and the
// abort says NoSuchUpload, or the upload is gone with nothing left of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { keyPath, rawS3, xmlValue } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
const bucket = uniqueBucket('mpsec');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(key: string): Promise<string> {
  const res = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/${keyPath(key)}?uploads`, keys });
  expect(res.status, res.text()).toBe(200);
  return xmlValue(res.text(), 'UploadId')!;
}

async function part(key: string, id: string, n: number, body: string): Promise<string> {
  const res = await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/${keyPath(key)}?partNumber=${n}&uploadId=${id}`, keys, body });
  expect(res.status, res.text()).toBe(200);
  return res.headers['etag']!;
}

const completeBody = (etags: readonly string[]) =>
  `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

async function segmentsUnder(prefix: string): Promise<string[]> {
  const res = await swiftDirect(stack, 'demo', 'GET', `${bucket}+segments`, undefined, { query: { format: 'json', prefix } });
  return res.status === 200 ? (JSON.parse(res.body.toString()) as { name: string }[]).map((r) => r.name) : [];
}

beforeAll(async () => {
  gw = await startGateway();
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeBucket(stack, 'demo', bucket);
  await gw?.stop();
});

describe('F6: an abort removes only its own upload', () => {
  it('aborting upload U of K leaves an upload of key K/U/x whole', async () => {
    const outer = await start('k');
    await part('k', outer, 1, 'outer');
    const innerKey = `k/${outer}/x`;
    const inner = await start(innerKey);
    const etag = await part(innerKey, inner, 1, 'inner part');
    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${bucket}/k?uploadId=${outer}`, keys })).status).toBe(204);
    expect(await segmentsUnder(`k/${outer}/x/`)).toEqual([`k/${outer}/x/${inner}`, `k/${outer}/x/${inner}/1`]);
    const done = await rawS3(gw.url, { method: 'POST', path: `/${bucket}/${keyPath(innerKey)}?uploadId=${inner}`, keys, body: completeBody([etag]) });
    expect(done.status, done.text()).toBe(200);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${bucket}/${keyPath(innerKey)}`, keys })).text()).toBe('inner part');
  });
});

describe('F7: Complete racing Abort', () => {
  it('one of the two wins cleanly, every time', { timeout: 60_000 }, async () => {
    // How long an unraced Complete takes here: the aborts below start spread over that time.
    const probeId = await start('race-probe');
    const probeEtag = await part('race-probe', probeId, 1, 'probe');
    const t0 = Date.now();
    expect((await rawS3(gw.url, { method: 'POST', path: `/${bucket}/race-probe?uploadId=${probeId}`, keys, body: completeBody([probeEtag]) })).status).toBe(200);
    const span = Math.max(20, (Date.now() - t0) * 1.5);
    const outcomes = new Set<string>();
    // The first round lets the abort start well before the complete, the last
    // the complete well before the abort, so both outcomes happen whatever the
    // machine's speed; the rounds between race.
    const rounds = 16;
    for (let i = 0; i < rounds; i++) {
      const key = `race-${i}`;
      const id = await start(key);
      const etags = [await part(key, id, 1, `bytes of race ${i}`)];
      const completeReq = () => rawS3(gw.url, { method: 'POST', path: `/${bucket}/${key}?uploadId=${id}`, keys, body: completeBody(etags) });
      const abortReq = () => rawS3(gw.url, { method: 'DELETE', path: `/${bucket}/${key}?uploadId=${id}`, keys });
      let complete: ReturnType<typeof completeReq>;
      let abort: ReturnType<typeof abortReq>;
      if (i === 0) {
        abort = abortReq();
        await abort;
        complete = completeReq();
      } else if (i === rounds - 1) {
        complete = completeReq();
        await complete;
        abort = abortReq();
      } else {
        complete = completeReq();
        await sleep((i * span) / rounds);
        abort = abortReq();
      }
      const [c, a] = await Promise.all([complete, abort]);
      const completed = c.status === 200 && xmlValue(c.text(), 'Code') === undefined;
      const aborted = a.status === 204;
      expect(completed !== aborted, `race ${i}: complete ${c.status} ${c.text().slice(0, 200)}, abort ${a.status} ${a.text().slice(0, 200)}`).toBe(true);
      const get = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/${key}`, keys });
      if (completed) {
        outcomes.add('completed');
        expect(xmlValue(a.text(), 'Code')).toBe('NoSuchUpload');
        expect(get.status).toBe(200);
        expect(get.text()).toBe(`bytes of race ${i}`);
        expect(await segmentsUnder(`${key}/${id}/`)).toEqual([`${key}/${id}/1`]);
      } else {
        outcomes.add('aborted');
        expect(xmlValue(c.text(), 'Code')).toBe('NoSuchUpload');
        expect(get.status).toBe(404);
        expect(await segmentsUnder(`${key}/${id}`)).toEqual([]);
      }
      // Never listed as an upload any more.
      const uploads = await rawS3(gw.url, { method: 'GET', path: `/${bucket}?uploads&prefix=${key}`, keys });
      expect(uploads.text()).not.toContain(id);
    }
    // The race was a race: the loop saw both outcomes.
    expect([...outcomes].sort()).toEqual(['aborted', 'completed']);
  });
});
