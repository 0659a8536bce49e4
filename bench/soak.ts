// `npm run soak`: a long mixed workload (soak-workload.ts) at c=32 against a
// gateway of two workers in front of the local stack, sampling the RSS and
// open file descriptors of all its processes every 5 s. At the end every
// object is read back and checked, and the bucket's segments container is
// compared with what the remaining manifests reference: nothing orphaned.
// Writes bench/results/<date>-soak.{json,md}; exits 1 when anything failed.
//   npm run soak -- [--minutes 30] [--concurrency 32] [--workers 2] [--large-mib 24]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialOf, loadStack, type Stack, type StackStorageUser } from '#stack';
import { startGateway } from './gateway.js';
import { keystoneToken } from './keystone-token.js';
import { SoakClient } from './soak-client.js';
import { newTally, SoakClientLoop } from './soak-workload.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

/** The gateway's processes: the primary and its workers (node's cluster forks them as its children). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { /* gone */ }
  return [pid, ...children];
}

function sample(pid: number): { rssBytes: number; fds: number } {
  let rssBytes = 0;
  let fds = 0;
  for (const p of processTree(pid)) {
    try {
      rssBytes += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      fds += readdirSync(`/proc/${p}/fd`).length;
    } catch { /* a worker restarting */ }
  }
  return { rssBytes, fds };
}

/** Growth from the early window (20–40 % of the run: warmed up) to the last 20 %, of the samples' means. */
function growth(values: readonly number[]): { early: number; late: number } {
  const mean = (a: readonly number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  const n = values.length;
  return { early: mean(values.slice(Math.floor(n * 0.2), Math.max(Math.floor(n * 0.2) + 1, Math.floor(n * 0.4)))), late: mean(values.slice(Math.floor(n * 0.8))) };
}

async function main(argv: readonly string[]): Promise<void> {
  const minutes = option(argv, 'minutes', 30);
  const concurrency = option(argv, 'concurrency', 32);
  const workers = option(argv, 'workers', 2);
  const largeBytes = option(argv, 'large-mib', 24) * 1024 * 1024;
  const stack = loadStack();
  const demo = stack.users.demo;
  const gw = await startGateway({
    root, label: 'soak', authUrl: stack.keystone.authUrl, keystoneRegion: stack.keystone.region, credentials: [credentialOf(demo)], settings: { workers, 's3.dialect': 'aws' },
  });
  await untilReady(gw.adminUrl);
  const s3 = new SoakClient(gw.url, demo.ec2, concurrency);
  const bucket = `soak-${Date.now().toString(36)}`;
  const tally = newTally();
  const samples: { at: number; rssBytes: number; fds: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ at: Date.now() - started, ...sample(gw.pid) }), 5000);
  let verified = 0;
  let orphans: string[] = [];
  try {
    const made = await s3.send({ method: 'PUT', bucket });
    if (made.status !== 200) throw new Error(`cannot create ${bucket}: ${made.status}`);
    const loops = Array.from({ length: concurrency }, (_, i) => new SoakClientLoop(s3, bucket, `c${i}/`, tally, largeBytes));
    const until = started + minutes * 60_000;
    const progress = setInterval(() => {
      const done = [...tally.ops.values()].reduce((a, b) => a + b, 0);
      const last = samples.at(-1);
      process.stderr.write(`soak ${((Date.now() - started) / 60_000).toFixed(1)} min: ${done} operations, ${tally.failureCount} failures${last ? `, RSS ${(last.rssBytes / 1e6).toFixed(0)} MB, ${last.fds} fds` : ''}\n`);
    }, 30_000);
    await Promise.all(loops.map((l) => l.run(until)));
    clearInterval(progress);
    // Every object once more, whole.
    for (const loop of loops) {
      for (const [key, want] of loop.model) {
        const a = await s3.send({ method: 'GET', bucket, key });
        if (a.status !== 200 || a.md5 !== want.md5 || a.length !== want.size) {
          tally.failureCount++;
          tally.failures.push(`final read ${key}: ${a.status}, ${a.length} bytes, MD5 ${a.md5}; expected ${want.size}, ${want.md5}`);
        } else verified++;
      }
    }
    // Swift's container listings catch up asynchronously under load (a manifest
    // not yet listed makes its segments look unreferenced): look again a few times.
    for (let attempt = 0; attempt < 8; attempt++) {
      orphans = await orphanedSegments(stack, demo, bucket);
      if (orphans.length === 0) break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    if (orphans.length) {
      tally.failureCount++;
      tally.failures.push(`${orphans.length} orphaned segments, e.g. ${orphans.slice(0, 3).join(', ')}`);
    }
  } finally {
    clearInterval(sampler);
    await s3.close();
    await gw.stop();
  }
  const rss = growth(samples.map((s) => s.rssBytes));
  const fds = growth(samples.map((s) => s.fds));
  const rssFlat = rss.late <= Math.max(rss.early * 1.1, rss.early + 16e6);
  const fdsFlat = fds.late <= fds.early * 1.1 + 10;
  const fiveXX = [...tally.statuses].filter(([k]) => / 5\d\d$/.test(k)).reduce((n, [, v]) => n + v, 0);
  const result = {
    startedAt: new Date(started).toISOString(), minutes, concurrency, workers, largeBytes,
    operations: Object.fromEntries(tally.ops), statuses: Object.fromEntries(tally.statuses), fiveXX,
    failures: tally.failures, failureCount: tally.failureCount, listingLags: tally.listingLags, verifiedObjects: verified, orphanedSegments: orphans.length,
    rss: { ...rss, flat: rssFlat, peakBytes: Math.max(0, ...samples.map((s) => s.rssBytes)) }, fds: { ...fds, flat: fdsFlat },
    samples,
  };
  const pass = tally.failureCount === 0 && rssFlat && fdsFlat;
  const day = result.startedAt.slice(0, 10);
  const file = join(root, 'bench', 'results', `${day}-soak`);
  writeFileSync(`${file}.json`, JSON.stringify(result, null, 2) + '\n');
  const md = [
    `# Soak ${result.startedAt}: ${pass ? 'PASS' : 'FAIL'}`, '',
    `${minutes} min at c=${concurrency} against ${workers} gateway workers; ${Object.values(result.operations).reduce((a, b) => a + b, 0)} operations.`, '',
    `- 5xx answers: ${fiveXX}; failures: ${tally.failureCount}${tally.failures.length ? ` (${tally.failures.slice(0, 5).join('; ')})` : ''}`,
    `- objects verified byte for byte at the end: ${verified}; orphaned segments: ${orphans.length}`,
    `- RSS of all gateway processes: ${(rss.early / 1e6).toFixed(0)} MB early → ${(rss.late / 1e6).toFixed(0)} MB late (${rssFlat ? 'flat' : 'GROWING'}), peak ${(result.rss.peakBytes / 1e6).toFixed(0)} MB`,
    `- open file descriptors: ${fds.early.toFixed(0)} early → ${fds.late.toFixed(0)} late (${fdsFlat ? 'flat' : 'GROWING'})`,
    `- listings that lagged the writes (Swift updates listings asynchronously; not a failure): ${tally.listingLags}`,
    '', '| operation | count |', '| --- | --- |', ...Object.entries(result.operations).map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
  writeFileSync(`${file}.md`, md + '\n');
  process.stdout.write(md + `\n\nResults: ${file}.json\n`);
  process.exitCode = pass ? 0 : 1;
}

/** /healthz answers once the primary runs; /readyz once every worker listens and is ready. */
async function untilReady(adminUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`${adminUrl}/readyz`).then(async (r) => (await r.arrayBuffer(), r.status), () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`the gateway was not ready within 60 s (${adminUrl}/readyz: ${status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Segments under the bucket's `+segments` that no remaining manifest references. */
async function orphanedSegments(stack: Stack, user: StackStorageUser, bucket: string): Promise<string[]> {
  const token = await keystoneToken(stack, user);
  const base = user.storageUrl.replace(/\/+$/, '');
  const get = async (path: string, method = 'GET') => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'x-auth-token': token } });
    return { status: res.status, text: await res.text(), manifest: res.headers.get('x-static-large-object') === 'True' };
  };
  const listAll = async (container: string): Promise<{ name: string; content_type?: string }[]> => {
    const rows: { name: string; content_type?: string }[] = [];
    for (let marker = ''; ;) {
      const page = await get(`/${encodeURIComponent(container)}?format=json&limit=10000${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`);
      if (page.status === 404) return rows;
      const batch = page.status === 204 ? [] : (JSON.parse(page.text) as { name: string }[]);
      if (batch.length === 0) return rows;
      rows.push(...batch);
      marker = batch.at(-1)!.name;
    }
  };
  const segments = await listAll(`${bucket}+segments`);
  if (segments.length === 0) return [];
  const referenced = new Set<string>();
  for (const row of await listAll(bucket)) {
    const path = `/${bucket}/${row.name.split('/').map(encodeURIComponent).join('/')}?multipart-manifest=get`;
    // (HEAD first: only a manifest's JSON is worth reading; a plain object's bytes may start with '[' too.)
    if (!(await get(path, 'HEAD')).manifest) continue;
    const manifest = await get(path);
    if (manifest.status !== 200 || !manifest.manifest) continue;
    for (const entry of JSON.parse(manifest.text) as { name?: string; path?: string }[]) {
      const path = decodeURIComponent(entry.name ?? entry.path ?? '');
      referenced.add(path.slice(`/${bucket}+segments/`.length));
    }
  }
  // (An upload still open would have its marker and parts here: the soak completes or aborts all of them.)
  return segments.map((s) => s.name).filter((name) => !referenced.has(name));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
