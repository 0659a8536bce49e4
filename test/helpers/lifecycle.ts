// Shared by the lifecycle tests: the document builder, S3's expiry date, the
// runner run in this process, an owner project of a test's own, and the
// buckets a test file makes with the requests it sends them.
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { lifecycleCommand } from '../../src/lifecycle-command.js';
import { KeystoneAdmin } from './keystone-admin.js';
import { rawS3, type Keys } from './raw-s3.js';
import type { Stack } from './stack.js';
import { uniqueBucket } from './gateway.js';
import { purgeBucket, swiftDirect } from './swift-direct.js';

export const DAY = 86_400_000;
export const md5 = (s: string) => createHash('md5').update(s).digest('base64');
export const lifecycle = (...rules: string[]) => `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</LifecycleConfiguration>`;
export const future = (days: number) => new Date(Date.now() + days * DAY).toISOString();
/** The expiry S3 computes: creation + days, rounded up to midnight UTC. */
export const expiryOf = (created: number, days: number) => new Date(Math.ceil((created + days * DAY) / DAY) * DAY);

/** `lifecycle run` in this process, its lines and exit code. */
export async function runLifecycleCommand(config: Config, ...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await lifecycleCommand(['run', ...args], config, (line) => lines.push(line));
  return { code, lines };
}

export interface Owner {
  readonly keys: Keys;
  readonly buckets: string[];
  versions(bucket: string, prefix: string): Promise<{ name: string; version_id: string; content_type: string }[]>;
  /** The object names of one of the owner's containers ([] when there is none). */
  names(container: string): Promise<string[]>;
  /** Deletes one object of the owner's containers through Swift; its status. */
  deleteName(container: string, name: string): Promise<number>;
  /** Removes its buckets (through Swift, then the gateway for the registry), its keys, user and project. */
  remove(): Promise<void>;
}

/** A project and user made for one test (with EC2 keys), the gateway's user a member there (what the runner needs for versions). */
/** gatewayUrl: a function where the gateway may be another process by the time of remove() (test/integration/faults-kill-put.test.ts). */
export async function isolatedOwner(stack: Stack, gatewayUrl: string | (() => string)): Promise<Owner> {
  const admin = new KeystoneAdmin(stack);
  const name = `lc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const password = randomUUID();
  const projectId = await admin.createProject(name);
  const userId = await admin.createUser(name, password);
  await admin.grant(userId, projectId, 'member');
  await admin.grant(stack.users.s3gateway.userId, projectId, 'member');
  const keys = await admin.createEc2(userId, projectId);
  const auth = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, scope: { project: { id: projectId } } } }),
  });
  const token = auth.headers.get('x-subject-token')!;
  const swift = (path: string, method = 'GET') => fetch(`${stack.swift.url}/v1/AUTH_${projectId}${path}`, { method, headers: { 'x-auth-token': token } });
  const owner: Owner = {
    keys,
    buckets: [],
    versions: async (bucket, prefix) => {
      const res = await swift(`/${bucket}?versions&format=json&prefix=${encodeURIComponent(prefix)}`);
      return res.status === 200 ? ((await res.json()) as { name: string; version_id: string; content_type: string }[]) : [];
    },
    names: async (container) => {
      const res = await swift(`/${container}?format=json`);
      return res.status === 200 ? ((await res.json()) as { name: string }[]).map((r) => r.name) : [];
    },
    deleteName: async (container, name) => (await swift(`/${container}/${name.split('/').map(encodeURIComponent).join('/')}`, 'DELETE')).status,
    remove: async () => {
      for (const b of owner.buckets) {
        for (const v of await owner.versions(b, '')) await swift(`/${b}/${v.name}?version-id=${v.version_id}`, 'DELETE');
        for (const c of [b, `${b}+segments`, `${b}+locks`]) {
          const list = await swift(`/${c}?format=json`);
          if (list.status === 200) for (const r of (await list.json()) as { name: string }[]) await swift(`/${c}/${r.name}`, 'DELETE');
          await swift(`/${c}`, 'DELETE');
        }
        await rawS3(typeof gatewayUrl === 'string' ? gatewayUrl : gatewayUrl(), { method: 'DELETE', path: `/${b}`, keys });
      }
      await admin.deleteEc2(userId, keys.access);
      await admin.deleteUser(userId);
      await admin.deleteProject(projectId);
    },
  };
  return owner;
}

/**
 * The buckets one lifecycle test file makes as the demo owner, and the
 * requests it sends to them. `gateway()`: the file's gateway (made in its beforeAll).
 */
export function lifecycleBuckets(stack: () => Stack, gateway: () => { url: string }, owner: () => Keys) {
  const buckets: string[] = [];
  const send = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    rawS3(gateway().url, { method, path, keys: owner(), body, headers });
  return {
    /** A new bucket (versioned if asked), removed by cleanup(). */
    async newBucket(label: string, versioned = false): Promise<string> {
      const b = uniqueBucket(label);
      expect((await send('PUT', `/${b}`)).status).toBe(200);
      buckets.push(b);
      if (versioned) {
        const body = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
        expect((await send('PUT', `/${b}?versioning`, body)).status).toBe(200);
      }
      return b;
    },
    putLifecycle: (b: string, body: string, headers: Record<string, string> = { 'content-md5': md5(body) }) => send('PUT', `/${b}?lifecycle`, body, headers),
    put: (b: string, key: string, body: string | Buffer = 'data', headers: Record<string, string> = {}) => send('PUT', `/${b}/${key}`, body, headers),
    swiftStatus: async (b: string, key: string) => (await swiftDirect(stack(), 'demo', 'HEAD', b, key)).status,
    /** Removes every bucket made (through Swift, then the gateway for the registry). */
    async cleanup(): Promise<void> {
      for (const b of buckets) await purgeBucket(stack(), 'demo', b).then(() => send('DELETE', `/${b}`));
    },
  };
}
