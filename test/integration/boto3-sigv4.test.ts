// boto3 with no configuration change (SigV4, default CRC32 checksums and
// response validation) through an in-process gateway: the client most users
// have. The python is boto3_sigv4.py; it prints a JSON report of its steps.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./boto3_sigv4.py', import.meta.url));

type Step = { ok: boolean; error?: unknown } & Record<string, unknown>;
interface Report {
  boto3: string;
  steps: Record<string, Step>;
  sent: Record<string, { 'x-amz-content-sha256': string | null; authorization: string; checksum: string[] }>;
}

let gw: TestGateway;
let report: Report;
const bucket = uniqueBucket('boto3v4');

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  const keys = gw.stack.users.demo.ec2;
  const r = await run('python3', [SCRIPT], {
    env: {
      S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: bucket,
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    timeoutMs: 120_000,
  });
  expect(r.code, r.stderr).toBe(0);
  report = JSON.parse(r.stdout) as Report;
});

afterAll(async () => {
  await purgeContainer(gw.stack, 'demo', bucket);
  await gw.stop();
});

function ok(name: string): Step {
  const s = report.steps[name]!;
  expect(s.ok, `${name}: ${JSON.stringify(s.error)}`).toBe(true);
  return s;
}

describe(`boto3 (default config) with SigV4`, () => {
  it('signs with SigV4 and sends a CRC32 checksum on put_object', () => {
    expect(report.sent['PutObject']!.authorization).toBe('AWS4-HMAC-SHA256');
    expect(report.sent['PutObject']!.checksum.join(',')).toMatch(/crc32/);
  });

  it('put_object, get_object and head_object with ChecksumMode=ENABLED round-trip the CRC32', () => {
    const put = ok('put_object');
    expect(put['checksum']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    const get = ok('get_object');
    expect(get['equal']).toBe(true);
    expect(get['checksum']).toBe(put['checksum']);
    expect(ok('head_object')['checksum']).toBe(put['checksum']);
    expect(ok('head_object')['length']).toBeGreaterThan(0);
  });

  it('list_objects_v2, upload_fileobj, a presigned GET and delete_object work', () => {
    expect(ok('create_bucket')).toBeDefined();
    expect(ok('list_objects_v2')['keys']).toEqual(['boto3/a key+with (odd) chars/ü.txt']);
    ok('upload_fileobj');
    expect(ok('presigned_get')['equal']).toBe(true);
    ok('delete_object');
    expect(ok('gone')['keys']).toEqual(['boto3/fileobj']);
  });
});
