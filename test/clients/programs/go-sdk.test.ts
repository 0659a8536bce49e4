// Go SDKs beyond JavaScript and Python, each a small program of ours built
// against Debian's Go sources (GOPATH mode; the build cache under /var/tmp
// keeps later runs fast): the AWS SDK for Go v1 (golang-github-aws-aws-sdk-go-dev,
// go_scenario/main.go) and minio-go v7 (golang-github-minio-minio-go-v7-dev,
// go_minio/main.go). The same scenario for both: bucket, put/get with
// metadata, list with prefix and delimiter, a multipart upload of 12 MiB in
// 5 MiB parts, a presigned GET, bulk delete. Each step runs the program once
// (SigV4, path style).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow } from './program.js';

const CACHE = '/var/tmp/s3gw-go-scenario';
const GO_VERSION = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout?.trim().split(' ')[2] ?? 'go not installed';
const debianVersion = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' }).stdout?.replace(/-[^-]*$/, '') || '?';

interface GoProgram {
  readonly name: string;
  readonly source: string;
  readonly version: () => string;
  readonly setup: string;
  /** The expected answers that differ between the two APIs. */
  readonly expectBucket: Record<string, unknown>;
  readonly expectPutGet: Record<string, unknown>;
  readonly expectDelete: Record<string, unknown>;
}

const PROGRAMS: GoProgram[] = [
  {
    name: 'AWS SDK for Go', source: 'go_scenario/main.go', version: () => debianVersion('golang-github-aws-aws-sdk-go-dev'),
    setup: `\`session.NewSession(&aws.Config{Endpoint, Region: "us-east-1", S3ForcePathStyle: true})\`, s3manager for the upload (SigV4), built with ${GO_VERSION}`,
    expectBucket: { listed: true },
    expectPutGet: { body: 'hello from go', type: 'text/plain', color: 'blue' },
    expectDelete: { deleted: ['big.bin', 'docs/a.txt', 'docs/sub/b.txt', 'top.txt'], errors: 0 },
  },
  {
    name: 'minio-go', source: 'go_minio/main.go', version: () => debianVersion('golang-github-minio-minio-go-v7-dev'),
    setup: `\`minio.New(host, &minio.Options{Creds: NewStaticV4, Region: "us-east-1", BucketLookup: BucketLookupPath})\` (SigV4), built with ${GO_VERSION}`,
    expectBucket: { listed: true, exists: true },
    expectPutGet: { body: 'hello from minio-go', type: 'text/plain', color: 'blue' },
    expectDelete: { errors: 0, left: [], exists: false },
  },
];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});
afterAll(async () => {
  await gw?.stop();
});

for (const program of PROGRAMS) {
  describe(program.name, () => {
    const b = uniqueBucket(`prog-${program.name === 'minio-go' ? 'minio' : 'gosdk'}`);
    const binary = `${CACHE}/${program.name.replace(/\W+/g, '-')}-${process.pid}`;
    const row = new ProgramRow({
      program: program.name, version: program.version(),
      what: 'create/list bucket, put/get with metadata, list with prefix + delimiter, a 12 MiB upload in 5 MiB parts (multipart), presigned GET, bulk delete, delete bucket',
      setup: program.setup,
    });
    beforeAll(async () => {
      mkdirSync(`${CACHE}/gopath`, { recursive: true });
      const build = await run('go', ['build', '-o', binary, fileURLToPath(new URL(program.source, import.meta.url))], {
        env: { GO111MODULE: 'off', GOPATH: `${CACHE}/gopath:/usr/share/gocode`, GOCACHE: `${CACHE}/cache`, GOFLAGS: '', CGO_ENABLED: '0' },
        timeoutMs: 300_000,
      });
      expect(build.code, describeRun('go build', build)).toBe(0);
    }, 320_000);
    afterAll(async () => {
      rmSync(binary, { force: true });
      if (gw) {
        await purgeContainer(gw.stack, 'demo', b);
        await purgeContainer(gw.stack, 'demo', `${b}+segments`);
      }
    });
    const step = async (name: string): Promise<Record<string, unknown>> => {
      const r = await run(binary, [name], {
        env: { S3_URL: gw.url, S3_HOST: new URL(gw.url).host, AK: gw.stack.users.demo.ec2.access, SK: gw.stack.users.demo.ec2.secret, BUCKET: b, AWS_CA_BUNDLE: '' },
        timeoutMs: 60_000,
      });
      expect(r.code, describeRun(`${program.source} ${name}`, r)).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    };

    row.step('makes a bucket that the bucket list shows', async () => {
      expect(await step('bucket')).toEqual(program.expectBucket);
    });
    row.step('puts an object with Content-Type and metadata; gets them back', async () => {
      expect(await step('put-get')).toEqual(program.expectPutGet);
    });
    row.step('lists with prefix and delimiter', async () => {
      expect(await step('list')).toEqual({ keys: ['docs/a.txt'], prefixes: ['docs/sub/'] });
    });
    row.step('uploads 12 MiB in 5 MiB parts (S3 multipart ETag) and reads back the same bytes', async () => {
      const r = await step('multipart');
      expect(r['size']).toBe(12 * 1024 * 1024);
      expect(r['same']).toBe(true);
      expect(String(r['etag']).replace(/"/g, '')).toMatch(/^[0-9a-f]{32}-3$/);
      const ops = gw.logs.filter((l) => l['msg'] === 'request' && l['bucket'] === b).map((l) => l['operation']);
      expect(ops.filter((o) => o === 'UploadPart')).toHaveLength(3);
    });
    row.step('a presigned GET URL works without the SDK', async () => {
      const r = await step('presign');
      expect(r).toEqual({ signed: true, status: 200, body: program.expectPutGet['body'] });
    });
    row.step('bulk delete removes every key; the bucket is removed', async () => {
      expect(await step('delete')).toEqual(program.expectDelete);
      expect(gw.logs.some((l) => l['msg'] === 'request' && l['bucket'] === b && l['operation'] === 'DeleteObjects')).toBe(true);
    });
  });
}
