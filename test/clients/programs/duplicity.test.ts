// duplicity (Debian's, with its boto3 backend and Debian's python3-boto3):
// a full backup, an incremental one after a change, verify, and a restore
// compared byte for byte; its 24 MiB volumes go up as multipart uploads.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { rawS3 } from '../../helpers/raw-s3.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow, makeTree, treeDigest } from './program.js';

const VERSION = execFileSync('duplicity', ['--version'], { encoding: 'utf8' }).trim().split(' ')[1]!;
let gw: TestGateway;
const b = uniqueBucket('prog-duplicity');
let tree: string;
let archive: string;

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  tree = makeTree('duplicity');
  archive = mkdtempSync(join(tmpdir(), 's3gw-duplicity-archive-'));
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: gw.stack.users.demo.ec2 })).status).toBe(200);
});
afterAll(async () => {
  if (gw) {
    await purgeContainer(gw.stack, 'demo', b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
  rmSync(archive, { recursive: true, force: true });
});

describe(`duplicity ${VERSION}`, () => {
  const row = new ProgramRow({
    program: 'duplicity', version: VERSION,
    what: 'full backup (120 small files + 24 MiB, 10 MiB volumes), incremental backup, `verify`, restore byte for byte',
    setup: 'URL `boto3+s3://BUCKET/backup`, `--s3-endpoint-url http://127.0.0.1:PORT --s3-region-name us-east-1 --s3-multipart-chunk-size 5`, GnuPG symmetric encryption (PASSPHRASE)',
  });
  const duplicity = async (args: string[]) => {
    const r = await run('duplicity', [...args, '--s3-endpoint-url', gw.url, '--s3-region-name', 'us-east-1', '--archive-dir', archive, '--volsize', '10', '--s3-multipart-chunk-size', '5'], {
      env: {
        AWS_ACCESS_KEY_ID: gw.stack.users.demo.ec2.access, AWS_SECRET_ACCESS_KEY: gw.stack.users.demo.ec2.secret, PASSPHRASE: 'duplicity-test-passphrase',
        AWS_CA_BUNDLE: '', HOME: archive,
      },
      timeoutMs: 110_000,
    });
    expect(r.code, describeRun(`duplicity ${args.join(' ')}`, r)).toBe(0);
    return r;
  };
  const url = () => `boto3+s3://${b}/backup`;

  row.step('a full backup uploads every file with no error', async () => {
    const r = await duplicity(['full', tree, url()]);
    expect(r.stdout).toMatch(/^Errors 0$/m);
    expect(r.stdout).toMatch(/^SourceFiles 1\d\d$/m);
    // Its 10 MiB volumes went up as multipart uploads of 5 MiB parts.
    const ops = gw.logs.filter((l) => l['msg'] === 'request' && l['bucket'] === b).map((l) => l['operation']);
    expect(ops).toContain('CreateMultipartUpload');
    expect(ops).toContain('CompleteMultipartUpload');
  });
  row.step('an incremental backup after a change stores that one file', async () => {
    appendFileSync(join(tree, 'd2', 'file-2.txt'), 'changed\n');
    const r = await duplicity(['incremental', tree, url()]);
    expect(r.stdout).toMatch(/^ChangedFiles 1$/m);
    expect(r.stdout).toMatch(/^Errors 0$/m);
  });
  row.step('collection-status shows one full and one incremental backup', async () => {
    const r = await duplicity(['collection-status', url()]);
    expect(r.stdout).toMatch(/Full\s+.+\s+\d+\s*$/m);
    expect(r.stdout).toMatch(/Incremental\s+.+\s+\d+\s*$/m);
  });
  row.step('verify compares the backup with the tree: no difference', async () => {
    const r = await duplicity(['verify', url(), tree]);
    expect(r.stdout).toMatch(/Verify complete: \d+ files compared, 0 differences found\./);
  });
  row.step('restore is the tree, byte for byte', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 's3gw-duplicity-restore-')), 'tree');
    await duplicity(['restore', url(), target]);
    expect(treeDigest(target)).toEqual(treeDigest(tree));
  });
});
