// boto3 (botocore's HmacV1 "s3" signer) through the gateway: the client
// scenario, once path-style and once virtual-host style. The scenario itself is
// boto3_scenario.py; it prints every step's result as JSON and this file checks
// them one by one. botocore's default checksum headers (x-amz-checksum-crc32,
// x-amz-sdk-checksum-algorithm) stay on.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { describeRun, run } from './run.js';

const SCRIPT = fileURLToPath(new URL('./boto3_scenario.py', import.meta.url));

interface ClientErr {
  type: string;
  code?: string;
  message?: string;
  status?: number;
}
type Step = { ok: boolean; error?: ClientErr } & Record<string, unknown>;
interface Report {
  boto3: string;
  addressing: string;
  steps: Record<string, Step>;
}

let gw: TestGateway;
const made: string[] = [];

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  for (const b of made) await purgeContainer(gw.stack, 'demo', b);
  await gw.stop();
});

async function scenario(addressing: 'path' | 'virtual'): Promise<Report> {
  const b1 = uniqueBucket(`boto3-${addressing[0]}`);
  const b2 = uniqueBucket(`boto3-${addressing[0]}2`);
  made.push(b1, b2);
  const endpoint = addressing === 'path' ? gw.url : `http://s3.test:${gw.port}`;
  const keys = gw.stack.users.demo.ec2;
  const r = await run('python3', [SCRIPT], {
    env: {
      S3_ENDPOINT: endpoint, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret,
      S3_ADDRESSING: addressing, S3_BUCKET: b1, S3_BUCKET2: b2,
      // Keep the environment from choosing other settings for botocore.
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...(process.env['S3_DEBUG'] ? { S3_DEBUG: '1' } : {}),
    },
    timeoutMs: 120_000,
  });
  expect(r.code, describeRun('boto3_scenario.py', r)).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/** The step's result; fails with the client's error when the step failed. */
function ok(report: Report, name: string): Step {
  const s = report.steps[name];
  expect(s, `step ${name} did not run`).toBeDefined();
  expect(s!.ok, `step ${name} failed: ${JSON.stringify(s!.error)}`).toBe(true);
  return s!;
}

for (const addressing of ['path', 'virtual'] as const) {
  describe(`boto3, signature_version='s3', addressing_style='${addressing}'`, () => {
    let report: Report;
    beforeAll(async () => {
      report = await scenario(addressing);
    }, 150_000);

    it('creates two buckets (201) and lists them', () => {
      const s = ok(report, 'create_bucket');
      expect(s).toMatchObject({ status: 201, status2: 201, listed: true });
    });

    it('puts a small object with Content-Type and metadata (201, MD5 ETag), with the default checksum headers on', () => {
      const s = ok(report, 'put_small');
      expect(s['status']).toBe(201);
      expect(s['etag']).toBe(`"${String(s['md5'])}"`);
      const sent = s['request_headers'] as Record<string, string>;
      expect(sent['authorization']).toMatch(/^AWS [^:]+:/);
      // The addressing style really used: the bucket in the host name or in the path.
      const url = new URL(sent[':url']!);
      if (addressing === 'virtual') {
        expect(url.host).toBe(`${report.steps['create_bucket']!['bucket']}.s3.test:${gw.port}`);
        expect(url.pathname).toBe('/docs/small_file.txt');
      } else {
        expect(url.host).toBe(`127.0.0.1:${gw.port}`);
        expect(url.pathname).toBe(`/${report.steps['create_bucket']!['bucket']}/docs/small_file.txt`);
      }
      // The point of keeping the defaults: the gateway accepted a request carrying them.
      expect(sent['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(sent['x-amz-sdk-checksum-algorithm']).toBe('CRC32');
    });

    it('puts a ~5 MB random object in one PUT (201, MD5 ETag)', () => {
      const s = ok(report, 'put_big');
      expect(s['status']).toBe(201);
      expect(s['etag']).toBe(`"${String(s['md5'])}"`);
      ok(report, 'put_extra');
    });

    it('lists with a prefix (ListObjects and ListObjectsV2)', () => {
      const s = ok(report, 'list_prefix');
      expect(s['keys']).toEqual(['docs/small_file.txt', 'docs/sub/nested.txt']);
      expect(s['v2_keys']).toEqual(['docs/small_file.txt', 'docs/sub/nested.txt']);
      expect(s['v2_count']).toBe(2);
      expect((s['sizes'] as Record<string, number>)['docs/small_file.txt']).toBe(370);
      expect((s['etags'] as Record<string, string>)['docs/small_file.txt']).toBe(report.steps['put_small']!['etag']);
    });

    it('lists with a delimiter: CommonPrefixes at the top and below docs/', () => {
      const s = ok(report, 'list_delimiter');
      expect(s['top_prefixes']).toEqual(['data/', 'docs/']);
      expect(s['top_keys']).toEqual([]);
      expect(s['docs_prefixes']).toEqual(['docs/sub/']);
      expect(s['docs_keys']).toEqual(['docs/small_file.txt']);
    });

    it('HEAD returns the metadata with names and values intact, "_" included', () => {
      const s = ok(report, 'head_small');
      expect(s['metadata']).toEqual({ color: 'blue', two_words: 'under score' });
      expect(s['content_type']).toBe('text/plain; charset=utf-8');
      expect(s['length']).toBe(370);
      expect(s['etag']).toBe(report.steps['put_small']!['etag']);
    });

    it('ranged GET bytes=100-199 answers 206 with exactly those bytes', () => {
      const s = ok(report, 'ranged_get');
      expect(s).toMatchObject({ status: 206, length: 100, equal: true });
      expect(s['content_range']).toBe(`bytes 100-199/${5 * 1024 * 1024 + 123}`);
    });

    it('copies within the bucket with MetadataDirective COPY: metadata and Content-Type kept', () => {
      const s = ok(report, 'copy_same_bucket_copy_directive');
      expect(s['status']).toBe(201);
      expect(s['etag']).toBe(report.steps['put_small']!['etag']);
      expect(s['metadata']).toEqual({ color: 'blue', two_words: 'under score' });
      expect(s['content_type']).toBe('text/plain; charset=utf-8');
      expect(s['equal']).toBe(true);
    });

    it('copies with MetadataDirective REPLACE: the new metadata and Content-Type replace the old', () => {
      const s = ok(report, 'copy_same_bucket_replace_directive');
      expect(s['status']).toBe(201);
      expect(s['metadata']).toEqual({ new_name: 'fresh' });
      expect(s['content_type']).toBe('text/x-replaced');
    });

    it('copies the 5 MB object across buckets, bytes intact', () => {
      const s = ok(report, 'copy_across_buckets');
      expect(s['status']).toBe(201);
      expect(s['etag']).toBe(report.steps['put_big']!['etag']);
      expect(s['sha256']).toBe(s['expected']);
    });

    it('downloads both objects with the same SHA-256 as uploaded', () => {
      const s = ok(report, 'download_compare');
      expect(s['small']).toBe(s['small_expected']);
      expect(s['big']).toBe(s['big_expected']);
      expect(s['big_length']).toBe(5 * 1024 * 1024 + 123);
      expect(s['small_metadata']).toEqual({ color: 'blue', two_words: 'under score' });
      expect(s['small_content_type']).toBe('text/plain; charset=utf-8');
    });

    it('upload_file / download_file (s3transfer, below the multipart threshold) round-trip the bytes', () => {
      const s = ok(report, 'download_file_transfer');
      expect(s['sha256']).toBe(s['expected']);
    });

    it('a key with spaces, "+", "%", "&", "=" and non-ASCII survives PUT, GET and listing (encoding-type=url)', () => {
      const s = ok(report, 'odd_key');
      const key = 'odd dir/k e+y ü%41&=.txt';
      expect(s['listed']).toEqual([key]);
      expect(s['listed_v2']).toEqual([key]);
      expect(s['prefixes']).toEqual(['odd dir/']);
      expect(s['body']).toBe('odd');
    });

    it('reports NoSuchKey (404) for GET of a missing key, and 404 for HEAD', () => {
      const s = ok(report, 'missing_key');
      expect(s['get']).toMatchObject({ type: 'ClientError', code: 'NoSuchKey', status: 404 });
      expect(s['head']).toMatchObject({ type: 'ClientError', code: '404', status: 404 });
    });

    it('reports SignatureDoesNotMatch (401) for a wrong secret', () => {
      const s = ok(report, 'wrong_secret');
      expect(s['list']).toMatchObject({ type: 'ClientError', code: 'SignatureDoesNotMatch', status: 401 });
      expect(s['get']).toMatchObject({ type: 'ClientError', code: 'SignatureDoesNotMatch', status: 401 });
    });

    it('deletes every object (204); the objects are gone', () => {
      const s = ok(report, 'delete_objects');
      expect(Object.values(s['statuses'] as Record<string, number>)).toEqual([204, 204, 204, 204, 204, 204]);
      expect(s['left']).toBe(0);
      expect(s['head_after']).toMatchObject({ code: '404', status: 404 });
    });

    it('removes both buckets (204); they are gone', () => {
      const s = ok(report, 'delete_bucket');
      expect(s).toMatchObject({ status: 204, status2: 204, still_listed: false });
      expect(s['head_after']).toMatchObject({ code: '404', status: 404 });
    });
  });
}
