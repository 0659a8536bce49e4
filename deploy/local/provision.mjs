// Provisioning and end-to-end checks for the local stack (called by stack.sh).
//
//   node provision.mjs keystone   get-or-create projects/users/roles/catalog/EC2
//                                 credentials through Keystone's API; writes stack.json
//                                 (its types and its one reader: stack.d.mts, stack.mjs)
//   node provision.mjs verify     proves Swift (8080) and s3api (8081) work with
//                                 those identities
//
// (fetch is reached through globalThis only because the repo's ESLint config
// declares no Node globals for .mjs files.)
//
// Everything goes through the public API on purpose: it is the same surface the
// gateway uses, and a re-run costs a handful of list calls.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadStack } from './stack.mjs';

const HOST = '127.0.0.1';
const env = process.env;
const dataDir = env.STACK_DIR;
if (!dataDir) throw new Error('STACK_DIR must be set (stack.sh sets it)');
const port = (name, dflt) => Number(env[name] ?? dflt);
const KEYSTONE = `http://${HOST}:${port('STACK_KEYSTONE_PORT', 5000)}`;
const SWIFT = `http://${HOST}:${port('STACK_SWIFT_PORT', 8080)}`;
const S3API = `http://${HOST}:${port('STACK_S3API_PORT', 8081)}`;
const SWIFT1000 = `http://${HOST}:${port('STACK_SWIFT1000_PORT', 8082)}`;
const MEMCACHED = `${HOST}:${port('STACK_MEMCACHED_PORT', 11212)}`;
const BARBICAN = `http://${HOST}:${port('STACK_BARBICAN_PORT', 9311)}`;
const REGION = 'RegionOne';
const DOMAIN = 'default';
const stackJson = join(dataDir, 'stack.json');

// Same format as stack.sh's secret(): hex, generated once, kept in the data dir.
function secret(name) {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, name);
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  const value = randomBytes(12).toString('hex');
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

async function call(method, url, { token, body, expect = [200, 201, 204] } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers['x-auth-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await globalThis.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!expect.includes(res.status)) {
    throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
  }
  return { status: res.status, headers: res.headers, json: text ? safeJson(text) : undefined };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function passwordToken(username, password, projectName) {
  const res = await globalThis.fetch(`${KEYSTONE}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: username, domain: { id: DOMAIN }, password } } },
        scope: { project: { name: projectName, domain: { id: DOMAIN } } },
      },
    }),
  });
  const body = await res.text();
  if (res.status !== 201) return { ok: false, status: res.status, body };
  return { ok: true, token: res.headers.get('x-subject-token'), body: JSON.parse(body) };
}

// Which identities exist, where, and with what roles. 'admin' comes from
// keystone-manage bootstrap; everything else is ours.
const USERS = {
  admin: { project: 'admin', roles: ['admin'] },
  // Swift's own service user (authtoken and s3token authenticate as it).
  swift: { project: 'service', roles: ['admin'] },
  // Barbican's authtoken validates tokens as it.
  barbican: { project: 'service', roles: ['admin'] },
  // The gateway's service identity: reads EC2 credentials and asks /v3/ec2tokens
  // (Keystone admin). No Swift role: requests act with each user's own token.
  s3gateway: { project: 'service', roles: ['admin'], revoke: ['ResellerAdmin'] },
  demo: { project: 'demo', roles: ['member'], storage: true },
  // Second tenant, for isolation tests.
  alt: { project: 'alt', roles: ['member'], storage: true },
  // Third tenant: with demo (an owner) and alt (a grantee), the stranger of access-control tests.
  third: { project: 'third', roles: ['member'], storage: true },
};
const PROJECTS = ['service', 'demo', 'alt', 'third'];
const ROLES = ['admin', 'member', 'reader', 'ResellerAdmin'];

async function provisionKeystone() {
  const adminPassword = secret('admin-password');
  const admin = await passwordToken('admin', adminPassword, 'admin');
  if (!admin.ok) throw new Error(`admin login failed (${admin.status}): ${admin.body.slice(0, 300)}`);
  const token = admin.token;
  const api = (method, path, opts = {}) => call(method, `${KEYSTONE}/v3${path}`, { token, ...opts });

  // Projects
  const projects = new Map();
  for (const p of (await api('GET', `/projects?domain_id=${DOMAIN}`)).json.projects) projects.set(p.name, p);
  for (const name of PROJECTS) {
    if (!projects.has(name)) {
      const { json } = await api('POST', '/projects', {
        body: { project: { name, domain_id: DOMAIN, description: `local stack: ${name}`, enabled: true } },
      });
      projects.set(name, json.project);
      log(`created project ${name}`);
    }
  }

  // Roles ('member' and 'reader' normally come from bootstrap)
  const roles = new Map();
  for (const r of (await api('GET', '/roles')).json.roles) roles.set(r.name, r);
  for (const name of ROLES) {
    if (!roles.has(name)) {
      const { json } = await api('POST', '/roles', { body: { role: { name } } });
      roles.set(name, json.role);
      log(`created role ${name}`);
    }
  }

  // Users: create with the stored password; if one exists but the stored
  // password no longer works (data dir secrets replaced), reset it.
  const users = new Map();
  for (const u of (await api('GET', `/users?domain_id=${DOMAIN}`)).json.users) users.set(u.name, u);
  const passwords = {};
  for (const [name, spec] of Object.entries(USERS)) {
    const password = name === 'admin' ? adminPassword : secret(`${name}-password`);
    passwords[name] = password;
    const project = projects.get(spec.project);
    if (!users.has(name)) {
      const { json } = await api('POST', '/users', {
        body: { user: { name, password, domain_id: DOMAIN, default_project_id: project.id, enabled: true } },
      });
      users.set(name, json.user);
      log(`created user ${name}`);
    }
  }

  // Role assignments: one listing, then only the missing PUTs.
  const have = new Set(
    (await api('GET', '/role_assignments')).json.role_assignments
      .filter((a) => a.user && a.scope?.project)
      .map((a) => `${a.user.id}/${a.scope.project.id}/${a.role.id}`),
  );
  for (const [name, spec] of Object.entries(USERS)) {
    const user = users.get(name);
    const project = projects.get(spec.project);
    for (const roleName of spec.roles) {
      const role = roles.get(roleName);
      if (!have.has(`${user.id}/${project.id}/${role.id}`)) {
        await api('PUT', `/projects/${project.id}/users/${user.id}/roles/${role.id}`);
        log(`granted ${roleName} on ${spec.project} to ${name}`);
      }
    }
    // Roles an older stack granted and this one must not have.
    for (const roleName of spec.revoke ?? []) {
      const role = roles.get(roleName);
      if (role && have.has(`${user.id}/${project.id}/${role.id}`)) {
        await api('DELETE', `/projects/${project.id}/users/${user.id}/roles/${role.id}`);
        log(`revoked ${roleName} on ${spec.project} from ${name}`);
      }
    }
  }

  // Passwords: verify by logging in (also proves the assignment is effective).
  for (const [name, spec] of Object.entries(USERS)) {
    if (name === 'admin') continue;
    const probe = await passwordToken(name, passwords[name], spec.project);
    if (probe.ok) continue;
    if (probe.status !== 401) throw new Error(`login as ${name} failed (${probe.status}): ${probe.body.slice(0, 300)}`);
    await api('PATCH', `/users/${users.get(name).id}`, { body: { user: { password: passwords[name], enabled: true } } });
    log(`reset password of ${name}`);
  }

  // Catalog: object-store (Swift) and key-manager (Barbican), public + internal endpoints.
  await ensureCatalogService(api, { type: 'object-store', name: 'swift', description: 'Swift (local stack)', url: `${SWIFT}/v1/AUTH_%(project_id)s` });
  // Barbican's endpoint is unversioned (clients append /v1), as Barbican's install guide registers it.
  await ensureCatalogService(api, { type: 'key-manager', name: 'barbican', description: 'Barbican (local stack)', url: BARBICAN });

  // EC2 credentials for the S3 users, one per (user, project), reused.
  const ec2 = {};
  for (const [name, spec] of Object.entries(USERS)) {
    if (!spec.storage) continue;
    const user = users.get(name);
    const project = projects.get(spec.project);
    const list = (await api('GET', `/users/${user.id}/credentials/OS-EC2`)).json.credentials;
    let cred = list.find((c) => c.tenant_id === project.id);
    if (!cred) {
      cred = (await api('POST', `/users/${user.id}/credentials/OS-EC2`, { body: { tenant_id: project.id } })).json.credential;
      log(`created EC2 credential for ${name}`);
    }
    ec2[name] = { access: cred.access, secret: cred.secret };
  }

  const stack = {
    dataDir,
    keystone: { url: KEYSTONE, authUrl: `${KEYSTONE}/v3`, region: REGION },
    swift: { url: SWIFT, maxManifestSegments: 10000 },
    // The same cluster through a proxy with Swift's default max_manifest_segments.
    swift1000: { url: SWIFT1000, maxManifestSegments: 1000 },
    s3api: { url: S3API, region: REGION },
    memcached: MEMCACHED,
    barbican: { url: BARBICAN },
    users: {},
    logDir: join(dataDir, 'logs'),
  };
  for (const [name, spec] of Object.entries(USERS)) {
    const project = projects.get(spec.project);
    const entry = {
      username: name,
      password: passwords[name],
      projectName: spec.project,
      projectId: project.id,
      userId: users.get(name).id,
      domain: DOMAIN,
    };
    if (spec.storage) {
      entry.storageUrl = `${SWIFT}/v1/AUTH_${project.id}`;
      entry.ec2 = ec2[name];
    }
    stack.users[name] = entry;
  }
  // Atomic replace, never world-readable: it holds every password.
  const tmp = `${stackJson}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, stackJson);
}

/** Get-or-create a catalog service and its public + internal endpoints in REGION (fixing a changed URL). */
async function ensureCatalogService(api, { type, name, description, url }) {
  let service = (await api('GET', `/services?type=${type}`)).json.services[0];
  if (!service) {
    service = (await api('POST', '/services', { body: { service: { name, type, description, enabled: true } } })).json.service;
    log(`created service ${name} (${type})`);
  }
  const endpoints = (await api('GET', `/endpoints?service_id=${service.id}`)).json.endpoints;
  for (const iface of ['public', 'internal']) {
    const existing = endpoints.find((e) => e.interface === iface && e.region_id === REGION);
    if (!existing) {
      await api('POST', '/endpoints', { body: { endpoint: { service_id: service.id, interface: iface, region_id: REGION, url, enabled: true } } });
      log(`created ${iface} ${type} endpoint`);
    } else if (existing.url !== url || existing.enabled === false) {
      await api('PATCH', `/endpoints/${existing.id}`, { body: { endpoint: { url, enabled: true } } });
      log(`fixed ${iface} ${type} endpoint`);
    }
  }
}

// ---------------------------------------------------------------- verify --

function sha256hex(data) {
  return createHash('sha256').update(data).digest('hex');
}
function hmac(key, data) {
  return createHmac('sha256', key).update(data).digest();
}

// Minimal SigV4 (header auth, empty body) -- enough for a smoke request.
async function s3Get(baseUrl, path, { access, secret: secretKey }, region) {
  const url = new URL(path, baseUrl);
  const now = new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256hex('');
  const canonicalHeaders = `host:${url.host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n`;
  const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
  const canonicalRequest = ['GET', url.pathname, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretKey}`, day);
  for (const part of [region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const res = await globalThis.fetch(url, {
    headers: {
      'x-amz-date': amzDate,
      'x-amz-content-sha256': payloadHash,
      authorization: `AWS4-HMAC-SHA256 Credential=${access}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  });
  return { status: res.status, body: await res.text() };
}

async function verify() {
  // Read back the way every consumer reads it, so an incomplete file fails here, at `up`.
  const stack = loadStack(dataDir);
  const demo = stack.users.demo;

  const tok = await passwordToken(demo.username, demo.password, demo.projectName);
  if (!tok.ok) throw new Error(`demo login failed (${tok.status}): ${tok.body.slice(0, 300)}`);
  // Swift's authtoken may need a moment for its own service token on the very
  // first request after start; retry briefly on 401/503.
  let head;
  for (let i = 0; i < 20; i++) {
    head = await globalThis.fetch(demo.storageUrl, { method: 'HEAD', headers: { 'x-auth-token': tok.token } });
    if (head.status === 204 || head.status === 200) break;
    await sleep(500);
  }
  if (head.status !== 204 && head.status !== 200) throw new Error(`HEAD ${demo.storageUrl} -> ${head.status}`);

  const info = (await call('GET', `${SWIFT}/info`)).json;
  const segs = info?.slo?.max_manifest_segments;
  if (segs !== 10000) throw new Error(`Swift /info slo.max_manifest_segments is ${segs}, expected 10000`);
  const s3info = (await call('GET', `${S3API}/info`)).json;
  if (s3info?.s3api?.max_upload_part_num !== 10000) {
    throw new Error(`s3api proxy /info s3api.max_upload_part_num is ${s3info?.s3api?.max_upload_part_num}`);
  }

  // Barbican through its authtoken (its /healthcheck, which `up` waited for,
  // does not check its Keystone user): demo may list its project's secrets.
  if (stack.barbican?.url) {
    const secrets = await globalThis.fetch(`${stack.barbican.url}/v1/secrets?limit=1`, { headers: { 'x-auth-token': tok.token, accept: 'application/json' } });
    if (secrets.status !== 200) throw new Error(`GET ${stack.barbican.url}/v1/secrets as demo -> ${secrets.status}: ${(await secrets.text()).slice(0, 300)}`);
  }

  const s3 = await s3Get(S3API, '/', demo.ec2, stack.s3api.region);
  if (s3.status !== 200 || !s3.body.includes('ListAllMyBucketsResult')) {
    throw new Error(`signed S3 ListBuckets on ${S3API} -> ${s3.status}: ${s3.body.slice(0, 2000)}`);
  }
}

function log(msg) {
  process.stderr.write(`[provision] ${msg}\n`);
}

const mode = process.argv[2];
try {
  if (mode === 'keystone') await provisionKeystone();
  else if (mode === 'verify') await verify();
  else throw new Error(`usage: provision.mjs keystone|verify`);
} catch (err) {
  process.stderr.write(`[provision] ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
