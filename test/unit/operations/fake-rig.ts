// The whole gateway (HTTP, auth, router, operations, typed Swift layer) in
// this process on the fake Swift + Keystone: no stack, no Swift sockets.
// One user with a static key; requests are signed raw S3 calls.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SigningKeyCache } from '../../../src/auth/signing-keys.js';
import { StaticCredentialStore } from '../../../src/auth/credentials.js';
import { createApp } from '../../../src/http/app.js';
import { ConnectionLimit } from '../../../src/http/connection-limit.js';
import { listenS3 } from '../../../src/http/listen.js';
import { Metrics } from '../../../src/observe/metrics.js';
import { KnownContainers } from '../../../src/operations/common/segments.js';
import { DEFAULT_LIMITS, type Limits, type SseSettings } from '../../../src/operations/context.js';
import { DIALECTS } from '../../../src/s3/dialect.js';
import { SwiftClient } from '../../../src/swift/client.js';
import { SwiftInfo } from '../../../src/swift/info.js';
import { KeystoneTokens, type KeystoneIdentity } from '../../../src/swift/keystone.js';
import { buildNamespace } from '../../../src/namespace/build.js';
import { Sealer } from '../../../src/swift/sealed-state.js';
import { resolveStorageClasses } from '../../../src/operations/storage/policies.js';
import { BucketPolicies } from '../../../src/operations/storage/bucket-class.js';
import { FakeSwift, type FakeUser } from '../../helpers/fake-swift/index.js';
import { rawS3, type RawResponse } from '../../helpers/raw-s3.js';

export interface GatewayRig {
  readonly fake: FakeSwift;
  readonly user: FakeUser;
  /** The gateway's address and the user's S3 keys, for requests s3() cannot make (a body held back). */
  readonly url: string;
  readonly keys: { readonly access: string; readonly secret: string };
  s3(method: string, path: string, opts?: { body?: string | Buffer; headers?: Record<string, string> }): Promise<RawResponse>;
  close(): Promise<void>;
}

export const RIG_KEYS = { access: 'AKIAFAKERIG000000001', secret: 'fake-rig-secret-key-000000000000000000000' };

/**
 * `namespace`: the global bucket namespace, its registry in the account of a
 * service user of the fake (as keystone.service sets it up in production).
 */
export async function gatewayRig(opts: {
  namespace?: boolean; limits?: Partial<Limits>; storageClasses?: Readonly<Record<string, string>>;
  /** Server-side encryption: SSE-S3/SSE-KMS key providers (SSE-C is then accepted over the rig's plain HTTP too). */
  sse?: { readonly providers: NonNullable<SseSettings['providers']> };
} = {}): Promise<GatewayRig> {
  const fake = new FakeSwift();
  const user = fake.addUser({ name: 'alice', project: 'demo', roles: ['member'] });
  const service = opts.namespace ? fake.addUser({ name: 's3gateway', project: 'service', roles: ['admin'] }) : undefined;
  fake.putAccount(user.account);
  const tokens = new KeystoneTokens({ authUrl: fake.authUrl, dispatcher: fake.dispatcher, interface: 'public', safetyMarginMs: 60_000, maxEntries: 100, timeoutMs: 5_000, rejectionCacheMs: 0 });
  const info = new SwiftInfo(fake.dispatcher);
  const swift = new SwiftClient({ dispatcher: fake.dispatcher, tokens, limits: (url) => info.limits(url), headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
  const seal = new Sealer(Buffer.alloc(32, 7));
  const app = createApp({
    domains: ['localhost'],
    region: 'us-east-1',
    acceptedRegions: ['us-east-1'],
    signingKeys: new SigningKeyCache(10),
    dialect: DIALECTS.aws,
    maxSkewMs: 15 * 60_000,
    // A Complete answers at once here: its heartbeat would hide the status under test.
    limits: { ...DEFAULT_LIMITS, slowAnswerAfterMs: 60_000, ...opts.limits },
    credentials: new StaticCredentialStore([{ accessKeyId: RIG_KEYS.access, secretKey: RIG_KEYS.secret, identity: user.identity }]),
    swift,
    metrics: new Metrics(),
    log: { log: () => {} },
    now: Date.now,
    seal,
    segmentsContainers: new KnownContainers(),
    // s3.storageClasses on the fake's policies: its default `Policy-0` and an `ec21` (the fake keeps no policy per container).
    storage: opts.storageClasses && {
      classes: resolveStorageClasses(opts.storageClasses, [{ name: 'Policy-0', aliases: [], isDefault: true }, { name: 'ec21', aliases: ['cold'], isDefault: false }]),
      bucketPolicies: new BucketPolicies(),
    },
    sse: opts.sse && { digestKey: Buffer.alloc(32, 9), customerKeysOverHttp: true, providers: opts.sse.providers },
    namespace: service && buildNamespace({ swift, identity: service.identity as KeystoneIdentity, seal, container: 's3gw-bucket-registry', cacheSeconds: 30 }),
  });
  const server: Server = listenS3(app, { host: '127.0.0.1', port: 0, connections: new ConnectionLimit(1000, () => {}), dialect: DIALECTS.aws });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    fake,
    user,
    url,
    keys: RIG_KEYS,
    s3: (method, path, opts = {}) => rawS3(url, { method, path, keys: RIG_KEYS, ...opts }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
