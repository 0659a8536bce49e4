// The fake as a handler test uses it: the gateway's own KeystoneTokens and
// SwiftClient on the fake's Dispatcher (no stack, no socket), a user with an
// EC2 key and a bucket declared, a 503 injected on the next container HEAD.
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../../src/operations/index.js';
import type { OperationContext } from '../../../src/operations/context.js';
import type { S3Request } from '../../../src/s3/request.js';
import { SwiftClient } from '../../../src/swift/client.js';
import { Sealer } from '../../../src/swift/sealed-state.js';
import { SwiftStore } from '../../../src/swift/store.js';
import { SwiftInfo } from '../../../src/swift/info.js';
import { KeystoneEc2 } from '../../../src/swift/keystone-ec2.js';
import { KeystoneTokens, type Ec2Identity } from '../../../src/swift/keystone.js';
import { FakeSwift } from '../../helpers/fake-swift/index.js';

describe('a handler test on the fake Swift', () => {
  it('answers HeadBucket for an EC2 key\'s user, then maps an injected 503 to an S3 error', async () => {
    const fake = new FakeSwift();
    const service = fake.addUser({ name: 's3gateway', project: 'service', roles: ['admin'] });
    const alice = fake.addUser({ name: 'alice', project: 'demo', roles: ['member'], ec2: true });
    fake.putContainer(alice.account, 'photos');

    const tokens = new KeystoneTokens({ authUrl: fake.authUrl, dispatcher: fake.dispatcher, interface: 'public', safetyMarginMs: 60_000, maxEntries: 100, timeoutMs: 5_000 });
    const info = new SwiftInfo(fake.dispatcher);
    const swift = new SwiftClient({ dispatcher: fake.dispatcher, tokens, limits: (url) => info.limits(url), headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
    // The EC2 key as the gateway learns it: from Keystone's credential store, with its own service identity.
    const ec2 = new KeystoneEc2({ authUrl: fake.authUrl, dispatcher: fake.dispatcher, tokens, service: service.identity, timeoutMs: 5_000 });
    const stored = await ec2.credential(alice.ec2!.access);
    expect(stored).toEqual({ secret: alice.ec2!.secret, userId: alice.userId, projectId: alice.projectId });
    const identity: Ec2Identity = { kind: 'ec2', service: service.identity, access: alice.ec2!.access, secret: stored!.secret, userId: stored!.userId, projectId: stored!.projectId, readAt: 1 };

    // HeadBucket as the router finds it: wrapped with its family's Swift-status table.
    const headBucket = HANDLERS.HeadBucket!;
    const store = new SwiftStore(swift.session(identity, { transId: '' }), new Sealer(Buffer.alloc(32, 1)));
    const ctx = (bucket: string) => ({ req: { bucket } as S3Request, store, region: 'us-east-1' }) as unknown as OperationContext;
    expect(await headBucket(ctx('photos'))).toMatchObject({ status: 200 });
    await expect(headBucket(ctx('nope'))).rejects.toMatchObject({ code: 'NoSuchBucket', status: 404 });

    fake.fail({ match: { origin: 'swift', method: 'HEAD', container: 'photos' }, status: 503 });
    await expect(headBucket(ctx('photos'))).rejects.toMatchObject({ code: 'ServiceUnavailable', status: 503 });
    expect(await headBucket(ctx('photos'))).toMatchObject({ status: 200 });

    // What reached Swift: the key user's own token (from /v3/ec2tokens), never the service's.
    const heads = fake.callsTo('swift').filter((c) => c.method === 'HEAD');
    const ec2Token = fake.tokens().find((t) => t.methods.includes('ec2credential'))!;
    expect(heads.every((c) => c.headers['x-auth-token'] === ec2Token.id)).toBe(true);
    expect(heads.map((c) => c.outcome)).toEqual([204, 404, 503, 204]);
  });
});
