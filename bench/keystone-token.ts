// A Keystone token for a stack user (password auth, project-scoped): what the
// benchmark and the soak use to talk to Swift directly for their own setup
// and checks (never measured).
import type { Stack, StackStorageUser } from '#stack';

export async function keystoneToken(stack: Stack, user: StackStorageUser): Promise<string> {
  const res = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user.username, domain: { id: user.domain }, password: user.password } } },
        scope: { project: { id: user.projectId } },
      },
    }),
  });
  await res.arrayBuffer();
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`Keystone refused the ${user.username} user (${res.status})`);
  return token;
}
