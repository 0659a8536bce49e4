// A browser upload from a real browser: headless Chromium (Debian's chromium,
// scripts/ensure-test-packages.sh) opens a page whose HTML form, signed with
// SigV4 and with success_action_redirect back to the page's server, submits a
// file to the gateway. The redirect's arrival (bucket, key, etag) and the
// stored object are what the test checks; no browser driver is needed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { rawS3, type Keys } from '../helpers/raw-s3.js';
import { purgeContainer } from '../helpers/swift-direct.js';

let gw: TestGateway;
let keys: Keys;
let bucket: string;
let server: Server;
let port = 0;
let browser: ChildProcess | undefined;
const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
let arrived: (url: URL) => void;
const redirected = new Promise<URL>((resolve) => { arrived = resolve; });

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page: a form with the signed fields, then a file made in the page, submitted on load. */
function page(done: string): string {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const credential = `${keys.access}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const fields: Record<string, string> = {
    key: 'browser/${filename}', 'Content-Type': 'text/plain', 'x-amz-meta-from': 'chromium', success_action_redirect: done,
    'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': date,
  };
  const conditions = [{ bucket }, ['starts-with', '$key', 'browser/'], ['content-length-range', 1, 1_000_000],
    ...Object.entries(fields).filter(([k]) => k !== 'key').map(([k, v]) => ({ [k]: v }))];
  const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 600_000).toISOString(), conditions })).toString('base64');
  const signing = hmac(hmac(hmac(hmac(`AWS4${keys.secret}`, date.slice(0, 8)), 'us-east-1'), 's3'), 'aws4_request');
  fields['policy'] = policy;
  fields['x-amz-signature'] = hmac(signing, policy).toString('hex');
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('\n');
  return `<!doctype html><html><body>
<form id="f" action="${gw.url}/${bucket}" method="post" enctype="multipart/form-data">
${inputs}
<input type="file" name="file" id="file">
</form>
<script>
const text = 'hello from a browser form\\n'.repeat(1000);
const dt = new DataTransfer();
dt.items.add(new File([text], 'note.txt', { type: 'text/plain' }));
document.getElementById('file').files = dt.files;
document.getElementById('f').submit();
</script></body></html>`;
}

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  keys = gw.stack.users.demo.ec2!;
  bucket = uniqueBucket('browser');
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${bucket}`, keys })).status).toBe(200);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/done') arrived(url);
    res.setHeader('content-type', 'text/html');
    // (The port as listened: a late request of the browser, a favicon, may come after the server closed.)
    res.end(url.pathname === '/' ? page(`http://127.0.0.1:${port}/done`) : '<p>done</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

/** Whether any process of the browser's process group is still alive. */
function groupAlive(pid: number): boolean {
  try { process.kill(-pid, 0); return true; } catch { return false; }
}

/**
 * Ends Chromium and every process it started (zygote, GPU, crashpad helpers
 * run in its process group and keep writing the profile after the main
 * process exits: a CI run saw the profile's removal fail with ENOTEMPTY).
 * SIGTERM first so Chromium shuts down cleanly, SIGKILL for what is left.
 */
async function endBrowser(pid: number): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => { try { process.kill(-pid, signal); } catch { /* already gone */ } };
  signalGroup('SIGTERM');
  for (let waited = 0; groupAlive(pid) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  signalGroup('SIGKILL');
  for (let waited = 0; groupAlive(pid) && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

afterAll(async () => {
  if (browser?.pid !== undefined) await endBrowser(browser.pid);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  await purgeContainer(gw.stack, 'demo', bucket);
  await gw.stop();
});

describe('headless Chromium submits an HTML form upload', () => {
  it('is redirected with the bucket, key and ETag, and the object is stored with its fields', async () => {
    browser = spawn('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/`,
    ], { stdio: 'ignore', detached: true }); // its own process group, so afterAll can end all of it
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the browser never came back from the upload')), 60_000));
    const url = await Promise.race([redirected, timeout]);
    const text = 'hello from a browser form\n'.repeat(1000);
    expect(url.searchParams.get('bucket')).toBe(bucket);
    expect(url.searchParams.get('key')).toBe('browser/note.txt');
    expect(url.searchParams.get('etag')).toBe(`"${createHash('md5').update(text).digest('hex')}"`);
    const get = await rawS3(gw.url, { method: 'GET', path: `/${bucket}/browser/note.txt`, keys });
    expect(get.status).toBe(200);
    expect(get.text()).toBe(text);
    expect(get.headers['content-type']).toBe('text/plain');
    expect(get.headers['x-amz-meta-from']).toBe('chromium');
  }, 90_000);
});
