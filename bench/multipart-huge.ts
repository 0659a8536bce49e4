// `npm run bench:huge`: one object larger than the cluster's single-object
// limit (Swift's max_file_size; the local stack sets 2 GiB), uploaded through
// the gateway with multipart, read back and checked byte for byte. Parts are
// streamed from the benchmark's generated pattern, never held in memory; the
// gateway's peak RSS is sampled throughout. Options: --gib N (default 3),
// --part-mib N (default 64). Results: bench/results/<date>-huge.{json,md}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { BLOCK_SIZE, PatternVerifier, patternBlock } from './datastream.js';
import { startGateway } from './gateway.js';
import { RssSampler, machine } from './procfs.js';
import { authenticate, type Auth, type PlainRequest } from './signing.js';
// `#stack` (package.json "imports"): the stack module from bench/ and dist/bench/ alike.
import { credentialOf, loadStack } from '#stack';

// Built to dist/bench/bench/ (tsconfig.bench.json compiles bench/ and test/helpers/fake-swift/).
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const totalBlocks = Math.round(arg('--gib', 3) * 1024);
const partBlocks = arg('--part-mib', 64);
const size = totalBlocks * BLOCK_SIZE;
const BUCKET = 'bench-huge';
const KEY = 'huge.bin';

/** Blocks [first, first + count) of the pattern: part k of the object. */
function partStream(first: number, count: number): Readable {
  let i = 0;
  return new Readable({
    highWaterMark: 4 * BLOCK_SIZE,
    read() {
      if (i >= count) this.push(null);
      else this.push(patternBlock(first + i++));
    },
  });
}

async function main(): Promise<void> {
  const stack = loadStack();
  const demo = stack.users.demo;
  const info = (await (await fetch(`${stack.swift.url}/info`)).json()) as { swift: { max_file_size: number } };
  const gw = await startGateway({
    root,
    label: 'huge-gateway',
    authUrl: stack.keystone.authUrl,
    keystoneRegion: stack.keystone.region,
    credentials: [credentialOf(demo)],
  });
  const pool = new Pool(gw.url, { connections: 2, bodyTimeout: 600_000, headersTimeout: 600_000 });
  // SigV4: it signs the whole query (the bench's SigV2 signer leaves sub-resources out).
  const auth: Auth = { kind: 's3', mode: 'v4', keys: demo.ec2, region: 'us-east-1' };
  const host = new URL(gw.url).host;
  const call = async (req: PlainRequest, body?: Readable | string) => {
    authenticate(req, auth, host, new Date());
    const res = await pool.request({ method: req.method as 'GET', path: req.query ? `${req.path}?${req.query}` : req.path, headers: req.headers, body: body ?? null });
    return res;
  };
  const rss = new RssSampler(gw.pid);
  try {
    await (await call({ method: 'PUT', path: `/${BUCKET}`, query: '', headers: {} })).body.text();
    const created = await (await call({ method: 'POST', path: `/${BUCKET}/${KEY}`, query: 'uploads', headers: {} })).body.text();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
    if (!uploadId) throw new Error(`CreateMultipartUpload failed: ${created}`);
    const parts: string[] = [];
    const t0 = performance.now();
    for (let first = 0, n = 1; first < totalBlocks; first += partBlocks, n++) {
      const count = Math.min(partBlocks, totalBlocks - first);
      const res = await call(
        { method: 'PUT', path: `/${BUCKET}/${KEY}`, query: `partNumber=${n}&uploadId=${uploadId}`, headers: { 'content-length': String(count * BLOCK_SIZE) } },
        partStream(first, count),
      );
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`UploadPart ${n}: ${res.statusCode} ${text}`);
      parts.push(String(res.headers['etag']));
    }
    const xml = `<CompleteMultipartUpload>${parts.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await call({ method: 'POST', path: `/${BUCKET}/${KEY}`, query: `uploadId=${uploadId}`, headers: { 'content-length': String(Buffer.byteLength(xml)) } }, xml);
    const doneText = await done.body.text();
    const putMs = performance.now() - t0;
    const etag = /<ETag>([^<]+)<\/ETag>/.exec(doneText)?.[1]?.replace(/&quot;|"/g, '');
    if (!etag) throw new Error(`CompleteMultipartUpload failed: ${doneText}`);
    const putPeak = rss.maxBytes;

    const t1 = performance.now();
    const get = await call({ method: 'GET', path: `/${BUCKET}/${KEY}`, query: '', headers: {} });
    const verifier = new PatternVerifier();
    for await (const chunk of get.body) verifier.update(chunk as Buffer);
    const getMs = performance.now() - t1;
    const verified = get.statusCode === 200 && verifier.matches(size);
    await (await call({ method: 'DELETE', path: `/${BUCKET}/${KEY}`, query: '', headers: {} })).body.text();
    const leftover = await (await call({ method: 'GET', path: `/${BUCKET}`, query: 'uploads', headers: {} })).body.text();
    const peak = rss.stop();

    const result = {
      ranAt: new Date().toISOString(),
      machine: machine(),
      bytes: size,
      parts: parts.length,
      partBytes: partBlocks * BLOCK_SIZE,
      swiftMaxFileSize: info.swift.max_file_size,
      pastSingleObjectLimit: size > info.swift.max_file_size,
      etag,
      putMBps: size / 1e6 / (putMs / 1000),
      getMBps: size / 1e6 / (getMs / 1000),
      verified,
      gatewayPeakRssBytes: peak,
      gatewayPeakRssDuringPutBytes: putPeak,
      uploadsLeft: (leftover.match(/<Upload>/g) ?? []).length,
    };
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const date = result.ranAt.slice(0, 10);
    writeFileSync(join(dir, `${date}-huge.json`), JSON.stringify(result, null, 2) + '\n');
    const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
    const md = [
      `# Multipart past the single-object limit (${result.ranAt})`,
      '',
      `${mb(size)} in ${parts.length} parts of ${mb(result.partBytes)} through the gateway (SigV4); Swift's max_file_size is ${mb(info.swift.max_file_size)}.`,
      '',
      '| upload MB/s | download MB/s | bytes verified | ETag | gateway peak RSS | uploads left |',
      '| --- | --- | --- | --- | --- | --- |',
      `| ${result.putMBps.toFixed(0)} | ${result.getMBps.toFixed(0)} | ${verified ? 'yes' : 'NO'} | \`${etag}\` | ${mb(peak)} | ${result.uploadsLeft} |`,
      '',
    ].join('\n');
    writeFileSync(join(dir, `${date}-huge.md`), md);
    process.stdout.write(md);
    if (!verified || !result.pastSingleObjectLimit || !etag.endsWith(`-${parts.length}`)) process.exitCode = 1;
  } finally {
    rss.stop();
    await pool.close();
    await gw.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:huge: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
