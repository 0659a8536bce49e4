// Issue 19, faults: two gateway processes on one config serving one bucket
// under load, one killed with SIGKILL while a PUT of its is mid-body. The
// gateway keeps no state of its own (design.md), so: no request to the
// survivor fails, only requests in flight on the killed one fail, each of
// those retried on the survivor (as a load balancer or an SDK retry would)
// succeeds, and at the end every object is there with the bytes of its
// last successful PUT.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueBucket } from '../helpers/gateway.js';
import { swiftCall } from '../helpers/kill-harness.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, type RawResponse } from '../helpers/raw-s3.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket } from '../helpers/swift-direct.js';
import { swiftTap, type SwiftTap } from '../helpers/swift-tap.js';

const stack = loadStack();
const keys = stack.users.demo.ec2;
const b = uniqueBucket('faults-two');
const WORKERS = 3;
const AFTER_KILL = 30;
let tap: SwiftTap;
let first: GatewayProcess;
let second: GatewayProcess;

beforeAll(async () => {
  const swift = new URL(stack.swift.url);
  tap = await swiftTap(swift.hostname, Number(swift.port));
  first = await startGatewayProcess({ keystoneEc2: true, settings: { 'keystone.storageUrl': `http://127.0.0.1:${tap.port}/v1/AUTH_{project_id}`, 's3.dialect': 'aws' } });
  second = await startGatewayProcess({ configFile: first.configFile });
  expect((await rawS3(second.url, { method: 'PUT', path: `/${b}`, keys })).status).toBe(200);
}, 30_000);

afterAll(async () => {
  await purgeBucket(stack, 'demo', b).catch(() => undefined);
  await Promise.all([first.stop(), second.stop()]);
  await tap.close();
});

interface Outcome { readonly via: 'first' | 'second'; readonly key: string; readonly status?: number; readonly error?: string; readonly retried?: number }

describe('two gateways on one bucket, one killed with SIGKILL mid-load', () => {
  it('loses no request beyond those in flight on the killed one, and their retries on the other succeed', async () => {
    const outcomes: Outcome[] = [];
    const last = new Map<string, Buffer>();
    let killed = false;
    let afterKill = 0;
    const put = (g: GatewayProcess, key: string, body: Buffer) => rawS3(g.url, { method: 'PUT', path: `/${b}/${key}`, body, keys });
    const worker = async (name: 'first' | 'second', w: number) => {
      const g = name === 'first' ? first : second;
      for (let i = 0; ; i++) {
        if (name === 'second' && afterKill >= AFTER_KILL) return;
        // Each worker overwrites five keys of its own, in turn.
        const key = `load/${name}-${w}-${i % 5}`;
        const body = randomBytes(20_000 + i);
        const res: RawResponse | Error = await put(g, key, body).catch((err: unknown) => err as Error);
        if (res instanceof Error) {
          // The killed gateway: its client retries on the other, once.
          const retry = await put(second, key, body);
          outcomes.push({ via: name, key, error: res.message, retried: retry.status });
          if (retry.status === 200) last.set(key, body);
          return;
        }
        outcomes.push({ via: name, key, status: res.status });
        if (res.status === 200) last.set(key, body);
        if (name === 'second' && killed) afterKill++;
      }
    };
    const held = tap.hold(swiftCall('PUT', b, 'load/first-0-3'), 'body', 5000);
    const running = [...Array.from({ length: WORKERS }, (_, w) => worker('first', w)), ...Array.from({ length: WORKERS }, (_, w) => worker('second', w))];
    await held;
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    killed = true;
    await Promise.all(running);

    const failed = outcomes.filter((o) => o.error !== undefined);
    expect(outcomes.filter((o) => o.via === 'second' && o.status !== 200), JSON.stringify(outcomes)).toEqual([]);
    expect(failed.every((o) => o.via === 'first')).toBe(true);
    // At most one request per worker of the killed gateway: the one in flight (or sent as it died).
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(WORKERS);
    expect(failed.map((o) => o.retried)).toEqual(failed.map(() => 200));
    expect(afterKill).toBeGreaterThanOrEqual(AFTER_KILL);
    // Each key holds the bytes of its last successful PUT.
    for (const [key, body] of last) {
      const got = await rawS3(second.url, { method: 'GET', path: `/${b}/${key}`, keys });
      expect(got.status).toBe(200);
      expect(got.headers['etag']).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    }
  }, 60_000);
});
