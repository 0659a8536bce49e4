// Versioning through real S3 clients against the real stack: boto3 through
// every versioning operation (versioning_boto3.py), the aws CLI's s3api
// version commands, and the generic "delete every version and marker, then
// the bucket" loop in both of boto3's forms on never-versioned, versioned
// and suspended buckets with multipart objects. After the loop, Swift
// itself must hold nothing of those buckets: no container, no segments.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket, swiftDirect } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./versioning_boto3.py', import.meta.url));
const stack = loadStack();
const keys = stack.users.demo.ec2;
const VERSION = /^\d{10}\.\d{5}$/;
const MiB = 1024 * 1024;
let gw: TestGateway;
const made: string[] = [];

type Step = { ok: boolean; error?: unknown } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Report { boto3: string; buckets: string[]; steps: Record<string, Step> }

async function boto3(mode: 'scenario' | 'empty', label: string): Promise<Report> {
  const prefix = uniqueBucket(label).slice(0, 40);
  const r = await run('python3', [SCRIPT], {
    env: {
      S3_ENDPOINT: gw.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret, S3_MODE: mode, S3_PREFIX: prefix,
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    timeoutMs: 240_000,
  });
  expect(r.code, describeRun('versioning_boto3.py', r)).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  made.push(...report.buckets);
  return report;
}

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
});

afterAll(async () => {
  for (const b of made) await purgeBucket(stack, 'demo', b);
  await gw?.stop();
});

describe('boto3 through every versioning operation', () => {
  let steps: Record<string, Step>;
  beforeAll(async () => {
    steps = (await boto3('scenario', 'vb3')).steps;
  }, 240_000);

  it('turns versioning on: no status before, Enabled after', () => {
    expect(steps.states).toEqual({ ok: true, before: null, after: 'Enabled' });
  });

  it('answers a version id for every write and for both ends of a copy from a version', () => {
    const w = steps.writes!;
    expect(w.ok, JSON.stringify(w)).toBe(true);
    expect(w.v1).toMatch(VERSION);
    expect(w.v2).toMatch(VERSION);
    expect(w.v2).not.toBe(w.v1);
    expect(w.copySourceVersionId).toBe(w.v1);
    expect(w.copyVersionId).toMatch(VERSION);
    expect(w.copyBody).toBe('one');
  });

  it('reads, heads and shows the ACL of a version; NoSuchVersion and InvalidArgument for the wrong ids', () => {
    const r = steps.reads!;
    const { v1, v2 } = steps.writes!;
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.current).toEqual(['two!', v2]);
    expect(r.old).toEqual(['one', v1]);
    expect(r.head).toEqual([3, v1]);
    expect(r.aclGrants).toEqual(['FULL_CONTROL']);
    expect(r.aclUnknown).toMatchObject({ status: 404, code: 'NoSuchVersion' });
    expect(r.unknown).toMatchObject({ status: 404, code: 'NoSuchVersion' });
    expect(r.invalid).toMatchObject({ status: 400, code: 'InvalidArgument' });
  });

  it('writes a delete marker (404 with x-amz-delete-marker, 405 by its id) and removing it brings the version back', () => {
    const m = steps.markers!;
    expect(m.ok, JSON.stringify(m)).toBe(true);
    const [isMarker, markerId] = m.delete as [boolean, string];
    expect(isMarker).toBe(true);
    expect(markerId).toMatch(VERSION);
    expect(m.get).toEqual({ status: 404, code: 'NoSuchKey', deleteMarker: 'true', versionId: markerId });
    expect(m.head).toMatchObject({ status: 404, deleteMarker: 'true' });
    expect(m.getMarker).toMatchObject({ status: 405, code: 'MethodNotAllowed', deleteMarker: 'true' });
    expect(m.oldStillReads).toBe('two!');
    expect(m.undo).toEqual([true, markerId]);
    expect(m.afterUndo).toBe('two!');
  });

  it('makes each completed upload a version, with UploadPartCopy from a version', () => {
    const u = steps.multipart!;
    expect(u.ok, JSON.stringify(u)).toBe(true);
    expect(u.first.versionId).toMatch(VERSION);
    expect(u.second.versionId).toMatch(VERSION);
    expect(u.second.versionId).not.toBe(u.first.versionId);
    expect(u.first.copySourceVersionId).toBe(steps.writes!.v1);
    expect(u.first.etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    // The older upload reads whole after the newer one replaced it: 5 MiB of 'A' and the copied 'one'.
    expect(u.oldRead).toEqual([5 * MiB + 3, 'one', u.first.etag]);
    expect(u.currentEtag).toBe(u.second.etag);
  });

  it('DeleteObjects deletes a version and writes a marker, saying which', () => {
    const d = steps.deleteObjects!;
    expect(d.ok, JSON.stringify(d)).toBe(true);
    expect(d.errors).toEqual([]);
    expect(d.deleted).toEqual([
      { Key: 'copy', VersionId: null, DeleteMarker: true, HasMarkerVersionId: true },
      { Key: 'k', VersionId: steps.writes!.v1, DeleteMarker: false, HasMarkerVersionId: false },
    ]);
    expect(d.remainingOfK).toEqual([steps.writes!.v2]);
  });

  it('suspends: writes become the null version, replacing each other, and older versions stay', () => {
    const s = steps.suspended!;
    expect(s.ok, JSON.stringify(s)).toBe(true);
    expect(s.state).toBe('Suspended');
    expect(s.current).toBe('null two');
    expect(s.byNull).toBe('null two');
    expect(s.v2StillReads).toBe('two!');
    expect(s.listed).toEqual([['null', true], [steps.writes!.v2, false]]);
  });
});

describe('the generic "delete every version, then the bucket" loop', () => {
  let report: Report;
  beforeAll(async () => {
    report = await boto3('empty', 'vempty');
  }, 240_000);

  for (const kind of ['never', 'versioned', 'suspended'] as const) {
    for (const style of ['client', 'resource'] as const) {
      it(`empties and deletes a ${kind === 'never' ? 'never-versioned' : kind} bucket with boto3's ${style} API`, async () => {
        const s = report.steps[`${kind}/${style}`]!;
        expect(s.ok, JSON.stringify(s)).toBe(true);
        // The bucket had something of every kind it can have before the loop ran: never versioned, two
        // objects and a multipart one; versioned, two versions of each and a marker; suspended, two null
        // versions on top. (A DELETE in a suspended bucket writes no null marker on Swift: see README.)
        const expected = { never: { versions: 3, markers: 0 }, versioned: { versions: 8, markers: 1 }, suspended: { versions: 10, markers: 1 } }[kind];
        expect(s.before).toEqual(expected);
        expect(s.headAfter).toBe(404);
        const b = s.bucket as string;
        expect((await swiftDirect(stack, 'demo', 'HEAD', b)).status).toBe(404);
        expect((await swiftDirect(stack, 'demo', 'HEAD', `${b}+segments`)).status).toBe(404);
      });
    }
  }
});

describe('the aws CLI version commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3gw-vcli-'));
  const config = join(dir, 'aws-config');
  writeFileSync(config, '[default]\ns3 =\n    addressing_style = path\n');

  async function aws(args: readonly string[], expectOk = true): Promise<{ json: any; stderr: string; code: number | null }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await run('aws', ['--endpoint-url', gw.url, '--output', 'json', ...args], {
      env: {
        AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
      },
      timeoutMs: 120_000,
    });
    if (expectOk) expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
    return { json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined, stderr: r.stderr, code: r.code };
  }

  it('puts versions, lists them, reads and heads one by --version-id, deletes a marker and a version', async () => {
    const b = uniqueBucket('vcli');
    made.push(b);
    await aws(['s3api', 'create-bucket', '--bucket', b]);
    await aws(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled']);
    expect((await aws(['s3api', 'get-bucket-versioning', '--bucket', b])).json).toEqual({ Status: 'Enabled' });
    for (const [name, text] of ([['one', 'first'], ['two', 'second!']] as const)) writeFileSync(join(dir, name), text);
    const v1 = (await aws(['s3api', 'put-object', '--bucket', b, '--key', 'doc', '--body', join(dir, 'one')])).json.VersionId as string;
    const v2 = (await aws(['s3api', 'put-object', '--bucket', b, '--key', 'doc', '--body', join(dir, 'two')])).json.VersionId as string;
    expect(v1).toMatch(VERSION);
    expect(v2).toMatch(VERSION);

    const got = await aws(['s3api', 'get-object', '--bucket', b, '--key', 'doc', '--version-id', v1, join(dir, 'out')]);
    expect([got.json.VersionId, readFileSync(join(dir, 'out'), 'utf8')]).toEqual([v1, 'first']);
    const head = await aws(['s3api', 'head-object', '--bucket', b, '--key', 'doc', '--version-id', v1]);
    expect([head.json.VersionId, head.json.ContentLength]).toEqual([v1, 5]);

    const marker = (await aws(['s3api', 'delete-object', '--bucket', b, '--key', 'doc'])).json;
    expect(marker.DeleteMarker).toBe(true);
    const listed = (await aws(['s3api', 'list-object-versions', '--bucket', b])).json;
    expect(listed.Versions.map((v: { VersionId: string; IsLatest: boolean }) => [v.VersionId, v.IsLatest])).toEqual([[v2, false], [v1, false]]);
    expect(listed.DeleteMarkers.map((m: { VersionId: string; IsLatest: boolean }) => [m.VersionId, m.IsLatest])).toEqual([[marker.VersionId, true]]);
    const missing = await aws(['s3api', 'head-object', '--bucket', b, '--key', 'doc'], false);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('404');

    expect((await aws(['s3api', 'delete-object', '--bucket', b, '--key', 'doc', '--version-id', marker.VersionId])).json).toEqual({ DeleteMarker: true, VersionId: marker.VersionId });
    expect((await aws(['s3api', 'head-object', '--bucket', b, '--key', 'doc'])).json.VersionId).toBe(v2);
    expect((await aws(['s3api', 'delete-object', '--bucket', b, '--key', 'doc', '--version-id', v2])).json).toEqual({ VersionId: v2 });
    expect((await aws(['s3api', 'head-object', '--bucket', b, '--key', 'doc'])).json.VersionId).toBe(v1);
    await aws(['s3api', 'delete-object', '--bucket', b, '--key', 'doc', '--version-id', v1]);
    expect((await aws(['s3api', 'list-object-versions', '--bucket', b])).json?.Versions).toBeUndefined();
    await aws(['s3api', 'delete-bucket', '--bucket', b]);
    expect((await swiftDirect(stack, 'demo', 'HEAD', b)).status).toBe(404);
  });
});
