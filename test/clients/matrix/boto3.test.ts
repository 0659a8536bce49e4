// The matrix scenario with boto3: its default configuration (SigV4, CRC32
// checksums when supported, s3transfer's 8 MiB multipart threshold and parts),
// and with signature_version='s3' (SigV2). One Python process per row runs
// the steps of boto3_matrix.py as this file asks for them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { LineDriver, type StepResult } from './line-driver.js';
import {
  MatrixRow, MiB, expectBucketGone, expectMultipart, getObject, headObject, matrixData, operationsOn, outDir, sha256, swiftNames,
} from './matrix.js';

const SCRIPT = fileURLToPath(new URL('./boto3_matrix.py', import.meta.url));
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
  describe(`boto3, ${signing}, path style`, () => {
    const row = new MatrixRow({
      client: 'boto3', version: '', signing, addressing: 'path',
      setup: signing === 'SigV4' ? 'default `Config()` (SigV4, CRC32 checksums, s3transfer defaults)' : "`Config(signature_version='s3')`",
    });
    row.usesGateway(() => gw);
    const b = row.bucket(uniqueBucket(`mx-boto3-${signing.toLowerCase()}`));
    const out = outDir(`boto3-${signing}`);
    let py: LineDriver;

    beforeAll(async () => {
      py = new LineDriver('python3', [SCRIPT], {
        S3_ENDPOINT: gw.url, S3_ACCESS_KEY: gw.stack.users.demo.ec2.access, S3_SECRET_KEY: gw.stack.users.demo.ec2.secret,
        S3_SIGNING: signing === 'SigV4' ? 'v4' : 'v2', S3_BUCKET: b,
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      });
      const ready = await py.read();
      row.setVersion(String(ready['boto3']));
    });
    afterAll(() => py?.stop());

    /** Runs a step; fails with the client's error when boto3 raised one. */
    const ok = async (step: string, args: Record<string, unknown> = {}): Promise<StepResult> => {
      const r = await py.call(step, args);
      expect(r.ok, `${step}: ${JSON.stringify(r.error)}\n${py.stderr.slice(-2000)}`).toBe(true);
      // Every request it sent was signed as this row says (presigning sends none).
      if (Object.keys(r['requests'] as object).length > 0) expect(r['auth']).toEqual([signing === 'SigV4' ? 'AWS4-HMAC-SHA256' : 'AWS']);
      return r;
    };

    row.how('bucket', '`create_bucket`, `list_buckets`, `delete_bucket`');
    row.step('bucket', 'create_bucket creates the bucket; list_buckets lists it', async () => {
      expect(await ok('mb')).toMatchObject({ status: 201, listed: true });
    });

    row.how('put', '`put_object` with ContentType and Metadata');
    row.step('put', 'put_object stores small objects with Content-Type and metadata (default checksums on with SigV4)', async () => {
      const r = await ok('put', { small: data.small });
      expect(r['etag']).toBe(`"${createHash('md5').update(data.smallBytes).digest('hex')}"`);
      if (signing === 'SigV4') expect(r['checksums']).toContain('x-amz-checksum-crc32');
      const head = await headObject(gw, b, 'docs/small.txt');
      expect(head['x-amz-meta-two_words']).toBe('under score');
    });

    row.how('multipart', '`upload_file` of 20 MiB: 3 parts of 8 MiB (s3transfer defaults)');
    row.step('multipart', 'upload_file sends CreateMultipartUpload + 3 UploadParts + Complete; the gateway stores an SLO', async () => {
      const r = await ok('upload', { big: data.big });
      expect(r['requests']).toMatchObject({ CreateMultipartUpload: 1, UploadPart: 3, CompleteMultipartUpload: 1 });
      await expectMultipart(gw, b, 'big/big.bin', bigBytes, 8 * MiB);
    });

    row.how('list', '`list_objects_v2` and `list_objects` with Prefix and Delimiter, the paginator with 2 keys a page');
    row.step('list', 'list_objects(_v2) with prefix and delimiter; the paginator walks every key 2 at a time', async () => {
      const r = await ok('list');
      expect(r).toMatchObject({
        v2_keys: ['docs/small.txt'], v2_prefixes: ['docs/sub/'], v1_keys: ['top.txt'], v1_prefixes: ['big/', 'docs/'],
        all_keys: ['big/big.bin', 'docs/small.txt', 'docs/sub/deeper.txt', 'top.txt'],
      });
    });

    row.how('head', '`head_object`');
    row.step('head', 'head_object answers size, Content-Type and the metadata', async () => {
      expect(await ok('head')).toMatchObject({
        length: data.smallBytes.length, type: 'text/plain; charset=utf-8', metadata: { color: 'blue', two_words: 'under score' },
      });
    });

    row.how('range', '`get_object(Range=...)` across a part boundary');
    row.step('range', 'get_object with a Range across a part boundary answers 206 with exactly those bytes', async () => {
      expect(await ok('ranged', { start: 8388600, end: 8388699 })).toMatchObject({
        status: 206, content_range: `bytes 8388600-8388699/${bigBytes.length}`, sha256: sha256(bigBytes.subarray(8388600, 8388700)),
      });
    });

    row.how('copy', '`copy_object`; `copy()` (managed: UploadPartCopy) for 20 MiB');
    row.step('copy', 'copy_object keeps the metadata; copy() copies 20 MiB with UploadPartCopy', async () => {
      const r = await ok('copy');
      expect(r).toMatchObject({ metadata: { color: 'blue', two_words: 'under score' }, type: 'text/plain; charset=utf-8' });
      expect(r['requests']).toMatchObject({ CopyObject: 1, UploadPartCopy: 3 });
      expect(sha256(await getObject(gw, b, 'copies/big.bin'))).toBe(data.bigSha256);
    });

    row.how('download', '`download_file` (ranged GETs), `get_object`');
    row.step('download', 'download_file (3 ranged GETs) and get_object read back the uploaded bytes', async () => {
      const r = await ok('download', { out });
      expect(r).toMatchObject({ big_sha256: data.bigSha256, small_sha256: sha256(data.smallBytes) });
      expect((r['ranges'] as string[]).length).toBe(3);
    });

    row.notApplicable('sync', 'no sync in boto3');

    row.how('acl', '`get_bucket_acl`, `get_object_acl`, `put_bucket_acl(ACL="private")`, `put_object_acl(ACL="private")`');
    row.step('acl', 'get_*_acl answer the owner with FULL_CONTROL; put_*_acl(ACL="private") succeed', async () => {
      const demo = gw.stack.users.demo;
      const policy = {
        Owner: { ID: demo.projectId, DisplayName: demo.username },
        Grants: [{ Grantee: { ID: demo.projectId, DisplayName: demo.username, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
      };
      expect(await ok('acl')).toMatchObject({ bucket: policy, object: policy });
    });

    row.how('presign', '`generate_presigned_url` for get_object and put_object, used with fetch() (botocore presigns with SigV2 query auth in both rows)');
    row.step('presign', 'presigned GET and PUT URLs work without boto3', async () => {
      const r = await ok('presign');
      // botocore presigns S3 URLs with SigV2 query auth unless a signature version is configured.
      expect(String(r['get'])).toMatch(/[?&]Signature=/);
      const get = await fetch(String(r['get']));
      expect(get.status).toBe(200);
      expect(Buffer.from(await get.arrayBuffer()).equals(data.smallBytes)).toBe(true);
      // A Buffer body: fetch adds no Content-Type, which the URL did not sign (SigV2 signs it).
      const put = await fetch(String(r['put']), { method: 'PUT', body: Buffer.from('sent with a presigned URL') });
      expect(put.status, await put.text()).toBeLessThan(300);
      expect((await getObject(gw, b, 'presigned/put.txt')).toString()).toBe('sent with a presigned URL');
    });

    row.how('delete', '`delete_object`');
    row.step('delete', 'delete_object deletes one object (204)', async () => {
      expect(await ok('delete')).toMatchObject({ status: 204 });
      expect(await swiftNames(gw, b)).not.toContain('top.txt');
    });

    row.how('multiDelete', '`delete_objects`; `Bucket.objects.all().delete()` (DeleteObjects a page at a time)');
    row.step('multiDelete', 'delete_objects deletes 3 keys (one missing, one multipart); objects.all().delete() empties the bucket', async () => {
      const r = await ok('delete_many');
      expect(r['errors']).toEqual([]);
      expect(r['deleted']).toEqual(['copies/big.bin', 'copies/small.txt', 'no/such/key']);
      expect(r['rest']).toEqual(['big/big.bin', 'docs/small.txt', 'docs/sub/deeper.txt', 'presigned/put.txt']);
      expect(r['requests']).toMatchObject({ DeleteObjects: 2 });
      if (signing === 'SigV4') expect(r['checksums']).toContain('x-amz-checksum-crc32');
      expect(operationsOn(gw, b)).toContain('DeleteObjects');
      expect(await swiftNames(gw, b)).toEqual([]);
      expect((await swiftNames(gw, `${b}+segments`)) ?? []).toEqual([]);
    });

    row.step('bucket', 'delete_bucket removes the bucket and its segments container', async () => {
      expect(await ok('rb')).toMatchObject({ status: 204 });
      await expectBucketGone(gw, b);
    });
  });
}
