// Keystone tokens and the Swift client, built from the settings: what the
// server and the command-line tools (namespace register) both talk through.
import { Agent, type Dispatcher } from 'undici';
import type { Config } from './config.js';
import type { Metrics } from './observe/metrics.js';
import { SwiftClient } from './swift/client.js';
import { connectionWait } from './swift/connection-wait.js';
import { SwiftInfo } from './swift/info.js';
import { tokenIntroducer } from './swift/introduce.js';
import { KeystoneTokens, type SwiftToken } from './swift/keystone.js';

export interface Backend {
  /** The pool of connections to Swift and Keystone (close() it on shutdown). */
  readonly dispatcher: Dispatcher;
  readonly tokens: KeystoneTokens;
  readonly swift: SwiftClient;
}

export function buildBackend(config: Config, opts: { readonly metrics?: Metrics; readonly onToken?: (token: SwiftToken) => void } = {}): Backend {
  const { metrics } = opts;
  // A call waits at most swift.queueTimeoutMs for one of the pool's connections (swift/connection-wait.ts).
  const dispatcher = new Agent({ connections: config.swift.connections, keepAliveTimeout: 30_000, pipelining: 1 }).compose(connectionWait(config.swift.queueTimeoutMs));
  const tokens = new KeystoneTokens({
    authUrl: config.keystone.authUrl,
    dispatcher,
    interface: config.keystone.interface,
    region: config.keystone.region,
    storageUrlTemplate: config.keystone.storageUrl,
    safetyMarginMs: config.keystone.tokenSafetyMarginSeconds * 1000,
    maxEntries: config.keystone.cacheSize,
    timeoutMs: config.keystone.timeoutMs,
    // A new token is shown to Swift once before any request uses it (swift/introduce.ts).
    introduce: tokenIntroducer({
      dispatcher,
      timeoutMs: Math.min(config.swift.headersTimeoutMs, 5_000),
      onAnswer: metrics && ((status, seconds) => {
        metrics.swiftRequests.inc({ method: 'HEAD', status: String(status) });
        metrics.swiftDuration.observe({ method: 'HEAD' }, seconds);
      }),
    }),
    events: metrics && {
      tokenCall: (kind, outcome, seconds) => {
        metrics.keystoneCalls.inc({ kind, outcome });
        metrics.keystoneDuration.observe({ kind }, seconds);
      },
      cache: (event) => metrics.cacheEvents.inc({ cache: 'token', event }),
    },
  });
  // /info may not take longer than any other Swift call (its limits then are the last known, for a while).
  const info = new SwiftInfo(dispatcher, { timeoutMs: Math.min(config.swift.headersTimeoutMs, 5_000) });
  const swift = new SwiftClient({
    dispatcher,
    tokens: {
      get: async (identity) => {
        const token = await tokens.get(identity);
        opts.onToken?.(token);
        return token;
      },
      peek: (identity) => tokens.peek(identity),
      invalidate: (identity) => tokens.invalidate(identity),
    },
    limits: (storageUrl) => info.limits(storageUrl),
    headersTimeoutMs: config.swift.headersTimeoutMs,
    bodyTimeoutMs: config.swift.bodyTimeoutMs,
    events: metrics && {
      call: (method, status, seconds) => {
        metrics.swiftRequests.inc({ method, status: String(status) });
        metrics.swiftDuration.observe({ method }, seconds);
      },
    },
  });
  return { dispatcher, tokens, swift };
}
