// The matrix scenario with s3cmd (Debian's 2.3): its default signing (SigV4,
// `bucket_location = us-east-1`) addressed virtual-host style, and
// `--signature-v2` path style. Multipart with s3cmd's default 15 MiB chunks.
// Virtual-host style needs *.s3.test to resolve: a test-only sitecustomize.py
// on PYTHONPATH points those names at the gateway on loopback, for s3cmd alone.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { describeRun, run, type RunResult } from '../run.js';
import {
  BIG_SIZE, MatrixRow, MiB, expectBucketGone, expectMultipart, getObject, headObject, matrixData, operationsOn, outDir, requestUrl, sha256File, swiftNames,
} from './matrix.js';

const VERSION = execFileSync('s3cmd', ['--version'], { encoding: 'utf8' }).trim().replace('s3cmd version ', '');
const data = matrixData();
const bigBytes = readFileSync(data.big);

const SITECUSTOMIZE = `# Test-only: resolve s3.test and *.s3.test to the gateway on loopback.
import socket
_real = socket.getaddrinfo
def _getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and (host == "s3.test" or host.endswith(".s3.test")):
        host = "127.0.0.1"
    return _real(host, *args, **kwargs)
socket.getaddrinfo = _getaddrinfo
`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});

const ROWS = [
  { signing: 'SigV4', addressing: 'virtual-host' },
  { signing: 'SigV2', addressing: 'path' },
] as const;

for (const { signing, addressing } of ROWS) {
  describe(`s3cmd ${VERSION}, ${signing}, ${addressing} style`, () => {
    const row = new MatrixRow({
      client: 's3cmd', version: VERSION, signing, addressing,
      setup: signing === 'SigV4'
        ? 'defaults (SigV4), `bucket_location = us-east-1`, `host_bucket = %(bucket)s.s3.test:PORT`'
        : '`--signature-v2`, `host_bucket` = `host_base`',
    });
    row.usesGateway(() => gw);
    const b = row.bucket(uniqueBucket(`mx-s3cmd-${signing.toLowerCase()}`));
    const out = outDir(`s3cmd-${signing}`);
    let cfg: string;

    beforeAll(() => {
      const host = addressing === 'path' ? `127.0.0.1:${gw.port}` : `s3.test:${gw.port}`;
      writeFileSync(join(out, 'sitecustomize.py'), SITECUSTOMIZE);
      cfg = join(out, 's3cfg');
      writeFileSync(cfg, [
        '[default]',
        `access_key = ${gw.stack.users.demo.ec2.access}`,
        `secret_key = ${gw.stack.users.demo.ec2.secret}`,
        `host_base = ${host}`,
        `host_bucket = ${addressing === 'path' ? host : `%(bucket)s.${host}`}`,
        'use_https = False',
        `signature_v2 = ${signing === 'SigV2' ? 'True' : 'False'}`,
        'bucket_location = us-east-1',
        'progress_meter = False',
        'socket_timeout = 60',
        '',
      ].join('\n'));
    });

    const s3cmd = (args: readonly string[]): Promise<RunResult> =>
      run('s3cmd', ['-c', cfg, ...(signing === 'SigV2' ? ['--signature-v2'] : []), ...args], { env: { PYTHONPATH: out }, timeoutMs: 100_000 });
    const ok = async (args: readonly string[]): Promise<RunResult> => {
      const r = await s3cmd(args);
      expect(r.code, describeRun(`s3cmd ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    const expectSigned = (stderr: string) => {
      if (signing === 'SigV4') expect(stderr).toMatch(/'Authorization': 'AWS4-HMAC-SHA256 Credential=/);
      else expect(stderr).toMatch(/'Authorization': 'AWS [^:']+:/);
      if (addressing === 'virtual-host') expect(stderr).toContain(`get_hostname(${b}): ${b}.s3.test:${gw.port}`);
    };

    row.how('bucket', '`mb`, `ls`, `rb`');
    row.step('bucket', 'mb creates the bucket, signed and addressed as this row says; ls lists it', async () => {
      const r = await ok(['--debug', 'mb', `s3://${b}`]);
      expect(r.stdout).toContain(`Bucket 's3://${b}/' created`);
      expectSigned(r.stderr);
      expect((await ok(['ls'])).stdout).toContain(`s3://${b}`);
    });

    row.how('put', '`put --mime-type --add-header=x-amz-meta-…`');
    row.step('put', 'put uploads small objects with a MIME type and x-amz-meta-* headers', async () => {
      await ok(['put', '--mime-type=text/plain; charset=utf-8', '--add-header=x-amz-meta-color:blue', '--add-header=x-amz-meta-two_words:under score',
        data.small, `s3://${b}/docs/small.txt`]);
      await ok(['put', data.small, `s3://${b}/docs/sub/deeper.txt`]);
      await ok(['put', data.small, `s3://${b}/top.txt`]);
      const head = await headObject(gw, b, 'docs/small.txt');
      expect(head['content-type']).toBe('text/plain; charset=utf-8');
      expect(head['x-amz-meta-two_words']).toBe('under score');
    });

    row.how('multipart', '`put` of 20 MiB: 2 parts of 15 MiB (default `multipart_chunk_size_mb`)');
    row.step('multipart', 'put uploads 20 MiB in 2 parts; the gateway stores an SLO', async () => {
      const r = await ok(['--debug', 'put', data.big, `s3://${b}/big/big.bin`]);
      expect(r.stderr).toMatch(/method_string='POST', uri='[^']*big\/big\.bin\?uploads'/);
      const parts = [...r.stderr.matchAll(/format_uri\(\): \S*big\/big\.bin\?partNumber=(\d+)&uploadId=/g)].map((m) => Number(m[1]));
      expect(parts.sort()).toEqual([1, 2]);
      expect(r.stderr).not.toMatch(/MD5 Sums don't match|WARNING/);
      await expectMultipart(gw, b, 'big/big.bin', bigBytes, 15 * MiB);
    });

    row.how('list', '`ls` of a prefix, `ls` of the bucket (delimiter `/`), `ls --recursive`');
    row.step('list', 'ls shows DIR prefixes and keys at each level; ls --recursive every key with its size', async () => {
      const docs = await ok(['ls', `s3://${b}/docs/`]);
      expect(docs.stdout).toMatch(new RegExp(`DIR\\s+s3://${b}/docs/sub/`));
      expect(docs.stdout).toMatch(new RegExp(`\\s${data.smallBytes.length}\\s+s3://${b}/docs/small\\.txt`));
      const top = await ok(['ls', `s3://${b}/`]);
      expect(top.stdout).toMatch(new RegExp(`DIR\\s+s3://${b}/big/`));
      expect(top.stdout).toMatch(new RegExp(`DIR\\s+s3://${b}/docs/`));
      expect(top.stdout).toMatch(new RegExp(`s3://${b}/top\\.txt`));
      const all = await ok(['ls', '--recursive', `s3://${b}/`]);
      expect(all.stdout).toMatch(new RegExp(`\\s${BIG_SIZE}\\s+s3://${b}/big/big\\.bin`));
      expect(all.stdout.trim().split('\n')).toHaveLength(4);
    });

    row.how('head', '`info` (HEAD; also GetObjectAcl, GetBucketPolicy, GetBucketCors)');
    row.step('head', 'info shows size, MIME type, MD5 and the metadata', async () => {
      const r = await ok(['info', `s3://${b}/docs/small.txt`]);
      expect(r.stdout).toMatch(new RegExp(`File size: ${data.smallBytes.length}`));
      expect(r.stdout).toContain('MIME type: text/plain; charset=utf-8');
      expect(r.stdout).toContain(`MD5 sum:   ${createHash('md5').update(data.smallBytes).digest('hex')}`);
      expect(r.stdout).toMatch(/^\s*x-amz-meta-two_words: under score$/m);
    });

    row.how('range', '`get --continue` of a partial file (Range: bytes=N-)');
    row.step('range', 'get --continue resumes a partial download from a part boundary with a Range request', async () => {
      const file = join(out, 'resume.bin');
      writeFileSync(file, bigBytes.subarray(0, 8388600));
      const r = await ok(['--debug', 'get', '--continue', `s3://${b}/big/big.bin`, file]);
      expect(r.stderr).toContain('Requesting Range: 8388600 .. end');
      expect(sha256File(file)).toBe(data.bigSha256);
    });

    row.how('copy', '`cp s3://… s3://…` (CopyObject)');
    row.step('copy', 'cp copies the small object (metadata kept) and the 20 MiB multipart one', async () => {
      await ok(['cp', `s3://${b}/docs/small.txt`, `s3://${b}/copies/small.txt`]);
      expect((await headObject(gw, b, 'copies/small.txt'))['x-amz-meta-color']).toBe('blue');
      await ok(['cp', `s3://${b}/big/big.bin`, `s3://${b}/copies/big.bin`]);
      expect(createHash('sha256').update(await getObject(gw, b, 'copies/big.bin')).digest('hex')).toBe(data.bigSha256);
    });

    row.how('download', '`get` (s3cmd checks the MD5 too)');
    row.step('download', 'get downloads both objects; the bytes are the uploaded ones', async () => {
      const r = await ok(['get', '--force', `s3://${b}/big/big.bin`, join(out, 'big.bin')]);
      expect(r.stderr).not.toMatch(/MD5 signatures do not match|WARNING/);
      expect(sha256File(join(out, 'big.bin'))).toBe(data.bigSha256);
      await ok(['get', '--force', `s3://${b}/docs/small.txt`, join(out, 'small.txt')]);
      expect(readFileSync(join(out, 'small.txt')).equals(data.smallBytes)).toBe(true);
    });

    row.how('sync', '`sync` up, again (nothing to do), and down');
    row.step('sync', 'sync uploads a directory, uploads nothing the second time, and syncs it back down', async () => {
      const up = await ok(['sync', `${data.syncDir}/`, `s3://${b}/sync/`]);
      expect(up.stdout.match(/^upload: /gm)).toHaveLength(3);
      const again = await ok(['sync', `${data.syncDir}/`, `s3://${b}/sync/`]);
      expect(again.stdout).not.toMatch(/^upload: /m);
      const down = await ok(['sync', `s3://${b}/sync/`, `${join(out, 'sync')}/`]);
      expect(down.stdout.match(/^download: /gm)).toHaveLength(3);
      for (const f of ['one.txt', 'two.txt', 'sub/three.txt']) {
        expect(readFileSync(join(out, 'sync', f)).equals(readFileSync(join(data.syncDir, f)))).toBe(true);
      }
    });

    row.how('acl', '`info` (GetObjectAcl, GetBucketAcl), `setacl --acl-private` (reads the ACL, finds it private, skips)');
    row.step('acl', 'info shows the owner with FULL_CONTROL; setacl --acl-private succeeds on an object and on the bucket', async () => {
      const user = gw.stack.users.demo.username;
      expect((await ok(['info', `s3://${b}/docs/small.txt`])).stdout).toContain(`ACL:       ${user}: FULL_CONTROL`);
      expect((await ok(['info', `s3://${b}`])).stdout).toContain(`ACL:       ${user}: FULL_CONTROL`);
      // s3cmd reads the ACL first (GetObjectAcl / GetBucketAcl), finds it private, and sends nothing more.
      expect((await ok(['--verbose', 'setacl', '--acl-private', `s3://${b}/docs/small.txt`])).stderr).toContain(`s3://${b}/docs/small.txt: already Private, skipping`);
      expect((await ok(['--verbose', 'setacl', '--acl-private', `s3://${b}`])).stderr).toMatch(/already Private, skipping|ACL set to Private/);
    });

    row.how('presign', '`signurl` (SigV2 query auth in both rows), fetched without s3cmd');
    row.step('presign', 'signurl makes a GET URL that fetch() can read', async () => {
      const url = (await ok(['signurl', `s3://${b}/docs/small.txt`, '+300'])).stdout.trim();
      // s3cmd signs URLs with SigV2 whatever signs its requests; fetch cannot resolve *.s3.test.
      const res = await requestUrl(url);
      expect(res.status, res.body.toString()).toBe(200);
      expect(res.body.equals(data.smallBytes)).toBe(true);
    });

    row.how('delete', '`del`');
    row.step('delete', 'del deletes one object', async () => {
      expect((await ok(['del', `s3://${b}/top.txt`])).stdout).toContain(`delete: 's3://${b}/top.txt'`);
      expect(await swiftNames(gw, b)).not.toContain('top.txt');
    });

    row.how('multiDelete', '`del --recursive --force` (DeleteObjects)');
    row.step('multiDelete', 'del --recursive deletes a prefix, then the rest, with DeleteObjects; no segment is left', async () => {
      const copies = await ok(['del', '--recursive', '--force', `s3://${b}/copies/`]);
      expect(copies.stdout.match(/^delete: /gm)).toHaveLength(2);
      await ok(['del', '--recursive', '--force', `s3://${b}/`]);
      expect(operationsOn(gw, b).filter((o) => o === 'DeleteObjects')).toHaveLength(2);
      expect(await swiftNames(gw, b)).toEqual([]);
      expect((await swiftNames(gw, `${b}+segments`)) ?? []).toEqual([]);
    });

    row.step('bucket', 'rb removes the bucket and its segments container', async () => {
      await ok(['rb', `s3://${b}`]);
      await expectBucketGone(gw, b);
    });
  });
}
