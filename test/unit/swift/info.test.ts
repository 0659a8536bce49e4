// The cluster's limits from /info: read once per origin, and when /info cannot
// be read (an error, a slow Swift) the last known limits (or Swift's defaults)
// serve for a while instead of every call waiting for /info again.
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { SWIFT_DEFAULT_LIMITS, SwiftInfo } from '../../../src/swift/info.js';

const URL_ = 'http://swift.test:8080/v1/AUTH_p1';
let agent: MockAgent;
afterEach(async () => { await agent.close(); });

function rig() {
  agent = new MockAgent();
  agent.disableNetConnect();
  let clock = 1_000_000;
  let calls = 0;
  // What /info answers now: every attempt is counted, whatever it gets.
  let now: { status: number; body: unknown } = { status: 503, body: {} };
  const pool = agent.get('http://swift.test:8080');
  const info = new SwiftInfo(agent, { ttlMs: 60_000, retryAfterMs: 10_000, timeoutMs: 200, now: () => clock });
  return {
    info,
    pool,
    persistent: () => pool.intercept({ path: '/info', method: 'GET' }).reply(() => {
      calls++;
      return { statusCode: now.status, data: JSON.stringify(now.body) };
    }).persist(),
    answer: (status: number, body: unknown = {}) => { now = { status, body }; },
    calls: () => calls,
    advance: (ms: number) => { clock += ms; },
  };
}

describe('SwiftInfo', () => {
  it('reads /info once and serves its limits until they are old', async () => {
    const r = rig();
    r.persistent();
    r.answer(200, { swift: { max_file_size: 1234 } });
    expect((await r.info.limits(URL_)).maxFileSize).toBe(1234);
    expect((await r.info.limits(URL_)).maxFileSize).toBe(1234);
    expect(r.calls()).toBe(1);
  });

  it('after a failed read uses Swift\'s defaults without asking again for retryAfterMs, then asks', async () => {
    const r = rig();
    r.persistent();
    r.answer(503);
    expect(await r.info.limits(URL_)).toBe(SWIFT_DEFAULT_LIMITS);
    r.advance(9_000);
    expect(await r.info.limits(URL_)).toBe(SWIFT_DEFAULT_LIMITS);
    expect(r.calls()).toBe(1);
    r.answer(200, { swift: { max_file_size: 99 } });
    r.advance(2_000);
    expect((await r.info.limits(URL_)).maxFileSize).toBe(99);
    expect(r.calls()).toBe(2);
  });

  it('keeps the last limits it read when a refresh fails', async () => {
    const r = rig();
    r.persistent();
    r.answer(200, { swift: { max_file_size: 77 } });
    await r.info.limits(URL_);
    r.advance(61_000);
    r.answer(500);
    expect((await r.info.limits(URL_)).maxFileSize).toBe(77);
    expect(r.calls()).toBe(2);
  });

  it('gives up on a slow /info after timeoutMs', async () => {
    const r = rig();
    r.pool.intercept({ path: '/info', method: 'GET' }).reply(200, '{}').delay(2_000);
    const started = performance.now();
    expect(await r.info.limits(URL_)).toBe(SWIFT_DEFAULT_LIMITS);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
