// A gateway whose Swift is behind a TCP relay (tcp-proxy.ts) that a test makes
// slow, black-holed or frozen, with short Swift timeouts and a small pool so
// each fault shows in seconds: the rig of the faults-*-swift tests (issue 19).
import { expect } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from './gateway.js';
import { rawS3, xmlValue, type RawRequest, type RawResponse } from './raw-s3.js';
import { loadStack, type Stack } from './stack.js';
import { purgeBucket } from './swift-direct.js';
import { tcpProxy, type TcpProxy } from './tcp-proxy.js';

/** The test gateways' Swift settings. */
// Short enough for a test of seconds, long enough that the shared stack's own
// latency under a loaded machine (a container PUT took over a second at times)
// stays below them.
export const SLOW = {
  headersMs: 2000,
  bodyMs: 2000,
  queueMs: 1000,
  connections: 4,
  stagedFrom: 256 * 1024,
  // undici checks its timeouts on a coarse clock (about half a second) and a
  // request may make a second Swift call: generous, but far below a hang.
  slackMs: 2500,
} as const;

export interface SlowSwiftRig {
  readonly stack: Stack;
  readonly relay: TcpProxy;
  readonly gw: TestGateway;
  /** A bucket made through the gateway (undefined with `bucket: false`). */
  readonly bucket: string;
  s3(req: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface SlowSwiftOptions {
  /** Readiness checks through the relay too (default: straight to Swift, so the relay carries only S3 traffic). */
  readonly healthThroughRelay?: boolean;
  /** Make the bucket (default true). */
  readonly bucket?: boolean;
  readonly env?: Record<string, string>;
}

export async function slowSwiftGateway(label: string, opts: SlowSwiftOptions = {}): Promise<SlowSwiftRig> {
  const stack = loadStack();
  const swiftUrl = new URL(stack.swift.url);
  const relay = await tcpProxy(swiftUrl.hostname, Number(swiftUrl.port));
  const gw = await startGateway({
    dialect: 'aws',
    storageUrl: `http://127.0.0.1:${relay.port}/v1/AUTH_{project_id}`,
    env: {
      S3GW_SWIFT_CONNECTIONS: String(SLOW.connections),
      S3GW_SWIFT_HEADERS_TIMEOUT_MS: String(SLOW.headersMs),
      S3GW_SWIFT_BODY_TIMEOUT_MS: String(SLOW.bodyMs),
      S3GW_SWIFT_QUEUE_TIMEOUT_MS: String(SLOW.queueMs),
      S3GW_S3_STAGED_PUT_FROM_BYTES: String(SLOW.stagedFrom),
      ...(opts.healthThroughRelay ? {} : { S3GW_SWIFT_HEALTH_URL: `${swiftUrl.origin}/healthcheck` }),
      ...opts.env,
    },
  });
  const bucket = uniqueBucket(label);
  const s3 = (req: RawRequest) => rawS3(gw.url, { keys: stack.users.demo.ec2, ...req });
  if (opts.bucket !== false) {
    // Set-up, not the test: retried on a 503 as any S3 client would (the shared Swift is slow under load at times).
    let made = await s3({ method: 'PUT', path: `/${bucket}` });
    for (let attempt = 1; made.status === 503 && attempt < 3; attempt++) made = await s3({ method: 'PUT', path: `/${bucket}` });
    expect(made.status, JSON.stringify(gw.logs.filter((l) => l.level === 'warn' || l.level === 'error').slice(-3))).toBe(200);
  }
  return {
    stack, relay, gw, bucket, s3,
    close: async () => {
      relay.pass();
      if (opts.bucket !== false) await purgeBucket(stack, 'demo', bucket).catch(() => undefined);
      await gw.stop();
      await relay.close();
    },
  };
}

export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

/** S3's retryable answers to a Swift that did not answer in time: 503 ServiceUnavailable or SlowDown. */
export function expectRetryable(res: RawResponse): void {
  expect(res.status, res.text()).toBe(503);
  expect(['ServiceUnavailable', 'SlowDown']).toContain(xmlValue(res.text(), 'Code'));
  expect(xmlValue(res.text(), 'RequestId')).toBe(res.headers['x-trans-id']);
}
