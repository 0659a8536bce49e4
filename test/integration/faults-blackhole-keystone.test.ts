// Issue 19, faults: Keystone black-holed (a TCP relay swallowing every byte,
// helpers/tcp-proxy.ts), where resilience.test.ts has it refusing connections.
// An identity whose token is cached is served on; a new one's requests, many
// at once, each end within keystone.timeoutMs with S3's retryable 503 (one
// token call for them all, never one per request); readiness names Keystone;
// and everything serves again as soon as the network does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/process.js';
import { rawS3 } from '../helpers/raw-s3.js';
import { SLOW, expectRetryable, timed } from '../helpers/slow-swift.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket } from '../helpers/swift-direct.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const KEYSTONE_MS = 1500;
const stack = loadStack();
const demo = stack.users.demo.ec2;
const alt = stack.users.alt.ec2;
const b = uniqueBucket('faults-ks-hole');
let relay: TcpProxy;
let gw: TestGateway;

const readyz = async () => {
  const res = await fetch(`${gw.adminUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as { failed?: string[] } };
};
const tokenCalls = async (outcome?: string) => (await gw.metrics.keystoneCalls.get()).values
  .filter((v) => v.labels.kind === 'token' && (outcome === undefined || v.labels.outcome === outcome)).reduce((n, v) => n + v.value, 0);

beforeAll(async () => {
  const keystone = new URL(stack.keystone.url);
  relay = await tcpProxy(keystone.hostname, Number(keystone.port));
  gw = await startGateway({
    dialect: 'aws',
    authUrl: `http://127.0.0.1:${relay.port}/v3`,
    env: { S3GW_KEYSTONE_TIMEOUT_MS: String(KEYSTONE_MS), S3GW_HEALTH_INTERVAL_MS: '100', S3GW_HEALTH_TIMEOUT_MS: '800' },
  });
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBe(200);
  expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}/doc`, keys: demo, body: 'cached' })).status).toBe(200);
}, 30_000);

afterAll(async () => {
  relay?.pass();
  await purgeBucket(stack, 'demo', b).catch(() => undefined);
  await gw?.stop();
  await relay?.close();
});

describe('Keystone black-holed', () => {
  it('serves cached identities, answers a new one 503 within keystone.timeoutMs with one token call, turns not-ready, and recovers at once', async () => {
    await eventually(async () => (await readyz()).status === 200);
    const before = await tokenCalls();
    await relay.blackhole();
    try {
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/doc`, keys: demo })).text()).toBe('cached');
      const answers = await Promise.all(Array.from({ length: 10 }, () => timed(() => rawS3(gw.url, { method: 'GET', path: '/', keys: alt }))));
      for (const a of answers) {
        expectRetryable(a.value);
        expect(a.ms).toBeLessThan(KEYSTONE_MS + SLOW.slackMs);
      }
      expect(await tokenCalls()).toBe(before + 1);
      expect(await tokenCalls('unavailable')).toBe(1);
      const down = await eventually(async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      }, 10_000, 50);
      expect(down.body.failed).toEqual(['keystone']);
    } finally {
      relay.pass();
    }
    const back = await timed(() => rawS3(gw.url, { method: 'GET', path: '/', keys: alt }));
    expect(back.value.status).toBe(200);
    // A fresh token call on a fresh connection, not a wait on a dead one (Keystone's password check is slow under load).
    expect(back.ms).toBeLessThan(KEYSTONE_MS + SLOW.slackMs);
    expect(await tokenCalls('unavailable')).toBe(1);
    expect(await tokenCalls('ok')).toBeGreaterThanOrEqual(2);
    await eventually(async () => (await readyz()).status === 200, 10_000, 50);
  });
});
