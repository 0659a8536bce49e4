// The stack's Barbican for tests: its URL from stack.json, the `openstack
// secret` / `openstack acl` CLI as a stack user, and stopping/starting ONLY the
// Barbican process (deploy/local/barbican.sh) for the tests of an outage.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './process.js';
import type { Stack, StackUserKey } from './stack.js';

/** Barbican's URL; a stack made before Barbican joined it is refused with what to do. */
export function barbicanUrl(stack: Stack): string {
  if (!stack.barbican?.url) throw new Error('stack.json has no barbican: re-run `bash deploy/local/stack.sh up` (it starts Barbican now)');
  return stack.barbican.url;
}

/** `openstack <args>` as a stack user (Debian's CLI with python3-barbicanclient); stdout, trimmed. */
export function openstackAs(stack: Stack, user: StackUserKey, args: string[]): string {
  const u = stack.users[user];
  const out = spawnSync('/usr/bin/openstack', [
    '--os-auth-url', stack.keystone.authUrl, '--os-identity-api-version', '3',
    '--os-username', u.username, '--os-password', u.password, '--os-project-name', u.projectName,
    '--os-user-domain-id', u.domain, '--os-project-domain-id', u.domain,
    ...args,
  ], { encoding: 'utf8', env: { ...process.env, OS_CLOUD: '' } });
  if (out.status !== 0) throw new Error(`openstack ${args.slice(0, 3).join(' ')}: ${out.stderr}`);
  return out.stdout.trim();
}

/**
 * `bash deploy/local/barbican.sh start|stop` against the stack's data dir; never
 * touches another service. `start` rewrites Barbican's config from the stack.sh
 * port variables, so they are passed as this stack has them (a stack on other
 * ports than the defaults would otherwise get a Barbican pointed at another Keystone).
 */
export function barbicanService(stack: Stack, command: 'start' | 'stop'): void {
  const ports = {
    STACK_BARBICAN_PORT: new URL(barbicanUrl(stack)).port,
    STACK_KEYSTONE_PORT: new URL(stack.keystone.url).port,
    STACK_MEMCACHED_PORT: stack.memcached.slice(stack.memcached.lastIndexOf(':') + 1),
  };
  const out = spawnSync('bash', [join(repoRoot, 'deploy/local/barbican.sh'), command], {
    encoding: 'utf8',
    env: { ...process.env, STACK_DIR: stack.dataDir, ...ports },
    timeout: 90_000,
  });
  if (out.status !== 0) throw new Error(`barbican.sh ${command} failed (${out.status}): ${out.stderr}`);
}
