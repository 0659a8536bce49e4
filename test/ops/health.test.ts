// /healthz and /readyz on the admin listener. Readiness comes from background
// checks of Keystone and Swift; TCP relays in front of them (stopped and started
// again) make one gateway see an upstream go away and come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/process.js';
import { freePort } from '../helpers/prometheus.js';
import { loadStack } from '../helpers/stack.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

interface Ready {
  status: number;
  body: { status: string; failed?: string[]; checks: Record<string, { ok: boolean; url?: string; error?: string; checkedAt: string }> };
}

async function readyz(gw: TestGateway): Promise<Ready> {
  const res = await fetch(`${gw.adminUrl}/readyz`);
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, body: (await res.json()) as Ready['body'] };
}

const stack = loadStack();

describe('with Keystone and Swift behind relays', () => {
  let keystone: TcpProxy;
  let swift: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    const k = new URL(stack.keystone.url);
    const s = new URL(stack.swift.url);
    keystone = await tcpProxy(k.hostname, Number(k.port));
    swift = await tcpProxy(s.hostname, Number(s.port));
    // Swift's address comes from the storage URL template's origin.
    gw = await startGateway({
      authUrl: `http://127.0.0.1:${keystone.port}/v3`,
      storageUrl: `http://127.0.0.1:${swift.port}/v1/AUTH_{project_id}`,
      env: { S3GW_HEALTH_INTERVAL_MS: '200', S3GW_HEALTH_TIMEOUT_MS: '1000' },
    });
  });

  afterAll(async () => {
    await gw.stop();
    await keystone.close();
    await swift.close();
  });

  it('answers /healthz 200 and /readyz 200 once both checks passed', async () => {
    const health = await fetch(`${gw.adminUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    const ready = await eventually(async () => {
      const r = await readyz(gw);
      return r.status === 200 ? r : undefined;
    });
    expect(ready.body.status).toBe('ready');
    expect(ready.body.checks.keystone!.ok).toBe(true);
    expect(ready.body.checks.keystone!.url).toBe(`http://127.0.0.1:${keystone.port}/v3`);
    expect(ready.body.checks.swift!.ok).toBe(true);
    expect(ready.body.checks.swift!.url).toBe(`http://127.0.0.1:${swift.port}/healthcheck`);
  });

  it('turns 503 naming Swift when Swift goes away, and 200 when it is back', async () => {
    await swift.stop();
    const down = await eventually(async () => {
      const r = await readyz(gw);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.status).toBe('unavailable');
    expect(down.body.failed).toEqual(['swift']);
    expect(down.body.checks.swift!.error).toMatch(/ECONNREFUSED|ECONNRESET|other side closed|socket/i);
    expect(down.body.checks.keystone!.ok).toBe(true);
    // Liveness does not depend on the upstreams.
    expect((await fetch(`${gw.adminUrl}/healthz`)).status).toBe(200);
    await swift.start();
    await eventually(async () => (await readyz(gw)).status === 200);
  });

  it('turns 503 naming Keystone when Keystone goes away, and 200 when it is back', async () => {
    await keystone.stop();
    const down = await eventually(async () => {
      const r = await readyz(gw);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.failed).toEqual(['keystone']);
    await keystone.start();
    await eventually(async () => (await readyz(gw)).status === 200);
  });

  it('publishes the check results as s3gw_upstream_up', async () => {
    const text = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    expect(text).toMatch(/^s3gw_upstream_up\{service="keystone"\} 1$/m);
    expect(text).toMatch(/^s3gw_upstream_up\{service="swift"\} 1$/m);
  });
});

describe('discovery and probing', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    // A long interval: every probe below must be answered from the first round.
    gw = await startGateway({ env: { S3GW_HEALTH_INTERVAL_MS: '60000' } });
  });

  afterAll(async () => {
    await gw.stop();
  });

  it("finds Swift from the first token's storage URL when nothing is configured", async () => {
    const ready = await eventually(async () => {
      const r = await readyz(gw);
      return r.status === 200 ? r : undefined;
    });
    expect(ready.body.checks.swift!.url).toBe(`${new URL(stack.users.demo.storageUrl).origin}/healthcheck`);
  });

  it('answers probes from the last background check, not by calling the upstreams', async () => {
    const first = await readyz(gw);
    const answers = await Promise.all(Array.from({ length: 20 }, () => readyz(gw)));
    for (const a of answers) {
      expect(a.body.checks.keystone!.checkedAt).toBe(first.body.checks.keystone!.checkedAt);
      expect(a.body.checks.swift!.checkedAt).toBe(first.body.checks.swift!.checkedAt);
    }
  });

  it('serves nothing else on the admin port, and no admin endpoint on the S3 port', async () => {
    expect((await fetch(`${gw.adminUrl}/`)).status).toBe(404);
    expect((await fetch(`${gw.adminUrl}/readyz`, { method: 'POST' })).status).toBe(405);
    const onS3 = await fetch(`${gw.url}/readyz`);
    expect(onS3.status).not.toBe(200);
  });
});

describe('a configured swift.healthUrl', () => {
  it('is what the Swift check GETs, and a dead one makes the gateway unready', async () => {
    const dead = await freePort();
    const gw = await startGateway({ env: { S3GW_SWIFT_HEALTH_URL: `http://127.0.0.1:${dead}/healthcheck`, S3GW_HEALTH_INTERVAL_MS: '200' } });
    try {
      const r = await eventually(async () => {
        const a = await readyz(gw);
        return a.body.checks.swift && a.body.checks.keystone ? a : undefined;
      });
      expect(r.status).toBe(503);
      expect(r.body.failed).toEqual(['swift']);
    } finally {
      await gw.stop();
    }
  });
});
