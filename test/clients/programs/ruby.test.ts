// Ruby's aws-sdk-s3 (Debian's ruby-aws-sdk-s3), an SDK beyond JavaScript and
// Python: bucket, put/get with metadata, list with prefix and delimiter, a
// managed multipart upload, a presigned GET, bulk delete. Each step runs
// ruby_scenario.rb once (SigV4, path style).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../../helpers/gateway.js';
import { purgeContainer } from '../../helpers/swift-direct.js';
import { describeRun, run } from '../run.js';
import { ProgramRow } from './program.js';

const SCRIPT = fileURLToPath(new URL('./ruby_scenario.rb', import.meta.url));
let gw: TestGateway;
const b = uniqueBucket('prog-ruby');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});
afterAll(async () => {
  if (gw) {
    await purgeContainer(gw.stack, 'demo', b);
    await purgeContainer(gw.stack, 'demo', `${b}+segments`);
  }
  await gw?.stop();
});

const ruby = async (step: string): Promise<Record<string, unknown>> => {
  const r = await run('ruby', [SCRIPT, step], {
    env: { S3_URL: gw.url, AK: gw.stack.users.demo.ec2.access, SK: gw.stack.users.demo.ec2.secret, BUCKET: b, AWS_CA_BUNDLE: '' },
    timeoutMs: 60_000,
  });
  expect(r.code, describeRun(`ruby ${step}`, r)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
};

describe('Ruby aws-sdk-s3', () => {
  const row = new ProgramRow({
    program: 'Ruby aws-sdk-s3', version: '?',
    what: 'create/list bucket, put/get with metadata, list with prefix + delimiter, `upload_file` of 12 MiB (multipart), presigned GET, `delete_objects`, delete bucket',
    setup: '`Aws::S3::Client.new(endpoint:, region: "us-east-1", force_path_style: true)` (SigV4), Ruby 3.1',
  });
  row.step('reports its version; create_bucket makes a bucket list_buckets shows', async () => {
    row.setVersion(String((await ruby('version'))['version']));
    expect(await ruby('bucket')).toEqual({ listed: true });
  });
  row.step('put_object with Content-Type and metadata; get_object returns them', async () => {
    expect(await ruby('put-get')).toEqual({ body: 'hello from ruby', type: 'text/plain', metadata: { color: 'blue' } });
  });
  row.step('list_objects_v2 with prefix and delimiter', async () => {
    expect(await ruby('list')).toEqual({ keys: ['docs/a.txt'], prefixes: ['docs/sub/'] });
  });
  row.step('upload_file of 12 MiB goes multipart (S3 multipart ETag) and reads back the same bytes', async () => {
    const r = await ruby('multipart');
    expect(r['size']).toBe(12 * 1024 * 1024);
    expect(r['same']).toBe(true);
    expect(String(r['etag'])).toMatch(/^"[0-9a-f]{32}-\d+"$/);
  });
  row.step('a presigned GET URL works without the SDK', async () => {
    expect(await ruby('presign')).toEqual({ signed: true, status: 200, body: 'hello from ruby' });
  });
  row.step('delete_objects removes every key; delete_bucket removes the bucket', async () => {
    expect(await ruby('delete')).toEqual({ deleted: ['big.bin', 'docs/a.txt', 'docs/sub/b.txt', 'top.txt'], errors: 0, gone: true });
  });
});
