// Keystone administration for tests, through its REST API with the stack's admin
// user: users, role assignments and EC2 credentials made and removed per test.
import { spawnSync } from 'node:child_process';
import { keystoneToken, type Stack, type StackUserKey } from './stack.js';

export interface Ec2Key {
  readonly access: string;
  readonly secret: string;
}

export class KeystoneAdmin {
  #token: Promise<string> | undefined;

  constructor(private readonly stack: Stack) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    this.#token ??= keystoneToken(this.stack, 'admin').then((t) => t.token);
    const res = await fetch(`${this.stack.keystone.authUrl}${path}`, {
      method,
      headers: { 'x-auth-token': await this.#token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async roleId(name: string): Promise<string> {
    const res = await this.call('GET', `/roles?name=${encodeURIComponent(name)}`);
    return (res.json['roles'] as { id: string }[])[0]!.id;
  }

  async createUser(name: string, password: string): Promise<string> {
    const res = await this.call('POST', '/users', { user: { name, password, domain_id: 'default', enabled: true } });
    if (res.status !== 201) throw new Error(`create user: ${res.status}`);
    return (res.json['user'] as { id: string }).id;
  }

  async createProject(name: string): Promise<string> {
    const res = await this.call('POST', '/projects', { project: { name, domain_id: 'default', enabled: true } });
    if (res.status !== 201) throw new Error(`create project: ${res.status}`);
    return (res.json['project'] as { id: string }).id;
  }

  async deleteProject(id: string): Promise<void> {
    await this.call('PATCH', `/projects/${id}`, { project: { enabled: false } });
    await this.call('DELETE', `/projects/${id}`);
  }

  async deleteUser(id: string): Promise<void> {
    await this.call('DELETE', `/users/${id}`);
  }

  async grant(userId: string, projectId: string, role: string): Promise<void> {
    const res = await this.call('PUT', `/projects/${projectId}/users/${userId}/roles/${await this.roleId(role)}`);
    if (res.status !== 204) throw new Error(`grant ${role}: ${res.status}`);
  }

  async revoke(userId: string, projectId: string, role: string): Promise<void> {
    await this.call('DELETE', `/projects/${projectId}/users/${userId}/roles/${await this.roleId(role)}`);
  }

  async createEc2(userId: string, projectId: string): Promise<Ec2Key> {
    const res = await this.call('POST', `/users/${userId}/credentials/OS-EC2`, { tenant_id: projectId });
    if (res.status !== 201) throw new Error(`create ec2: ${res.status}`);
    const c = res.json['credential'] as { access: string; secret: string };
    return { access: c.access, secret: c.secret };
  }

  async deleteEc2(userId: string, access: string): Promise<void> {
    await this.call('DELETE', `/users/${userId}/credentials/OS-EC2/${access}`);
  }
}

/** `openstack ec2 credentials <args>` as a stack user, with Debian's openstack CLI; parsed JSON output. */
export function openstackEc2(stack: Stack, user: StackUserKey, args: string[]): Record<string, unknown> {
  const u = stack.users[user];
  const out = spawnSync('/usr/bin/openstack', [
    '--os-auth-url', stack.keystone.authUrl, '--os-identity-api-version', '3',
    '--os-username', u.username, '--os-password', u.password, '--os-project-name', u.projectName,
    '--os-user-domain-id', u.domain, '--os-project-domain-id', u.domain,
    'ec2', 'credentials', ...args,
  ], { encoding: 'utf8', env: { ...process.env, OS_CLOUD: '' } });
  if (out.status !== 0) throw new Error(`openstack ec2 credentials ${args.join(' ')}: ${out.stderr}`);
  return out.stdout.trim() ? (JSON.parse(out.stdout) as Record<string, unknown>) : {};
}
