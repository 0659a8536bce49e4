// kill -9 of the gateway at a chosen Swift call, then a new process on the
// same config: the fault tests of issue 19 (test/integration/faults-kill-*).
// The gateway process talks to Swift through a SwiftTap (swift-tap.ts), which
// freezes the chosen call; the test then SIGKILLs the process, waits for its
// exit (no sleep), collects what the client saw and starts the next process
// on the same config file, as a supervisor (systemd, Kubernetes) would.
import { rawS3, type Keys, type RawRequest, type RawResponse } from './raw-s3.js';
import { startGatewayProcess, type GatewayProcess } from './process.js';
import { loadStack, type Stack } from './stack.js';
import { swiftTap, type HoldAt, type SwiftTap } from './swift-tap.js';

export interface KillHarness {
  readonly tap: SwiftTap;
  readonly stack: Stack;
  readonly keys: Keys;
  /** The process serving now. */
  gateway(): GatewayProcess;
  /** A request to the process serving now, signed with demo's keys unless req has its own. */
  s3(req: RawRequest): Promise<RawResponse>;
  /**
   * Sends req, waits until the tap holds the Swift call matching `match` at
   * `at`, SIGKILLs the gateway, then starts a new one. Resolves with what the
   * client saw of the killed request: an answer, or the socket error.
   */
  killDuring(req: RawRequest, match: RegExp, at: HoldAt, bodyBytes?: number): Promise<RawResponse | Error>;
  close(): Promise<void>;
}

/** Escapes text for a RegExp. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `METHOD /v1/AUTH_<project>/<container>/<object prefix>` as the tap records it (`+` may be sent as %2B). */
export function swiftCall(method: string, container: string, objectPrefix = ''): RegExp {
  const c = literal(container).replace(/\\\+/g, '(?:\\+|%2B)');
  return new RegExp(`^${method} /v1/AUTH_[^/]+/${c}${objectPrefix === '' ? '(?:[/?]|$)' : `/${literal(objectPrefix)}`}`);
}

export async function killHarness(settings: Record<string, string | number | boolean> = {}): Promise<KillHarness> {
  const stack = loadStack();
  const swift = new URL(stack.swift.url);
  const tap = await swiftTap(swift.hostname, Number(swift.port));
  let gw = await startGatewayProcess({
    keystoneEc2: true,
    settings: { 'keystone.storageUrl': `http://127.0.0.1:${tap.port}/v1/AUTH_{project_id}`, ...settings },
  });
  const keys = stack.users.demo.ec2;
  const s3 = (req: RawRequest) => rawS3(gw.url, { keys, ...req });

  return {
    tap,
    stack,
    keys,
    gateway: () => gw,
    s3,
    async killDuring(req, match, at, bodyBytes) {
      const held = tap.hold(match, at, bodyBytes);
      const seen = s3(req).then((r) => r, (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      const first = await Promise.race([held.then(() => 'held' as const), seen.then(() => 'answered' as const)]);
      if (first === 'answered') {
        throw new Error(`the request ended before a Swift call matched ${match}: ${JSON.stringify(tap.requests.slice(-12))}`);
      }
      gw.child.kill('SIGKILL');
      const exit = await gw.exited;
      if (exit.signal !== 'SIGKILL') throw new Error(`gateway exited by itself: ${JSON.stringify(exit)}`);
      const outcome = await seen;
      gw = await startGatewayProcess({ configFile: gw.configFile, env: {} });
      return outcome;
    },
    async close() {
      await gw.stop();
      await tap.close();
    },
  };
}
