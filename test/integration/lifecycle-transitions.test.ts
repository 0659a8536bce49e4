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
});
