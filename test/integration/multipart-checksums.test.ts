// Flexible checksums through multipart uploads with boto3 (SigV4 and SigV2):
// CreateMultipartUpload's algorithm and type, per-part checksums verified,
// kept and listed, CompleteMultipartUpload's object checksum (COMPOSITE
// `…-N` or FULL_OBJECT) checked against the parts and returned by
// HeadObject/GetObject with ChecksumMode and by GetObjectAttributes; s3transfer
// uploads of known and unknown length. The python is multipart_checksums_boto3.py.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { purgeContainer } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./multipart_checksums_boto3.py', import.meta.url));

type Step = { ok: boolean; error?: unknown } & Record<string, unknown>;
interface Report { signature: string; steps: Record<string, Step> }

let gw: TestGateway;
const reports: Record<string, Report> = {};
const buckets: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  const keys = gw.stack.users.demo.ec2;
  for (const signature of ['s3v4', 's3']) {
    const bucket = uniqueBucket('mpcks');
    buckets.push(bucket);
    const r = await run('python3', [SCRIPT], {
      env: {
        S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_BUCKET: bucket, S3_SIGNATURE: signature,
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeoutMs: 300_000,
    });
    expect(r.code, r.stderr).toBe(0);
    reports[signature] = JSON.parse(r.stdout) as Report;
  }
}, 600_000);

afterAll(async () => {
  for (const bucket of buckets) await purgeContainer(gw.stack, 'demo', bucket);
  await gw.stop();
});

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
/** COMPOSITE: base64(H(part checksums concatenated))-N, with H the upload's algorithm. */
function composite(algorithm: string, parts: string[]): string {
  if (algorithm === 'CRC32') {
    // zlib's CRC32 of the raw part checksums, as the test's own oracle.
    const raw = Buffer.concat(parts.map((p) => Buffer.from(p, 'base64')));
    return `${b64(crc32Hex(raw))}-${parts.length}`;
  }
  const h = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
  for (const p of parts) h.update(Buffer.from(p, 'base64'));
  return `${h.digest('base64')}-${parts.length}`;
}
function crc32Hex(data: Buffer): string {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

function ok(signature: string, name: string): Step {
  const s = reports[signature]!.steps[name]!;
  expect(s.ok, `${signature} ${name}: ${JSON.stringify(s.error)}`).toBe(true);
  return s;
}

for (const signature of ['s3v4', 's3']) {
  describe(`boto3 multipart checksums, ${signature === 's3' ? 'SigV2' : 'SigV4'}`, () => {
    for (const [algorithm, type] of [['CRC32', 'COMPOSITE'], ['CRC32', 'FULL_OBJECT'], ['SHA1', 'COMPOSITE'], ['SHA256', 'COMPOSITE']] as const) {
      it(`${algorithm} ${type}: parts verified and listed, the object's checksum computed, returned and in GetObjectAttributes`, () => {
        const s = ok(signature, `multipart ${algorithm} ${type}`);
        expect([s['createAlgorithm'], s['createType']]).toEqual([algorithm, type]);
        expect(s['partChecksums']).toEqual(s['expectedParts']);
        expect(s['listedChecksums']).toEqual(s['expectedParts']);
        expect([s['listedAlgorithm'], s['listedType']]).toEqual([algorithm, type]);
        const expected = type === 'FULL_OBJECT' ? s['full'] : composite(algorithm, s['expectedParts'] as string[]);
        expect(s['complete']).toBe(expected);
        expect(s['completeType']).toBe(type);
        expect(s['head']).toBe(expected);
        expect(s['headType']).toBe(type);
        expect(s['get']).toBe(expected);
        expect(s['equal']).toBe(true);
        const attrs = s['attrs'] as Record<string, unknown> & { ObjectParts?: { Parts?: unknown } };
        expect(attrs['ETag']).toBe((s['etag'] as string).replace(/"/g, ''));
        expect(attrs['ObjectSize']).toBe(11 * 1024 * 1024 + 12345);
        expect(attrs['StorageClass']).toBe('STANDARD');
        expect(attrs['Checksum']).toEqual({ [`Checksum${algorithm}`]: (expected as string).replace(/-\d+$/, ''), ChecksumType: type });
        const parts = attrs['ObjectParts'];
        expect(parts).toMatchObject({ TotalPartsCount: 3, PartNumberMarker: 0, NextPartNumberMarker: 2, MaxParts: 2, IsTruncated: true });
        expect((parts as { Parts?: unknown })['Parts']).toEqual([
          { PartNumber: 1, Size: 5 * 1024 * 1024, [`Checksum${algorithm}`]: (s['expectedParts'] as string[])[0] },
          { PartNumber: 2, Size: 5 * 1024 * 1024, [`Checksum${algorithm}`]: (s['expectedParts'] as string[])[1] },
        ]);
      });
    }

    for (const algorithm of ['CRC32', 'SHA1', 'SHA256']) {
      it(`${algorithm} single PutObject: stored and returned, GetObjectAttributes without ObjectParts`, () => {
        const s = ok(signature, `single ${algorithm}`);
        expect(s['put']).toBe(s['expected']);
        expect(s['head']).toBe(s['expected']);
        const attrs = s['attrs'] as Record<string, unknown> & { ObjectParts?: { Parts?: unknown } };
        expect(attrs['Checksum']).toEqual({ [`Checksum${algorithm}`]: s['expected'], ChecksumType: 'FULL_OBJECT' });
        expect(attrs['ETag']).toBe((s['etag'] as string).replace(/"/g, ''));
      });

      for (const length of ['known', 'unknown']) {
        it(`${algorithm} upload_fileobj of ${length} length (multipart): the object round-trips with its checksum`, () => {
          const s = ok(signature, `transfer ${algorithm} ${length}`);
          expect(s['equal']).toBe(true);
          expect(s['checksum']).toMatch(/./);
          if (s['type'] === 'FULL_OBJECT') expect(s['checksum']).toBe(s['full']);
          else expect(s['checksum']).toMatch(/-3$/);
        });
      }
    }

    it('refuses a CompleteMultipartUpload whose FULL_OBJECT checksum does not match the parts (BadDigest)', () => {
      expect(ok(signature, 'complete with a wrong full-object checksum')['code']).toBe('BadDigest');
    });

    it('refuses a CompleteMultipartUpload naming a part with another checksum (InvalidPart)', () => {
      expect(ok(signature, 'complete naming a part with a wrong checksum')['code']).toBe('InvalidPart');
    });

    it('refuses a part with another algorithm than the upload\'s (InvalidRequest)', () => {
      expect(ok(signature, 'upload part with another algorithm')['code']).toBe('InvalidRequest');
    });
  });
}
