// `npm run bench:checksums`: how fast one core computes each flexible checksum
// over a large body, against plain MD5 (what Swift and the gateway compute for
// every upload anyway), so CRC32C and CRC64NVME are never the bottleneck of a
// PutObject or UploadPart. The gateway's own CRC code (from the built dist/)
// runs over a 64 MiB random buffer in 1 MiB pieces, as bodies stream; MB/s is
// 10^6 bytes per second of one core (single thread, best of N rounds).
// Before: the byte-at-a-time CRC32C and CRC64NVME of the previous crc.ts.
// No stack needed. Options: --rounds N (default 5), --quick (1 round, 16 MiB).
// Results: bench/results/<date>-checksums.{json,md}.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './procfs.js';
import { mbPerSecond } from './throughput.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const quick = process.argv.includes('--quick');
const roundsAt = process.argv.indexOf('--rounds');
const rounds = quick ? 1 : roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 5;
const size = (quick ? 16 : 64) * 1024 * 1024;
const piece = 1024 * 1024;

interface Hasher { update(data: Buffer): void; digest(): Buffer }

/** The byte-at-a-time CRC32C the gateway had before slicing-by-8 (the "before" row). */
function bytewiseCrc32c(): Hasher {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  let c = 0xffffffff;
  return {
    update(data) { for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8); },
    digest() { const out = Buffer.alloc(4); out.writeUInt32BE((c ^ 0xffffffff) >>> 0); return out; },
  };
}

async function main(): Promise<void> {
  const crc = (await import(pathToFileURL(join(root, 'dist', 's3/crc.js')).href)) as Record<string, () => Hasher>;
  const hash = (name: string) => (): Hasher => { const h = createHash(name); return { update: (d) => void h.update(d), digest: () => h.digest() }; };
  const body = randomBytes(size);
  const rows: [string, () => Hasher][] = [
    ['MD5 (node:crypto, OpenSSL)', hash('md5')],
    ['SHA-1 (node:crypto)', hash('sha1')],
    ['SHA-256 (node:crypto)', hash('sha256')],
    ['CRC32 (node:zlib)', crc['crc32']!],
    ['CRC32C (slicing-by-8)', crc['crc32c']!],
    ['CRC64NVME (slicing-by-8)', crc['crc64nvme']!],
    ['CRC32C byte at a time (before)', bytewiseCrc32c],
  ];
  const results = rows.map(([name, make]) => ({ name, mbPerSecond: Math.round(mbPerSecond(() => { const h = make(); return { update: (d) => h.update(d), end: () => void h.digest() }; }, body, rounds, piece)) }));
  const md5 = results[0]!.mbPerSecond;
  const lines = [
    `# Checksum speed, one core (${new Date().toISOString()})`, '',
    `${(size / 1048576).toFixed(0)} MiB random body in 1 MiB pieces, best of ${rounds} rounds; node ${process.version}.`, '',
    '| checksum | MB/s per core | vs MD5 |', '|---|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.mbPerSecond} | ${(r.mbPerSecond / md5).toFixed(2)}× |`),
  ];
  const report = lines.join('\n') + '\n';
  console.log(report);
  if (!quick) {
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().slice(0, 10);
    writeFileSync(join(dir, `${stamp}-checksums.json`), JSON.stringify({ ranAt: new Date().toISOString(), machine: machine(), node: process.version, rounds, size, results }, null, 2) + '\n');
    writeFileSync(join(dir, `${stamp}-checksums.md`), report);
  }
}

await main();
