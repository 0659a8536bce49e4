// Lifecycle Transition rules carried out by `lifecycle run` against the real
// stack, with the stack's erasure-coded policy mapped as STANDARD_IA: a due
// object's bytes move server side into the class's companion container and
// the object keeps its ETag and bytes; one under the 128 KB minimum stays; a
// transition to a class this gateway does not map is reported as not
// possible, and the object is left as it was.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { future, lifecycle, md5, runLifecycleCommand } from '../helpers/lifecycle.js';
import { rawS3, type Keys } from '../helpers/raw-s3.js';
import { gatewayEnv, loadStack, type Stack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const CLASSES = { STANDARD_IA: 'ec21' };
let stack: Stack;
let gw: TestGateway;
let runnerConfig: Config;
let owner: Keys;
let bucket: string;
const big = Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 7) & 0xff));
const hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

beforeAll(async () => {
  stack = loadStack();
  owner = stack.users.demo.ec2!;
  gw = await startGateway({ keystoneEc2: true, dialect: 'aws', storageClasses: CLASSES, env: { S3GW_NAMESPACE_CACHE_SECONDS: '1' } });
  runnerConfig = loadConfig({ env: gatewayEnv(stack, { keystoneEc2: true, storageClasses: CLASSES }) });
  bucket = uniqueBucket('lc-move');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys: owner })).status).toBe(200);
});

afterAll(async () => {
  await purgeBucket(stack, 'demo', bucket);
  await purgeBucket(stack, 'demo', `${bucket}+ec21`).catch(() => undefined);
  await rawS3(gw.url, { method: 'DELETE', path: `/${bucket}`, keys: owner }).catch(() => undefined);
  await gw?.stop();
});

describe('lifecycle run: Transition rules', () => {
  it('moves a due object to STANDARD_IA server side, keeps one under 128 KB, and reports a class it cannot map', async () => {
    for (const [key, body] of [['old/a', big], ['old/small', Buffer.from('tiny')], ['cold/b', big]] as const) {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}/${key}`, keys: owner, body })).status).toBe(200);
    }
    const rules = lifecycle(
      '<Rule><ID>ia</ID><Filter><Prefix>old/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>',
      '<Rule><ID>deep</ID><Filter><Prefix>cold/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule>',
    );
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}?lifecycle`, keys: owner, body: rules, headers: { 'content-md5': md5(rules) } })).status).toBe(200);
    const run = await runLifecycleCommand(runnerConfig, '--bucket', bucket, '--now', future(40));
    expect(run.code, run.lines.join('\n')).toBe(0);
    const about = (word: string) => run.lines.filter((l) => l.startsWith(`${word}\t`)).map((l) => l.split('\t')[2]);
    expect(about('transitioned')).toEqual(['old/a']);
    expect(about('transition-not-possible')).toEqual(['cold/b']);
    // The moved object: its class, its ETag and its bytes, the bytes in the class's companion container.
    const head = await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/old/a`, keys: owner });
    expect(head.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    expect(head.headers['etag']).toBe(`"${hex(big)}"`);
    expect(hex((await rawS3(gw.url, { method: 'GET', path: `/${bucket}/old/a`, keys: owner })).body)).toBe(hex(big));
    const companion = await swiftDirect(stack, 'demo', 'GET', `${bucket}+ec21`, undefined, { query: { format: 'json' } });
    expect(companion.status).toBe(200);
    expect((JSON.parse(companion.body.toString()) as { name: string }[]).filter((r) => r.name.startsWith('old/a/'))).toHaveLength(1);
    // The others stay STANDARD, in the bucket.
    for (const key of ['old/small', 'cold/b']) {
      expect((await rawS3(gw.url, { method: 'HEAD', path: `/${bucket}/${key}`, keys: owner })).headers['x-amz-storage-class']).toBeUndefined();
    }
    // Run again: nothing more to move.
    const again = await runLifecycleCommand(runnerConfig, '--bucket', bucket, '--now', future(40));
    expect(again.lines.filter((l) => l.startsWith('transitioned\t'))).toEqual([]);
  }, 120_000);

  it('keeps what S3 keeps through a transition: Last-Modified (HEAD, GET, listings, after a later metadata change too) and the expiry a rule gave', async () => {
    const b = uniqueBucket('lc-keep');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: owner })).status).toBe(200);
    try {
      const rules = lifecycle('<Rule><ID>both</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Expiration><Days>365</Days></Expiration></Rule>');
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}?lifecycle`, keys: owner, body: rules, headers: { 'content-md5': md5(rules) } })).status).toBe(200);
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/kept`, keys: owner, body: big })).status).toBe(200);
      const listed = async () => /<LastModified>([^<]+)<\/LastModified>/.exec((await rawS3(gw.url, { method: 'GET', path: `/${b}?list-type=2`, keys: owner })).text())?.[1];
      const before = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/kept`, keys: owner });
      const listedBefore = await listed();
      const deleteAtBefore = (await swiftDirect(stack, 'demo', 'HEAD', b, 'kept')).headers['x-delete-at'];
      expect(deleteAtBefore).toMatch(/^\d+$/);
      expect(before.headers['x-amz-expiration']).toContain('rule-id="both"');
      // Past the second the object was written in: a new Swift write would show a later time.
      await new Promise((r) => setTimeout(r, 1100));
      const run = await runLifecycleCommand(runnerConfig, '--bucket', b, '--now', future(40));
      expect(run.lines.filter((l) => l.startsWith('transitioned\t')).map((l) => l.split('\t')[2]), run.lines.join('\n')).toEqual(['kept']);
      const after = await rawS3(gw.url, { method: 'HEAD', path: `/${b}/kept`, keys: owner });
      expect(after.headers['x-amz-storage-class']).toBe('STANDARD_IA');
      expect(after.headers['last-modified']).toBe(before.headers['last-modified']);
      expect(after.headers['x-amz-expiration']).toBe(before.headers['x-amz-expiration']);
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/kept`, keys: owner })).headers['last-modified']).toBe(before.headers['last-modified']);
      // Listings show the first write's time to the millisecond (Swift's own row would be the move's).
      expect(await listed()).toBe(listedBefore);
      // Swift's expirer deletes it on the date its write was given, bytes and manifest alike.
      const manifest = await swiftDirect(stack, 'demo', 'HEAD', b, 'kept');
      expect(manifest.headers['x-static-large-object']).toBe('True');
      expect(manifest.headers['x-delete-at']).toBe(deleteAtBefore);
      // A later metadata change (tags are a POST of the object) keeps it too.
      const tagging = '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>';
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/kept?tagging`, keys: owner, body: tagging, headers: { 'content-md5': md5(tagging) } })).status).toBe(200);
      expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/kept`, keys: owner })).headers['last-modified']).toBe(before.headers['last-modified']);
      expect(await listed()).toBe(listedBefore);
      // A copy is a new object: its own Last-Modified, not the kept one.
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/copy`, keys: owner, headers: { 'x-amz-copy-source': `/${b}/kept` } })).status).toBe(200);
      expect(Date.parse((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/copy`, keys: owner })).headers['last-modified']!)).toBeGreaterThan(Date.parse(before.headers['last-modified']!));
    } finally {
      await purgeBucket(stack, 'demo', b);
      await purgeBucket(stack, 'demo', `${b}+ec21`).catch(() => undefined);
      await purgeBucket(stack, 'demo', `${b}+tags`).catch(() => undefined);
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: owner }).catch(() => undefined);
    }
  }, 120_000);
});
