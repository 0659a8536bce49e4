// The matrix scenario with the aws CLI v1 (`aws s3` and `aws s3api`), with its
// default signing (SigV4, CRC32 checksums) and with SigV2. For SigV2 the CLI
// needs help: botocore resolves S3's signer from its endpoint ruleset and
// ignores `s3.signature_version = s3` in the config file, so the SigV2 row loads
// the test-only plugin ../awscli_sigv2.py, which sets the default client config.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { describeRun, run, type RunResult } from '../run.js';
import {
  BIG_SIZE, MatrixRow, MiB, expectBucketGone, expectMultipart, getObject, headObject, matrixData, operationsOn, outDir, sha256, sha256File, swiftNames,
} from './matrix.js';

const PLUGIN_DIR = fileURLToPath(new URL('..', import.meta.url));
const VERSION = execFileSync('aws', ['--version'], { encoding: 'utf8' }).trim().split(' ')[0]!.replace('aws-cli/', '');
const data = matrixData();
const bigBytes = readFileSync(data.big);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});

/** The requests the CLI sent, from its --debug log: "METHOD url". */
const sent = (stderr: string) =>
  [...stderr.matchAll(/Sending http request: <AWSPreparedRequest stream_output=\w+, method=(\w+), url=([^,]+),/g)].map((m) => `${m[1]} ${m[2]}`);

for (const signing of ['SigV4', 'SigV2'] as const) {
  describe(`aws CLI ${VERSION}, ${signing}, path style`, () => {
    const row = new MatrixRow({
      client: 'aws CLI', version: VERSION, signing, addressing: 'path',
      setup: signing === 'SigV4' ? 'defaults (SigV4, CRC32 checksums), `addressing_style = path`' : 'test plugin `awscli_sigv2.py` forcing `signature_version=s3` (the config file setting is ignored by botocore 1.43)',
    });
    row.usesGateway(() => gw);
    const b = row.bucket(uniqueBucket(`mx-aws-${signing.toLowerCase()}`));
    const out = outDir(`aws-${signing}`);
    let env: Record<string, string>;

    beforeAll(() => {
      const config = join(out, 'aws-config');
      writeFileSync(config, `[default]\ns3 =\n    addressing_style = path\n${signing === 'SigV2' ? '\n[plugins]\nsigv2 = awscli_sigv2\n' : ''}`);
      env = {
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_ACCESS_KEY_ID: gw.stack.users.demo.ec2.access,
        AWS_SECRET_ACCESS_KEY: gw.stack.users.demo.ec2.secret,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_MAX_ATTEMPTS: '1',
        AWS_PAGER: '',
        PYTHONPATH: PLUGIN_DIR,
        PYTHONDONTWRITEBYTECODE: '1',
      };
    });

    const aws = (args: readonly string[]): Promise<RunResult> => run('aws', ['--endpoint-url', gw.url, ...args], { env, timeoutMs: 100_000 });
    const ok = async (args: readonly string[]): Promise<RunResult> => {
      const r = await aws(args);
      expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    const json = async <T>(args: readonly string[]): Promise<T> => JSON.parse((await ok(args)).stdout) as T;
    const expectSigned = (stderr: string) => {
      if (signing === 'SigV4') expect(stderr).toMatch(/'Authorization': b'AWS4-HMAC-SHA256 Credential=/);
      else {
        expect(stderr).toMatch(/'Authorization': b'AWS [^:']+:/);
        expect(stderr).not.toMatch(/AWS4-HMAC-SHA256/);
      }
    };

    row.how('bucket', '`s3 mb`, `s3 ls`, `s3 rb`');
    row.step('bucket', 's3 mb creates the bucket, signed as this row says; s3 ls lists it', async () => {
      const r = await ok(['--debug', 's3', 'mb', `s3://${b}`]);
      expect(r.stdout).toContain(`make_bucket: ${b}`);
      expectSigned(r.stderr);
      expect((await ok(['s3', 'ls'])).stdout).toMatch(new RegExp(` ${b}$`, 'm'));
    });

    row.how('put', '`s3 cp --content-type --metadata`');
    row.step('put', 's3 cp uploads small objects with Content-Type and metadata', async () => {
      await ok(['s3', 'cp', '--no-progress', data.small, `s3://${b}/docs/small.txt`, '--content-type', 'text/plain; charset=utf-8',
        '--metadata', JSON.stringify({ color: 'blue', two_words: 'under score' })]);
      await ok(['s3', 'cp', '--no-progress', data.small, `s3://${b}/docs/sub/deeper.txt`]);
      await ok(['s3', 'cp', '--no-progress', data.small, `s3://${b}/top.txt`]);
      const head = await headObject(gw, b, 'docs/small.txt');
      expect(head['content-type']).toBe('text/plain; charset=utf-8');
      expect(head['x-amz-meta-color']).toBe('blue');
      expect(head['x-amz-meta-two_words']).toBe('under score');
    });

    row.how('multipart', '`s3 cp` of 20 MiB: 3 parts of 8 MiB (default threshold and chunk size)');
    row.step('multipart', 's3 cp uploads 20 MiB as CreateMultipartUpload + 3 UploadParts + Complete; the gateway stores an SLO', async () => {
      const r = await ok(['--debug', 's3', 'cp', '--no-progress', data.big, `s3://${b}/big/big.bin`]);
      const reqs = sent(r.stderr);
      const base = `${gw.url}/${b}/big/big.bin`;
      expect(reqs.filter((q) => q === `POST ${base}?uploads`)).toHaveLength(1);
      expect(reqs.filter((q) => q.startsWith(`PUT ${base}?uploadId=`))).toHaveLength(3);
      expect(reqs.filter((q) => q.startsWith(`POST ${base}?uploadId=`))).toHaveLength(1);
      expectSigned(r.stderr);
      await expectMultipart(gw, b, 'big/big.bin', bigBytes, 8 * MiB);
    });

    row.how('list', '`s3 ls`, `s3api list-objects-v2 --prefix --delimiter`, `s3api list-objects --delimiter`');
    row.step('list', 's3 ls shows prefixes and keys; list-objects(-v2) with prefix and delimiter answer Contents and CommonPrefixes', async () => {
      const ls = await ok(['s3', 'ls', `s3://${b}/docs/`]);
      expect(ls.stdout).toMatch(/PRE sub\/$/m);
      expect(ls.stdout).toMatch(new RegExp(`\\s${data.smallBytes.length} small\\.txt$`, 'm'));
      const v2 = await json<{ Contents?: { Key: string }[]; CommonPrefixes?: { Prefix: string }[]; KeyCount: number }>(
        ['s3api', 'list-objects-v2', '--bucket', b, '--prefix', 'docs/', '--delimiter', '/']);
      expect(v2.Contents?.map((c) => c.Key)).toEqual(['docs/small.txt']);
      expect(v2.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['docs/sub/']);
      const v1 = await json<{ Contents?: { Key: string; Size: number }[]; CommonPrefixes?: { Prefix: string }[] }>(
        ['s3api', 'list-objects', '--bucket', b, '--delimiter', '/']);
      expect(v1.Contents?.map((c) => c.Key)).toEqual(['top.txt']);
      expect(v1.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['big/', 'docs/']);
      const recursive = await ok(['s3', 'ls', '--recursive', `s3://${b}/`]);
      expect(recursive.stdout).toMatch(new RegExp(`\\s${BIG_SIZE} big/big\\.bin$`, 'm'));
    });

    row.how('head', '`s3api head-object`');
    row.step('head', 's3api head-object answers size, Content-Type and the metadata', async () => {
      const h = await json<{ ContentLength: number; ContentType: string; Metadata: Record<string, string>; ETag: string }>(
        ['s3api', 'head-object', '--bucket', b, '--key', 'docs/small.txt']);
      expect(h.ContentLength).toBe(data.smallBytes.length);
      expect(h.ContentType).toBe('text/plain; charset=utf-8');
      expect(h.Metadata).toEqual({ color: 'blue', 'two_words': 'under score' });
      expect(h.ETag).toBe(`"${createHash('md5').update(data.smallBytes).digest('hex')}"`);
    });

    row.how('range', '`s3api get-object --range` across a part boundary');
    row.step('range', 's3api get-object --range across a part boundary answers exactly those bytes', async () => {
      const file = join(out, 'range.bin');
      const r = await json<{ ContentRange: string; ContentLength: number }>(
        ['s3api', 'get-object', '--bucket', b, '--key', 'big/big.bin', '--range', 'bytes=8388600-8388699', file]);
      expect(r.ContentRange).toBe(`bytes 8388600-8388699/${BIG_SIZE}`);
      expect(readFileSync(file).equals(bigBytes.subarray(8388600, 8388700))).toBe(true);
    });

    row.how('copy', '`s3 cp s3://… s3://…` (CopyObject; 20 MiB as UploadPartCopy)');
    row.step('copy', 's3 cp copies the small object (metadata kept) and the 20 MiB one (multipart copy) within the bucket', async () => {
      await ok(['s3', 'cp', '--no-progress', `s3://${b}/docs/small.txt`, `s3://${b}/copies/small.txt`]);
      const head = await headObject(gw, b, 'copies/small.txt');
      expect(head['x-amz-meta-color']).toBe('blue');
      const r = await ok(['--debug', 's3', 'cp', '--no-progress', `s3://${b}/big/big.bin`, `s3://${b}/copies/big.bin`]);
      expect(sent(r.stderr).filter((q) => q.startsWith(`PUT ${gw.url}/${b}/copies/big.bin?uploadId=`))).toHaveLength(3);
      expect(sha256(await getObject(gw, b, 'copies/big.bin'))).toBe(data.bigSha256);
    });

    row.how('download', '`s3 cp s3://… file` (ranged GETs for 20 MiB)');
    row.step('download', 's3 cp downloads both objects; the bytes are the uploaded ones', async () => {
      const r = await ok(['--debug', 's3', 'cp', '--no-progress', `s3://${b}/big/big.bin`, join(out, 'big.bin')]);
      expect(r.stderr).toMatch(/'Range': b'bytes=0-8388607'/);
      expect(sha256File(join(out, 'big.bin'))).toBe(data.bigSha256);
      await ok(['s3', 'cp', '--no-progress', `s3://${b}/docs/small.txt`, join(out, 'small.txt')]);
      expect(readFileSync(join(out, 'small.txt')).equals(data.smallBytes)).toBe(true);
    });

    row.how('sync', '`s3 sync` up, again (nothing to do), and down');
    row.step('sync', 's3 sync uploads a directory, finds nothing to do the second time, and syncs it back down', async () => {
      const up = await ok(['s3', 'sync', '--no-progress', data.syncDir, `s3://${b}/sync/`]);
      expect(up.stdout.match(/^upload: /gm)).toHaveLength(3);
      const again = await ok(['s3', 'sync', '--no-progress', data.syncDir, `s3://${b}/sync/`]);
      expect(again.stdout.trim()).toBe('');
      const down = await ok(['s3', 'sync', '--no-progress', `s3://${b}/sync/`, join(out, 'sync')]);
      expect(down.stdout.match(/^download: /gm)).toHaveLength(3);
      for (const f of ['one.txt', 'two.txt', 'sub/three.txt']) {
        expect(readFileSync(join(out, 'sync', f)).equals(readFileSync(join(data.syncDir, f)))).toBe(true);
      }
    });

    row.how('acl', '`s3api get-bucket-acl`, `get-object-acl`, `put-bucket-acl --acl private`, `put-object-acl --acl private`');
    row.step('acl', 's3api get-*-acl answer the owner with FULL_CONTROL; put-*-acl --acl private succeed', async () => {
      const demo = gw.stack.users.demo;
      for (const args of [['get-bucket-acl', '--bucket', b], ['get-object-acl', '--bucket', b, '--key', 'docs/small.txt']]) {
        const acl = await json<{ Owner: { ID: string; DisplayName: string }; Grants: { Grantee: { ID: string; Type: string }; Permission: string }[] }>(['s3api', ...args]);
        expect(acl.Owner).toEqual({ ID: demo.projectId, DisplayName: demo.username });
        expect(acl.Grants).toEqual([{ Grantee: { ID: demo.projectId, DisplayName: demo.username, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
      }
      await ok(['s3api', 'put-bucket-acl', '--bucket', b, '--acl', 'private']);
      await ok(['s3api', 'put-object-acl', '--bucket', b, '--key', 'docs/small.txt', '--acl', 'private']);
    });

    row.how('presign', '`s3 presign` (GET), fetched without the CLI; CLI v1 presigns with SigV2 query auth in both rows');
    row.step('presign', 's3 presign makes a GET URL that fetch() can read', async () => {
      const url = (await ok(['s3', 'presign', `s3://${b}/docs/small.txt`, '--expires-in', '300'])).stdout.trim();
      // aws CLI v1 presigns with SigV2 query auth (AWSAccessKeyId, Expires, Signature) whatever it signs requests with.
      expect(url).toMatch(/[?&]AWSAccessKeyId=.*&Signature=.*&Expires=/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(data.smallBytes)).toBe(true);
    });

    row.how('delete', '`s3 rm`');
    row.step('delete', 's3 rm deletes one object', async () => {
      const r = await ok(['s3', 'rm', `s3://${b}/top.txt`]);
      expect(r.stdout).toContain(`delete: s3://${b}/top.txt`);
      expect(await swiftNames(gw, b)).not.toContain('top.txt');
    });

    row.how('multiDelete', '`s3api delete-objects` (DeleteObjects), then `s3 rm --recursive` (one DeleteObject per key in CLI v1)');
    row.step('multiDelete', 's3api delete-objects deletes several keys (a multipart copy with its segments, a missing key); s3 rm --recursive empties the bucket', async () => {
      const r = await json<{ Deleted?: { Key: string }[]; Errors?: unknown[] }>(['s3api', 'delete-objects', '--bucket', b, '--delete',
        JSON.stringify({ Objects: [{ Key: 'copies/small.txt' }, { Key: 'copies/big.bin' }, { Key: 'no/such/key' }] })]);
      expect(r.Errors ?? []).toEqual([]);
      expect(r.Deleted?.map((d) => d.Key).sort()).toEqual(['copies/big.bin', 'copies/small.txt', 'no/such/key']);
      expect(operationsOn(gw, b)).toContain('DeleteObjects');
      expect(((await swiftNames(gw, `${b}+segments`)) ?? []).filter((s) => s.startsWith('copies/'))).toEqual([]);
      const rm = await ok(['s3', 'rm', '--recursive', `s3://${b}/`]);
      expect(rm.stdout).toContain(`delete: s3://${b}/big/big.bin`);
      expect(await swiftNames(gw, b)).toEqual([]);
      expect((await swiftNames(gw, `${b}+segments`)) ?? []).toEqual([]);
    });

    row.step('bucket', 's3 rb removes the bucket and its segments container', async () => {
      await ok(['s3', 'rb', `s3://${b}`]);
      await expectBucketGone(gw, b);
    });
  });
}
