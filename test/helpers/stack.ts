// Access to the local OpenStack stack started by `deploy/local/stack.sh up`,
// which writes everything a test needs (URLs, users, passwords, EC2 keys) to
// <STACK_DIR or repo/.stack>/stack.json. Reading it and generating gateway
// configs for it live in deploy/local/stack.mjs (typed by stack.d.mts), which
// scripts and the stack image run under plain node; tests import them from here.
import type { Stack, StackUserKey } from '../../deploy/local/stack.mjs';

export * from '../../deploy/local/stack.mjs';

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
