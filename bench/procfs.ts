// What the benchmark reads about a process from /proc (Linux): resident memory
// (VmRSS now, VmHWM the peak) and CPU time (utime + stime).
// https://man7.org/linux/man-pages/man5/proc_pid_status.5.html
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface Memory {
  readonly rssBytes: number;
  readonly hwmBytes: number;
}

/** VmRSS and VmHWM of a process, in bytes. */
export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kib('VmRSS'), hwmBytes: kib('VmHWM') };
}

/**
 * Resets the peak (VmHWM) to the current RSS, so the next reading is the peak of
 * what follows. Writing 5 to clear_refs does it (Linux ≥ 4.0); false when not allowed.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

let ticks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times. */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU time of a process so far, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses):
  // state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / clockTicks();
}

/** Samples a process's VmRSS every `everyMs` and keeps the largest value. */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  maxBytes = 0;

  constructor(pid: number, everyMs = 50) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  #sample(): void {
    try {
      this.maxBytes = Math.max(this.maxBytes, readMemory(this.#pid).rssBytes);
    } catch {
      // the process ended; keep what was seen
    }
  }

  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.maxBytes;
  }
}

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memTotalGiB: number;
  readonly node: string;
  readonly kernel: string;
}

export function machine(): Machine {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: keep os.cpus()
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // keep os.cpus()
  }
  return {
    nproc,
    cpuModel: model,
    memTotalGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
  };
}
