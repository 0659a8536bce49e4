// s3cmd (Debian's 2.3) through the gateway with --signature-v2 and no multipart:
// the client scenario with s3cmd's own commands, path-style and virtual-host
// style. s3cmd checks the ETag against the MD5 of what it sent and received,
// and keeps that check on.
//
// Virtual-host style: s3cmd resolves `<bucket>.s3.test` itself; a sitecustomize
// module on PYTHONPATH (for the s3cmd child process only) maps *.s3.test to
// 127.0.0.1, the "resolver trick".
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { describeRun, run, type RunResult } from './run.js';

let gw: TestGateway;
let dir: string;
const made: string[] = [];

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

const SMALL = Buffer.from('hello from s3cmd through the gateway\n'.repeat(10)); // 370 bytes
const BIG = randomBytes(5 * 1024 * 1024 + 321);

const SITECUSTOMIZE = `# Test-only: resolve s3.test and *.s3.test to the gateway on loopback.
import socket
_real = socket.getaddrinfo
def _getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and (host == "s3.test" or host.endswith(".s3.test")):
        host = "127.0.0.1"
    return _real(host, *args, **kwargs)
socket.getaddrinfo = _getaddrinfo
`;

beforeAll(async () => {
  gw = await startGateway();
  dir = mkdtempSync(join(tmpdir(), 's3cmd-client-'));
  writeFileSync(join(dir, 'small_file.txt'), SMALL);
  writeFileSync(join(dir, 'big.bin'), BIG);
  writeFileSync(join(dir, 'nested.txt'), 'nested');
  writeFileSync(join(dir, 'sitecustomize.py'), SITECUSTOMIZE);
});

afterAll(async () => {
  for (const b of made) await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(style: 'path' | 'virtual', secret: string): string {
  const keys = gw.stack.users.demo.ec2;
  const host = style === 'path' ? `127.0.0.1:${gw.port}` : `s3.test:${gw.port}`;
  const file = join(dir, `s3cfg-${style}-${secret === keys.secret ? 'good' : 'bad'}`);
  writeFileSync(
    file,
    [
      '[default]',
      `access_key = ${keys.access}`,
      `secret_key = ${secret}`,
      `host_base = ${host}`,
      `host_bucket = ${style === 'path' ? host : `%(bucket)s.${host}`}`,
      'use_https = False',
      'signature_v2 = True',
      'enable_multipart = False',
      'multipart_chunk_size_mb = 1024',
      'bucket_location = US',
      'check_ssl_certificate = False',
      'guess_mime_type = False',
      'progress_meter = False',
      'socket_timeout = 30',
      '',
    ].join('\n'),
  );
  return file;
}

for (const style of ['path', 'virtual'] as const) {
  describe(`s3cmd --signature-v2, ${style}-style`, () => {
    const b1 = uniqueBucket(`s3cmd-${style[0]}`);
    const b2 = uniqueBucket(`s3cmd-${style[0]}2`);
    let cfg: string;
    let badCfg: string;
    const out = (name: string) => join(dir, `${style}-${name}`);

    const s3cmd = (args: readonly string[], config = cfg): Promise<RunResult> =>
      run('s3cmd', ['-c', config, '--signature-v2', '--disable-multipart', '--no-progress', ...args], {
        env: style === 'virtual' ? { PYTHONPATH: dir } : {},
        timeoutMs: 60_000,
      });
    const ok = async (args: readonly string[]): Promise<RunResult> => {
      const r = await s3cmd(args);
      expect(r.code, describeRun(`s3cmd ${args.join(' ')}`, r)).toBe(0);
      return r;
    };

    beforeAll(() => {
      made.push(b1, b2);
      cfg = writeConfig(style, gw.stack.users.demo.ec2.secret);
      badCfg = writeConfig(style, `${gw.stack.users.demo.ec2.secret}x`);
    });

    it('mb creates two buckets; ls lists them', async () => {
      const r = await ok(['--debug', 'mb', `s3://${b1}`]);
      expect(r.stdout).toContain(`Bucket 's3://${b1}/' created`);
      // The request went where the style says.
      if (style === 'virtual') {
        expect(r.stderr).toContain(`get_hostname(${b1}): ${b1}.s3.test:${gw.port}`);
        expect(r.stderr).toContain(`method_string='PUT', uri='/'`);
      } else {
        expect(r.stderr).toContain(`method_string='PUT', uri='/${b1}/'`);
      }
      await ok(['mb', `s3://${b2}`]);
      const ls = await ok(['ls']);
      expect(ls.stdout).toContain(`s3://${b1}`);
      expect(ls.stdout).toContain(`s3://${b2}`);
    });

    it('put uploads a small object with --mime-type and x-amz-meta-* headers, and a ~5 MB one in one PUT (MD5 checked)', async () => {
      const small = await ok([
        'put', '--mime-type=text/plain; charset=utf-8', '--add-header=x-amz-meta-two_words:under score',
        '--add-header=x-amz-meta-color:blue', join(dir, 'small_file.txt'), `s3://${b1}/docs/small_file.txt`,
      ]);
      expect(small.stdout).toContain(`s3://${b1}/docs/small_file.txt`);
      expect(small.stderr).not.toMatch(/MD5 Sums don't match|WARNING/);
      const big = await ok(['--debug', 'put', join(dir, 'big.bin'), `s3://${b1}/data/big.bin`]);
      expect(big.stderr).not.toMatch(/MD5 Sums don't match|uploads\b/);
      await ok(['put', join(dir, 'nested.txt'), `s3://${b1}/docs/sub/nested.txt`]);
    });

    it('ls with a prefix shows the keys and the DIR prefixes; ls --recursive shows all keys with sizes', async () => {
      const top = await ok(['ls', `s3://${b1}/`]);
      expect(top.stdout).toMatch(new RegExp(`DIR\\s+s3://${b1}/data/`));
      expect(top.stdout).toMatch(new RegExp(`DIR\\s+s3://${b1}/docs/`));
      const docs = await ok(['ls', `s3://${b1}/docs/`]);
      expect(docs.stdout).toMatch(new RegExp(`DIR\\s+s3://${b1}/docs/sub/`));
      expect(docs.stdout).toMatch(new RegExp(`\\s${SMALL.length}\\s+s3://${b1}/docs/small_file\\.txt`));
      expect(docs.stdout).not.toContain('nested.txt');
      const all = await ok(['ls', '--recursive', `s3://${b1}`]);
      const lines = all.stdout.trim().split('\n');
      expect(lines.map((l) => l.split(/\s+/).pop())).toEqual([
        `s3://${b1}/data/big.bin`, `s3://${b1}/docs/small_file.txt`, `s3://${b1}/docs/sub/nested.txt`,
      ]);
      expect(all.stdout).toMatch(new RegExp(`\\s${BIG.length}\\s+s3://${b1}/data/big\\.bin`));
      const prefix = await ok(['ls', `s3://${b1}/docs/sm`]);
      expect(prefix.stdout.trim().split('\n')).toHaveLength(1);
      expect(prefix.stdout).toContain(`s3://${b1}/docs/small_file.txt`);
    });

    it('info (HEAD) shows size, MIME type and MD5; the HEAD response carries the metadata with "_" intact', async () => {
      const r = await ok(['--debug', 'info', `s3://${b1}/docs/small_file.txt`]);
      expect(r.stdout).toMatch(new RegExp(`File size: ${SMALL.length}`));
      expect(r.stdout).toContain('MIME type: text/plain; charset=utf-8');
      expect(r.stdout).toContain(`MD5 sum:   ${md5(SMALL)}`);
      // s3cmd prints the HEAD response's x-amz-meta-* headers.
      expect(r.stdout).toMatch(/^\s*x-amz-meta-two_words: under score$/m);
      expect(r.stdout).toMatch(/^\s*x-amz-meta-color: blue$/m);
      // s3cmd's own attribute header (a name with '-') round-trips too.
      expect(r.stdout).toMatch(new RegExp(`^\\s*x-amz-meta-s3cmd-attrs: .*md5:${md5(SMALL)}`, 'm'));
      // Policy and CORS sub-resources: this gateway answers 501, which s3cmd shows as "none".
      expect(r.stdout).toContain('Policy:    none');
      expect(r.stdout).toContain('CORS:      none');
      // GetObjectAcl: the owner (the Keystone user) alone, with FULL_CONTROL.
      expect(r.stdout).toContain(`ACL:       ${gw.stack.users.demo.username}: FULL_CONTROL`);
    });

    it('info on a bucket works (GetBucketLocation; the other sub-resources it asks for answer 501)', async () => {
      const r = await ok(['info', `s3://${b1}`]);
      expect(r.stdout).toContain(`s3://${b1}/ (bucket):`);
      expect(r.stdout).toMatch(/Location:\s+\S+/);
    });

    it('get --continue resumes a partial download with a Range request (bytes=100-) and the file matches', async () => {
      writeFileSync(out('resume.bin'), BIG.subarray(0, 100));
      const r = await ok(['--debug', 'get', '--continue', `s3://${b1}/data/big.bin`, out('resume.bin')]);
      expect(r.stderr).toContain('Requesting Range: 100 .. end');
      expect(r.stderr).toContain(`'content-range': 'bytes 100-${BIG.length - 1}/${BIG.length}'`);
      expect(r.stderr).toMatch(/'status': 206/);
      expect(sha256(readFileSync(out('resume.bin')))).toBe(sha256(BIG));
    });

    it('cp within the bucket keeps the metadata (COPY)', async () => {
      const r = await ok(['--debug', 'cp', `s3://${b1}/docs/small_file.txt`, `s3://${b1}/copies/small-copy.txt`]);
      expect(r.stderr).toMatch(/'x-amz-metadata-directive': 'COPY'/);
      const info = await ok(['info', `s3://${b1}/copies/small-copy.txt`]);
      expect(info.stdout).toContain('MIME type: text/plain; charset=utf-8');
      expect(info.stdout).toMatch(/^\s*x-amz-meta-two_words: under score$/m);
      expect(info.stdout).toMatch(/^\s*x-amz-meta-color: blue$/m);
    });

    it('cp with --mime-type/--add-header uses REPLACE: the new Content-Type and metadata are set', async () => {
      const r = await ok([
        '--debug', 'cp', '--mime-type=text/x-replaced', '--add-header=x-amz-meta-new_name:fresh',
        `s3://${b1}/docs/small_file.txt`, `s3://${b1}/copies/small-replaced.txt`,
      ]);
      expect(r.stderr).toMatch(/'x-amz-metadata-directive': 'REPLACE'/);
      const info = await ok(['info', `s3://${b1}/copies/small-replaced.txt`]);
      expect(info.stdout).toContain('MIME type: text/x-replaced');
      expect(info.stdout).toMatch(/^\s*x-amz-meta-new_name: fresh$/m);
      // s3cmd's REPLACE carries the source's metadata over itself (HEAD, then REPLACE with those plus the new ones).
      expect(info.stdout).toMatch(/^\s*x-amz-meta-two_words: under score$/m);
    });

    it('cp across buckets copies the 5 MB object; get of the copy matches', async () => {
      await ok(['cp', `s3://${b1}/data/big.bin`, `s3://${b2}/big-copy.bin`]);
      await ok(['get', '--force', `s3://${b2}/big-copy.bin`, out('big-copy.bin')]);
      expect(sha256(readFileSync(out('big-copy.bin')))).toBe(sha256(BIG));
    });

    it('get downloads both objects with the same SHA-256 as uploaded (s3cmd checks MD5 too)', async () => {
      const small = await ok(['get', '--force', `s3://${b1}/docs/small_file.txt`, out('small.txt')]);
      expect(small.stderr).not.toMatch(/MD5 signatures do not match|WARNING/);
      expect(sha256(readFileSync(out('small.txt')))).toBe(sha256(SMALL));
      const big = await ok(['get', '--force', `s3://${b1}/data/big.bin`, out('big.bin')]);
      expect(big.stderr).not.toMatch(/MD5 signatures do not match|WARNING/);
      expect(sha256(readFileSync(out('big.bin')))).toBe(sha256(BIG));
      const copy = await ok(['get', '--force', `s3://${b1}/copies/small-copy.txt`, out('small-copy.txt')]);
      expect(copy.stderr).not.toMatch(/WARNING/);
      expect(sha256(readFileSync(out('small-copy.txt')))).toBe(sha256(SMALL));
    });

    it('get of a missing key: s3cmd HEADs it first, gets 404 and says it does not exist (exit 64)', async () => {
      const r = await s3cmd(['--debug', 'get', '--force', `s3://${b1}/no/such/key`, out('missing')]);
      expect(r.code, describeRun('s3cmd get missing', r)).toBe(64);
      expect(r.stderr).toContain(`Source object 's3://${b1}/no/such/key' does not exist`);
      expect(r.stderr).toMatch(/method_string='HEAD', uri='[^']*no\/such\/key'/);
      expect(r.stderr).toMatch(/'status': 404/);
    });

    it('info and del of a missing key report 404 (NoSuchKey), exit code 12', async () => {
      const info = await s3cmd(['info', `s3://${b1}/no/such/key`]);
      expect(info.code, describeRun('s3cmd info missing', info)).toBe(12);
      expect(info.stderr).toContain('404 (NoSuchKey)');
      // The ucloud dialect answers DELETE of a missing key with a NoSuchKey document.
      const del = await s3cmd(['--debug', 'del', `s3://${b1}/no/such/key`]);
      expect(del.code, describeRun('s3cmd del missing', del)).toBe(12);
      expect(del.stderr).toContain('S3 error: 404 (NoSuchKey)');
      expect(del.stderr).toMatch(/method_string='DELETE'/);
    });

    it('a wrong secret fails with 401 SignatureDoesNotMatch', async () => {
      const r = await s3cmd(['ls', `s3://${b1}`], badCfg);
      // s3cmd has no exit code for 401 (its table knows 403 → 77), so it exits 70 (EX_SOFTWARE).
      expect(r.code, describeRun('s3cmd ls with a wrong secret', r)).toBe(70);
      expect(r.stderr).toContain('S3 error: 401 (SignatureDoesNotMatch)');
    });

    it('del removes the objects; ls shows nothing', async () => {
      const del = await ok([
        'del', `s3://${b1}/docs/small_file.txt`, `s3://${b1}/data/big.bin`, `s3://${b1}/docs/sub/nested.txt`,
        `s3://${b1}/copies/small-copy.txt`, `s3://${b1}/copies/small-replaced.txt`,
      ]);
      expect(del.stdout.match(/delete: /g)).toHaveLength(5);
      await ok(['del', `s3://${b2}/big-copy.bin`]);
      expect((await ok(['ls', '--recursive', `s3://${b1}`])).stdout.trim()).toBe('');
      expect((await ok(['ls', '--recursive', `s3://${b2}`])).stdout.trim()).toBe('');
    });

    it('rb removes both buckets; ls no longer lists them', async () => {
      const r = await ok(['rb', `s3://${b1}`, `s3://${b2}`]);
      expect(r.stdout).toContain(`Bucket 's3://${b1}/' removed`);
      expect(r.stdout).toContain(`Bucket 's3://${b2}/' removed`);
      const ls = await ok(['ls']);
      expect(ls.stdout).not.toContain(b1);
      expect(ls.stdout).not.toContain(b2);
    });
  });
}
