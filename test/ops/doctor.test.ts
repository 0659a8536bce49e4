// `s3-swift-gateway doctor` against the real local Keystone and Swift: a good
// config passes (exit 0), and each deliberately broken one is named in plain
// words with its fix (exit 1), or stops at the settings (exit 2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGateway, type ProcessResult } from '../helpers/process.js';
import { gatewayYaml, loadStack, writeGatewayFiles, type Stack } from '../helpers/stack.js';

interface Finding { verdict: 'ok' | 'warn' | 'fail'; area: string; message: string; fix?: string }

let stack: Stack;
beforeAll(() => {
  stack = loadStack();
});

type Files = Parameters<typeof writeGatewayFiles>[2];

/** Writes a config (+ credentials file) for the stack with these changes, runs the doctor on it. */
async function doctor(opts: Files = {}, extra: string[] = []): Promise<ProcessResult & { findings: Finding[]; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 's3gw-doctor-'));
  const { configFile } = writeGatewayFiles(dir, stack, opts);
  const json = await runGateway(['doctor', '--config', configFile, '--json', ...extra], {}, 60_000);
  const text = await runGateway(['doctor', '--config', configFile, ...extra], {}, 60_000);
  expect(text.code, 'the text and JSON runs agree').toBe(json.code);
  const findings = (JSON.parse(json.stdout) as { findings: Finding[] }).findings;
  return { ...json, findings, text: text.stdout };
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const fails = (r: { findings: Finding[] }) => r.findings.filter((f) => f.verdict === 'fail');

describe('s3-swift-gateway doctor', () => {
  it('passes a good config: Keystone, the service identity, an EC2 key, the credentials file and Swift all answer', async () => {
    const r = await doctor({ keystoneEc2: true, settings: { 's3.integrityKey': 'doctor-test-key' } });
    expect(r.code, r.text).toBe(0);
    expect(fails(r)).toEqual([]);
    const ok = r.findings.filter((f) => f.verdict === 'ok').map((f) => `${f.area}: ${f.message}`).join('\n');
    expect(ok).toMatch(/keystone: Keystone v3\.\d+ answers at http:\/\/127\.0\.0\.1:5000\/v3/);
    expect(ok).toMatch(/service identity: logs in as s3gateway \(roles: [^)]*admin/);
    expect(ok).toMatch(/ec2 credentials: \d+ EC2 keys? in Keystone; key \w+… \(user \w+\) signs in and reaches its Swift account/);
    expect(ok).toMatch(/credentials file: 2 of 2 credentials log in/);
    expect(ok).toMatch(/swift: Swift's health check answers at http:\/\/127\.0\.0\.1:8080\/healthcheck/);
    expect(r.text).toContain('No problems found');
    // Never a secret on the screen.
    for (const secret of [stack.users.s3gateway.password, stack.users.demo.password, stack.users.demo.ec2.secret]) {
      expect(r.text).not.toContain(secret);
      expect(r.stdout).not.toContain(secret);
    }
  }, 60_000);

  it('names a misspelt setting and suggests the right one (exit 2: nothing else can be checked)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3gw-doctor-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, gatewayYaml(stack, {}).replace('authUrl:', 'authURL:').replace('credentials:\n', 'credentials:\n  file: nowhere.json\n'));
    const r = await runGateway(['doctor', '--config', file], {}, 30_000);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain('sets "keystone.authURL", which is not a setting of the gateway');
    expect(r.stdout).toContain('did you mean "keystone.authUrl"?');
    expect(r.stdout).toMatch(/FAIL +config +Setting keystone\.authUrl is required/);
  });

  it('says nothing listens where keystone.authUrl points (connection refused)', async () => {
    const port = await freePort();
    const r = await doctor({ authUrl: `http://127.0.0.1:${port}/v3` });
    expect(r.code).toBe(1);
    expect(fails(r)[0]).toMatchObject({ area: 'keystone', message: expect.stringContaining(`nothing listens at 127.0.0.1:${port} (connection refused)`) });
    expect(r.text).toContain('fix: check the host and port in keystone.authUrl');
  });

  it('tells Keystone\'s root from its v3 endpoint and gives the URL to set', async () => {
    const r = await doctor({ authUrl: stack.keystone.url });
    expect(r.code).toBe(1);
    expect(fails(r)[0]!.message).toContain("is Keystone's root (it lists versions), not its v3 endpoint");
    expect(fails(r)[0]!.fix).toBe(`set keystone.authUrl to ${stack.keystone.url}/v3`);
  });

  it('says when keystone.authUrl is another service (Swift\'s port)', async () => {
    const r = await doctor({ authUrl: `${stack.swift.url}/v3` });
    expect(r.code).toBe(1);
    expect(fails(r)[0]!.message).toMatch(/answers HTTP \d+, but not as Keystone/);
  });

  it('says the service password is wrong, naming the user and not the password', async () => {
    const r = await doctor({ keystoneEc2: true, settings: { 'keystone.service.password': 'not-the-password' } });
    expect(r.code).toBe(1);
    const f = fails(r).find((x) => x.area === 'service identity')!;
    expect(f.message).toContain('Keystone refused user "s3gateway" (domain Default)');
    expect(f.message).toContain('a wrong password, no such user in that domain, or a disabled user');
    expect(r.text).not.toContain('not-the-password');
  });

  it('says a service identity without the admin role cannot read EC2 credentials', async () => {
    const demo = stack.users.demo;
    const r = await doctor({
      keystoneEc2: true,
      settings: { 'keystone.service.username': demo.username, 'keystone.service.password': demo.password, 'keystone.service.projectName': demo.projectName },
    });
    expect(r.code).toBe(1);
    const f = fails(r).find((x) => x.area === 'ec2 credentials')!;
    expect(f.message).toMatch(/Keystone will refuse the service identity reading EC2 credentials: its roles are .*, and reading other users' credentials takes admin/);
    expect(f.fix).toContain(`openstack role add --user ${demo.username}`);
  });

  it('tells a wrong password in the credentials file from a project the user has no role on', async () => {
    const { demo, alt } = stack.users;
    const wrongPassword = await doctor({ users: [{ ...demo, password: 'wrong' }, alt] });
    expect(wrongPassword.code).toBe(1);
    const f1 = fails(wrongPassword);
    expect(f1).toHaveLength(1);
    expect(f1[0]!.area).toBe('credentials file');
    expect(f1[0]!.message).toMatch(new RegExp(`access key ${demo.ec2.access.slice(0, 6)}…: Keystone refused user "demo"`));
    expect(wrongPassword.findings.find((x) => x.verdict === 'ok' && x.area === 'credentials file')!.message).toMatch(/^1 of 2 credentials/);

    const wrongProject = await doctor({ users: [{ ...demo, projectId: alt.projectId }] });
    expect(wrongProject.code).toBe(1);
    expect(fails(wrongProject)[0]!.message).toContain('the password is right, but Keystone will not scope a token to that project');
    expect(fails(wrongProject)[0]!.fix).toContain('openstack role add --user demo');
  });

  it('lists the catalog\'s object-store endpoints when keystone.region matches none', async () => {
    const r = await doctor({ keystoneRegion: 'RegionNowhere' });
    expect(r.code).toBe(1);
    const f = fails(r).find((x) => x.area === 'credentials file')!;
    expect(f.message).toMatch(/no object-store endpoint for interface "public" in region "RegionNowhere"; it offers: .*public in RegionOne/);
    expect(f.fix).toContain('keystone.region');
  });

  it('fails a swift.healthUrl that does not answer 200, and warns of a port already taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await doctor({ port, settings: { 'swift.healthUrl': `${stack.swift.url}/no-such-health-check` } });
      expect(r.code).toBe(1);
      expect(fails(r).map((f) => f.area)).toEqual(['swift']);
      expect(fails(r)[0]!.message).toContain('/no-such-health-check answered HTTP');
      const warn = r.findings.find((f) => f.area === 'ports' && f.verdict === 'warn')!;
      expect(warn.message).toBe(`something already listens on 127.0.0.1:${port} (listen.host, listen.port): a gateway running already, or another program`);
    } finally {
      taken.close();
    }
  });
});

