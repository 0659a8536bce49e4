// The two sides of the fake Swift's contract test: the real local stack and
// the fake, each with the same users (the fake gets the stack's own ids,
// passwords and EC2 keys, so answers compare directly), and one way to call
// either (undici `request`: an Agent for the stack, the fake's Dispatcher for
// the fake). An answer is observed as a comparable value: its status, every
// header but the few that always differ (values that are times or ids are
// checked for their form and replaced by a word), and its body.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { FakeSwift } from './fake-swift/index.js';
import { KeystoneAdmin } from './keystone-admin.js';
import type { Stack } from './stack.js';

export type UserKey = 'demo' | 'alt' | 'service' | 'reader' | 'reseller' | 'norole';

export interface ContractUser {
  readonly username: string;
  readonly password: string;
  readonly userId: string;
  readonly projectId: string;
}

export interface Target {
  readonly name: 'stack' | 'fake';
  readonly dispatcher: Dispatcher;
  readonly keystone: string;
  readonly swift: string;
  readonly users: Readonly<Record<UserKey, ContractUser>>;
  readonly ec2: Readonly<Record<'demo' | 'norole', { access: string; secret: string }>>;
  readonly fake?: FakeSwift;
  readonly tokens: Map<UserKey, string>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The error reading the body raised (a cut connection), if any. */
  readonly bodyError?: string;
}

export async function send(t: Target, service: 'keystone' | 'swift', method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer | Readable): Promise<Answer> {
  const res = await request(`${service === 'swift' ? t.swift : t.keystone}${path}`, { method: method as Dispatcher.HttpMethod, headers, body: body ?? null, dispatcher: t.dispatcher });
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  const chunks: Buffer[] = [];
  let bodyError: string | undefined;
  try {
    for await (const c of res.body) chunks.push(c as Buffer);
  } catch (err) {
    bodyError = (err as { code?: string }).code ?? (err as Error).message;
  }
  return { status: res.statusCode, headers: flat, body: Buffer.concat(chunks), ...(bodyError ? { bodyError } : {}) };
}

export async function tokenOf(t: Target, user: UserKey): Promise<string> {
  const cached = t.tokens.get(user);
  if (cached) return cached;
  const u = t.users[user];
  const res = await send(t, 'keystone', 'POST', '/v3/auth/tokens', { 'content-type': 'application/json' }, JSON.stringify({
    auth: { identity: { methods: ['password'], password: { user: { name: u.username, domain: { id: 'default' }, password: u.password } } }, scope: { project: { id: u.projectId } } },
  }));
  const token = res.headers['x-subject-token'];
  if (res.status !== 201 || !token) throw new Error(`${t.name}: no token for ${user} (${res.status})`);
  t.tokens.set(user, token);
  return token;
}

/** A Swift call as `user` (null: no token) to `/v1/AUTH_<user's project>/<rest>`, or to an absolute `/v1/...` path. */
export async function swift(t: Target, user: UserKey | null, method: string, rest: string, headers: Record<string, string> = {}, body?: string | Buffer | Readable, account: UserKey = user ?? 'demo'): Promise<Answer> {
  const h = { ...headers };
  if (user) h['x-auth-token'] = await tokenOf(t, user);
  const path = rest.startsWith('/v1/') || rest === '/info' ? rest : `/v1/AUTH_${t.users[account].projectId}${rest ? '/' + rest : ''}`;
  return send(t, 'swift', method, path, h, body);
}

const rand = () => createHash('md5').update(String(Math.random())).digest('hex').slice(0, 8);

/** The stack side: its users from stack.json, plus reader/reseller/norole users made for this run (removed by `cleanup`). */
export async function stackTarget(stack: Stack): Promise<{ target: Target; cleanup: () => Promise<void> }> {
  const admin = new KeystoneAdmin(stack);
  const run = rand();
  const made: string[] = [];
  const make = async (name: string, projectId: string, role: string): Promise<ContractUser> => {
    const password = `pw-${rand()}`;
    const userId = await admin.createUser(`fkc-${name}-${run}`, password);
    made.push(userId);
    await admin.grant(userId, projectId, role);
    return { username: `fkc-${name}-${run}`, password, userId, projectId };
  };
  const s = stack.users;
  const asUser = (u: typeof s.demo | typeof s.s3gateway): ContractUser => ({ username: u.username, password: u.password, userId: u.userId, projectId: u.projectId });
  const reader = await make('reader', s.demo.projectId, 'reader');
  const reseller = await make('reseller', s.s3gateway.projectId, 'ResellerAdmin');
  const norole = await make('norole', s.demo.projectId, 'member');
  const noroleKey = await admin.createEc2(norole.userId, s.demo.projectId);
  await admin.revoke(norole.userId, s.demo.projectId, 'member');
  const dispatcher = new Agent({ connections: 4 });
  const target: Target = {
    name: 'stack',
    dispatcher,
    keystone: stack.keystone.url,
    swift: stack.swift.url,
    users: { demo: asUser(s.demo), alt: asUser(s.alt), service: asUser(s.s3gateway), reader, reseller, norole },
    ec2: { demo: s.demo.ec2, norole: noroleKey },
    tokens: new Map(),
  };
  return {
    target,
    cleanup: async () => {
      await admin.deleteEc2(norole.userId, noroleKey.access);
      for (const id of made) await admin.deleteUser(id);
      await dispatcher.close();
    },
  };
}

/** The fake side, declared with the stack side's ids, passwords and keys. */
export function fakeTarget(real: Target): Target {
  const fake = new FakeSwift();
  const r = real.users;
  const declare = (name: string, u: ContractUser, project: string, roles: string[]) =>
    fake.addUser({ name: u.username, password: u.password, id: u.userId, projectId: u.projectId, project, roles });
  declare('demo', r.demo, 'demo', ['member']);
  declare('alt', r.alt, 'alt', ['member']);
  declare('service', r.service, 'service', ['admin']);
  declare('reader', r.reader, 'demo', ['reader']);
  declare('reseller', r.reseller, 'service', ['ResellerAdmin']);
  fake.addUser({ name: r.norole.username, password: r.norole.password, id: r.norole.userId, projectId: r.norole.projectId, project: 'demo', roles: [] });
  // The stack's storage accounts exist (other tests wrote to them).
  fake.putAccount(`AUTH_${r.demo.projectId}`);
  fake.putAccount(`AUTH_${r.alt.projectId}`);
  fake.addEc2Credential(r.demo.userId, r.demo.projectId, real.ec2.demo);
  fake.addEc2Credential(r.norole.userId, r.norole.projectId, real.ec2.norole);
  return { name: 'fake', dispatcher: fake.dispatcher, keystone: fake.keystoneOrigin, swift: fake.swiftOrigin, users: real.users, ec2: real.ec2, fake, tokens: new Map() };
}

// ------------------------------------------------------------ observation --

const DROP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-subject-token']);
/**
 * An account's counts per storage policy other than the default (the stack's
 * `ec21`): the real cluster shows them once any container of the account is
 * in that policy, which depends on what else ran in the account meanwhile.
 */
const OTHER_POLICY_COUNTS = /^x-account-storage-policy-(?!policy-0-)/;
const FORMS: [RegExp, RegExp, string][] = [
  [/^(last-modified|x-copied-from-last-modified)$/, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/, '<http-date>'],
  [/^x-timestamp$/, /^\d{10}\.\d{5}$/, '<timestamp>'],
  [/^(x-trans-id|x-openstack-request-id)$/, /^(tx[0-9a-f]{21}-[0-9a-f]{10}.*|req-[0-9a-f-]{36})$/, '<trans-id>'],
  [/^x-delete-at$/, /^\d{10}$/, '<delete-at>'],
  [/^x-manifest-etag$/, /^[0-9a-f]{32}$/, '<md5>'],
];

export interface ObserveOptions {
  /** How the body is compared: its text (default for errors), parsed JSON, its MD5, or not at all. */
  readonly body?: 'text' | 'json' | 'md5' | 'none';
  /** Headers whose values differ by nature (e.g. account-wide counts): only their presence counts. */
  readonly presence?: readonly string[];
  /** Rewrites the parsed JSON body before comparing (masks times). */
  readonly json?: (value: unknown) => unknown;
  /** Rewrites a text body before comparing. */
  readonly text?: (value: string) => string;
}

export function normalise(t: Target, text: string): string {
  let out = text.split(t.swift).join('<swift>').split(t.keystone).join('<keystone>');
  for (const [key, u] of Object.entries(t.users)) out = out.split(u.projectId).join(`<${key}-project>`).split(u.userId).join(`<${key}-user>`);
  return out;
}

/** An answer as a value that must be equal on both sides. */
export function observe(t: Target, a: Answer, opts: ObserveOptions = {}): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(a.headers)) {
    if (DROP.has(name) || OTHER_POLICY_COUNTS.test(name)) continue;
    if (opts.presence?.includes(name)) {
      headers[name] = '<present>';
      continue;
    }
    const form = FORMS.find(([n]) => n.test(name));
    if (form && name === 'x-trans-id') {
      // The form, and what X-Trans-Id-Extra added after it.
      const m = /^tx[0-9a-f]{21}-[0-9a-f]{10}(.*)$/.exec(value);
      headers[name] = m ? `<trans-id>${m[1]}` : `<bad trans id: ${value}>`;
      continue;
    }
    if (form) {
      headers[name] = form[1].test(value) ? form[2] : `<bad ${form[2]}: ${value}>`;
      continue;
    }
    if (name === 'allow') {
      // Swift lists the methods from a Python set: their order changes from one proxy start to the next.
      headers[name] = value.split(',').map((m) => m.trim()).sort().join(', ');
      continue;
    }
    headers[name] = normalise(t, value).replace(/boundary=[0-9a-f]{32}/, 'boundary=<b>');
  }
  const mode = opts.body ?? (a.status >= 400 ? 'text' : 'md5');
  let body: unknown;
  if (mode === 'text') {
    body = normalise(t, a.body.toString('utf8')).replace(/--[0-9a-f]{32}/g, '--<boundary>');
    if (opts.text) body = opts.text(body as string);
  }
  else if (mode === 'md5') body = a.body.length ? `md5:${createHash('md5').update(a.body).digest('hex')} (${a.body.length} B)` : '';
  else if (mode === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(normalise(t, a.body.toString('utf8')));
    } catch {
      parsed = `<not JSON: ${a.body.toString('utf8').slice(0, 80)}>`;
    }
    body = opts.json ? opts.json(parsed) : parsed;
  }
  return { status: a.status, headers, ...(mode !== 'none' ? { body } : {}), ...(a.bodyError ? { bodyError: a.bodyError } : {}) };
}

/** Listing rows with their times replaced by their form. */
export function maskTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskTimes);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if ((k === 'last_modified' || k === 'expires_at' || k === 'issued_at') && typeof v === 'string') {
        out[k] = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z?$/.test(v) ? '<iso-time>' : `<bad time: ${v}>`;
      } else out[k] = maskTimes(v);
    }
    return out;
  }
  return value;
}
