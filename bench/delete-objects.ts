// `npm run bench:delete`: DeleteObjects of N keys (default 1000) through the
// gateway, timed per request, in two buckets: one with plain objects only, and
// one that also holds a multipart object (so it has a segments container and
// every key's manifest is read before the deletes). Each round writes the
// objects again (not timed), deletes them in one DeleteObjects request and
// checks the bucket is empty. Options: --keys N, --rounds N (default 3),
// --root DIR (a checkout whose dist/main.js is the gateway to measure, e.g. a
// build of an older commit for a before/after), --label NAME.
// Results: bench/results/<date>-delete-objects[-label].{json,md}.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startGateway } from './gateway.js';
import { machine } from './procfs.js';
import { authenticate, encodeKey, type Auth, type PlainRequest } from './signing.js';
import { credentialOf, loadStack } from '#stack';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const opt = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const KEYS = Number(opt('--keys') ?? 1000);
const ROUNDS = Number(opt('--rounds') ?? 3);
const gatewayRoot = resolve(opt('--root') ?? here);
const label = opt('--label');
const WRITE_CONCURRENCY = 16;

async function main(): Promise<void> {
  const stack = loadStack();
  const demo = stack.users.demo;
  const gw = await startGateway({ root: gatewayRoot, label: 'delete-gateway', authUrl: stack.keystone.authUrl, keystoneRegion: stack.keystone.region, credentials: [credentialOf(demo)] });
  const pool = new Pool(gw.url, { connections: WRITE_CONCURRENCY, bodyTimeout: 600_000, headersTimeout: 600_000 });
  const auth: Auth = { kind: 's3', mode: 'v4', keys: demo.ec2, region: 'us-east-1' };
  const host = new URL(gw.url).host;
  const call = async (req: PlainRequest, body?: string): Promise<{ status: number; text: string }> => {
    authenticate(req, auth, host, new Date());
    const res = await pool.request({ method: req.method as 'GET', path: req.query ? `${req.path}?${req.query}` : req.path, headers: req.headers, body: body ?? null });
    return { status: res.statusCode, text: await res.body.text() };
  };
  const put = (bucket: string, key: string, body: string) => call({ method: 'PUT', path: `/${bucket}/${encodeKey(key)}`, query: '', headers: { 'content-length': String(Buffer.byteLength(body)) } }, body);
  const names = Array.from({ length: KEYS }, (_, i) => `obj/${String(i).padStart(5, '0')}`);
  const results: { bucket: string; seconds: number[]; deletedAll: boolean }[] = [];
  const suffix = `${Date.now().toString(36)}`;
  try {
    for (const kind of ['plain', 'with-segments'] as const) {
      const bucket = `bench-del-${kind}-${suffix}`;
      await call({ method: 'PUT', path: `/${bucket}`, query: '', headers: {} });
      const seconds: number[] = [];
      let deletedAll = true;
      for (let round = 0; round < ROUNDS; round++) {
        // Writes, not timed.
        let next = 0;
        await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, async () => {
          while (next < names.length) await put(bucket, names[next++]!, 'x');
        }));
        if (kind === 'with-segments') {
          // One multipart object among the keys: the bucket gets a segments container.
          const created = await call({ method: 'POST', path: `/${bucket}/${encodeKey(names[0]!)}`, query: 'uploads', headers: {} });
          const id = /<UploadId>([^<]+)</.exec(created.text)![1]!;
          const part = await call({ method: 'PUT', path: `/${bucket}/${encodeKey(names[0]!)}`, query: `partNumber=1&uploadId=${id}`, headers: { 'content-length': '4' } }, 'part');
          void part;
          const etag = createHash('md5').update('part').digest('hex');
          const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"${etag}"</ETag></Part></CompleteMultipartUpload>`;
          await call({ method: 'POST', path: `/${bucket}/${encodeKey(names[0]!)}`, query: `uploadId=${id}`, headers: { 'content-length': String(Buffer.byteLength(xml)) } }, xml);
        }
        const xml = `<Delete><Quiet>true</Quiet>${names.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
        const md5 = createHash('md5').update(xml).digest('base64');
        const t0 = performance.now();
        const res = await call({ method: 'POST', path: `/${bucket}`, query: 'delete', headers: { 'content-md5': md5, 'content-length': String(Buffer.byteLength(xml)) } }, xml);
        seconds.push((performance.now() - t0) / 1000);
        if (res.status !== 200 || res.text.includes('<Error>')) throw new Error(`DeleteObjects: ${res.status} ${res.text.slice(0, 500)}`);
        const left = await call({ method: 'GET', path: `/${bucket}`, query: 'max-keys=1', headers: {} });
        if (left.text.includes('<Key>')) deletedAll = false;
      }
      await call({ method: 'DELETE', path: `/${bucket}`, query: '', headers: {} });
      results.push({ bucket: kind, seconds, deletedAll });
    }
  } finally {
    await pool.close();
    await gw.stop();
  }
  const ranAt = new Date().toISOString();
  const report = { ranAt, machine: machine(), gatewayRoot, keys: KEYS, rounds: ROUNDS, results };
  const dir = join(here, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const name = `${ranAt.slice(0, 10)}-delete-objects${label ? `-${label}` : ''}`;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  const fmt = (s: number[]) => `${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2)} s (${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)})`;
  const md = [
    `# DeleteObjects of ${KEYS} keys${label ? ` (${label})` : ''} (${ranAt})`,
    '',
    `Gateway: \`${gatewayRoot}/dist/main.js\`; ${ROUNDS} rounds; one DeleteObjects request each, mean (min–max).`,
    '',
    '| bucket | seconds per request | all deleted |',
    '| --- | --- | --- |',
    ...results.map((r) => `| ${r.bucket} | ${fmt(r.seconds)} | ${r.deletedAll ? 'yes' : 'NO'} |`),
    '',
  ].join('\n');
  writeFileSync(join(dir, `${name}.md`), md);
  process.stdout.write(md);
  if (results.some((r) => !r.deletedAll)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:delete: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
