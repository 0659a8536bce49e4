// Access to the local OpenStack stack started by `deploy/local/stack.sh up`,
// which writes everything a test needs (URLs, users, passwords, EC2 keys) to
// <STACK_DIR or repo/.stack>/stack.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StackUser {
  username: string;
  password: string;
  projectName: string;
  projectId: string;
  userId: string;
  domain: string;
}

export interface Ec2Credential {
  access: string;
  secret: string;
}

/** A user that owns a Swift account (project) and has S3 (EC2) credentials. */
export interface StackStorageUser extends StackUser {
  storageUrl: string;
  ec2: Ec2Credential;
}

export interface Stack {
  dataDir: string;
  keystone: { url: string; authUrl: string; region: string };
  swift: { url: string; maxManifestSegments: number };
  s3api: { url: string; region: string };
  memcached: string;
  users: {
    admin: StackUser;
    swift: StackUser;
    s3gateway: StackUser;
    demo: StackStorageUser;
    alt: StackStorageUser;
  };
  logDir?: string;
}

export type StackUserKey = keyof Stack['users'];

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function stackDir(): string {
  return process.env['STACK_DIR'] || join(repoRoot, '.stack');
}

export function loadStack(): Stack {
  const file = join(stackDir(), 'stack.json');
  if (!existsSync(file)) {
    throw new Error(
      `Local OpenStack stack not found: ${file} does not exist.\n` +
        'Start it with `bash deploy/local/stack.sh up` (or run the whole suite with `npm test`, which starts it first).',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${String(err)}); re-run \`bash deploy/local/stack.sh up\``);
  }
  const stack = parsed as Stack;
  if (!stack?.keystone?.authUrl || !stack?.users?.demo?.ec2) {
    throw new Error(`${file} is incomplete; re-run \`bash deploy/local/stack.sh up\``);
  }
  return stack;
}

/** Project-scoped password token for one of the stack's users. */
export async function keystoneToken(
  stack: Stack,
  userKey: StackUserKey,
): Promise<{ token: string; catalog: unknown[] }> {
  const user = stack.users[userKey];
  const res = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user.username, domain: { id: user.domain }, password: user.password } },
        },
        scope: { project: { name: user.projectName, domain: { id: user.domain } } },
      },
    }),
  });
  const text = await res.text();
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) {
    throw new Error(`Keystone login as ${user.username} failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  }
  const body = JSON.parse(text) as { token?: { catalog?: unknown[] } };
  return { token, catalog: body.token?.catalog ?? [] };
}
