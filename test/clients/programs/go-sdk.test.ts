// The AWS SDK for Go (v1, Debian's golang-github-aws-aws-sdk-go-dev), an SDK
// beyond JavaScript and Python: bucket, put/get with metadata, list with
// prefix and delimiter, s3manager's multipart upload, a presigned GET, bulk
// delete. go_scenario/main.go is built once (GOPATH mode against Debian's Go
// sources; the build cache under /var/tmp keeps later runs fast); each step
// runs it once (SigV4, path style).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow } from './program.js';

const SOURCE = fileURLToPath(new URL('./go_scenario/main.go', import.meta.url));
const CACHE = '/var/tmp/s3gw-go-scenario';
const BINARY = `${CACHE}/go-scenario-${process.pid}`;
const GO_VERSION = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout?.trim().split(' ')[2] ?? 'go not installed';
let gw: TestGateway;
const b = uniqueBucket('prog-go');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  mkdirSync(`${CACHE}/gopath`, { recursive: true });
  const build = await run('go', ['build', '-o', BINARY, SOURCE], {
    env: { GO111MODULE: 'off', GOPATH: `${CACHE}/gopath:/usr/share/gocode`, GOCACHE: `${CACHE}/cache`, GOFLAGS: '', CGO_ENABLED: '0' },
    timeoutMs: 300_000,
  });
  expect(build.code, describeRun('go build', build)).toBe(0);
}, 320_000);
afterAll(async () => {
  if (gw) {
    await purgeContainer(gw.stack, 'demo', b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
  rmSync(BINARY, { force: true });
});

const goStep = async (step: string): Promise<Record<string, unknown>> => {
  const r = await run(BINARY, [step], {
    env: { S3_URL: gw.url, AK: gw.stack.users.demo.ec2.access, SK: gw.stack.users.demo.ec2.secret, BUCKET: b, AWS_CA_BUNDLE: '' },
    timeoutMs: 60_000,
  });
  expect(r.code, describeRun(`go-scenario ${step}`, r)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
};

describe('AWS SDK for Go', () => {
  const row = new ProgramRow({
    program: 'AWS SDK for Go', version: '?',
    what: 'create/list bucket, put/get with metadata, list with prefix + delimiter, s3manager upload of 12 MiB (multipart), presigned GET, `DeleteObjects`, delete bucket',
    setup: `\`session.NewSession(&aws.Config{Endpoint, Region: "us-east-1", S3ForcePathStyle: true})\` (SigV4), built with ${GO_VERSION}`,
  });
  row.step('reports its version; CreateBucket makes a bucket ListBuckets shows', async () => {
    row.setVersion(String((await goStep('version'))['version']));
    expect(await goStep('bucket')).toEqual({ listed: true });
  });
  row.step('PutObject with Content-Type and metadata; GetObject returns them', async () => {
    expect(await goStep('put-get')).toEqual({ body: 'hello from go', type: 'text/plain', color: 'blue' });
  });
  row.step('ListObjectsV2 with prefix and delimiter', async () => {
    expect(await goStep('list')).toEqual({ keys: ['docs/a.txt'], prefixes: ['docs/sub/'] });
  });
  row.step('s3manager uploads 12 MiB in 5 MiB parts (S3 multipart ETag) and reads back the same bytes', async () => {
    const r = await goStep('multipart');
    expect(r['size']).toBe(12 * 1024 * 1024);
    expect(r['same']).toBe(true);
    expect(String(r['etag'])).toMatch(/^"[0-9a-f]{32}-3"$/);
  });
  row.step('a presigned GET URL works without the SDK', async () => {
    expect(await goStep('presign')).toEqual({ signed: true, status: 200, body: 'hello from go' });
  });
  row.step('DeleteObjects removes every key; DeleteBucket removes the bucket', async () => {
    expect(await goStep('delete')).toEqual({ deleted: ['big.bin', 'docs/a.txt', 'docs/sub/b.txt', 'top.txt'], errors: 0 });
  });
});
