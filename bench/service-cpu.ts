// CPU of the stack's own processes, read from /proc like the gateway's: a
// Swift proxy is a master (its pid file in the stack's run directory) and its
// forked workers, whose CPU is where requests are served. What the gateway's
// CPU per request and per GB is compared against, in the same rounds.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMicros } from './procfs.js';

/** The direct children of a process (by the parent pid in /proc/<pid>/stat). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A stack service (`proxy`, `s3proxy`): its master and workers, found once. */
export class ServiceCpu {
  readonly name: string;
  readonly #pids: number[];

  constructor(runDir: string, name: string) {
    this.name = name;
    const master = Number(readFileSync(join(runDir, `${name}.pid`), 'utf8').trim());
    this.#pids = [master, ...childrenOf(master)];
  }

  /** User + system CPU of all its processes so far, µs (a process that ended counts as 0 from then on). */
  micros(): number {
    let sum = 0;
    for (const pid of this.#pids) {
      try {
        sum += cpuMicros(pid);
      } catch {
        // ended
      }
    }
    return sum;
  }
}
