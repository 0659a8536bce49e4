// The container image, built and run here the way an operator runs it: the
// project's Dockerfile built by podman on a base made from Debian packages
// (scripts/container-base.sh: images cannot be pulled here), then run against
// the local Swift + Keystone. It serves S3 (a boto3 round trip), runs as the
// non-root user, passes its own health check, lets a request in flight finish
// on SIGTERM, and carries production dependencies only; its size is printed.
// Skipped, with the reason, only where podman cannot run a container at all.
import { chownSync, chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueBucket } from '../helpers/gateway.js';
import { holding, podman, podmanUnusable, runCommand } from '../helpers/podman.js';
import { eventually, repoRoot } from '../helpers/process.js';
import { freePort } from '../helpers/prometheus.js';
import { rawS3, signV2, stringToSignV2 } from '../helpers/raw-s3.js';
import { loadStack, writeGatewayFiles } from '../helpers/stack.js';
import { purgeContainer } from '../helpers/swift-direct.js';

const unusable = podmanUnusable();
if (unusable) console.warn(`[image] SKIPPED: ${unusable}`);
const IMAGE = 'localhost/s3-swift-gateway:test';
const stack = loadStack();
const keys = stack.users.demo.ec2;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe.skipIf(unusable !== undefined)('the container image (podman, base from Debian packages)', () => {
  const name = `s3gw-image-test-${process.pid}`;
  const b = uniqueBucket('image');
  let port = 0;
  let adminPort = 0;
  let timings = '';

  beforeAll(async () => {
    const base = await runCommand('bash', ['scripts/container-base.sh'], 600_000);
    expect(base.code, base.stderr).toBe(0);
    const baseImage = base.stdout.trim();
    const build = await holding('image-build', () => podman(['build', '--format', 'docker', '--network', 'host', '--build-arg', `BASE_IMAGE=${baseImage}`, '-t', IMAGE, '.'], 900_000));
    expect(build.code, build.stdout.slice(-3000) + build.stderr.slice(-3000)).toBe(0);
    timings = `base image ${baseImage} in ${base.seconds.toFixed(1)} s, gateway image built in ${build.seconds.toFixed(1)} s`;
    console.log(`[image] ${timings}`);

    const dir = mkdtempSync(join(tmpdir(), 's3gw-image-'));
    port = await freePort();
    adminPort = await freePort();
    const { configFile, credentialsFile } = writeGatewayFiles(dir, stack, { port: 9000, adminPort: 9001, settings: { 'health.intervalMs': 1000, shutdownGraceSeconds: 20 } });
    // The image's user (uid 1000) reads them, as a Secret mounted with its fsGroup would let it.
    for (const f of [configFile, credentialsFile]) chownSync(f, 1000, 1000);
    chmodSync(dir, 0o755);
    await podman(['rm', '-f', name]);
    // The ports as an operator moves them, by environment (the image's health check follows S3GW_ADMIN_PORT).
    const run = await podman(['run', '-d', '--name', name, '--network', 'host', '-e', `S3GW_LISTEN_PORT=${port}`, '-e', `S3GW_ADMIN_PORT=${adminPort}`,
      '-v', `${dir}:/etc/s3-swift-gateway:ro`, IMAGE]);
    expect(run.code, run.stderr).toBe(0);
    await eventually(async () => (await podman(['logs', name])).stdout.includes('"msg":"listening"'), 30_000);
  }, 1_200_000);

  afterAll(async () => {
    if (unusable) return;
    await podman(['rm', '-f', name]);
    await purgeContainer(stack, 'demo', b);
  });

  it('reports its size, and runs as the unprivileged user node (uid 1000), not root', async () => {
    const inspect = JSON.parse((await podman(['image', 'inspect', IMAGE])).stdout) as { Size: number; Config: { User?: string } }[];
    const mib = inspect[0]!.Size / 1024 / 1024;
    console.log(`[image] ${IMAGE}: ${mib.toFixed(0)} MiB (${timings})`);
    expect(mib).toBeLessThan(600);
    expect(inspect[0]!.Config.User).toBe('node');
    const id = await podman(['exec', name, 'id', '-u']);
    expect(id.stdout.trim()).toBe('1000');
    // PID 1 of the container is the gateway itself, and it too is uid 1000.
    const status = await podman(['exec', name, 'cat', '/proc/1/status']);
    expect(status.stdout).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
    expect((await podman(['exec', name, 'cat', '/proc/1/cmdline'])).stdout.replace(/\0/g, ' ')).toContain('node dist/main.js --config /etc/s3-swift-gateway/config.yaml');
  });

  it('carries every production dependency and no development one', async () => {
    const listed = await podman(['run', '--rm', '--network', 'host', '--entrypoint', 'node', IMAGE, '-e',
      'const fs=require("fs");const top=fs.readdirSync("node_modules").flatMap(d=>d.startsWith("@")?fs.readdirSync("node_modules/"+d).map(s=>d+"/"+s):[d]);console.log(JSON.stringify(top))']);
    expect(listed.code, listed.stderr).toBe(0);
    const present = new Set(JSON.parse(listed.stdout) as string[]);
    for (const dep of Object.keys(pkg.dependencies)) expect(present.has(dep), `dependency ${dep}`).toBe(true);
    for (const dev of Object.keys(pkg.devDependencies)) expect(present.has(dev), `devDependency ${dev} in the image`).toBe(false);
    const src = await podman(['run', '--rm', '--network', 'host', '--entrypoint', 'sh', IMAGE, '-c', 'ls /app; test ! -e /app/src && test ! -e /app/test']);
    expect(src.code, `the image holds only package.json, dist and node_modules: ${src.stdout}`).toBe(0);
  });

  it('serves S3: a boto3 round trip through the container', async () => {
    const script = [
      'import boto3, os, sys',
      's3 = boto3.client("s3", endpoint_url=os.environ["URL"], aws_access_key_id=os.environ["AK"], aws_secret_access_key=os.environ["SK"], region_name="us-east-1")',
      'b = os.environ["B"]',
      's3.create_bucket(Bucket=b)',
      'body = b"hello from the container image\\n" * 1000',
      's3.put_object(Bucket=b, Key="dir/hello.txt", Body=body, Metadata={"color": "blue"})',
      'got = s3.get_object(Bucket=b, Key="dir/hello.txt")',
      'assert got["Body"].read() == body, "bytes differ"',
      'assert got["Metadata"] == {"color": "blue"}, got["Metadata"]',
      'assert [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]] == ["dir/hello.txt"]',
      's3.delete_object(Bucket=b, Key="dir/hello.txt")',
      's3.delete_bucket(Bucket=b)',
      'print("round trip ok")',
    ].join('\n');
    const r = await runCommand('python3', ['-c', script], 60_000, { URL: `http://127.0.0.1:${port}`, AK: keys.access, SK: keys.secret, B: b, AWS_CA_BUNDLE: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('round trip ok');
  });

  it('passes the health check the Dockerfile declares (/readyz: Keystone and Swift up)', async () => {
    const inspect = JSON.parse((await podman(['image', 'inspect', IMAGE])).stdout) as { Healthcheck?: { Test?: string[] } }[];
    expect(JSON.stringify(inspect[0]!.Healthcheck?.Test)).toContain('/readyz');
    await eventually(async () => (await podman(['healthcheck', 'run', name])).code === 0, 30_000, 1000);
    const admin = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
    expect(admin.status).toBe(200);
  });

  it('on SIGTERM refuses new connections, lets an upload in flight finish, and exits 0', async () => {
    expect((await rawS3(`http://127.0.0.1:${port}`, { method: 'PUT', path: `/${b}`, keys })).status).toBe(201);
    const body = Buffer.alloc(4 * 1024 * 1024, 7);
    const path = `/${b}/in-flight.bin`;
    const headers: Record<string, string> = { date: new Date().toUTCString(), 'content-length': String(body.length), 'content-type': 'application/octet-stream' };
    headers.authorization = `AWS ${keys.access}:${signV2(keys.secret, stringToSignV2('PUT', path, headers))}`;
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path, headers, agent: false });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 1024 * 1024));
    await new Promise((r) => setTimeout(r, 500));
    expect((await podman(['kill', '--signal', 'TERM', name])).code).toBe(0);
    // Stopping: no new connection is accepted...
    await eventually(async () => (await tryConnect(port)) === 'ECONNREFUSED', 10_000, 100);
    // ...but the upload started before the signal goes on to its end.
    for (let off = 1024 * 1024; off < body.length; off += 1024 * 1024) {
      req.write(body.subarray(off, off + 1024 * 1024));
      await new Promise((r) => setTimeout(r, 300));
    }
    req.end();
    expect([200, 201]).toContain(await answered);
    const exit = await podman(['wait', name], 60_000);
    expect(exit.stdout.trim()).toBe('0');
    const logs = (await podman(['logs', name])).stdout;
    expect(logs).toMatch(/"msg":"stopping: no new connections, waiting for requests in flight","signal":"SIGTERM"/);
    expect(logs).toMatch(/"msg":"stopped","clean":true/);
  }, 60_000);
});

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}
