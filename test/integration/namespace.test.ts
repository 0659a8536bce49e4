// One bucket namespace for all projects (namespace.mode global): the registry
// in the gateway's own Swift account, shared by every replica, against the
// real Swift and Keystone of the local stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/process.js';
import { rawS3, xmlValue, type Keys } from '../helpers/raw-s3.js';
import { loadStack, type Stack } from '../helpers/stack.js';
import { purgeContainer, swiftDirect } from '../helpers/swift-direct.js';

let stack: Stack;
let gw: TestGateway;
let gw2: GatewayProcess;
let demo: Keys;
let alt: Keys;
const REGISTRY = 's3gw-bucket-registry';

/** The registry's entry for a name, read straight from the service account: exactly one claim object, or none. */
async function registryEntry(bucket: string): Promise<{ account: string; owner: { id: string } } | undefined> {
  const list = await swiftDirect(stack, 's3gateway', 'GET', REGISTRY, undefined, { query: { format: 'json', prefix: `${bucket}/` } });
  const rows = list.status === 200 ? (JSON.parse(list.body.toString()) as { name: string }[]) : [];
  expect(rows.length, `claims of ${bucket}`).toBeLessThanOrEqual(1);
  if (rows.length === 0) return undefined;
  const res = await swiftDirect(stack, 's3gateway', 'GET', REGISTRY, rows[0]!.name);
  expect(res.status).toBe(200);
  return JSON.parse(res.body.toString()) as { account: string; owner: { id: string } };
}

const accountOf = (user: 'demo' | 'alt') => `AUTH_${stack.users[user].projectId}`;

beforeAll(async () => {
  stack = loadStack();
  demo = stack.users.demo.ec2!;
  alt = stack.users.alt.ec2!;
  // Two replicas sharing one registry, one of them a separate process; both trust what they read for 1 s.
  gw = await startGateway({ keystoneEc2: true, env: { S3GW_NAMESPACE_CACHE_SECONDS: '1' } });
  gw2 = await startGatewayProcess({ keystoneEc2: true, settings: { 'namespace.cacheSeconds': 1 } });
});

afterAll(async () => {
  await gw?.stop();
  await gw2?.stop();
});

describe('CreateBucket in one namespace', () => {
  it('registers the name for its project, refuses it to another project (409 BucketAlreadyExists), and frees it on DeleteBucket', async () => {
    const b = uniqueBucket('ns');
    try {
      expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBe(201);
      const entry = await registryEntry(b);
      expect(entry?.account).toBe(accountOf('demo'));
      expect(entry?.owner.id).toBe(stack.users.demo.projectId);

      const taken = await rawS3(gw2.url, { method: 'PUT', path: `/${b}`, keys: alt });
      expect(taken.status).toBe(409);
      expect(xmlValue(taken.text(), 'Code')).toBe('BucketAlreadyExists');
      expect((await swiftDirect(stack, 'alt', 'HEAD', b)).status).toBe(404);

      // The owner again: the ucloud dialect's answer for a bucket it has (202).
      expect((await rawS3(gw2.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBe(202);

      expect((await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo })).status).toBe(204);
      expect(await registryEntry(b)).toBeUndefined();
      expect((await rawS3(gw2.url, { method: 'PUT', path: `/${b}`, keys: alt })).status).toBe(201);
      expect((await registryEntry(b))?.account).toBe(accountOf('alt'));
    } finally {
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo });
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: alt });
    }
  });

  it('two gateway processes racing to create one name for two projects: exactly one wins, and only its container exists', async () => {
    const names = Array.from({ length: 8 }, (_, i) => uniqueBucket(`race${i}`));
    try {
      for (const b of names) {
        const [a, c] = await Promise.all([
          rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo }),
          rawS3(gw2.url, { method: 'PUT', path: `/${b}`, keys: alt }),
        ]);
        const statuses = [a.status, c.status].sort();
        expect(statuses, b).toEqual([201, 409]);
        const winner = a.status === 201 ? 'demo' : 'alt';
        const loser = winner === 'demo' ? 'alt' : 'demo';
        expect((await registryEntry(b))?.account).toBe(accountOf(winner));
        expect((await swiftDirect(stack, winner, 'HEAD', b)).status).toBe(204);
        expect((await swiftDirect(stack, loser, 'HEAD', b)).status).toBe(404);
      }
    } finally {
      for (const b of names) {
        await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo });
        await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: alt });
      }
    }
  });
});

describe('buckets made outside the gateway', () => {
  it('a container made through the Swift API is registered on its owner\'s first signed access', async () => {
    const b = uniqueBucket('adopt');
    expect((await swiftDirect(stack, 'demo', 'PUT', b)).status).toBe(201);
    try {
      expect(await registryEntry(b)).toBeUndefined();
      expect((await rawS3(gw.url, { method: 'HEAD', path: `/${b}`, keys: demo })).status).toBe(200);
      expect((await registryEntry(b))?.account).toBe(accountOf('demo'));
      // Now another project cannot take the name.
      expect((await rawS3(gw2.url, { method: 'PUT', path: `/${b}`, keys: alt })).status).toBe(409);
    } finally {
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo });
    }
    expect(await registryEntry(b)).toBeUndefined();
  });

  it('a name registered to one project stays usable by another that has its own container of that name, and is counted', async () => {
    const b = uniqueBucket('clash');
    expect((await rawS3(gw.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBe(201);
    try {
      expect((await swiftDirect(stack, 'alt', 'PUT', b)).status).toBe(201);
      expect((await swiftDirect(stack, 'alt', 'PUT', b, 'mine', { body: 'alt data' })).status).toBe(201);
      const before = await conflictCount(gw);
      const got = await rawS3(gw.url, { method: 'GET', path: `/${b}/mine`, keys: alt });
      expect(got.status).toBe(200);
      expect(got.text()).toBe('alt data');
      expect(await conflictCount(gw)).toBeGreaterThan(before);
      // The registered owner still reaches its own bucket, not alt's.
      expect((await rawS3(gw.url, { method: 'GET', path: `/${b}/mine`, keys: demo })).status).toBe(404);
      expect((await registryEntry(b))?.account).toBe(accountOf('demo'));
    } finally {
      await purgeContainer(stack, 'alt', b);
      await rawS3(gw.url, { method: 'DELETE', path: `/${b}`, keys: demo });
    }
  });
});

async function conflictCount(g: TestGateway): Promise<number> {
  const text = await (await fetch(`${g.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('s3gw_bucket_name_conflicts_total'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('namespace.mode account', () => {
  it('keeps per-project names: two projects can each have a bucket of one name', async () => {
    const own = await startGateway({ keystoneEc2: true, env: { S3GW_NAMESPACE_MODE: 'account' } });
    const b = uniqueBucket('acct');
    try {
      expect((await rawS3(own.url, { method: 'PUT', path: `/${b}`, keys: demo })).status).toBe(201);
      expect((await rawS3(own.url, { method: 'PUT', path: `/${b}`, keys: alt })).status).toBe(201);
      expect(await registryEntry(b)).toBeUndefined();
      // Anonymous requests cannot be placed in an account: refused.
      const anon = await rawS3(own.url, { method: 'GET', path: `/${b}` });
      expect(anon.status).toBe(401);
      expect(xmlValue(anon.text(), 'Code')).toBe('AccessDenied');
    } finally {
      await rawS3(own.url, { method: 'DELETE', path: `/${b}`, keys: demo });
      await rawS3(own.url, { method: 'DELETE', path: `/${b}`, keys: alt });
      await own.stop();
    }
  });
});
