// The Barbican key provider against the stack's real Barbican and Keystone:
// keys made with the `openstack secret` CLI as the demo project and shared with
// the gateway's service user by a Barbican ACL; the endpoint from Keystone's
// catalog; the token from the gateway's own Keystone machinery; and an outage
// of Barbican (only the Barbican process is stopped, and for seconds).
import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarbicanProvider } from '../../src/kms/barbican.js';
import { keyManagerFromCatalog } from '../../src/kms/catalog.js';
import { additionalData, unwrapDataKey } from '../../src/kms/envelope.js';
import { S3Error } from '../../src/s3/errors.js';
import { KeystoneTokens, type PasswordIdentity } from '../../src/swift/keystone.js';
import { barbicanService, barbicanUrl, openstackAs } from '../helpers/barbican.js';
import { loadStack } from '../helpers/stack.js';

const stack = loadStack();
const dispatcher = new Agent();
const service = stack.users.s3gateway;
const identity: PasswordIdentity = {
  kind: 'password', username: service.username, password: service.password, userDomain: service.domain, userDomainIsId: true,
  projectName: service.projectName, projectDomain: service.domain, projectDomainIsId: true,
};
const tokens = new KeystoneTokens({
  authUrl: stack.keystone.authUrl, dispatcher, safetyMarginMs: 60_000, maxEntries: 10, timeoutMs: 10_000, interface: 'public', region: stack.keystone.region,
});
const token = () => tokens.get(identity).then((t) => t.token);
const endpoint = keyManagerFromCatalog({ authUrl: stack.keystone.authUrl, interface: 'public', region: stack.keystone.region, token, dispatcher, timeoutMs: 10_000 });
const newProvider = () => new BarbicanProvider({ endpoint, token, invalidateToken: () => tokens.invalidate(identity), dispatcher, cacheSeconds: 300, timeoutMs: 5000 });
const ctx = { bucket: 'kms-it', key: 'obj' };

const made: string[] = [];
const name = (what: string) => `s3gw-test-${what}-${randomBytes(4).toString('hex')}`;
/** A 256-bit AES key ordered from Barbican as demo (`openstack secret order create`): its href. */
function orderKey(): string {
  const order = JSON.parse(openstackAs(stack, 'demo', ['secret', 'order', 'create', '--name', name('order'), '--algorithm', 'aes', '--bit-length', '256', '--mode', 'cbc', '-f', 'json', 'key'])) as Record<string, string>;
  const href = openstackAs(stack, 'demo', ['secret', 'order', 'get', order['Order href']!, '-c', 'Secret href', '-f', 'value']);
  made.push(href);
  return href;
}
/** 32 given bytes stored as a binary secret (`openstack secret store`): its href. */
function storeKey(key: Buffer, what: string): string {
  const href = openstackAs(stack, 'demo', ['secret', 'store', '--name', name(what), '--secret-type', 'symmetric', '--algorithm', 'aes', '--bit-length', '256',
    '--payload-content-type', 'application/octet-stream', '--payload-content-encoding', 'base64', '--payload', key.toString('base64'), '-c', 'Secret href', '-f', 'value']);
  made.push(href);
  return href;
}
const shareWithGateway = (href: string) => openstackAs(stack, 'demo', ['acl', 'user', 'add', '--user', service.userId, '--operation-type', 'read', href]);
const uuidOf = (href: string) => href.slice(href.lastIndexOf('/') + 1);

async function rejection(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected an S3Error');
}

let ordered: string;
let stored: string;
const storedBytes = randomBytes(32);
let private_: string;
beforeAll(() => {
  barbicanUrl(stack); // a clear error when the stack predates Barbican
  ordered = orderKey();
  stored = storeKey(storedBytes, 'stored');
  private_ = storeKey(randomBytes(32), 'private');
  shareWithGateway(ordered);
  shareWithGateway(stored);
}, 120_000);

afterAll(async () => {
  for (const href of made) {
    try {
      openstackAs(stack, 'demo', ['secret', 'delete', href]);
    } catch {
      // best effort: a test stack
    }
  }
  await dispatcher.close();
}, 120_000);

describe('Barbican key provider (real Barbican)', () => {
  it('finds Barbican in the Keystone catalog as key-manager', async () => {
    expect(await endpoint()).toBe(barbicanUrl(stack));
  });

  it('wraps with an ordered key named by href and unwraps with its uuid; the data key round-trips', async () => {
    const p = newProvider();
    const dataKey = randomBytes(32);
    const { keyId, wrapped } = await p.wrap(dataKey, ctx, ordered);
    expect(keyId).toBe(uuidOf(ordered));
    // A fresh provider (another replica) fetches the key again and gets the same bytes.
    expect(await newProvider().unwrap(wrapped, ctx, keyId)).toEqual(dataKey);
    expect((await rejection(newProvider().unwrap(wrapped, { ...ctx, key: 'other' }, keyId))).code).toBe('AccessDenied');
  });

  it('wraps with exactly the bytes stored in Barbican (`openstack secret store`)', async () => {
    const dataKey = randomBytes(32);
    const { keyId, wrapped } = await newProvider().wrap(dataKey, ctx, uuidOf(stored));
    expect(unwrapDataKey(storedBytes, wrapped, additionalData('barbican', keyId, ctx))).toEqual(dataKey);
  });

  it('answers an unknown secret uuid with KMS.NotFoundException (400)', async () => {
    const err = await rejection(newProvider().wrap(randomBytes(32), ctx, '00000000-0000-4000-8000-000000000000'));
    expect([err.code, err.status]).toEqual(['KMS.NotFoundException', 400]);
  });

  it('answers a secret of another project that is not shared with the gateway with AccessDenied (403)', async () => {
    const err = await rejection(newProvider().wrap(randomBytes(32), ctx, private_));
    expect([err.code, err.status]).toEqual(['AccessDenied', 403]);
  });

  it('while Barbican is down: a cached key keeps working, an uncached one is 503; after the restart both work', async () => {
    const p = newProvider();
    const dataKey = randomBytes(32);
    const { wrapped } = await p.wrap(dataKey, ctx, ordered); // now cached
    const started = Date.now();
    barbicanService(stack, 'stop');
    try {
      expect(await p.unwrap(wrapped, ctx, uuidOf(ordered))).toEqual(dataKey);
      const err = await rejection(p.wrap(randomBytes(32), ctx, stored));
      expect([err.code, err.status]).toEqual(['ServiceUnavailable', 503]);
    } finally {
      barbicanService(stack, 'start');
    }
    expect((await p.wrap(randomBytes(32), ctx, stored)).keyId).toBe(uuidOf(stored));
    // Kept short: other tests may share this stack.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 120_000);
});
