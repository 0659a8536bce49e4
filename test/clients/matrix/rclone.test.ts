// The matrix scenario with rclone (Debian's 1.60) as an S3 remote of provider
// Other: its default signing (SigV4) and `v2_auth = true`, path style. rclone
// uploads in one PUT up to 200 MiB by default; this row sets an 8 MiB cutoff
// and chunk size so the 20 MiB file goes multipart.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { describeRun, run, type RunResult } from '../run.js';
import {
  BIG_SIZE, MatrixRow, MiB, expectBucketGone, expectMultipart, getObject, headObject, matrixData, operationsOn, outDir, requestUrl, sha256, sha256File, swiftNames,
} from './matrix.js';

const VERSION = execFileSync('rclone', ['version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/^rclone v/, '');
const data = matrixData();
const bigBytes = readFileSync(data.big);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});

for (const signing of ['SigV4', 'SigV2'] as const) {
  describe(`rclone ${VERSION}, ${signing}, path style`, () => {
    const row = new MatrixRow({
      client: 'rclone', version: VERSION, signing, addressing: 'path',
      setup: `provider Other, \`force_path_style = true\`${signing === 'SigV2' ? ', `v2_auth = true`' : ''}, \`--s3-upload-cutoff 8M --s3-chunk-size 8M\``,
    });
    row.usesGateway(() => gw);
    const b = row.bucket(uniqueBucket(`mx-rclone-${signing.toLowerCase()}`));
    const out = outDir(`rclone-${signing}`);
    let conf: string;

    beforeAll(() => {
      conf = join(out, 'rclone.conf');
      writeFileSync(conf, [
        '[gw]',
        'type = s3',
        'provider = Other',
        'env_auth = false',
        `access_key_id = ${gw.stack.users.demo.ec2.access}`,
        `secret_access_key = ${gw.stack.users.demo.ec2.secret}`,
        `endpoint = ${gw.url}`,
        'force_path_style = true',
        'region = us-east-1',
        ...(signing === 'SigV2' ? ['v2_auth = true'] : []),
        '',
      ].join('\n'));
    });

    const rclone = (args: readonly string[]): Promise<RunResult> =>
      run('rclone', ['--config', conf, '--retries', '1', '--low-level-retries', '1', '--s3-upload-cutoff', '8M', '--s3-chunk-size', '8M', ...args], {
        // This environment's AWS_CA_BUNDLE makes rclone's AWS SDK refuse its own HTTP transport
        // ("LoadCustomCABundleError ... unsupported transport"); the endpoint is plain HTTP anyway.
        env: { AWS_CA_BUNDLE: '' },
        timeoutMs: 100_000,
      });
    const ok = async (args: readonly string[]): Promise<RunResult> => {
      const r = await rclone(args);
      expect(r.code, describeRun(`rclone ${args.join(' ')}`, r)).toBe(0);
      return r;
    };
    const expectSigned = (stderr: string) => {
      if (signing === 'SigV4') expect(stderr).toMatch(/Authorization: AWS4-HMAC-SHA256 Credential=/);
      else {
        expect(stderr).toContain('Using v2 auth');
        expect(stderr).toMatch(/Authorization: AWS [^:\s]+:/);
      }
    };

    row.how('bucket', '`mkdir`, `lsd`, `rmdir`');
    row.step('bucket', 'mkdir creates the bucket, signed as this row says; lsd lists it', async () => {
      const r = await ok(['-vv', '--dump', 'headers,auth', 'mkdir', `gw:${b}`]);
      expectSigned(r.stderr);
      expect((await ok(['lsd', 'gw:'])).stdout).toMatch(new RegExp(` ${b}$`, 'm'));
    });

    row.how('put', '`copyto --header-upload` (Content-Type, X-Amz-Meta-*)');
    row.step('put', 'copyto uploads small objects with Content-Type and metadata headers', async () => {
      await ok(['copyto', data.small, `gw:${b}/docs/small.txt`, '--header-upload', 'Content-Type: text/plain; charset=utf-8',
        '--header-upload', 'X-Amz-Meta-Color: blue', '--header-upload', 'X-Amz-Meta-Two_words: under score']);
      await ok(['copyto', data.small, `gw:${b}/docs/sub/deeper.txt`]);
      await ok(['copyto', data.small, `gw:${b}/top.txt`]);
      const head = await headObject(gw, b, 'docs/small.txt');
      expect(head['content-type']).toBe('text/plain; charset=utf-8');
      expect(head['x-amz-meta-color']).toBe('blue');
      expect(head['x-amz-meta-two_words']).toBe('under score');
    });

    row.how('multipart', '`copyto` of 20 MiB: 3 parts of 8 MiB (`--s3-upload-cutoff 8M --s3-chunk-size 8M`)');
    row.step('multipart', 'copyto uploads 20 MiB in 3 parts; the gateway stores an SLO', async () => {
      const r = await ok(['-vv', '--dump', 'headers', 'copyto', data.big, `gw:${b}/big/big.bin`]);
      expect(r.stderr).toMatch(/POST \/[^ ]*big\/big\.bin\?uploads=? HTTP\/1\.1/);
      expect(r.stderr.match(/PUT \/[^ ]*big\/big\.bin\?partNumber=\d+&uploadId=\S+ HTTP\/1\.1/g)).toHaveLength(3);
      expect(r.stderr).toMatch(/POST \/[^ ]*big\/big\.bin\?uploadId=\S+ HTTP\/1\.1/);
      await expectMultipart(gw, b, 'big/big.bin', bigBytes, 8 * MiB);
    });

    row.how('list', '`lsf` of a directory (prefix and delimiter), `lsjson -R`');
    row.step('list', 'lsf lists a directory with prefix and delimiter; lsjson -R every key with its size', async () => {
      const r = await ok(['-vv', '--dump', 'headers', 'lsf', `gw:${b}/docs/`]);
      expect(r.stdout.trim().split('\n').sort()).toEqual(['small.txt', 'sub/']);
      expect(r.stderr).toMatch(/GET \/[^ ]*\?delimiter=%2F[^ ]*prefix=docs%2F/);
      const all = JSON.parse((await ok(['lsjson', '-R', '--files-only', `gw:${b}`])).stdout) as { Path: string; Size: number }[];
      expect(all.map((e) => [e.Path, e.Size]).sort()).toEqual([
        ['big/big.bin', BIG_SIZE], ['docs/small.txt', data.smallBytes.length], ['docs/sub/deeper.txt', data.smallBytes.length], ['top.txt', data.smallBytes.length],
      ]);
    });

    row.how('head', '`lsjson --stat --metadata`');
    row.step('head', 'lsjson --stat --metadata shows size, MIME type and the metadata', async () => {
      const r = JSON.parse((await ok(['lsjson', '--stat', '--metadata', `gw:${b}/docs/small.txt`])).stdout) as
        { Size: number; MimeType: string; Metadata?: Record<string, string> };
      expect(r.Size).toBe(data.smallBytes.length);
      expect(r.MimeType).toBe('text/plain; charset=utf-8');
      expect(r.Metadata).toMatchObject({ color: 'blue', two_words: 'under score', 'content-type': 'text/plain; charset=utf-8' });
    });

    row.how('range', '`cat --offset --count` across a part boundary');
    row.step('range', 'cat --offset --count reads exactly those bytes (a Range request)', async () => {
      const r = await ok(['cat', '--offset', '8388600', '--count', '100', `gw:${b}/big/big.bin`]);
      expect(r.stdoutBytes.equals(bigBytes.subarray(8388600, 8388700))).toBe(true);
    });

    row.how('copy', '`copyto gw:… gw:…` (server-side CopyObject)');
    row.step('copy', 'copyto between remote paths copies server-side, the metadata and the 20 MiB object included', async () => {
      const r = await ok(['-vv', '--dump', 'headers', 'copyto', `gw:${b}/docs/small.txt`, `gw:${b}/copies/small.txt`]);
      expect(r.stderr).toMatch(/X-Amz-Copy-Source: /i);
      expect((await headObject(gw, b, 'copies/small.txt'))['x-amz-meta-color']).toBe('blue');
      await ok(['copyto', `gw:${b}/big/big.bin`, `gw:${b}/copies/big.bin`]);
      expect(sha256(await getObject(gw, b, 'copies/big.bin'))).toBe(data.bigSha256);
    });

    row.how('download', '`copyto gw:… file`');
    row.step('download', 'copyto downloads both objects; the bytes are the uploaded ones', async () => {
      await ok(['copyto', `gw:${b}/big/big.bin`, join(out, 'big.bin')]);
      expect(sha256File(join(out, 'big.bin'))).toBe(data.bigSha256);
      await ok(['copyto', `gw:${b}/docs/small.txt`, join(out, 'small.txt')]);
      expect(readFileSync(join(out, 'small.txt')).equals(data.smallBytes)).toBe(true);
    });

    row.how('sync', '`sync` up, again (nothing to do), and down');
    row.step('sync', 'sync uploads a directory, copies nothing the second time, and syncs it back down', async () => {
      const up = await ok(['-v', 'sync', data.syncDir, `gw:${b}/sync`]);
      expect(up.stderr.match(/: Copied \(new\)/g)).toHaveLength(3);
      const again = await ok(['-v', 'sync', data.syncDir, `gw:${b}/sync`]);
      expect(again.stderr).not.toMatch(/: Copied/);
      const down = await ok(['-v', 'sync', `gw:${b}/sync`, join(out, 'sync')]);
      expect(down.stderr.match(/: Copied \(new\)/g)).toHaveLength(3);
      for (const f of ['one.txt', 'two.txt', 'sub/three.txt']) {
        expect(readFileSync(join(out, 'sync', f)).equals(readFileSync(join(data.syncDir, f)))).toBe(true);
      }
    });

    row.notApplicable('acl', 'rclone has no ACL command');


    if (signing === 'SigV4') {
      row.step('presign', 'link makes a presigned GET URL that fetch() can read', async () => {
        const url = (await ok(['link', '--expire', '5m', `gw:${b}/docs/small.txt`])).stdout.trim();
        expect(url).toMatch(/X-Amz-Signature=/);
        row.how('presign', '`link --expire` (a presigned GET URL, SigV4 query auth), fetched without rclone');
        const res = await requestUrl(url);
        expect(res.status, res.body.toString()).toBe(200);
        expect(res.body.equals(data.smallBytes)).toBe(true);
      });
    } else {
      row.notApplicable('presign', 'rclone 1.60 with `v2_auth` makes `link` URLs with no signature at all; the gateway refuses them as anonymous (tested)');
      it('[presign: n/a] link with v2_auth makes an unsigned URL, which the gateway refuses', async () => {
        const url = (await ok(['link', '--expire', '5m', `gw:${b}/docs/small.txt`])).stdout.trim();
        expect(url).not.toMatch(/Signature=/);
        const res = await requestUrl(url);
        expect(res.status).toBe(401);
        expect(res.body.toString()).toContain('<Code>AccessDenied</Code>');
      });
    }

    row.how('delete', '`deletefile`');
    row.step('delete', 'deletefile deletes one object', async () => {
      await ok(['deletefile', `gw:${b}/top.txt`]);
      expect(await swiftNames(gw, b)).not.toContain('top.txt');
    });

    row.step('multiDelete', 'purge of a directory and delete of the rest remove every object and segment', async () => {
      const before = operationsOn(gw, b).length;
      await ok(['purge', `gw:${b}/copies`]);
      await ok(['delete', `gw:${b}`]);
      expect(await swiftNames(gw, b)).toEqual([]);
      expect((await swiftNames(gw, `${b}+segments`)) ?? []).toEqual([]);
      const used = operationsOn(gw, b).slice(before);
      const bulk = used.includes('DeleteObjects');
      row.how('multiDelete', `\`purge\` of a directory, \`delete\` of the rest (rclone sent ${bulk ? 'DeleteObjects' : `${used.filter((o) => o === 'DeleteObject').length} DeleteObject requests, no DeleteObjects`})`);
    });

    row.step('bucket', 'rmdir removes the bucket and its segments container', async () => {
      await ok(['rmdir', `gw:${b}`]);
      await expectBucketGone(gw, b);
    });
  });
}
