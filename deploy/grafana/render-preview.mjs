#!/usr/bin/env node
// Renders docs/dashboard.png: a picture of deploy/grafana/dashboard.json drawn
// from a real scrape. Grafana itself is not packaged in Debian 12, so this
// script stands in for its renderer:
//   1. starts the built gateway (dist/main.js) against the local stack,
//   2. starts a real Prometheus scraping its admin port every second,
//   3. drives a short, bounded S3 load (PUT/GET/HEAD/LIST, misses, wrong
//      signatures, two identities) through it,
//   4. runs every panel's PromQL (Grafana's $__rate_interval and $job filled
//      in) through Prometheus's /api/v1/query_range,
//   5. draws the panels at their gridPos as inline SVG in one HTML page and
//      screenshots it with headless Chromium.
// Needs: `npm run build`, the local stack up (STACK_DIR or .stack/), and the
// Debian packages prometheus and chromium (scripts/ensure-test-packages.sh).
//   STACK_DIR=/path/to/.stack node deploy/grafana/render-preview.mjs [seconds-of-load]
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { URLSearchParams, fileURLToPath } from 'node:url';
import { loadStack, writeGatewayFiles } from '../local/stack.mjs';
/* global fetch */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const stack = loadStack();
const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/dashboard.json'), 'utf8'));
const loadSeconds = Number(process.argv[2] ?? 90);
const out = join(root, 'docs/dashboard.png');
const work = mkdtempSync(join(tmpdir(), 's3gw-preview-'));
const children = [];
const say = (msg) => process.stderr.write(`[preview] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// ---------------------------------------------------------------- gateway --

async function startGateway() {
  const { configFile } = writeGatewayFiles(work, stack, { logLevel: 'warn', settings: { 'health.intervalMs': 1000 } });
  // info level for the one 'listening' line, then nothing per request.
  const child = spawn(process.execPath, [join(root, 'dist/main.js'), '--config', configFile], {
    cwd: work, env: { PATH: process.env.PATH, S3GW_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((res, rej) => {
    let buffered = '';
    const timer = setTimeout(() => rej(new Error('gateway did not start')), 20_000);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (!line) return;
      clearTimeout(timer);
      const { s3, admin } = JSON.parse(line);
      child.stdout.resume();
      child.stdout.removeAllListeners('data');
      child.stdout.on('data', () => {});
      res({ s3: new URL(s3), admin: new URL(admin) });
    });
    child.on('exit', (code) => rej(new Error(`gateway exited ${code}`)));
  });
}

// ------------------------------------------------------------- prometheus --

async function startPrometheus(target) {
  const port = await freePort();
  writeFileSync(join(work, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    'scrape_configs:',
    '  - job_name: s3gw',
    `    static_configs: [{ targets: ["${target}"] }]`,
    '',
  ].join('\n'));
  const child = spawn('prometheus', [
    `--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return url;
    } catch { /* starting */ }
    await sleep(200);
  }
  throw new Error('prometheus did not become ready');
}

// ------------------------------------------------------------------- load --

/** One SigV2-signed request (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html). */
function s3(base, keys, method, path, body, { secret } = {}) {
  const date = new Date().toUTCString();
  const toSign = `${method}\n\n${body ? 'application/octet-stream' : ''}\n${date}\n${path.split('?')[0]}`;
  const signature = createHmac('sha1', secret ?? keys.secret).update(toSign).digest('base64');
  const headers = { date, authorization: `AWS ${keys.access}:${signature}` };
  if (body) Object.assign(headers, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  return new Promise((res) => {
    const req = request({ host: base.hostname, port: base.port, method, path, headers }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode));
    });
    req.on('error', () => res(0));
    req.end(body);
  });
}

async function load(base) {
  const demo = stack.users.demo.ec2;
  const alt = stack.users.alt.ec2;
  const bucket = `preview-${Date.now().toString(36)}`;
  await s3(base, demo, 'PUT', `/${bucket}`);
  const sizes = [1024, 64 * 1024, 512 * 1024, 2 * 1024 * 1024];
  const end = Date.now() + loadSeconds * 1000;
  let n = 0;
  const worker = async (w) => {
    while (Date.now() < end) {
      const i = n++;
      // The load rises and falls over the run so the charts show a shape.
      const phase = Math.sin(((end - Date.now()) / (loadSeconds * 1000)) * Math.PI);
      const key = `/${bucket}/obj-${i % 40}`;
      const size = sizes[i % sizes.length];
      await s3(base, demo, 'PUT', key, Buffer.alloc(size, i % 251));
      await s3(base, demo, 'GET', key);
      await s3(base, demo, 'HEAD', key);
      if (i % 3 === 0) await s3(base, demo, 'GET', `/${bucket}?prefix=obj-1`);
      if (i % 5 === 0) await s3(base, demo, 'GET', `/${bucket}/no-such-key`);
      if (i % 7 === 0) await s3(base, demo, 'GET', key, undefined, { secret: 'wrong' });
      if (i % 4 === 0) await s3(base, alt, 'GET', '/');
      await sleep(40 + (1 - phase) * 400 + w * 10);
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  for (let k = 0; k < 40; k++) await s3(base, demo, 'DELETE', `/${bucket}/obj-${k}`);
  await s3(base, demo, 'DELETE', `/${bucket}`);
  return n;
}

// ----------------------------------------------------------------- render --

const RATE = '15s';
const promql = (expr) => expr.replaceAll('$__rate_interval', RATE).replaceAll('$job', '.+');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const COLORS = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#fade2a', '#c0d8ff', '#96d98d'];

function fmt(unit, v) {
  if (!Number.isFinite(v)) return '–';
  const si = (x, suffix, base = 1000) => {
    const units = ['', 'k', 'M', 'G', 'T'];
    let u = 0;
    while (Math.abs(x) >= base && u < units.length - 1) { x /= base; u++; }
    return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ${units[u]}${suffix}`;
  };
  switch (unit) {
    case 's': return v < 1 ? `${(v * 1000).toFixed(v < 0.01 ? 2 : 0)} ms` : `${v.toFixed(2)} s`;
    case 'percentunit': return `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
    case 'Bps': return si(v, 'B/s', 1024);
    case 'bytes': return si(v, 'B', 1024);
    case 'reqps': return `${v.toFixed(v < 10 ? 2 : 0)} req/s`;
    case 'ops': return `${v.toFixed(2)} ops/s`;
    default: return v.toFixed(v < 10 ? 2 : 0);
  }
}

const legend = (format, metric) => format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, l) => metric[l] ?? '');

function chart(panel, series, width, height, start, end) {
  const left = 70, right = 10, top = 8, bottom = 22;
  const w = width - left - right, h = height - top - bottom;
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  const unitMax = panel.fieldConfig?.defaults?.max;
  let max = unitMax ?? Math.max(...values, 0);
  if (!(max > 0)) max = 1;
  max *= unitMax === undefined ? 1.1 : 1;
  const x = (t) => left + ((t - start) / (end - start)) * w;
  const y = (v) => top + h - (v / max) * h;
  const parts = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#2c3235"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${esc(fmt(panel.fieldConfig?.defaults?.unit, v))}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const t = start + ((end - start) * i) / 4;
    const label = new Date(t * 1000).toISOString().slice(11, 19);
    const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
    parts.push(`<text x="${x(t)}" y="${height - 6}" text-anchor="${anchor}">${label}</text>`);
  }
  series.forEach((s, i) => {
    let d = '';
    let pen = false;
    for (const [t, v] of s.points) {
      if (!Number.isFinite(v)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    parts.push(`<path d="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.6"/>`);
  });
  return `<svg width="${width}" height="${height}">${parts.join('')}</svg>`;
}

async function render(promUrl, start, end) {
  const colWidth = 1600 / 24, rowHeight = 34;
  const html = [];
  let bottom = 0;
  for (const panel of dashboard.panels) {
    const g = panel.gridPos;
    const left = g.x * colWidth, top = g.y * rowHeight + 56, width = g.w * colWidth - 8, height = g.h * rowHeight - 8;
    bottom = Math.max(bottom, top + height);
    if (panel.type === 'row') {
      html.push(`<div class="row" style="left:${left}px;top:${top}px;width:${width}px">${esc(panel.title)}</div>`);
      continue;
    }
    const series = [];
    for (const target of panel.targets) {
      const body = new URLSearchParams({ query: promql(target.expr), start: String(start), end: String(end), step: '2' });
      const answer = await (await fetch(`${promUrl}/api/v1/query_range`, { method: 'POST', body })).json();
      if (answer.status !== 'success') throw new Error(`${panel.title}: ${answer.error}`);
      for (const r of answer.data.result) {
        series.push({ name: legend(target.legendFormat ?? '', r.metric) || target.expr, points: r.values.map(([t, v]) => [t, Number(v)]) });
      }
    }
    const unit = panel.fieldConfig?.defaults?.unit;
    let inner;
    if (panel.type === 'stat') {
      const mappings = panel.fieldConfig?.defaults?.mappings?.[0]?.options ?? {};
      inner = `<div class="stats">${series.map((s) => {
        const last = s.points.at(-1)?.[1];
        const m = mappings[String(last)];
        return `<div class="stat" style="background:${m?.color === 'red' ? '#c4162a' : '#37872d'}"><span>${esc(s.name)}</span><b>${esc(m?.text ?? fmt(unit, last))}</b></div>`;
      }).join('')}</div>`;
    } else {
      const legendHtml = series.slice(0, 8).map((s, i) => `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(s.name)}</span>`).join('');
      inner = chart(panel, series, width - 16, height - 64, start, end) + `<div class="legend">${legendHtml}${series.length > 8 ? ` <span>+${series.length - 8} more</span>` : ''}</div>`;
    }
    html.push(`<div class="panel" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px"><h3>${esc(panel.title)}</h3>${inner}</div>`);
  }
  const from = new Date(start * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const page = `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin:0; background:#111217; color:#ccccdc; font:12px Inter, "DejaVu Sans", sans-serif; width:1600px; }
    header { padding:14px 16px; font-size:18px; color:#fff; }
    header small { font-size:12px; color:#8e8e9e; margin-left:12px; }
    .panel { position:absolute; background:#181b1f; border:1px solid #2c3235; border-radius:3px; padding:6px 8px; box-sizing:border-box; overflow:hidden; }
    .panel h3 { margin:0 0 4px; font-size:13px; font-weight:500; color:#fff; }
    .row { position:absolute; font-size:14px; color:#fff; font-weight:500; }
    svg text { fill:#8e8e9e; font-size:10px; }
    .legend { display:flex; flex-wrap:wrap; gap:4px 12px; margin-top:2px; font-size:11px; }
    .legend i { display:inline-block; width:12px; height:3px; margin-right:4px; vertical-align:middle; }
    .stats { display:flex; gap:8px; height:calc(100% - 24px); }
    .stat { flex:1; display:flex; flex-direction:column; justify-content:center; align-items:center; border-radius:3px; color:#fff; }
    .stat b { font-size:28px; }
  </style></head><body><header>${esc(dashboard.title)}<small>rendered from a real Prometheus scrape of a gateway under a ${loadSeconds} s test load, from ${from} UTC · rate window ${RATE}</small></header>
  ${html.join('\n')}</body></html>`;
  const file = join(work, 'dashboard.html');
  writeFileSync(file, page);
  return { file, height: Math.ceil(bottom + 12) };
}

// ------------------------------------------------------------------- main --

const gateway = await startGateway();
say(`gateway ${gateway.s3.href}, admin ${gateway.admin.href}`);
const promUrl = await startPrometheus(gateway.admin.host);
say(`prometheus ${promUrl}; ${loadSeconds} s of load`);
const start = Math.floor(Date.now() / 1000);
const requests = await load(gateway.s3);
await sleep(3000); // last scrapes
const end = Math.floor(Date.now() / 1000);
say(`${requests} load iterations; querying ${dashboard.panels.length} panels`);
const { file, height } = await render(promUrl, start, end);
const shot = spawnSync('chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=1600,${height}`,
  `--screenshot=${out}`, `file://${file}`,
], { encoding: 'utf8' });
if (shot.status !== 0) throw new Error(`chromium failed: ${shot.stderr}`);
say(`wrote ${out}`);
cleanup();
rmSync(work, { recursive: true, force: true });
process.exit(0);
