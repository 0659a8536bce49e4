// The gateway's own Swift and Keystone clients on the fake's Dispatcher: what
// a handler test builds.
import { SwiftClient, readText, type SwiftCall, type SwiftResponse } from '../../../src/swift/client.js';
import { SwiftInfo } from '../../../src/swift/info.js';
import { KeystoneTokens, type SwiftIdentity } from '../../../src/swift/keystone.js';
import { FakeSwift, type FakeSwiftOptions, type FakeUser } from '../../helpers/fake-swift/index.js';

export interface Rig {
  readonly fake: FakeSwift;
  readonly tokens: KeystoneTokens;
  readonly swift: SwiftClient;
  /** One Swift call as `user`, the body read as text. */
  call(user: FakeUser | SwiftIdentity, call: SwiftCall): Promise<SwiftResponse & { text: string }>;
}

export function rig(opts: FakeSwiftOptions = {}): Rig {
  const fake = new FakeSwift(opts);
  const tokens = new KeystoneTokens({
    authUrl: fake.authUrl,
    dispatcher: fake.dispatcher,
    interface: 'public',
    safetyMarginMs: 60_000,
    maxEntries: 100,
    timeoutMs: 5_000,
    rejectionCacheMs: 0,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const info = new SwiftInfo(fake.dispatcher);
  const swift = new SwiftClient({ dispatcher: fake.dispatcher, tokens, limits: (url) => info.limits(url), headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
  return {
    fake,
    tokens,
    swift,
    async call(user, call) {
      const identity = 'identity' in user ? user.identity : user;
      const res = await swift.call(identity, call, { transId: '' });
      return { ...res, text: await readText(res) };
    },
  };
}
