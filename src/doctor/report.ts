// What `s3-swift-gateway doctor` found: one finding per check, in plain words,
// each problem with how to fix it. Exit codes for scripts:
//   0  every check passed (warnings may be printed)
//   1  at least one check failed: the gateway would not work as configured
//   2  the settings could not be read at all (nothing else was checked)

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Finding {
  readonly verdict: Verdict;
  /** What was checked: config, keystone, service identity, swift, credentials file, ec2 credentials, ports. */
  readonly area: string;
  /** What was found, in a sentence a newcomer understands. Never a secret. */
  readonly message: string;
  /** What to change, when something is wrong. */
  readonly fix?: string;
}

export class Report {
  readonly findings: Finding[] = [];

  ok(area: string, message: string): void {
    this.findings.push({ verdict: 'ok', area, message });
  }

  warn(area: string, message: string, fix?: string): void {
    this.findings.push({ verdict: 'warn', area, message, ...(fix ? { fix } : {}) });
  }

  fail(area: string, message: string, fix?: string): void {
    this.findings.push({ verdict: 'fail', area, message, ...(fix ? { fix } : {}) });
  }

  count(verdict: Verdict): number {
    return this.findings.filter((f) => f.verdict === verdict).length;
  }

  exitCode(): number {
    return this.count('fail') > 0 ? 1 : 0;
  }
}

const LABEL: Record<Verdict, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** The report as lines for a terminal: verdict, area, message, then the fix indented below. */
export function renderText(report: Report, source: string): string[] {
  const width = Math.max(...report.findings.map((f) => f.area.length), 6);
  const lines = [`s3-swift-gateway doctor: ${source}`, ''];
  for (const f of report.findings) {
    lines.push(`  ${LABEL[f.verdict]}  ${f.area.padEnd(width)}  ${f.message}`);
    if (f.fix) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}  fix: ${f.fix}`);
  }
  const fails = report.count('fail');
  const warns = report.count('warn');
  lines.push('');
  lines.push(fails === 0
    ? `No problems found${warns ? ` (${warns} warning${warns === 1 ? '' : 's'})` : ''}: the gateway can start with these settings.`
    : `${fails} problem${fails === 1 ? '' : 's'}${warns ? ` and ${warns} warning${warns === 1 ? '' : 's'}` : ''}: fix the FAIL lines, then run the doctor again.`);
  return lines;
}
