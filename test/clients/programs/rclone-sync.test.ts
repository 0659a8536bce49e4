// rclone as a sync tool: `sync --checksum` up and down, `check` (hashes on
// both sides), and a second sync that transfers nothing, path style and
// virtual-host style. The large file goes up multipart, where S3's ETag is no
// MD5: rclone keeps the MD5 in X-Amz-Meta-Md5chksum and compares that.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow, makeTree, treeDigest } from './program.js';
import { vhostProxy, type VhostProxy } from './vhost-proxy.js';

const VERSION = execFileSync('rclone', ['version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/^rclone v/, '');
let gw: TestGateway;
let proxy: VhostProxy;
let tree: string;
const buckets: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws', domains: ['localhost', 's3.test'] });
  proxy = await vhostProxy(gw.port);
  tree = makeTree('rclone');
});
afterAll(async () => {
  await proxy?.close();
  if (gw) for (const b of buckets) {
    await purgeContainer(gw.stack, 'demo', b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
});

for (const addressing of ['path', 'virtual-host'] as const) {
  describe(`rclone ${VERSION} sync, ${addressing} style`, () => {
    const row = new ProgramRow({
      program: `rclone sync (${addressing})`, version: VERSION,
      what: '`sync --checksum` up (120 small files + 24 MiB multipart), `check`, a second sync that copies nothing, `sync --checksum` down byte for byte',
      setup: addressing === 'path'
        ? 'provider Other, `force_path_style = true`, `--s3-upload-cutoff 8M --s3-chunk-size 8M` (SigV4)'
        : 'provider Other, `force_path_style = false`, endpoint `http://s3.test:PORT` through a test forward proxy (HTTP_PROXY) that sends BUCKET.s3.test to the gateway (SigV4)',
    });
    const b = uniqueBucket(`prog-rclone-${addressing === 'path' ? 'p' : 'v'}`);
    buckets.push(b);
    let conf = '';
    beforeAll(() => {
      conf = join(mkdtempSync(join(tmpdir(), 's3gw-rclone-sync-')), 'rclone.conf');
      writeFileSync(conf, ['[gw]', 'type = s3', 'provider = Other', 'env_auth = false',
        `access_key_id = ${gw.stack.users.demo.ec2.access}`, `secret_access_key = ${gw.stack.users.demo.ec2.secret}`,
        `endpoint = ${addressing === 'path' ? gw.url : `http://s3.test:${gw.port}`}`, `force_path_style = ${addressing === 'path'}`, 'region = us-east-1', ''].join('\n'));
    });
    const rclone = async (args: string[]) => {
      const r = await run('rclone', ['--config', conf, '--retries', '1', '--low-level-retries', '1', '--s3-upload-cutoff', '8M', '--s3-chunk-size', '8M', ...args], {
        env: { AWS_CA_BUNDLE: '', ...(addressing === 'virtual-host' ? { HTTP_PROXY: proxy.url, http_proxy: proxy.url, NO_PROXY: '', no_proxy: '' } : {}) },
        timeoutMs: 110_000,
      });
      expect(r.code, describeRun(`rclone ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    const copied = (stderr: string) => (stderr.match(/: Copied \((new|replaced existing)\)/g) ?? []).length;

    row.step('mkdir, then sync --checksum uploads all 121 files', async () => {
      await rclone(['mkdir', `gw:${b}`]);
      const r = await rclone(['-v', 'sync', '--checksum', tree, `gw:${b}/tree`]);
      expect(copied(r.stderr)).toBe(121);
      if (addressing === 'virtual-host') {
        expect(proxy.hosts).toContain(`${b}.s3.test:${gw.port}`);
        expect(proxy.hosts.filter((h) => h.startsWith(`${b}.`)).length).toBeGreaterThan(100);
      }
    });
    row.step('check finds every file the same on both sides (sizes and MD5s, the multipart one included)', async () => {
      const r = await rclone(['check', tree, `gw:${b}/tree`]);
      expect(r.stderr).toMatch(/0 differences found/);
      expect(r.stderr).toMatch(/121 matching files/);
      expect(r.stderr).not.toMatch(/hash.*(missing|could not)/i);
    });
    row.step('a second sync --checksum copies nothing', async () => {
      const r = await rclone(['-v', 'sync', '--checksum', tree, `gw:${b}/tree`]);
      expect(copied(r.stderr)).toBe(0);
      expect(r.stderr).toMatch(/There was nothing to transfer|Transferred:\s+0 \/ 0/);
    });
    row.step('sync --checksum down gives the tree back, byte for byte', async () => {
      const down = mkdtempSync(join(tmpdir(), 's3gw-rclone-down-'));
      const r = await rclone(['-v', 'sync', '--checksum', `gw:${b}/tree`, down]);
      expect(copied(r.stderr)).toBe(121);
      expect(treeDigest(down)).toEqual(treeDigest(tree));
    });
    row.step('purge removes everything', async () => {
      await rclone(['purge', `gw:${b}`]);
    });
  });
}
