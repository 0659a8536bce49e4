// `s3-swift-gateway namespace register|list` as an operator runs it (the real
// process), against containers made through the Swift API before the
// gateway's namespace existed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { runGateway } from '../helpers/process.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { gatewayEnv, loadStack, type Stack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let env: Record<string, string>;
const made: { user: 'demo' | 'alt'; name: string }[] = [];

beforeAll(async () => {
  stack = loadStack();
  env = gatewayEnv(stack, { keystoneEc2: true });
  // It trusts a registry read for 1 s, so what the command registers shows soon.
  gw = await startGateway({ keystoneEc2: true, env: { S3GW_NAMESPACE_CACHE_SECONDS: '1' } });
});

afterAll(async () => {
  // DeleteBucket (they are empty) frees each registry entry; what is left goes directly.
  for (const { user, name } of made) {
    await rawS3(gw.url, { method: 'DELETE', path: `/${name}`, keys: stack.users[user].ec2 });
    await purgeContainer(stack, user, name);
  }
  await gw?.stop();
});

async function swiftContainer(user: 'demo' | 'alt', name: string): Promise<void> {
  expect((await swiftDirect(stack, user, 'PUT', name)).status).toBe(201);
  made.push({ user, name });
}

describe('namespace register', () => {
  it('registers a project\'s existing containers, skips hidden ones, reports names taken by others, and changes nothing when run again', async () => {
    const a = uniqueBucket('mig-a');
    const b = uniqueBucket('mig-b');
    const clash = uniqueBucket('mig-clash');
    await swiftContainer('demo', a);
    await swiftContainer('demo', b);
    await swiftContainer('demo', `${a}+segments`);
    // `clash` is alt's bucket already (made through the gateway), and a container of demo's too.
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${clash}`, keys: stack.users.alt.ec2 })).status).toBe(201);
    made.push({ user: 'alt', name: clash });
    await swiftContainer('demo', clash);

    // Before: anonymous requests know nothing of a or b.
    expect((await rawS3(gw.url, { method: 'GET', path: `/${a}` })).status).toBe(404);

    const args = ['namespace', 'register', '--project', stack.users.demo.projectId, '--user', 'demo'];
    const first = await runGateway(args, { ...env, S3GW_REGISTER_PASSWORD: stack.users.demo.password }, 60_000);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.split('\n');
    const demoAccount = `AUTH_${stack.users.demo.projectId}`;
    expect(lines).toContain(`registered\t${a}\t${demoAccount}`);
    expect(lines).toContain(`registered\t${b}\t${demoAccount}`);
    expect(lines).toContain(`taken\t${clash}\t${demoAccount}\tregistered to AUTH_${stack.users.alt.projectId}`);
    expect(first.stdout).not.toContain('+segments');

    // Now the gateway knows whose they are (once its 1 s cache of "absent" is
    // over): an anonymous request is refused by Swift (no ACL), not NoSuchBucket.
    await new Promise((r) => setTimeout(r, 1200));
    expect((await rawS3(gw.url, { method: 'GET', path: `/${a}` })).status).toBe(401);

    const again = await runGateway(args, { ...env, S3GW_REGISTER_PASSWORD: stack.users.demo.password }, 60_000);
    expect(again.code, again.stderr).toBe(0);
    // (Other tests make containers in demo's account meanwhile: only this test's own names are judged.)
    const againLines = again.stdout.split('\n');
    expect(againLines).toContain(`already\t${a}\t${demoAccount}`);
    expect(againLines).toContain(`already\t${b}\t${demoAccount}`);
    for (const name of [a, b, clash]) expect(againLines.filter((l) => l.startsWith(`registered\t${name}\t`)), name).toEqual([]);

    const list = await runGateway(['namespace', 'list'], env, 60_000);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${a}\\t${demoAccount}\\t`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${clash}\\tAUTH_${stack.users.alt.projectId}\\t`, 'm'));
  }, 120_000);

  it('with --dry-run says what it would register and registers nothing', async () => {
    const c = uniqueBucket('mig-dry');
    await swiftContainer('demo', c);
    const res = await runGateway(['namespace', 'register', '--dry-run', '--project', stack.users.demo.projectId, '--user', 'demo'], { ...env, S3GW_REGISTER_PASSWORD: stack.users.demo.password }, 60_000);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split('\n')).toContain(`would-register\t${c}\tAUTH_${stack.users.demo.projectId}`);
    expect((await rawS3(gw.url, { method: 'GET', path: `/${c}` })).status).toBe(404);
  }, 60_000);

  it('refuses to run without a project, naming the usage', async () => {
    const res = await runGateway(['namespace', 'register'], env);
    expect(res.code).toBe(2);
    expect(res.stdout).toContain('namespace register --project ID');
  });
});
