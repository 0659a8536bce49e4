#!/usr/bin/env node
// Renders the real-client matrix into README.md, between
// <!-- matrix:start --> and <!-- matrix:end -->, from test/clients/matrix-results.json,
// which the matrix tests (test/clients/matrix/) write as they run; and the
// programs table (backup tools, sync, mounts, other SDKs) between
// <!-- programs:start --> and <!-- programs:end -->, from
// test/clients/programs-results.json, written by test/clients/programs/. Nothing in
// the table is typed by hand: a cell is ✓ when every step of its operation group
// passed in the recorded run, ✗ when one failed or did not run, and n/a (with
// the reason below the table) when the client has no way to do it.
//
//   node scripts/matrix-table.mjs            rewrite README.md
//   node scripts/matrix-table.mjs --check    exit 1 if README.md is not what the results say
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(root, 'test', 'clients', 'matrix-results.json');
const readmeFile = join(root, 'README.md');
const programsFile = join(root, 'test', 'clients', 'programs-results.json');
const START = '<!-- matrix:start -->';
const PROGRAMS_START = '<!-- programs:start -->';
const PROGRAMS_END = '<!-- programs:end -->';
const END = '<!-- matrix:end -->';

const COLUMN_NAMES = {
  bucket: 'bucket', put: 'put', multipart: 'multipart 20 MiB', list: 'list', head: 'HEAD', range: 'range GET', copy: 'copy',
  download: 'download', sync: 'sync', acl: 'ACL', presign: 'presigned', delete: 'delete', multiDelete: 'multi-delete',
};

const CLIENT_ORDER = ['aws CLI', 'boto3', 's3cmd', 'rclone', 'AWS SDK for JavaScript v3'];

export function render(results) {
  const groups = Object.keys(results.groups);
  const rows = Object.values(results.rows).sort((a, b) =>
    CLIENT_ORDER.indexOf(a.client) - CLIENT_ORDER.indexOf(b.client) || b.signing.localeCompare(a.signing) || a.addressing.localeCompare(b.addressing));
  const notes = [];
  const note = (text) => {
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return i + 1;
  };
  const lines = [];
  lines.push(`| client | signing | addressing | ${groups.map((g) => COLUMN_NAMES[g] ?? g).join(' | ')} |`);
  lines.push(`| --- | --- | --- | ${groups.map(() => ':---:').join(' | ')} |`);
  for (const row of rows) {
    const cells = groups.map((g) => {
      const state = row.cells[g];
      if (state === 'pass') return '✓';
      if (state === 'n/a') return `n/a [${note(`${row.client}: ${row.how[g] ?? 'not applicable'}`)}]`;
      return `**✗** [${note(`${row.client} ${row.signing} ${g}: failed: ${(row.failures[g] ?? ['not run']).join('; ')}`)}]`;
    });
    lines.push(`| ${row.client} ${row.version} | ${row.signing} | ${row.addressing} | ${cells.join(' | ')} |`);
  }
  const out = [];
  const runs = rows.map((r) => r.ranAt).sort();
  out.push(`Made by \`node scripts/matrix-table.mjs\` from \`test/clients/matrix-results.json\`, written by the matrix tests`);
  out.push(`(\`test/clients/matrix/\`) in the run of ${runs[0]?.slice(0, 16).replace('T', ' ')}–${runs.at(-1)?.slice(11, 16)} UTC.`);
  out.push('✓: every step of the group passed; **✗**: a step failed or did not run; n/a: the client has no way to do it.');
  out.push('');
  out.push(...lines);
  out.push('');
  if (notes.length) {
    out.push(...notes.map((n, i) => `${i + 1}. ${n}`));
    out.push('');
  }
  out.push('Columns: ' + groups.map((g) => `**${COLUMN_NAMES[g] ?? g}**: ${results.groups[g]}`).join('; ') + '.');
  out.push('');
  out.push('How each client was set up, and what it ran:');
  out.push('');
  const byClient = new Map();
  for (const row of rows) {
    const list = byClient.get(row.client) ?? [];
    list.push(row);
    byClient.set(row.client, list);
  }
  for (const [client, list] of byClient) {
    out.push(`- **${client}** ${list[0].version}: ${list.map((r) => `${r.signing} (${r.addressing}): ${r.setup}`).join('; ')}.`);
    const how = list[0].how;
    out.push(`  ${groups.filter((g) => how[g] && list[0].cells[g] !== 'n/a').map((g) => `${COLUMN_NAMES[g] ?? g}: ${how[g]}`).join('; ')}.`);
  }
  const missing = [...new Set(rows.flatMap((r) => r.notImplemented.map((op) => `${op} (${r.client})`)))];
  out.push('');
  out.push(missing.length === 0
    ? 'No client in the matrix called an operation the gateway answers with NotImplemented.'
    : `Operations the clients called that the gateway answered with NotImplemented (the clients carried on): ${missing.join(', ')}.`);
  return out.join('\n');
}

const PROGRAM_ORDER = ['restic', 'duplicity', 'rclone sync (path)', 'rclone sync (virtual-host)', 'aws s3 sync', 's3fs', 'Ruby aws-sdk-s3', 'AWS SDK for Go', 'minio-go'];

/** The programs table (test/clients/programs/): one row per program, its steps' outcome, or why it cannot run here. */
export function renderPrograms(results) {
  const rows = Object.values(results.rows).sort((a, b) => PROGRAM_ORDER.indexOf(a.program) - PROGRAM_ORDER.indexOf(b.program));
  const runs = rows.map((r) => r.ranAt).sort();
  const out = [];
  out.push('Made by `node scripts/matrix-table.mjs` from `test/clients/programs-results.json`, written by the program tests');
  out.push(`(\`test/clients/programs/\`) in the run of ${runs[0]?.slice(0, 16).replace('T', ' ')}–${runs.at(-1)?.slice(11, 16)} UTC.`);
  out.push('✓: every step passed in that run; **✗**: the steps named failed or did not run; cannot run here: why, and nothing passed.');
  out.push('');
  out.push('| program | version | scenario | result |');
  out.push('| --- | --- | --- | --- |');
  for (const row of rows) {
    const failed = row.steps.filter((s) => s.state !== 'pass');
    const result = row.cannotRun ? `cannot run here: ${row.cannotRun}`
      : row.steps.length === 0 ? '**✗** no step ran'
        : failed.length === 0 ? `✓ (${row.steps.length} of ${row.steps.length} steps)`
          : `**✗** ${failed.map((s) => s.title).join('; ')}`;
    out.push(`| ${row.program} | ${row.version} | ${row.what} | ${result} |`);
  }
  out.push('');
  out.push('How each program was pointed at the gateway:');
  out.push('');
  for (const row of rows) out.push(`- **${row.program}**: ${row.setup}.`);
  return out.join('\n');
}

function replaceSection(text, startMark, endMark, body) {
  const start = text.indexOf(startMark);
  const end = text.indexOf(endMark);
  if (start < 0 || end < start) {
    console.error(`README.md has no ${startMark} … ${endMark} section`);
    process.exit(2);
  }
  return `${text.slice(0, start + startMark.length)}\n${body}\n${text.slice(end)}`;
}

const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const programs = JSON.parse(readFileSync(programsFile, 'utf8'));
const readme = readFileSync(readmeFile, 'utf8');
const updated = replaceSection(replaceSection(readme, START, END, render(results)), PROGRAMS_START, PROGRAMS_END, renderPrograms(programs));
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md matrix tables are not what test/clients/matrix-results.json and programs-results.json say; run node scripts/matrix-table.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(readmeFile, updated);
  console.log(`README.md: matrix of ${Object.keys(results.rows).length} rows and ${Object.keys(programs.rows).length} programs written`);
}
