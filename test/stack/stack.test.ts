// Proves the local OpenStack stack is real: Keystone issues tokens with the
// expected catalog, Swift stores and isolates data per project, Swift's s3api
// accepts EC2-signed requests, and /info advertises the SLO limit the gateway
// relies on. Names are unique per run; everything created is deleted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it, expect, beforeAll } from 'vitest';
import { keystoneToken, loadStack, type Stack } from '../helpers/stack.js';

const stack: Stack = loadStack();
const demo = stack.users.demo;

function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

async function swift(method: string, url: string, token: string, body?: Uint8Array): Promise<Response> {
  const res = await fetch(url, { method, headers: { 'x-auth-token': token }, body });
  return res;
}

interface CatalogEndpoint {
  interface: string;
  region?: string;
  region_id?: string;
  url: string;
}
interface CatalogEntry {
  type: string;
  endpoints: CatalogEndpoint[];
}

// boto3 lives in the `python3` on PATH (not in Debian's /usr/bin/python3).
// The script gets its parameters as JSON on stdin and prints one JSON line.
const BOTO_SCRIPT = String.raw`
import json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

p = json.load(sys.stdin)
s3 = boto3.client(
    's3', endpoint_url=p['endpoint'], region_name=p['region'],
    aws_access_key_id=p['access'], aws_secret_access_key=p['secret'],
    config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1},
                  signature_version='s3v4'))
out = {}
try:
    if p['mode'] == 'roundtrip':
        b, k = p['bucket'], p['key']
        body = bytes.fromhex(p['bodyHex'])
        s3.create_bucket(Bucket=b)
        try:
            s3.put_object(Bucket=b, Key=k, Body=body)
            got = s3.get_object(Bucket=b, Key=k)['Body'].read()
            out['bodyMatches'] = got == body
            out['listed'] = [o['Key'] for o in s3.list_objects_v2(Bucket=b).get('Contents', [])]
            s3.delete_object(Bucket=b, Key=k)
        finally:
            s3.delete_bucket(Bucket=b)
        out['bucketGone'] = p['bucket'] not in [x['Name'] for x in s3.list_buckets()['Buckets']]
    elif p['mode'] == 'list':
        out['buckets'] = [x['Name'] for x in s3.list_buckets()['Buckets']]
    out['ok'] = True
except ClientError as e:
    out['ok'] = False
    out['code'] = e.response.get('Error', {}).get('Code')
    out['status'] = e.response.get('ResponseMetadata', {}).get('HTTPStatusCode')
print(json.dumps(out))
`;

interface BotoResult {
  ok: boolean;
  code?: string;
  status?: number;
  bodyMatches?: boolean;
  listed?: string[];
  bucketGone?: boolean;
  buckets?: string[];
}

function runBoto(params: Record<string, unknown>): Promise<BotoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', BOTO_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`boto3 helper exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as BotoResult);
      } catch {
        reject(new Error(`boto3 helper printed no JSON: ${stdout} ${stderr.slice(-1000)}`));
      }
    });
    child.stdin.end(JSON.stringify(params));
  });
}

describe('local OpenStack stack', () => {
  let demoToken = '';
  let demoCatalog: unknown[] = [];

  beforeAll(async () => {
    const t = await keystoneToken(stack, 'demo');
    demoToken = t.token;
    demoCatalog = t.catalog;
  });

  it('Keystone issues a project-scoped password token for demo', async () => {
    const res = await fetch(`${stack.keystone.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: demo.username, domain: { id: demo.domain }, password: demo.password } },
          },
          scope: { project: { name: demo.projectName, domain: { id: demo.domain } } },
        },
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-subject-token')).toBeTruthy();
    const body = (await res.json()) as { token: { project: { id: string }; user: { id: string } } };
    expect(body.token.project.id).toBe(demo.projectId);
    expect(body.token.user.id).toBe(demo.userId);
  });

  it('the catalog points object-store at the demo storage URL', () => {
    const entries = demoCatalog as CatalogEntry[];
    const objectStore = entries.find((e) => e.type === 'object-store');
    expect(objectStore, 'object-store service in catalog').toBeDefined();
    const pub = objectStore?.endpoints.find(
      (e) => e.interface === 'public' && (e.region_id ?? e.region) === stack.keystone.region,
    );
    expect(pub?.url).toBe(demo.storageUrl);
    expect(demo.storageUrl).toBe(`${stack.swift.url}/v1/AUTH_${demo.projectId}`);
  });

  it('Swift stores and returns objects for demo via the 8080 proxy', async () => {
    const container = `${demo.storageUrl}/${uniqueName('stack-c')}`;
    const object = `${container}/dir/${uniqueName('obj')}.bin`;
    const payload = randomBytes(70_000);

    expect((await swift('PUT', container, demoToken)).status).toBe(201);
    try {
      expect((await swift('PUT', object, demoToken, payload)).status).toBe(201);
      const got = await swift('GET', object, demoToken);
      expect(got.status).toBe(200);
      expect(Buffer.from(await got.arrayBuffer()).equals(payload)).toBe(true);
      expect((await swift('DELETE', object, demoToken)).status).toBe(204);
      const gone = await swift('GET', object, demoToken);
      await gone.arrayBuffer();
      expect(gone.status).toBe(404);
    } finally {
      await (await swift('DELETE', object, demoToken)).arrayBuffer();
      const del = await swift('DELETE', container, demoToken);
      await del.arrayBuffer();
      expect(del.status).toBe(204);
    }
  });

  it("denies the alt project's token on the demo account", async () => {
    const { token: altToken } = await keystoneToken(stack, 'alt');
    const container = `${demo.storageUrl}/${uniqueName('stack-iso')}`;
    expect((await swift('PUT', container, demoToken)).status).toBe(201);
    try {
      const list = await swift('GET', container, altToken);
      await list.arrayBuffer();
      expect(list.status).toBe(403);
      const put = await swift('PUT', `${container}/intruder.txt`, altToken, Buffer.from('nope'));
      await put.arrayBuffer();
      expect(put.status).toBe(403);
      // And nothing landed: the container is still empty for its owner.
      const own = await swift('GET', `${container}?format=json`, demoToken);
      expect(own.status).toBe(200);
      expect(await own.json()).toEqual([]);
    } finally {
      await (await swift('DELETE', `${container}/intruder.txt`, demoToken)).arrayBuffer();
      await (await swift('DELETE', container, demoToken)).arrayBuffer();
    }
  });

  it('Swift s3api (8081) accepts requests signed with the demo EC2 key', async () => {
    const body = randomBytes(4096);
    const result = await runBoto({
      mode: 'roundtrip',
      endpoint: stack.s3api.url,
      region: stack.s3api.region,
      access: demo.ec2.access,
      secret: demo.ec2.secret,
      bucket: uniqueName('stack-s3'),
      key: 'hello/world.bin',
      bodyHex: body.toString('hex'),
    });
    expect(result).toMatchObject({ ok: true, bodyMatches: true, listed: ['hello/world.bin'], bucketGone: true });
  });

  it('Swift s3api refuses a wrong secret', async () => {
    const result = await runBoto({
      mode: 'list',
      endpoint: stack.s3api.url,
      region: stack.s3api.region,
      access: demo.ec2.access,
      secret: `${demo.ec2.secret}x`,
    });
    expect(result.ok).toBe(false);
    expect(['SignatureDoesNotMatch', 'AccessDenied']).toContain(result.code);
    expect([401, 403]).toContain(result.status);
  });

  it('Swift /info advertises slo.max_manifest_segments = 10000', async () => {
    const res = await fetch(`${stack.swift.url}/info`);
    expect(res.status).toBe(200);
    const info = (await res.json()) as { slo?: { max_manifest_segments?: number } };
    expect(info.slo?.max_manifest_segments).toBe(10000);
    expect(stack.swift.maxManifestSegments).toBe(10000);
  });
});
