// s3fs-fuse (Debian's) mounting a bucket through the gateway: write, read,
// rename, list, a large file (multipart), delete, unmount. Needs FUSE
// (/dev/fuse and the right to mount): where the machine has none, the row
// says so, with the error, instead of passing.
// The gateway runs as its own process: file calls on the mount block their
// thread until the gateway answers, so it must not share this test's event loop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { uniqueBucket } from '../../helpers/gateway.js';
import { eventually, startGatewayProcess, type GatewayProcess } from '../../helpers/process.js';
import { rawS3 } from '../../helpers/raw-s3.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { ProgramRow } from './program.js';

const VERSION = /V(\d+\.\d+)/.exec(spawnSync('s3fs', ['--version'], { encoding: 'utf8' }).stdout ?? '')?.[1] ?? 'not installed';

/** Why FUSE cannot be used here, or undefined. */
function fuseUnavailable(): string | undefined {
  if (!existsSync('/dev/fuse')) return '/dev/fuse does not exist: this machine (or its container) has no FUSE device';
  try {
    closeSync(openSync('/dev/fuse', 'r+'));
  } catch (err) {
    return `/dev/fuse cannot be opened (${(err as NodeJS.ErrnoException).code}): mounting needs root or the fuse group`;
  }
  if (!/\bfuse\b/.test(readFileSync('/proc/filesystems', 'utf8'))) return 'the kernel has no fuse filesystem (/proc/filesystems)';
  return undefined;
}

const row = new ProgramRow({
  program: 's3fs', version: VERSION,
  what: 'mount a bucket (FUSE), write, read, rename, list, 20 MiB file (multipart), delete, unmount',
  setup: '`s3fs BUCKET DIR -f -o url=http://127.0.0.1:PORT,use_path_request_style,passwd_file=…` (SigV4)',
});
const unavailable = fuseUnavailable();
if (unavailable) row.cannotRun(unavailable);

describe.skipIf(unavailable !== undefined)(`s3fs ${VERSION}`, () => {
  let gw: GatewayProcess;
  const b = uniqueBucket('prog-s3fs');
  let mnt: string;
  let child: ChildProcess | undefined;
  let log = '';

  beforeAll(async () => {
    gw = await startGatewayProcess({ settings: { 's3.dialect': 'aws' } });
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: gw.stack.users.demo.ec2 })).status).toBe(200);
    mnt = mkdtempSync(join(tmpdir(), 's3gw-s3fs-mnt-'));
  });
  afterAll(async () => {
    // A failed run leaves the mount: end s3fs first (a call on the mount then fails
    // instead of hanging), then detach the mount point lazily.
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (isMounted()) spawnSync('fusermount', ['-u', '-z', mnt]);
    if (gw) {
      await purgeContainer(gw.stack, 'demo', b);
      await purgeContainer(gw.stack, 'demo', `${b}+segments`);
    }
    await gw?.stop();
  });

  /** Operations the gateway logged for this bucket. */
  const operations = () => gw.stdout().split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['bucket'] === b).map((l) => l['operation']);
  const isMounted = () => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt);

  row.step('mounts the bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3gw-s3fs-'));
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, `${gw.stack.users.demo.ec2.access}:${gw.stack.users.demo.ec2.secret}\n`, { mode: 0o600 });
    child = spawn('s3fs', [b, mnt, '-f', '-o', `url=${gw.url},use_path_request_style,passwd_file=${passwd},endpoint=us-east-1,multipart_size=8,stat_cache_expire=1,dbglevel=warn`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    await eventually(async () => isMounted() || (child!.exitCode !== null && Promise.reject(new Error(`s3fs exited ${child!.exitCode}: ${log}`))), 15_000);
  });
  row.step('writes a file and reads it back; the object is in the bucket', async () => {
    await writeFile(join(mnt, 'hello.txt'), 'hello through FUSE\n');
    expect(await readFile(join(mnt, 'hello.txt'), 'utf8')).toBe('hello through FUSE\n');
    const got = await rawS3(gw.url, { method: 'GET', path: `/${b}/hello.txt`, keys: gw.stack.users.demo.ec2 });
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('hello through FUSE\n');
  });
  row.step('renames a file (copy + delete in S3)', async () => {
    await rename(join(mnt, 'hello.txt'), join(mnt, 'renamed.txt'));
    expect(await readFile(join(mnt, 'renamed.txt'), 'utf8')).toBe('hello through FUSE\n');
    expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}/hello.txt`, keys: gw.stack.users.demo.ec2 })).status).toBe(404);
    expect(operations()).toContain('CopyObject');
  });
  row.step('makes a directory and lists the mount', async () => {
    const sub = join(mnt, 'sub');
    await mkdir(sub);
    await writeFile(join(sub, 'inner.txt'), 'inner\n');
    expect((await readdir(mnt)).sort()).toEqual(['renamed.txt', 'sub']);
    expect(await readdir(sub)).toEqual(['inner.txt']);
    expect((await stat(join(sub, 'inner.txt'))).size).toBe(6);
  });
  row.step('writes a 20 MiB file (a multipart upload) and reads the same bytes', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(Math.imul(i, 2654435761) >>> 0, i);
    await writeFile(join(mnt, 'big.bin'), big);
    const sha = (d: Buffer) => createHash('sha256').update(d).digest('hex');
    expect(sha(await readFile(join(mnt, 'big.bin')))).toBe(sha(big));
    expect(operations()).toContain('CompleteMultipartUpload');
  }, 120_000);
  row.step('deletes files and unmounts cleanly', async () => {
    await unlink(join(mnt, 'big.bin'));
    await rm(join(mnt, 'sub'), { recursive: true });
    expect(await readdir(mnt)).toEqual(['renamed.txt']);
    expect(spawnSync('fusermount', ['-u', mnt]).status).toBe(0);
    await eventually(async () => child!.exitCode !== null, 10_000);
    expect(isMounted()).toBe(false);
  });
});
