// restic (Debian's, which talks S3 through minio-go v7) backing up to the
// gateway: init, a backup of many small files and one large one, snapshots,
// check --read-data (every pack downloaded and verified), a second backup,
// restore compared byte for byte, and forget --prune (packs rewritten and
// deleted).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow, makeTree, treeDigest } from './program.js';

const VERSION = execFileSync('restic', ['version'], { encoding: 'utf8' }).split(' ')[1]!;
let gw: TestGateway;
const b = uniqueBucket('prog-restic');
let tree: string;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  tree = makeTree('restic');
});
afterAll(async () => {
  if (gw) {
    await purgeContainer(gw.stack, 'demo', b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
});

describe(`restic ${VERSION}`, () => {
  const row = new ProgramRow({
    program: 'restic', version: VERSION,
    what: 'init, backup (120 small files + 24 MiB), snapshots, `check --read-data`, second backup, restore byte for byte, `forget --prune`',
    setup: 'repository `s3:http://127.0.0.1:PORT/BUCKET`, keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (minio-go v7, SigV4, path style)',
  });
  const restic = async (args: string[]) => {
    const r = await run('restic', ['-r', `s3:${gw.url}/${b}`, '--no-cache', ...args], {
      env: { AWS_ACCESS_KEY_ID: gw.stack.users.demo.ec2.access, AWS_SECRET_ACCESS_KEY: gw.stack.users.demo.ec2.secret, RESTIC_PASSWORD: 'restic-test-password' },
      timeoutMs: 110_000,
    });
    expect(r.code, describeRun(`restic ${args.join(' ')}`, r)).toBe(0);
    return r;
  };
  let first = '';

  row.step('init creates the repository (and its bucket)', async () => {
    const r = await restic(['init']);
    expect(r.stdout).toMatch(/created restic repository \w+ at s3:/);
  });
  row.step('backup stores 121 files (120 small, one of 24 MiB)', async () => {
    const r = await restic(['backup', '--json', tree]);
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { message_type: string; files_new?: number; snapshot_id?: string }).find((m) => m.message_type === 'summary')!;
    expect(summary.files_new).toBe(121);
    first = summary.snapshot_id!;
  });
  row.step('snapshots lists the backup', async () => {
    const list = JSON.parse((await restic(['snapshots', '--json'])).stdout) as { id: string; short_id: string; paths: string[] }[];
    expect(list.map((s) => s.short_id)).toEqual([first.slice(0, 8)]);
    expect(list[0]!.paths).toEqual([tree]);
  });
  row.step('check --read-data downloads and verifies every pack', async () => {
    const r = await restic(['check', '--read-data']);
    expect(r.stdout).toContain('no errors were found');
  });
  row.step('a second backup after a change stores only the change', async () => {
    appendFileSync(join(tree, 'd1', 'file-1.txt'), 'changed\n');
    const r = await restic(['backup', '--json', tree]);
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { message_type: string; files_changed?: number; files_new?: number }).find((m) => m.message_type === 'summary')!;
    expect([summary.files_new, summary.files_changed]).toEqual([0, 1]);
  });
  row.step('restore of the latest snapshot is the tree, byte for byte', async () => {
    const target = mkdtempSync(join(tmpdir(), 's3gw-restic-restore-'));
    await restic(['restore', 'latest', '--target', target]);
    expect(treeDigest(join(target, tree))).toEqual(treeDigest(tree));
  });
  row.step('forget --keep-last 1 --prune removes the first snapshot and its unused data; check still passes', async () => {
    const r = await restic(['forget', '--keep-last', '1', '--prune']);
    expect(r.stdout).toMatch(/remove 1 snapshots/);
    const list = JSON.parse((await restic(['snapshots', '--json'])).stdout) as { short_id: string }[];
    expect(list.map((s) => s.short_id)).not.toContain(first.slice(0, 8));
    expect(list).toHaveLength(1);
    expect((await restic(['check'])).stdout).toContain('no errors were found');
  });
});
