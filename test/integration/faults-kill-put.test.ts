// Issue 19, faults: `kill -9` of the gateway in the middle of PutObject (a
// plain one and a staged one: segment, then manifest), CopyObject and
// DeleteObjects, then a new process on the same config. What was written is
// whole (right bytes, right ETag) or absent (404, or the old object still
// there); a killed staged PUT's segment is removed by `lifecycle run`.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killHarness, swiftCall, type KillHarness } from '../helpers/kill-harness.js';
import { uniqueBucket } from '../helpers/gateway.js';
import { runGateway } from '../helpers/process.js';
import { purgeBucket, segmentNames } from '../helpers/swift-direct.js';
import { isolatedOwner, type Owner } from '../helpers/lifecycle.js';
import { rawS3, xmlValues } from '../helpers/raw-s3.js';
import type { Stack } from '../helpers/stack.js';

const STAGED_FROM = 256 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let h: KillHarness;
const b = uniqueBucket('faults-put');

beforeAll(async () => {
  h = await killHarness({ 's3.stagedPutFromBytes': STAGED_FROM, 's3.dialect': 'aws' });
  expect((await h.s3({ method: 'PUT', path: `/${b}` })).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await purgeBucket(h.stack, 'demo', b).catch(() => undefined);
  await h.s3({ method: 'DELETE', path: `/${b}` }).catch(() => undefined);
  await h.close();
});

/** GET through the process serving now: status, bytes and ETag. */
async function read(key: string) {
  const res = await h.s3({ method: 'GET', path: `/${b}/${key}` });
  return { status: res.status, body: res.body, etag: res.headers['etag'] };
}

async function put(key: string, body: Buffer) {
  const res = await h.s3({ method: 'PUT', path: `/${b}/${key}`, body });
  expect(res.status).toBe(200);
  expect(res.headers['etag']).toBe(`"${md5(body)}"`);
}

/** `lifecycle run` as an operator runs it, on the gateway's config. */
const runner = (...args: string[]) => runGateway(['lifecycle', 'run', '--config', h.gateway().configFile, ...args], {}, 30_000);
const segmentsOf = async (stack: Stack, bucket: string, key: string) => (await segmentNames(stack, 'demo', bucket)).filter((n) => n.startsWith(`${key}/`));

const killed = (outcome: unknown) => expect(outcome, 'the client of the killed process saw its connection end').toBeInstanceOf(Error);

describe('kill -9 during PutObject', () => {
  it('mid-body: the old object is still there, whole', async () => {
    const old = randomBytes(1000);
    await put('small/mid', old);
    const outcome = await h.killDuring({ method: 'PUT', path: `/${b}/small/mid`, body: randomBytes(100_000) }, swiftCall('PUT', b, 'small/mid'), 'body', 10_000);
    killed(outcome);
    expect(await read('small/mid')).toEqual({ status: 200, body: old, etag: `"${md5(old)}"` });
  }, 30_000);

  it('after Swift stored it, before the client heard: the new object is there, whole', async () => {
    const body = randomBytes(100_000);
    killed(await h.killDuring({ method: 'PUT', path: `/${b}/small/after`, body }, swiftCall('PUT', b, 'small/after'), 'response'));
    expect(await read('small/after')).toEqual({ status: 200, body, etag: `"${md5(body)}"` });
  }, 30_000);

  it('staged, mid-segment: absent, and Swift kept no partial segment', async () => {
    const body = randomBytes(STAGED_FROM * 2);
    killed(await h.killDuring({ method: 'PUT', path: `/${b}/staged/mid`, body }, swiftCall('PUT', `${b}+segments`, 'staged/mid/'), 'body', 100_000));
    expect((await read('staged/mid')).status).toBe(404);
    expect(await segmentsOf(h.stack, b, 'staged/mid')).toEqual([]);
  }, 30_000);

  it('staged, between segment and manifest: the old object is still there, and its segment is left behind', async () => {
    const old = randomBytes(STAGED_FROM);
    await put('staged/gap', old);
    const body = randomBytes(STAGED_FROM * 2);
    killed(await h.killDuring({ method: 'PUT', path: `/${b}/staged/gap`, body }, swiftCall('PUT', b, 'staged/gap?multipart-manifest=put'), 'request'));
    expect(await read('staged/gap')).toEqual({ status: 200, body: old, etag: `"${md5(old)}"` });
    expect(await segmentsOf(h.stack, b, 'staged/gap')).toHaveLength(2);
    // The gateway's user has no role in demo's project and demo set no lifecycle rules: the runner cannot reach the bucket, and says so without failing.
    const run = await runner('--bucket', b, '--segment-grace-seconds', '0');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`no-access\t${b}\t`);
  }, 60_000);
});

describe('kill -9 between a staged PUT\'s segment and its manifest, in a bucket without lifecycle rules', () => {
  let owner: Owner;
  const ob = uniqueBucket('faults-orphan');

  beforeAll(async () => {
    owner = await isolatedOwner(h.stack, () => h.gateway().url);
    expect((await rawS3(h.gateway().url, { method: 'PUT', path: `/${ob}`, keys: owner.keys })).status).toBe(200);
    owner.buckets.push(ob);
  }, 30_000);
  afterAll(async () => { await owner?.remove(); });

  it('leaves one segment, which lifecycle run (the gateway\'s user a member of the owner\'s project) removes, and only it', async () => {
    const ownerPut = (body: Buffer) => ({ method: 'PUT', path: `/${ob}/staged/gap`, body, keys: owner.keys });
    const old = randomBytes(STAGED_FROM);
    expect((await rawS3(h.gateway().url, ownerPut(old))).status).toBe(200);
    const [oldSegment] = await owner.names(`${ob}+segments`);
    const body = randomBytes(STAGED_FROM * 2);
    killed(await h.killDuring(ownerPut(body), swiftCall('PUT', ob, 'staged/gap?multipart-manifest=put'), 'request'));
    const now = await rawS3(h.gateway().url, { method: 'GET', path: `/${ob}/staged/gap`, keys: owner.keys });
    expect(now.body.equals(old)).toBe(true);
    const left = await owner.names(`${ob}+segments`);
    expect(left).toHaveLength(2);
    expect(left).toContain(oldSegment);

    // The orphan sweep (src/lifecycle/orphans.ts), its grace period (a day) set to none.
    const run = await runner('--bucket', ob, '--segment-grace-seconds', '0');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`removed-orphan-segments\\t${ob}\\tstaged/gap`));
    expect(await owner.names(`${ob}+segments`)).toEqual([oldSegment]);
    const after = await rawS3(h.gateway().url, { method: 'GET', path: `/${ob}/staged/gap`, keys: owner.keys });
    expect(after.status).toBe(200);
    expect(after.body.equals(old)).toBe(true);
    expect(after.headers['etag']).toBe(`"${md5(old)}"`);
  }, 60_000);

  it('after the manifest that replaced a staged object, before its old segment went: the new object is whole, and lifecycle run removes the old segment', async () => {
    const key = 'staged/replaced';
    const ownerPut = (body: Buffer) => ({ method: 'PUT', path: `/${ob}/${key}`, body, keys: owner.keys });
    expect((await rawS3(h.gateway().url, ownerPut(randomBytes(STAGED_FROM)))).status).toBe(200);
    const before = (await owner.names(`${ob}+segments`)).filter((n) => n.startsWith(`${key}/`));
    expect(before).toHaveLength(1);
    const body = randomBytes(STAGED_FROM + 1000);
    killed(await h.killDuring(ownerPut(body), swiftCall('PUT', ob, `${key}?multipart-manifest=put`), 'response'));
    const now = await rawS3(h.gateway().url, { method: 'GET', path: `/${ob}/${key}`, keys: owner.keys });
    expect(now.status).toBe(200);
    expect(now.body.equals(body)).toBe(true);
    expect(now.headers['etag']).toBe(`"${md5(body)}"`);
    const left = (await owner.names(`${ob}+segments`)).filter((n) => n.startsWith(`${key}/`));
    expect(left).toHaveLength(2);
    const run = await runner('--bucket', ob, '--segment-grace-seconds', '0');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((await owner.names(`${ob}+segments`)).filter((n) => n.startsWith(`${key}/`))).toEqual(left.filter((n) => !before.includes(n)));
    const after = await rawS3(h.gateway().url, { method: 'GET', path: `/${ob}/${key}`, keys: owner.keys });
    expect(after.body.equals(body)).toBe(true);
  }, 60_000);
});

describe('kill -9 during CopyObject', () => {
  it.each(['request', 'response'] as const)('held at the Swift copy (%s): the copy is absent, or whole with the source\'s ETag', async (at) => {
    const source = randomBytes(50_000);
    await put(`copy/src-${at}`, source);
    const outcome = await h.killDuring(
      { method: 'PUT', path: `/${b}/copy/dst-${at}`, headers: { 'x-amz-copy-source': `/${b}/copy/src-${at}` } },
      swiftCall('PUT', b, `copy/dst-${at}`), at,
    );
    killed(outcome);
    const dst = await read(`copy/dst-${at}`);
    if (at === 'request') expect(dst.status).toBe(404);
    else expect(dst).toEqual({ status: 200, body: source, etag: `"${md5(source)}"` });
    // The client's retry through the new process succeeds.
    expect((await h.s3({ method: 'PUT', path: `/${b}/copy/dst-${at}`, headers: { 'x-amz-copy-source': `/${b}/copy/src-${at}` } })).status).toBe(200);
    expect(await read(`copy/dst-${at}`)).toEqual({ status: 200, body: source, etag: `"${md5(source)}"` });
  }, 30_000);
});

describe('kill -9 during DeleteObjects', () => {
  it('mid-way: each key is whole or gone, and the retry through the new process deletes them all', async () => {
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 8; i++) {
      const body = randomBytes(1000 + i);
      bodies.set(`del/k${i}`, body);
      await put(`del/k${i}`, body);
    }
    const doc = `<Delete>${[...bodies.keys()].map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
    const md5b64 = createHash('md5').update(doc).digest('base64');
    const request = { method: 'POST', path: `/${b}?delete`, body: doc, headers: { 'content-md5': md5b64, 'content-type': 'application/xml' } };
    // Swift's bulk delete (POST ?bulk-delete) gets half of its list of names, then the gateway dies.
    killed(await h.killDuring(request, /^(POST|DELETE) \/v1\/AUTH_[^/]+(\?bulk-delete|\/.+del(%2F|\/)k)/, 'body', 60));
    for (const [key, body] of bodies) {
      const now = await read(key);
      if (now.status === 200) expect(now).toEqual({ status: 200, body, etag: `"${md5(body)}"` });
      else expect(now.status).toBe(404);
    }
    const retry = await h.s3(request);
    expect(retry.status).toBe(200);
    expect(xmlValues(retry.text(), 'Key').sort()).toEqual([...bodies.keys()].sort());
    for (const key of bodies.keys()) expect((await read(key)).status).toBe(404);
  }, 30_000);
});
