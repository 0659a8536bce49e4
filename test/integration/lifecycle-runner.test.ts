// `s3-swift-gateway lifecycle run` against the real stack, with --now in the
// future: what the rules expire is really gone from Swift (objects and their
// segments, noncurrent versions, delete markers, old uploads), a locked
// version stays, dry-run changes nothing, a stopped walk resumes, a leased
// bucket is left alone, and two runners at once do each thing once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { expiryOf, isolatedOwner, future, lifecycle, lifecycleBuckets, md5, runLifecycleCommand, type Owner } from '../helpers/lifecycle.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { gatewayEnv, loadStack, type Stack } from '../helpers/stack.js';
import { segmentNames, swiftDirect } from '../helpers/swift-direct.js';

let runnerConfig: Config;
const owners: Owner[] = [];
let stack: Stack;
let gw: TestGateway;
let owner: Keys;

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', env: { S3GW_NAMESPACE_CACHE_SECONDS: '1' } });
  runnerConfig = loadConfig({ env: gatewayEnv(stack, { keystoneEc2: true }) });
});

afterAll(async () => {
  for (const o of owners) await o.remove().catch(() => undefined);
  await cleanup();
  await gw?.stop();
});

const { newBucket, putLifecycle, put, swiftStatus, cleanup } = lifecycleBuckets(() => stack, () => gw, () => owner);
const runner = (...args: string[]) => runLifecycleCommand(runnerConfig, ...args);
const ownProject = async () => {
  const o = await isolatedOwner(stack, gw.url);
  owners.push(o);
  return o;
};

describe('lifecycle run', () => {
  it('expires objects written before their rule (segments too), aborts old uploads, sweeps segments Swift\'s expirer left; dry-run first changes nothing', async () => {
    const b = await newBucket('lcrun');
    expect((await put(b, 'old/a.txt')).status).toBe(200);
    expect((await put(b, 'keep/b.txt')).status).toBe(200);
    // A multipart object and an upload left open, both before the rules.
    const mpu = async (key: string, complete: boolean) => {
      const id = xmlValue((await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploads`, keys: owner })).text(), 'UploadId')!;
      const part = await rawS3(gw.url, { method: 'PUT', path: `/${b}/${key}?partNumber=1&uploadId=${id}`, keys: owner, body: 'p' });
      if (complete) {
        const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers['etag']}</ETag></Part></CompleteMultipartUpload>`;
        expect((await rawS3(gw.url, { method: 'POST', path: `/${b}/${key}?uploadId=${id}`, keys: owner, body })).status).toBe(200);
      }
      return id;
    };
    await mpu('old/multi', true);
    await mpu('keep/open', false);
    await mpu('keep/swift-expired', true);
    // A single PUT past s3.stagedPutFromBytes (8 MiB) keeps its body in a segment with no upload marker: never an orphan.
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    expect((await put(b, 'keep/staged', big)).status).toBe(200);
    const stagedSegments = (await segmentNames(stack, 'demo', b)).filter((n) => n.startsWith('keep/staged/'));
    expect(stagedSegments).toHaveLength(1);
    // Swift's expirer removing a manifest (plain DELETE) leaves its segments: simulated here.
    expect((await swiftDirect(stack, 'demo', 'DELETE', b, 'keep/swift-expired')).status).toBe(204);
    const rules = lifecycle(
      '<Rule><ID>old</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>',
      '<Rule><ID>uploads</ID><Filter></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>',
    );
    expect((await putLifecycle(b, rules)).status).toBe(200);
    const segmentsBefore = await segmentNames(stack, 'demo', b);

    // (Its segments are minutes old: the sweep's grace, a day by the real clock, is set to none.)
    const dry = await runner('--bucket', b, '--now', future(5), '--dry-run', '--segment-grace-seconds', '0');
    expect(dry.code, dry.lines.join('\n')).toBe(0);
    expect(dry.lines.some((l) => l.startsWith(`would-expire\t${b}\told/a.txt`))).toBe(true);
    expect(dry.lines.some((l) => l.startsWith(`would-abort-upload\t${b}\tkeep/open`))).toBe(true);
    expect(dry.lines.some((l) => l.startsWith(`would-remove-orphan-segments\t${b}\tkeep/swift-expired`))).toBe(true);
    expect(await swiftStatus(b, 'old/a.txt')).toBe(200);
    expect(await segmentNames(stack, 'demo', b)).toEqual(segmentsBefore);

    // Now (real time) nothing is due.
    const early = await runner('--bucket', b);
    expect(early.lines.filter((l) => !/^(bucket|progress|done|summary)/.test(l))).toEqual([]);

    const run = await runner('--bucket', b, '--now', future(5), '--segment-grace-seconds', '0');
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.some((l) => l.startsWith(`expired\t${b}\told/a.txt`)), run.lines.join('\n')).toBe(true);
    expect(run.lines.some((l) => l.startsWith(`expired\t${b}\told/multi`))).toBe(true);
    expect(run.lines.some((l) => l.startsWith(`aborted-upload\t${b}\tkeep/open`))).toBe(true);
    expect(await swiftStatus(b, 'old/a.txt')).toBe(404);
    expect(await swiftStatus(b, 'old/multi')).toBe(404);
    expect(await swiftStatus(b, 'keep/b.txt')).toBe(200);
    expect(await segmentNames(stack, 'demo', b)).toEqual(stagedSegments);
    const staged = await rawS3(gw.url, { method: 'GET', path: `/${b}/keep/staged`, keys: owner });
    expect(staged.status).toBe(200);
    expect(staged.body.equals(big)).toBe(true);
  });

  it('in a versioned bucket (the gateway\'s user has a role in the owner\'s project): the current version gets a delete marker, noncurrent versions go, then the marker left alone', async () => {
    // An owner project of its own, where the gateway's user gets the operator role the runner needs for versions.
    const o = await ownProject();
    const b = uniqueBucket('lcvrun');
    const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => rawS3(gw.url, { method, path, keys: o.keys, body, headers });
    expect((await raw('PUT', `/${b}`)).status).toBe(200);
    o.buckets.push(b);
    expect((await raw('PUT', `/${b}?versioning`, '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>')).status).toBe(200);
    await raw('PUT', `/${b}/a/x`, 'one');
    await raw('PUT', `/${b}/a/x`, 'two');
    await raw('PUT', `/${b}/m/k`, 'm');
    expect((await raw('DELETE', `/${b}/m/k`)).status).toBe(204);
    const mVersion = (await o.versions(b, 'm/k')).find((r) => !r.content_type.startsWith('application/x-deleted'))!;
    expect((await raw('DELETE', `/${b}/m/k?versionId=${mVersion.version_id}`)).status).toBe(204);
    const rules = lifecycle(
      '<Rule><ID>a</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>',
      '<Rule><ID>markers</ID><Filter><Prefix>m/</Prefix></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>',
    );
    expect((await raw('PUT', `/${b}?lifecycle`, rules, { 'content-md5': md5(rules) })).status).toBe(200);

    const first = await runner('--bucket', b, '--now', future(10));
    expect(first.code, first.lines.join('\n')).toBe(0);
    expect(first.lines[0]).toContain('as owner');
    expect(first.lines.filter((l) => l.startsWith('expired') || l.startsWith('removed')).map((l) => l.split('\t').slice(0, 3).join(' '))).toEqual([
      `expired ${b} a/x`, `expired-noncurrent ${b} a/x`, `removed-delete-marker ${b} m/k`,
    ]);
    // S3: expiry in a versioned bucket is a delete marker in front of the version, not its removal.
    const ax = await o.versions(b, 'a/x');
    expect(ax.map((r) => r.content_type.startsWith('application/x-deleted'))).toEqual([true, false]);
    expect(await o.versions(b, 'm/k')).toEqual([]);
    // The version the marker made noncurrent, and then the marker itself, go on a later run.
    const second = await runner('--bucket', b, '--now', future(10));
    expect(second.code, second.lines.join('\n')).toBe(0);
    expect(await o.versions(b, 'a/x')).toEqual([]);
  });

  it('in a versioned bucket: sweeps the segments nothing references, and keeps those of every version (current, noncurrent, under a delete marker, the null version of before versioning)', async () => {
    const o = await ownProject();
    const b = uniqueBucket('lcvorph');
    const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => rawS3(gw.url, { method, path, keys: o.keys, body, headers });
    const upload = async (key: string, body: string) => {
      const id = xmlValue((await raw('POST', `/${b}/${key}?uploads`)).text(), 'UploadId')!;
      const part = await raw('PUT', `/${b}/${key}?partNumber=1&uploadId=${id}`, body);
      expect(part.status).toBe(200);
      return { id, etag: part.headers['etag']! };
    };
    const multipart = async (key: string, body: string) => {
      const { id, etag } = await upload(key, body);
      const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
      expect((await raw('POST', `/${b}/${key}?uploadId=${id}`, xml)).status).toBe(200);
    };
    expect((await raw('PUT', `/${b}`)).status).toBe(200);
    o.buckets.push(b);
    // Written before versioning: the null version, a manifest that is no symlink.
    await multipart('nullv', 'null version');
    expect((await raw('PUT', `/${b}?versioning`, '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>')).status).toBe(200);
    await multipart('k', 'first');
    await multipart('k', 'second');
    await multipart('gone', 'under a marker');
    expect((await raw('DELETE', `/${b}/gone`)).status).toBe(204);
    // Orphans: an upload's part whose marker went (a Complete that died after it), under a key with versions and under one without.
    const orphanK = await upload('k', 'orphan of k');
    const orphanLone = await upload('lonely', 'orphan alone');
    expect(await o.deleteName(`${b}+segments`, `k/${orphanK.id}`)).toBe(204);
    expect(await o.deleteName(`${b}+segments`, `lonely/${orphanLone.id}`)).toBe(204);
    const before = await o.names(`${b}+segments`);
    expect(before).toContain(`k/${orphanK.id}/1`);

    const run = await runner('--bucket', b, '--segment-grace-seconds', '0');
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.filter((l) => l.startsWith('removed-orphan-segments')).map((l) => l.split('\t').slice(2, 4).join(' ')).sort()).toEqual([`k ${orphanK.id}`, `lonely ${orphanLone.id}`]);
    expect(await o.names(`${b}+segments`)).toEqual(before.filter((n) => n !== `k/${orphanK.id}/1` && n !== `lonely/${orphanLone.id}/1`));
    // Every version still reads whole.
    const versions = (await o.versions(b, '')).filter((r) => !r.content_type.startsWith('application/x-deleted'));
    const bodies: string[] = [];
    for (const v of versions) {
      const got = await raw('GET', `/${b}/${v.name}?versionId=${v.version_id}`);
      expect(got.status, `${v.name} ${v.version_id}`).toBe(200);
      bodies.push(got.text());
    }
    expect(bodies.sort()).toEqual(['first', 'null version', 'second', 'under a marker']);
  });

  it('never removes a version under Object Lock: it is reported kept-locked and stays', async () => {
    const o = await ownProject();
    const b = uniqueBucket('lclock');
    const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => rawS3(gw.url, { method, path, keys: o.keys, body, headers });
    expect((await raw('PUT', `/${b}`, undefined, { 'x-amz-bucket-object-lock-enabled': 'true' })).status).toBe(200);
    o.buckets.push(b);
    const locked = await raw('PUT', `/${b}/k`, 'held', { 'content-md5': md5('held'), 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2199-01-01T00:00:00Z' });
    expect(locked.status, locked.text()).toBe(200);
    await raw('PUT', `/${b}/k`, 'newer');
    const rules = lifecycle('<Rule><ID>nc</ID><Filter></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>');
    expect((await raw('PUT', `/${b}?lifecycle`, rules, { 'content-md5': md5(rules) })).status).toBe(200);
    const result = await runner('--bucket', b, '--now', future(30));
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(result.lines.some((l) => l.startsWith(`kept-locked\t${b}\tk\t${locked.headers['x-amz-version-id']}`)), result.lines.join('\n')).toBe(true);
    expect((await o.versions(b, 'k')).map((v) => v.version_id)).toContain(locked.headers['x-amz-version-id']);
  });

  it('resumes a walk where the saved state says it stopped, and leaves a bucket whose lease another runner holds', async () => {
    const b = await newBucket('lcresume');
    const keys = ['k1', 'k2', 'k3', 'k4'];
    for (const k of keys) await put(b, k);
    expect((await putLifecycle(b, lifecycle('<Rule><ID>all</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const container = `${runnerConfig.namespace.registryContainer}+lifecycle`;
    await swiftDirect(stack, 's3gateway', 'PUT', container);
    // Another runner's lease: this one leaves the bucket alone.
    const claim = `lease/${b}/elsewhere`;
    expect((await swiftDirect(stack, 's3gateway', 'PUT', container, claim, { body: '', headers: { 'x-delete-after': '60' } })).status).toBe(201);
    const busy = await runner('--bucket', b, '--now', future(3));
    expect(busy.lines).toContain(`busy\t${b}\tanother runner holds its lease; left to it`);
    expect(await swiftStatus(b, 'k1')).toBe(200);
    await swiftDirect(stack, 's3gateway', 'DELETE', container, claim);
    // A run that stopped after k2: the next one goes on from there, then forgets the state.
    const state = JSON.stringify({ phase: 'objects', marker: 'k2', started: '2026-01-01T00:00:00.000Z' });
    expect((await swiftDirect(stack, 's3gateway', 'PUT', container, `state/${b}`, { body: state })).status).toBe(201);
    const resumed = await runner('--bucket', b, '--now', future(3));
    expect(resumed.code, resumed.lines.join('\n')).toBe(0);
    expect(resumed.lines).toContain(`resuming\t${b}\tobjects\tk2\trun started 2026-01-01T00:00:00.000Z`);
    expect(resumed.lines.filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2])).toEqual(['k3', 'k4']);
    expect(resumed.lines).toContain(`progress\t${b}\tobjects\tk4\t1 pages`);
    expect(await swiftStatus(b, 'k1')).toBe(200);
    expect(await swiftStatus(b, 'k3')).toBe(404);
    expect((await swiftDirect(stack, 's3gateway', 'HEAD', container, `state/${b}`)).status).toBe(404);
    // The next run starts from the beginning.
    const again = await runner('--bucket', b, '--now', future(3));
    expect(again.lines.filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2])).toEqual(['k1', 'k2']);
  });

  it('corrects the X-Delete-At of objects written under a rule since changed or deleted, and leaves one Swift users set', async () => {
    const b = await newBucket('lcretire');
    expect((await putLifecycle(b, lifecycle('<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const before = Date.now();
    await put(b, 'tmp/a');
    const deleteAt = async (key: string) => (await swiftDirect(stack, 'demo', 'HEAD', b, key)).headers['x-delete-at'];
    expect(await deleteAt('tmp/a')).toBe(String(expiryOf(before, 1).getTime() / 1000));
    // Set through the Swift API: no rule explains it, so it is not the runner's.
    const own = String(Math.floor(Date.now() / 1000) + 7 * 86400);
    expect((await swiftDirect(stack, 'demo', 'PUT', b, 'tmp/swift', { body: 'x', headers: { 'x-delete-at': own } })).status).toBe(201);

    expect((await putLifecycle(b, lifecycle('<Rule><ID>tmp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>10</Days></Expiration></Rule>'))).status).toBe(200);
    const longer = await runner('--bucket', b);
    expect(longer.code, longer.lines.join('\n')).toBe(0);
    expect(longer.lines.filter((l) => l.startsWith('corrected-expiry')).map((l) => l.split('\t')[2])).toEqual(['tmp/a']);
    const tenDays = String(expiryOf(before, 10).getTime() / 1000);
    expect([tenDays, String(expiryOf(before - 1000, 10).getTime() / 1000)]).toContain(await deleteAt('tmp/a'));

    expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}?lifecycle`, keys: owner })).status).toBe(204);
    const dry = await runner('--bucket', b, '--dry-run');
    expect(dry.lines.some((l) => l.startsWith(`would-correct-expiry\t${b}\ttmp/a`)), dry.lines.join('\n')).toBe(true);
    expect(await deleteAt('tmp/a')).not.toBeUndefined();
    const removed = await runner('--bucket', b);
    expect(removed.code, removed.lines.join('\n')).toBe(0);
    expect(await deleteAt('tmp/a')).toBeUndefined();
    expect(await deleteAt('tmp/swift')).toBe(own);
    expect(await swiftStatus(b, 'tmp/a')).toBe(200);
    // Done: the bucket has nothing left for the runner.
    expect((await runner('--bucket', b)).lines[0]).toBe(`no-lifecycle\t${b}\tthe bucket has no lifecycle configuration`);
  });

  it('in a versioning-suspended bucket: the current object expires as DeleteObject would delete it there, older versions stay', async () => {
    const b = await newBucket('lcsusp', true);
    await put(b, 'k', 'versioned');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?versioning`, keys: owner, body: '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>' })).status).toBe(200);
    await put(b, 'k', 'null version');
    expect((await putLifecycle(b, lifecycle('<Rule><ID>all</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const result = await runner('--bucket', b, '--now', future(3));
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(result.lines.some((l) => l.startsWith(`expired\t${b}\tk`)), result.lines.join('\n')).toBe(true);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/k`, keys: owner })).status).toBe(404);
    // Swift's DELETE in a suspended container removes the null version and writes no marker (S3 writes a null
    // delete marker); the key reads as deleted either way, the older version stays, noncurrent.
    const after = JSON.parse((await swiftDirect(stack, 'demo', 'GET', b, undefined, { query: { versions: '', format: 'json' } })).body.toString()) as { version_id: string; is_latest: boolean }[];
    expect(after.map((v) => [v.version_id === 'null', v.is_latest])).toEqual([[false, false]]);
  });

  it('matches Tag filters with the object\'s tags: at write time x-amz-tagging, in the runner the stored tags (PutObjectTagging too)', async () => {
    const b = await newBucket('lctags');
    expect((await putLifecycle(b, lifecycle('<Rule><ID>temp</ID><Filter><Tag><Key>class</Key><Value>temp</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>'))).status).toBe(200);
    const tagged = await put(b, 'a', 'x', { 'x-amz-tagging': 'class=temp&owner=me' });
    expect(tagged.headers['x-amz-expiration']).toContain('rule-id="temp"');
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'a')).headers['x-delete-at']).toBeDefined();
    const plain = await put(b, 'b', 'x', { 'x-amz-tagging': 'class=keep' });
    expect(plain.headers['x-amz-expiration']).toBeUndefined();
    expect((await swiftDirect(stack, 'demo', 'HEAD', b, 'b')).headers['x-delete-at']).toBeUndefined();
    await put(b, 'c', 'x');
    const tagging = '<Tagging><TagSet><Tag><Key>class</Key><Value>temp</Value></Tag></TagSet></Tagging>';
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/c?tagging`, keys: owner, body: tagging, headers: { 'content-md5': md5(tagging) } })).status).toBe(200);
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/c`, keys: owner })).headers['x-amz-expiration']).toContain('rule-id="temp"');
    const result = await runner('--bucket', b, '--now', future(5));
    expect(result.code, result.lines.join('\n')).toBe(0);
    expect(result.lines.filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2])).toEqual(['a', 'c']);
    expect(await swiftStatus(b, 'a')).toBe(404);
    expect(await swiftStatus(b, 'b')).toBe(200);
    expect(await swiftStatus(b, 'c')).toBe(404);
  });

  it('two runners at once do each thing once', async () => {
    const b = await newBucket('lctwo');
    const keys = Array.from({ length: 6 }, (_, i) => `k${i}`);
    for (const k of keys) await put(b, k);
    expect((await putLifecycle(b, lifecycle('<Rule><ID>all</ID><Filter></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>'))).status).toBe(200);
    const [one, two] = await Promise.all([runner('--bucket', b, '--now', future(3)), runner('--bucket', b, '--now', future(3))]);
    const expired = [...one.lines, ...two.lines].filter((l) => l.startsWith('expired\t')).map((l) => l.split('\t')[2]).sort();
    expect(expired, [...one.lines, ...two.lines].join('\n')).toEqual(keys);
    for (const k of keys) expect(await swiftStatus(b, k)).toBe(404);
  });
});
