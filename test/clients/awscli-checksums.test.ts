// The aws CLI v1 with flexible checksums, SigV4 and SigV2 (the test-only
// awscli_sigv2.py plugin): `aws s3 cp --checksum-algorithm` of a multipart and
// a single-part file, `s3api head-object --checksum-mode ENABLED`,
// `s3api get-object-attributes`, and a download that validates the checksum.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';
import { run } from './run.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'awscli-ck-'));
const big = join(dir, 'big.bin');
const small = join(dir, 'small.txt');
const bigBytes = Buffer.alloc(12 * 1024 * 1024 + 77);
for (let i = 0; i + 4 <= bigBytes.length; i += 4) bigBytes.writeUInt32LE((i * 2654435761) >>> 0, i);
writeFileSync(big, bigBytes);
writeFileSync(small, 'small file for the aws CLI\n'.repeat(100));
const CONFIG = '[default]\ns3 =\n    multipart_threshold = 8MB\n    multipart_chunksize = 8MB\n    addressing_style = path\n';

let gw: TestGateway;
const buckets: string[] = [];
const crc32 = (d: Buffer) => { const o = Buffer.alloc(4); o.writeUInt32BE(zlibCrc32(d) >>> 0); return o.toString('base64'); };

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  writeFileSync(join(dir, 'v4'), CONFIG);
  writeFileSync(join(dir, 'v2'), `${CONFIG.replace('s3 =\n', 's3 =\n    signature_version = s3\n')}\n[plugins]\nsigv2 = awscli_sigv2\n`);
});

afterAll(async () => {
  for (const b of buckets) {
    await purgeContainer(gw.stack, 'demo', `${b}+segments`).catch(() => {});
    await purgeContainer(gw.stack, 'demo', b);
  }
  await gw.stop();
});

for (const signature of ['v4', 'v2']) {
  describe(`aws CLI v1, ${signature === 'v4' ? 'SigV4' : 'SigV2'}: checksums`, () => {
    const b = uniqueBucket(`cli${signature}`);
    buckets.push(b);
    const aws = async (...args: string[]) => {
      const keys = gw.stack.users.demo.ec2;
      const r = await run('aws', ['--endpoint-url', gw.url, ...args], {
        env: {
          AWS_CONFIG_FILE: join(dir, signature), AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
          AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '', PYTHONPATH: HERE, PYTHONDONTWRITEBYTECODE: '1',
        },
        timeoutMs: 120_000,
      });
      expect(r.code, `aws ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };

    it('cp --checksum-algorithm CRC32 of a 12 MiB file (multipart): head-object and get-object-attributes show the COMPOSITE CRC32 and both parts', async () => {
      await aws('s3', 'mb', `s3://${b}`);
      await aws('s3', 'cp', big, `s3://${b}/big.bin`, '--checksum-algorithm', 'CRC32');
      const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', b, '--key', 'big.bin', '--checksum-mode', 'ENABLED')) as Record<string, string>;
      const parts = [bigBytes.subarray(0, 8 * 1024 * 1024), bigBytes.subarray(8 * 1024 * 1024)];
      const composite = `${crc32(Buffer.concat(parts.map((p) => Buffer.from(crc32(p), 'base64'))))}-2`;
      expect([head['ChecksumCRC32'], head['ChecksumType']]).toEqual([composite, 'COMPOSITE']);
      const attrs = JSON.parse(await aws('s3api', 'get-object-attributes', '--bucket', b, '--key', 'big.bin', '--object-attributes', 'ETag', 'Checksum', 'ObjectParts', 'ObjectSize')) as { ObjectSize: number; Checksum: unknown; ObjectParts: { TotalPartsCount: number; Parts: unknown } };
      expect(attrs['ObjectSize']).toBe(bigBytes.length);
      expect(attrs['Checksum']).toEqual({ ChecksumCRC32: composite.replace(/-2$/, ''), ChecksumType: 'COMPOSITE' });
      expect(attrs['ObjectParts']['TotalPartsCount']).toBe(2);
      expect(attrs['ObjectParts']['Parts']).toEqual(parts.map((p, i) => ({ PartNumber: i + 1, Size: p.length, ChecksumCRC32: crc32(p) })));
      await aws('s3', 'cp', `s3://${b}/big.bin`, join(dir, `back-${signature}.bin`), '--checksum-mode', 'ENABLED');
      expect(readFileSync(join(dir, `back-${signature}.bin`)).equals(bigBytes)).toBe(true);
    });

    it('cp --checksum-algorithm SHA256 of a small file: the SHA-256 is kept and a checksum-validating download succeeds', async () => {
      await aws('s3', 'cp', small, `s3://${b}/small.txt`, '--checksum-algorithm', 'SHA256');
      const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', b, '--key', 'small.txt', '--checksum-mode', 'ENABLED')) as Record<string, string>;
      expect(head['ChecksumSHA256']).toBe(createHash('sha256').update(readFileSync(small)).digest('base64'));
      const out = await aws('s3', 'cp', `s3://${b}/small.txt`, '-', '--checksum-mode', 'ENABLED');
      expect(out).toBe(readFileSync(small, 'utf8'));
    });
  });
}
