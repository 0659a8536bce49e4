// minio-go v7 from Debian (golang-github-minio-minio-go-v7-dev, built with
// Debian's Go from /usr/share/gocode, no network): PutObject of known and of
// unknown length, SigV4 and SigV2. Its unknown-length upload is a multipart
// upload with a CRC32C per part and the object's composite CRC32C sent on
// CompleteMultipartUpload, which the gateway once checked against the XML
// body ("The CRC32C you specified did not match the calculated checksum").
// The program is minio-go/main.go; it prints a JSON report.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawS3 } from '../helpers/raw-s3.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { run } from './run.js';

const SOURCE = fileURLToPath(new URL('./minio-go/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'minio-go-'));
const binary = join(dir, 'minio-go-client');
type Step = { ok: boolean; error?: string; equal: boolean; etag: string };

let gw: TestGateway;
const reports: Record<string, { steps: Record<string, Step> }> = {};
const buckets: Record<string, string> = {};

beforeAll(async () => {
  const build = await run('go', ['build', '-o', binary, '.'], {
    cwd: SOURCE, timeoutMs: 180_000,
    env: { GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(dir, 'cache'), GOFLAGS: '' },
  });
  expect(build.code, `go build (needs Debian's golang-go and golang-github-minio-minio-go-v7-dev): ${build.stderr}`).toBe(0);
  gw = await startGateway({ dialect: 'aws' });
  const keys = gw.stack.users.demo.ec2;
  for (const signature of ['v4', 'v2']) {
    buckets[signature] = uniqueBucket(`minio${signature}`);
    const r = await run(binary, [], {
      env: { S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: buckets[signature]!, S3_SIGNATURE: signature },
      timeoutMs: 300_000,
    });
    expect(r.code, r.stderr).toBe(0);
    reports[signature] = JSON.parse(r.stdout) as { steps: Record<string, Step> };
  }
}, 600_000);

afterAll(async () => {
  for (const b of Object.values(buckets)) {
    await purgeContainer(gw.stack, 'demo', `${b}+segments`).catch(() => {});
    await purgeContainer(gw.stack, 'demo', b);
  }
  await gw?.stop();
});

for (const signature of ['v4', 'v2']) {
  describe(`minio-go v7 (Debian), Signature ${signature.toUpperCase()}`, () => {
    it('PutObject of known length round-trips', () => {
      const s = reports[signature]!.steps['known-length']!;
      expect(s.error).toBeUndefined();
      expect(s.equal).toBe(true);
    });

    it('PutObject of unknown length (multipart, CRC32C per part and composite on Complete) round-trips and keeps the composite CRC32C', async () => {
      const s = reports[signature]!.steps['unknown-length']!;
      expect(s.error).toBeUndefined();
      expect(s.equal).toBe(true);
      expect(s.etag).toMatch(/-5$/);
      const head = await rawS3(gw.url, { method: 'HEAD', path: `/${buckets[signature]}/unknown-length`, keys: gw.stack.users.demo.ec2, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
      expect(head.headers['x-amz-checksum-type']).toBe('COMPOSITE');
      expect(head.headers['x-amz-checksum-crc32c']).toMatch(/^[A-Za-z0-9+/]{6}==-5$/);
    });
  });
}
