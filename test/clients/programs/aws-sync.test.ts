// `aws s3 sync` as people leave it running: a second run uploads nothing.
// The CLI decides from the listing (size and LastModified against the local
// file's size and mtime), so the listing's sizes and times must agree with
// HEAD's, key by key; then down and back, byte for byte, and again nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow, makeTree, treeDigest } from './program.js';

const VERSION = execFileSync('aws', ['--version'], { encoding: 'utf8' }).trim().split(' ')[0]!.replace('aws-cli/', '');
let gw: TestGateway;
let tree: string;
const b = uniqueBucket('prog-awssync');
let env: Record<string, string>;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  tree = makeTree('awssync');
  const dir = mkdtempSync(join(tmpdir(), 's3gw-awssync-'));
  writeFileSync(join(dir, 'config'), '[default]\ns3 =\n    addressing_style = path\n');
  env = {
    AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: gw.stack.users.demo.ec2.access, AWS_SECRET_ACCESS_KEY: gw.stack.users.demo.ec2.secret,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', AWS_CA_BUNDLE: '',
  };
});
afterAll(async () => {
  if (gw) {
    await purgeContainer(gw.stack, 'demo', b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
});

describe(`aws s3 sync (aws CLI ${VERSION})`, () => {
  const row = new ProgramRow({
    program: 'aws s3 sync', version: VERSION,
    what: 'sync up (120 small files + 24 MiB multipart), listing and HEAD agree on every size and time, a second sync uploads nothing, sync down byte for byte, again nothing',
    setup: 'defaults (SigV4), `addressing_style = path`',
  });
  const aws = async (args: string[]) => {
    const r = await run('aws', ['--endpoint-url', gw.url, ...args], { env, timeoutMs: 110_000 });
    expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
    return r;
  };
  const transfers = (stdout: string) => stdout.split(/[\r\n]/).filter((l) => /^(upload|download): /.test(l));

  row.step('sync uploads all 121 files', async () => {
    await aws(['s3', 'mb', `s3://${b}`]);
    const r = await aws(['s3', 'sync', '--no-progress', tree, `s3://${b}/tree`]);
    expect(transfers(r.stdout)).toHaveLength(121);
  });
  row.step('the listing and HEAD agree on each key\'s size and Last-Modified', async () => {
    const listed = JSON.parse((await aws(['s3api', 'list-objects-v2', '--bucket', b])).stdout) as { Contents: { Key: string; Size: number; LastModified: string }[] };
    expect(listed.Contents).toHaveLength(121);
    for (const o of listed.Contents.filter((_, i) => i % 10 === 0 || _.Key === 'tree/large.bin')) {
      const head = JSON.parse((await aws(['s3api', 'head-object', '--bucket', b, '--key', o.Key])).stdout) as { ContentLength: number; LastModified: string };
      expect(head.ContentLength, o.Key).toBe(o.Size);
      // HEAD's Last-Modified is an HTTP date (whole seconds); the listing's is the same second.
      expect(Math.floor(Date.parse(head.LastModified) / 1000), o.Key).toBe(Math.floor(Date.parse(o.LastModified) / 1000));
    }
  });
  row.step('a second sync uploads nothing', async () => {
    const r = await aws(['s3', 'sync', '--no-progress', tree, `s3://${b}/tree`]);
    expect(transfers(r.stdout)).toEqual([]);
  });
  row.step('sync down gives the tree back byte for byte; syncing down again downloads nothing', async () => {
    const down = mkdtempSync(join(tmpdir(), 's3gw-awssync-down-'));
    expect(transfers((await aws(['s3', 'sync', '--no-progress', `s3://${b}/tree`, down])).stdout)).toHaveLength(121);
    expect(treeDigest(down)).toEqual(treeDigest(tree));
    expect(transfers((await aws(['s3', 'sync', '--no-progress', `s3://${b}/tree`, down])).stdout)).toEqual([]);
  });
  row.step('rm --recursive and rb remove it all', async () => {
    await aws(['s3', 'rm', '--recursive', '--quiet', `s3://${b}`]);
    await aws(['s3', 'rb', `s3://${b}`]);
  });
});
