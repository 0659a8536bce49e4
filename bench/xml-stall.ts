// `npm run bench:xml`: how long parsing an XML request body holds the event
// loop, that is how long every other request of the process waits. For each
// body of bench/xml-bodies.ts (the largest legal DeleteObjects and
// CompleteMultipartUpload bodies, and adversarial ones up to the caps), the
// event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution: its max
// and p99, the median over the rounds, and the worst max) while it is parsed:
//   before  fast-xml-parser's XMLParser in one synchronous call, as s3/xml.ts
//           did (DOCTYPE check, options, entity decoding), on the body as text;
//   after   the gateway's own pure parse function (parseDeleteBody,
//           parseCompleteBody, from the built dist/) on the body's bytes.
// Before each row, the same is measured for work that yields every 0.25 ms:
// the machine's own noise at the time.
// No stack needed. Options: --rounds N (default 5), --quick (1 round, no 10 MiB
// body). Results: bench/results/<date>-xml-stall.{json,md}.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { machine } from './procfs.js';
import { stallBodies, type StallBody } from './xml-bodies.js';

// Built to dist/bench/bench/ (tsconfig.bench.json compiles bench/ and test/helpers/fake-swift/).
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const quick = process.argv.includes('--quick');
const roundsAt = process.argv.indexOf('--rounds');
const rounds = quick ? 1 : roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 5;

/** The gateway's modules, as built (`npm run build`): the bench compiles apart from src/. */
async function load<T>(module: string): Promise<T> {
  return (await import(pathToFileURL(join(root, 'dist', module)).href)) as T;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeTree(node: unknown): unknown {
  if (typeof node === 'string') {
    return node.includes('&') ? node.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (whole, ref: string) => {
      if (ref[0] !== '#') return PREDEFINED[ref]!;
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }) : node;
  }
  if (Array.isArray(node)) return node.map(decodeTree);
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, decodeTree(v)]));
  return node;
}

/** s3/xml.ts's parseXml before the incremental reader. */
function oldParseXml(text: string, arrayPaths: readonly string[]): unknown {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error('DOCTYPE and ENTITY declarations are not allowed');
  const arrays = new Set(arrayPaths);
  const parser = new XMLParser({
    ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: false,
    processEntities: false, htmlEntities: false, ignoreDeclaration: true,
    isArray: (_name, jpath) => arrays.has(String(jpath)),
  });
  return decodeTree(parser.parse(text, true));
}

interface Measured {
  /** Event-loop delay, ms: the median over the rounds of each round's max, and of its p99. */
  readonly maxMs: number;
  readonly p99Ms: number;
  /** The largest delay of any round. */
  readonly worstMs: number;
  /** Median wall time of one parse. */
  readonly wallMs: number;
  /** 'ok', or the error it answered (MalformedXML, ...). */
  readonly outcome: string;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The reference a row is read against: 100 ms of work that gives the event loop
 * its turn every 0.25 ms, the best any cooperative task can do. What it
 * measures is the machine's share of noise at the time: other processes taking
 * the cores, the timer's own lateness.
 */
async function cooperativeWork(): Promise<void> {
  const end = performance.now() + 100;
  while (performance.now() < end) {
    const stop = performance.now() + 0.25;
    while (performance.now() < stop);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(run: () => unknown): Promise<Measured> {
  const maxes: number[] = [];
  const p99s: number[] = [];
  const walls: number[] = [];
  let outcome = 'ok';
  for (let round = 0; round < rounds; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    await settle(50);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    await settle(5);
    const start = performance.now();
    try {
      await run();
    } catch (err) {
      outcome = (err as { code?: string }).code ?? (err as Error).message.slice(0, 40);
    }
    walls.push(performance.now() - start);
    // The delayed sample lands once the loop runs timers again.
    await settle(5);
    delay.disable();
    maxes.push(delay.max / 1e6);
    p99s.push(delay.percentile(99) / 1e6);
  }
  return { maxMs: median(maxes), p99Ms: median(p99s), worstMs: Math.max(...maxes), wallMs: median(walls), outcome };
}

interface Row {
  readonly name: string;
  readonly what: string;
  readonly bytes: number;
  /** cooperativeWork(), measured just before: the machine's noise at the time. */
  readonly reference: Measured;
  readonly before: Measured;
  readonly after?: Measured;
}

async function main(): Promise<void> {
  const { parseDeleteBody, MAX_DELETE_BODY } = await load<{ parseDeleteBody(b: Buffer): Promise<unknown>; MAX_DELETE_BODY: number }>('operations/delete-objects.js');
  const { parseCompleteBody, MAX_COMPLETE_BODY } = await load<{ parseCompleteBody(b: Buffer, id: string): Promise<unknown>; MAX_COMPLETE_BODY: number }>('operations/multipart-complete.js');
  const bodies = stallBodies({ deleteBytes: MAX_DELETE_BODY, completeBytes: MAX_COMPLETE_BODY, oldDeleteBytes: 10 * 1024 * 1024 })
    .filter((b) => !(quick && b.beforeOnly));
  const after = (b: StallBody) => (b.kind === 'delete' ? parseDeleteBody(b.body) : parseCompleteBody(b.body, 'upload'));
  const arrays = (b: StallBody) => [b.kind === 'delete' ? 'Delete.Object' : 'CompleteMultipartUpload.Part'];
  const rows: Row[] = [];
  for (const b of bodies) {
    process.stderr.write(`${b.name} (${b.body.length} bytes)...\n`);
    const reference = await measure(cooperativeWork);
    const before = await measure(() => oldParseXml(b.body.toString('utf8'), arrays(b)));
    rows.push({ name: b.name, what: b.what, bytes: b.body.length, reference, before, after: b.beforeOnly ? undefined : await measure(() => after(b)) });
  }
  const biggest = bodies.find((b) => b.name === 'delete-legal-escaped')!.body;
  const md5Once = await measure(() => createHash('md5').update(biggest).digest());
  const md5Chunk = await measure(() => createHash('md5').update(biggest.subarray(0, 64 * 1024)).digest());

  const result = { ranAt: new Date().toISOString(), machine: machine(), loadAverage: loadavg(), node: process.version, rounds, rows, md5Once, md5Chunk };
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const cell = (m: Measured | undefined) => (m ? `${ms(m.maxMs)} / ${ms(m.p99Ms)} (${ms(m.worstMs)}) / ${ms(m.wallMs)}` : 'refused unread (over the cap)');
  const md = [
    `# Event-loop delay while an XML request body is parsed (${result.ranAt})`,
    '',
    `${result.machine.nproc} × ${result.machine.cpuModel}, node ${result.node}, load average ${result.loadAverage.map((l) => l.toFixed(1)).join(' ')} at the end, `
      + `${rounds} round(s) per cell. Each cell, in ms: event-loop delay max / p99 (median over the rounds), (worst max of any round), / median wall time of one parse. `
      + 'Reference, measured just before the row: 100 ms of work yielding every 0.25 ms, the best a cooperative task can do, so the machine\'s own noise at the time (other processes share its cores). '
      + 'Before: fast-xml-parser in one call on the text. After: the gateway\'s parse function on the bytes.',
    '',
    '| body | bytes | reference, just before | before | after | after answers |',
    '| --- | ---: | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.name}\`: ${r.what} | ${r.bytes.toLocaleString('en')} | ${cell(r.reference)} | ${cell(r.before)} | ${cell(r.after)} | ${r.after?.outcome ?? 'MalformedXML'} |`),
    '',
    `Content-MD5 of the largest legal DeleteObjects body (${biggest.length.toLocaleString('en')} bytes): in one call (before) ${cell(md5Once)}; `
      + `one 64 KiB chunk (after: hashed as each chunk arrives) ${cell(md5Chunk)}.`,
    '',
  ].join('\n');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const name = `${result.ranAt.slice(0, 10)}-xml-stall${quick ? '-quick' : ''}`;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(dir, `${name}.md`), md);
  process.stdout.write(md);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:xml: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
