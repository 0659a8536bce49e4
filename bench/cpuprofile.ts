// Summarises a V8 .cpuprofile (written by `node --cpu-prof`): the functions
// with the most self time, where the gateway's CPU goes.
// Usage: node dist/bench/bench/cpuprofile.js FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  /** file:line, shortened to the package or to the path after dist/. */
  readonly where: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time, in %. */
  readonly percent: number;
}

export function shortLocation(url: string, line: number): string {
  if (url === '') return '';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  const short = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.includes('/dist/') ? path.slice(path.lastIndexOf('/dist/') + 1) : path;
  return `${short}:${line + 1}`;
}

/** Self time per function (same name and location summed), most first, idle excluded. */
export function topSelfTime(profile: CpuProfile, top = 20): { busyMs: number; idleMs: number; functions: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let idleUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    // timeDeltas[i] is the time since the previous sample; it belongs to sample i.
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const where = shortLocation(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${name}\n${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  }
  const functions = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, percent: busyUs === 0 ? 0 : (100 * e.us) / busyUs }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, functions };
}

export function formatTopSelfTime(summary: ReturnType<typeof topSelfTime>): string {
  const lines = [`busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms; top self time:`];
  for (const f of summary.functions) {
    lines.push(`  ${f.percent.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/bench/cpuprofile.js FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(formatTopSelfTime(topSelfTime(profile, Number(process.argv[3] ?? 25))) + '\n');
}
