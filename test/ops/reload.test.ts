// Reload without a restart, on a real gateway process: SIGHUP (and a change
// of the credentials file, as a mounted Secret changes) swaps the credentials
// file and the log level; a request in flight finishes; a bad new file keeps
// the old credentials and the log says why; other changed settings are named
// as needing a restart.
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueBucket } from '../helpers/gateway.js';
import { eventually, startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, signV2, stringToSignV2, type Keys } from '../helpers/raw-s3.js';
import { loadStack, writeGatewayFiles } from '../helpers/stack.js';
import { purgeContainer } from '../helpers/swift-direct.js';

const stack = loadStack();
const { demo, alt, third } = stack.users;
let gw: GatewayProcess | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const listBuckets = async (keys: Keys) => {
  const r = await rawS3(gw!.url, { method: 'GET', path: '/', keys });
  return { status: r.status, code: /<Code>(\w+)<\/Code>/.exec(r.body.toString())?.[1] };
};
/** Log lines (parsed) with this msg. */
const lines = (msg: string) => gw!.stdout().split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('reload', () => {
  it('on SIGHUP serves the new credentials file and log level, and names settings that need a restart', async () => {
    gw = await startGatewayProcess({ settings: { 'reload.watchSeconds': 0 } });
    expect((await listBuckets(demo.ec2)).status).toBe(200);
    expect((await listBuckets(third.ec2)).code).toBe('InvalidAccessKeyId');
    const requestsBefore = await eventually(async () => lines('request').length >= 2 && lines('request').length);
    // The operator's edit: demo out, third in, quieter logs, and a setting a reload cannot apply.
    writeGatewayFiles(gw.dir, stack, { users: [alt, third], logLevel: 'warn', settings: { 'reload.watchSeconds': 0, 's3.maxSkewSeconds': 600 } });
    gw.child.kill('SIGHUP');
    const reloaded = await eventually(async () => lines('reloaded')[0]);
    expect(reloaded).toMatchObject({ level: 'warn', trigger: 'SIGHUP', logLevel: 'warn', credentials: 2, needRestart: ['s3.maxSkewSeconds'] });
    expect((await listBuckets(demo.ec2)).code).toBe('InvalidAccessKeyId');
    expect((await listBuckets(third.ec2)).status).toBe(200);
    // At warn, request lines (info) are no longer written (a line written would be out by now).
    await new Promise((r) => setTimeout(r, 300));
    expect(lines('request').length).toBe(requestsBefore);
    expect(gw.child.exitCode).toBeNull();
  });

  it('keeps the old credentials when the new file does not load, and says why', async () => {
    gw = await startGatewayProcess({ settings: { 'reload.watchSeconds': 0 } });
    writeFileSync(join(gw.dir, 'credentials.json'), '{"credentials": [{"accessKey": "AKIAONLY"}]}\n');
    gw.child.kill('SIGHUP');
    const refused = await eventually(async () => lines('reload refused: the new credentials file does not load; the credentials in use stay')[0]);
    expect(refused['level']).toBe('error');
    expect(String(refused['reason'])).toContain('credentials[0] needs accessKey and secretKey');
    expect((await listBuckets(demo.ec2)).status).toBe(200);
    // A config file that is not YAML at all: the same, for the settings.
    writeFileSync(join(gw.dir, 'config.yaml'), 'listen: [unclosed\n');
    gw.child.kill('SIGHUP');
    const bad = await eventually(async () => lines('reload refused: the new settings do not load; the gateway keeps running with the old ones')[0]);
    expect(String(bad['reason'])).toContain('is not valid YAML/JSON');
    expect((await listBuckets(demo.ec2)).status).toBe(200);
    expect(lines('reloaded')).toEqual([]);
  });

  it('lets an upload in flight during a reload finish, signed by a key the reload removed', async () => {
    gw = await startGatewayProcess({ settings: { 'reload.watchSeconds': 0 } });
    const b = uniqueBucket('reload');
    try {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo.ec2 })).status).toBe(201);
      const body = Buffer.alloc(3 * 1024 * 1024, 5);
      const path = `/${b}/during-reload.bin`;
      const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-length': String(body.length) };
      headers.authorization = `AWS ${demo.ec2.access}:${signV2(demo.ec2.secret, stringToSignV2('PUT', path, headers))}`;
      const url = new URL(gw.url);
      const req = request({ host: url.hostname, port: url.port, method: 'PUT', path, headers, agent: false });
      const status = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
      req.write(body.subarray(0, 1024 * 1024));
      await new Promise((r) => setTimeout(r, 300));
      writeGatewayFiles(gw.dir, stack, { users: [alt], settings: { 'reload.watchSeconds': 0 } });
      gw.child.kill('SIGHUP');
      await eventually(async () => lines('reloaded')[0]);
      req.end(body.subarray(1024 * 1024));
      expect(await status).toBe(201);
      expect((await rawS3(gw.url, { method: 'HEAD', path, keys: alt.ec2 })).status).not.toBe(200); // alt cannot see demo's bucket...
      expect((await listBuckets(demo.ec2)).code).toBe('InvalidAccessKeyId'); // ...and demo's key is gone now
    } finally {
      await purgeContainer(stack, 'demo', b);
    }
  });

  it('reloads by itself when the credentials file changes (a Secret updated in place)', async () => {
    gw = await startGatewayProcess({ settings: { 'reload.watchSeconds': 1 } });
    expect((await listBuckets(third.ec2)).code).toBe('InvalidAccessKeyId');
    writeGatewayFiles(gw.dir, stack, { users: [demo, third], settings: { 'reload.watchSeconds': 1 } });
    const reloaded = await eventually(async () => lines('reloaded')[0], 15_000);
    expect(String(reloaded['trigger'])).toMatch(/^change of .*(credentials\.json|config\.yaml)$/);
    await eventually(async () => (await listBuckets(third.ec2)).status === 200, 10_000);
  });
});
