// `npm run bench:cipher`: how fast one core runs the server-side encryption
// cipher over a large body, against plain MD5 (what Swift and the gateway
// compute for every upload anyway), so SSE is never the bottleneck of a
// PutObject or GetObject. The gateway's own code (from the built dist/):
// AES-256-CTR positioned at an offset (crypto/ctr.ts) alone, and with the
// plaintext HMAC-SHA256 every SSE write and full read computes beside it
// (crypto/mac.ts: the per-byte work of EncryptingStream / DecryptingStream);
// HMAC-SHA256 alone and AES-256-GCM for comparison. MB/s is 10^6 bytes per
// second of one core (single thread, best of N rounds), over a 64 MiB random
// buffer in 1 MiB pieces, as bodies stream.
// No stack needed. Options: --rounds N (default 5), --quick (1 round, 16 MiB).
// Results: bench/results/<date>-cipher.{json,md}.
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './procfs.js';
import { mbPerSecond, type Pass } from './throughput.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const quick = process.argv.includes('--quick');
const roundsAt = process.argv.indexOf('--rounds');
const rounds = quick ? 1 : roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 5;
const size = (quick ? 16 : 64) * 1024 * 1024;
const piece = 1024 * 1024;

async function main(): Promise<void> {
  const ctr = (await import(pathToFileURL(join(root, 'dist', 'crypto/ctr.js')).href)) as { ctrAt(key: Buffer, iv: Buffer, offset: number): { update(d: Buffer): Buffer } };
  const mac = (await import(pathToFileURL(join(root, 'dist', 'crypto/mac.js')).href)) as { plaintextMac(key: Buffer): { update(d: Buffer): unknown; digest(): Buffer } };
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const body = randomBytes(size);
  const rows: [string, () => Pass][] = [
    ['MD5 (node:crypto, OpenSSL)', () => { const h = createHash('md5'); return { update: (d) => void h.update(d), end: () => void h.digest() }; }],
    ['AES-256-CTR (crypto/ctr.ts ctrAt)', () => { const c = ctr.ctrAt(key, iv, 0); return { update: (d) => void c.update(d), end: () => {} }; }],
    ['AES-256-CTR at offset 1 MiB + 5 (a Range read)', () => { const c = ctr.ctrAt(key, iv, piece + 5); return { update: (d) => void c.update(d), end: () => {} }; }],
    ['HMAC-SHA256 of the plaintext (crypto/mac.ts)', () => { const m = mac.plaintextMac(key); return { update: (d) => void m.update(d), end: () => void m.digest() }; }],
    ['SSE write/full read: AES-256-CTR + HMAC-SHA256', () => {
      const c = ctr.ctrAt(key, iv, 0);
      const m = mac.plaintextMac(key);
      return { update: (d) => { m.update(d); c.update(d); }, end: () => void m.digest() };
    }],
    ['AES-256-GCM (for comparison)', () => { const c = createCipheriv('aes-256-gcm', key, iv.subarray(0, 12)); return { update: (d) => void c.update(d), end: () => void c.final() }; }],
    ['HMAC-SHA256 (node:crypto, for comparison)', () => { const h = createHmac('sha256', key); return { update: (d) => void h.update(d), end: () => void h.digest() }; }],
  ];
  const results = rows.map(([name, make]) => ({ name, mbPerSecond: Math.round(mbPerSecond(make, body, rounds, piece)) }));
  const md5 = results[0]!.mbPerSecond;
  const lines = [
    `# Cipher speed, one core (${new Date().toISOString()})`, '',
    `${(size / 1048576).toFixed(0)} MiB random body in 1 MiB pieces, best of ${rounds} rounds; node ${process.version}, OpenSSL ${process.versions.openssl}.`, '',
    '| work | MB/s per core | vs MD5 |', '|---|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.mbPerSecond} | ${(r.mbPerSecond / md5).toFixed(2)}× |`),
  ];
  const report = lines.join('\n') + '\n';
  console.log(report);
  if (!quick) {
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().slice(0, 10);
    writeFileSync(join(dir, `${stamp}-cipher.json`), JSON.stringify({ ranAt: new Date().toISOString(), machine: machine(), node: process.version, openssl: process.versions.openssl, rounds, size, results }, null, 2) + '\n');
    writeFileSync(join(dir, `${stamp}-cipher.md`), report);
  }
}

await main();
