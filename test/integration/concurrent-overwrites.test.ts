// Two writers of one key whose uploads overlap, against the real Swift: what a
// client can rely on (README, "Concurrent writes of one key"). S3 keeps the
// write that completes last. Swift orders the writes of a name by the time
// each reached its proxy (X-Timestamp), so a plain PUT that STARTED last is
// kept even if the other finished later; the gateway stages single PUTs from
// s3.stagedPutFromBytes (8 MiB) on, which makes S3's rule hold for them, and
// a multipart object is written when its upload completes, so there the
// Complete that ran last wins. Either way the object is one writer's bytes,
// never a mix.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3, signV2, stringToSignV2, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer, segmentNames } from '../helpers/swift-direct.js';

let gw: TestGateway;
/** The same, with staging off: Swift's own order. */
let unstaged: TestGateway;
let keys: Keys;
let b: string;

beforeAll(async () => {
  gw = await startGateway();
  unstaged = await startGateway({ env: { S3GW_S3_STAGED_PUT_FROM_BYTES: '0' } });
  keys = gw.stack.users.demo.ec2;
  b = uniqueBucket('overwrite');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', `${b}+segments`).catch(() => undefined);
  await purgeContainer(gw.stack, 'demo', b);
  await Promise.all([gw.stop(), unstaged.stop()]);
});

const MiB = 1024 * 1024;
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A PUT that sends its first half, then waits for `finish()` before sending the rest. */
function heldPut(base: string, key: string, body: Buffer): { finish(): void; done: Promise<number> } {
  const url = new URL(base);
  const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-length': String(body.length) };
  headers['authorization'] = `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2('PUT', `/${b}/${key}`, headers))}`;
  let finish = () => {};
  const done = new Promise<number>((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method: 'PUT', path: `/${b}/${key}`, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.write(body.subarray(0, body.length / 2));
    finish = () => r.end(body.subarray(body.length / 2));
  });
  return { finish: () => finish(), done };
}

describe('two overlapping uploads of one key', () => {
  /** Writer A starts first and is held; B runs whole; then A finishes, last. What is kept? */
  async function overlap(base: string, key: string): Promise<{ kept: string; a: string; b: string }> {
    const first = Buffer.alloc(32 * MiB, 'a');
    const second = Buffer.alloc(32 * MiB, 'b');
    const early = heldPut(base, key, first);
    // The first upload is under way in Swift before the second starts.
    await sleep(500);
    const late = await rawS3(base, { method: 'PUT', path: `/${b}/${key}`, keys, body: second });
    expect(late.status).toBe(201);
    early.finish();
    expect(await early.done).toBe(201);
    const get = await rawS3(base, { method: 'GET', path: `/${b}/${key}`, keys });
    expect(get.body.length).toBe(32 * MiB);
    return { kept: md5(get.body), a: md5(first), b: md5(second) };
  }

  it('single PUTs of 32 MiB (staged): both succeed; the one that completes last is kept whole, S3\'s rule', async () => {
    const { kept, a } = await overlap(gw.url, 'big');
    expect(kept).toBe(a);
    // Nothing of the overwritten write is left behind: one segment, the kept one's.
    expect((await segmentNames(gw.stack, 'demo', b)).filter((n) => n.startsWith('big/'))).toHaveLength(1);
  }, 120_000);

  it('with s3.stagedPutFromBytes 0 (no staging): Swift\'s order, the one that started last is kept', async () => {
    const { kept, b: second } = await overlap(unstaged.url, 'big-unstaged');
    expect(kept).toBe(second);
  }, 120_000);

  it('multipart uploads: the Complete that runs last wins, whichever upload started first (S3\'s rule)', async () => {
    const start = async () => xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${b}/mp?uploads`, keys })).text(), 'UploadId')!;
    const a = await start();
    const c = await start();
    const partA = Buffer.alloc(6 * MiB, 'A');
    const partC = Buffer.alloc(6 * MiB, 'C');
    const etagA = (await rawS3(gw.url, { method: 'PUT', path: `/${b}/mp?partNumber=1&uploadId=${a}`, keys, body: partA })).headers['etag'];
    const etagC = (await rawS3(gw.url, { method: 'PUT', path: `/${b}/mp?partNumber=1&uploadId=${c}`, keys, body: partC })).headers['etag'];
    const complete = (id: string, etag: string | undefined) => rawS3(gw.url, {
      method: 'POST', path: `/${b}/mp?uploadId=${id}`, keys,
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect((await complete(c, etagC)).status).toBe(200);
    expect((await complete(a, etagA)).status).toBe(200);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${b}/mp`, keys });
    expect(md5(get.body)).toBe(md5(partA));
  }, 120_000);
});
