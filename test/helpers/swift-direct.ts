// Talks to Swift directly (with a Keystone token of a stack user), to check
// what the gateway really stored, or to write objects the way another Swift
// client would.
import { request } from 'node:http';
import { swiftPath } from '../../src/swift/paths.js';
import { keystoneToken, type Stack, type StackUserKey } from './stack.js';

/** A stack user whose own Swift account tests read or write directly. */
export type DirectUser = 'demo' | 'alt' | 'third' | 's3gateway';

/** The storage URL of a stack user's project (stack.json names it for the S3 users; the rest follow the cluster's AUTH_<project> rule). */
export function storageUrlOf(stack: Stack, user: StackUserKey): string {
  const u = stack.users[user] as { storageUrl?: string; projectId: string };
  return u.storageUrl ?? `${stack.swift.url}/v1/AUTH_${u.projectId}`;
}

export interface DirectResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const tokens = new Map<string, Promise<string>>();

function tokenFor(stack: Stack, user: DirectUser): Promise<string> {
  let t = tokens.get(user);
  if (!t) {
    t = keystoneToken(stack, user).then((r) => r.token);
    tokens.set(user, t);
  }
  return t;
}

export async function swiftDirect(
  stack: Stack,
  user: DirectUser,
  method: string,
  container?: string,
  object?: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string; query?: Record<string, string>; /** another account than the user's own (`AUTH_x`) */ account?: string } = {},
): Promise<DirectResponse> {
  const storage = new URL(opts.account === undefined ? storageUrlOf(stack, user) : `${stack.swift.url}/v1/${opts.account}`);
  const headers: Record<string, string> = { 'x-auth-token': await tokenFor(stack, user), ...opts.headers };
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const r = request(
      { host: storage.hostname, port: storage.port, method, path: swiftPath(storage.pathname, container, object, opts.query), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
        });
      },
    );
    r.on('error', reject);
    r.end(opts.body);
  });
}

/** Deletes a container and everything in it, directly in Swift (test cleanup). */
export async function purgeContainer(stack: Stack, user: DirectUser, container: string): Promise<void> {
  for (;;) {
    const list = await swiftDirect(stack, user, 'GET', container, undefined, { query: { format: 'json', limit: '1000' } });
    if (list.status === 404) return;
    const rows = list.status === 200 ? (JSON.parse(list.body.toString()) as { name: string }[]) : [];
    if (rows.length === 0) break;
    await Promise.all(rows.map((r) => swiftDirect(stack, user, 'DELETE', container, r.name)));
  }
  await swiftDirect(stack, user, 'DELETE', container);
}

/** One row of a container's `?versions` listing, straight from Swift. */
export interface VersionRow { name: string; version_id: string; is_latest: boolean; content_type: string }

/** Every version and delete marker of a container (under prefix), straight from Swift; none for a missing container. */
export async function versionRows(stack: Stack, user: DirectUser, container: string, prefix = ''): Promise<VersionRow[]> {
  const res = await swiftDirect(stack, user, 'GET', container, undefined, { query: { versions: '', format: 'json', prefix } });
  return res.status === 200 ? (JSON.parse(res.body.toString() || '[]') as VersionRow[]) : [];
}

/** The object names in a bucket's `+segments` container (none when it has none). */
export async function segmentNames(stack: Stack, user: DirectUser, bucket: string): Promise<string[]> {
  const res = await swiftDirect(stack, user, 'GET', `${bucket}+segments`, undefined, { query: { format: 'json' } });
  return res.status === 200 ? (JSON.parse(res.body.toString()) as { name: string }[]).map((r) => r.name) : [];
}

/** Test cleanup of a bucket the gateway may have versioned: its versions first (Swift refuses the container else), then it, its segments and its object lock records. */
export async function purgeBucket(stack: Stack, user: DirectUser, bucket: string): Promise<void> {
  for (const v of await versionRows(stack, user, bucket)) await swiftDirect(stack, user, 'DELETE', bucket, v.name, { query: { 'version-id': v.version_id } });
  await purgeContainer(stack, user, bucket);
  await purgeContainer(stack, user, `${bucket}+segments`);
  await purgeContainer(stack, user, `${bucket}+locks`);
}
