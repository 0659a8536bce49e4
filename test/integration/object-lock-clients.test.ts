// S3 Object Lock through real S3 clients against the real stack: boto3 through
// every lock operation and rule (object_lock_boto3.py: bucket configuration,
// defaults, GOVERNANCE and COMPLIANCE retention, bypass with and without the
// role, dates in the past and far future, legal hold on and off, non-current
// versions, multipart objects, copies, DeleteObjects, concurrent writers,
// DeleteBucket), and the aws CLI's s3api lock commands.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../clients/run.js';
import { startGateway, uniqueBucket, type TestGateway } from '../helpers/gateway.js';
import { loadStack } from '../helpers/stack.js';
import { purgeBucket } from '../helpers/swift-direct.js';

const SCRIPT = fileURLToPath(new URL('./object_lock_boto3.py', import.meta.url));
const stack = loadStack();
const keys = stack.users.demo.ec2;
let gw: TestGateway;
let strict: TestGateway;
const made: string[] = [];

type Step = { ok: boolean; error?: unknown } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Report { boto3: string; buckets: string[]; steps: Record<string, Step> }

beforeAll(async () => {
  gw = await startGateway({ dialect: 'aws' });
  // The demo key's role (member) may not bypass GOVERNANCE here.
  strict = await startGateway({ dialect: 'aws', env: { S3GW_S3_OBJECT_LOCK_BYPASS_GOVERNANCE_ROLES: 'lock-officer' } });
});

afterAll(async () => {
  // Locked versions cannot go through the gateway: Swift itself removes them (see README, Object Lock).
  for (const b of made) await purgeBucket(stack, 'demo', b);
  await gw?.stop();
  await strict?.stop();
});

describe('boto3 through every object lock operation', () => {
  let steps: Record<string, Step>;
  beforeAll(async () => {
    const r = await run('python3', [SCRIPT], {
      env: {
        S3_ENDPOINT: gw.url, S3_ENDPOINT_NOBYPASS: strict.url, S3_ACCESS_KEY: keys.access, S3_SECRET_KEY: keys.secret,
        S3_PREFIX: uniqueBucket('olb3').slice(0, 40), AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      timeoutMs: 240_000,
    });
    expect(r.code, describeRun('object_lock_boto3.py', r)).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    made.push(...report.buckets);
    steps = report.steps;
    if (process.env.SHOW_REPORT) writeFileSync('/tmp/ol/report.json', JSON.stringify(report, null, 1));
  }, 240_000);

  const denied = { status: 403, code: 'AccessDenied' };
  const ms = (iso: string) => new Date(iso).getTime();

  it('creates a bucket with lock: versioning on, which cannot be suspended (InvalidBucketState)', () => {
    const c = steps.create!;
    expect(c.ok, JSON.stringify(c)).toBe(true);
    expect(c.versioning).toBe('Enabled');
    expect(c.config).toEqual({ ObjectLockEnabled: 'Enabled' });
    expect(c.suspend).toMatchObject({ status: 409, code: 'InvalidBucketState' });
    expect(c.stillEnabled).toBe('Enabled');
  });

  it('a bucket without lock: ObjectLockConfigurationNotFoundError, InvalidRequest for lock requests, InvalidBucketState until versioned; then lock can be enabled', () => {
    const p = steps.plain!;
    expect(p.ok, JSON.stringify(p)).toBe(true);
    expect(p.getConfig).toMatchObject({ status: 404, code: 'ObjectLockConfigurationNotFoundError' });
    expect(p.putLocked).toEqual({ status: 400, code: 'InvalidRequest', message: 'Bucket is missing Object Lock Configuration' });
    expect(p.retention).toEqual({ status: 400, code: 'InvalidRequest', message: 'Bucket is missing Object Lock Configuration' });
    expect(p.unversioned).toMatchObject({ status: 409, code: 'InvalidBucketState' });
    expect(p.enabledLater).toEqual({ ObjectLockEnabled: 'Enabled' });
  });

  it('stores a default retention (Days or Years), applies it to new versions, refuses bad rules, and requires Content-MD5 or a checksum with it', () => {
    const c = steps.config!;
    expect(c.ok, JSON.stringify(c)).toBe(true);
    expect(c.days).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } });
    expect(c.years).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } } });
    expect(c.defaulted.mode).toBe('GOVERNANCE');
    // One day from the write (within the few seconds the steps took).
    expect(Math.abs(ms(c.defaulted.until) - (ms(c.writtenAt) + 86_400_000))).toBeLessThan(10_000);
    expect(c.both).toMatchObject({ status: 400, code: 'MalformedXML' });
    expect(c.zero).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect(c.noPeriod).toMatchObject({ status: 400, code: 'MalformedXML' });
    expect(c.badMode).toMatchObject({ status: 400, code: 'MalformedXML' });
    expect(c.bareDefault).toEqual({ status: 400, code: 'InvalidRequest', message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters' });
    expect(c.cleared).toEqual({ ObjectLockEnabled: 'Enabled' });
    expect(c.bareUnlocked).toBe(true);
  });

  it('GOVERNANCE: shown on HEAD, GET and GetObjectRetention; deletes and shortening refused; bypass only with the role; a delete without version writes a marker', () => {
    const g = steps.governance!;
    expect(g.ok, JSON.stringify(g)).toBe(true);
    expect(g.head.mode).toBe('GOVERNANCE');
    expect(Math.abs(ms(g.head.until) - ms(g.until))).toBeLessThan(1000);
    expect(g.get).toEqual({ mode: 'GOVERNANCE', until: g.head.until });
    expect(g.retention).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: g.head.until });
    expect(g.delete).toMatchObject(denied);
    expect(g.bypassRefused).toMatchObject(denied);
    expect(g.bypassRefused.message).toContain('bypassGovernanceRoles');
    expect(g.shorten).toMatchObject(denied);
    expect(g.remove).toMatchObject(denied);
    expect(ms(g.extended.until)).toBeGreaterThan(ms(g.head.until));
    expect(g.marker.deleteMarker).toBe(true);
    expect(g.stillThere).toBe('data');
    expect(ms(g.shortenedWithBypass.until)).toBeLessThan(ms(g.head.until));
    expect(g.gone).toMatchObject({ status: 404 });
  });

  it('COMPLIANCE: no delete, shortening, downgrade or removal, bypass or not; extending to the far future works', () => {
    const c = steps.compliance!;
    expect(c.ok, JSON.stringify(c)).toBe(true);
    for (const name of ['deleteWithBypass', 'shorten', 'toGovernance', 'remove', 'farDelete']) expect(c[name], name).toMatchObject(denied);
    expect(c.farFuture).toEqual({ mode: 'COMPLIANCE', until: '2199-12-31T23:59:59+00:00', hold: null });
  });

  it('dates in the past and malformed lock headers are InvalidArgument; a lock without Content-MD5 or checksum is InvalidRequest', () => {
    const d = steps.dates!;
    expect(d.ok, JSON.stringify(d)).toBe(true);
    expect(d.pastHeader).toEqual({ status: 400, code: 'InvalidArgument', message: 'The retain until date must be in the future!' });
    expect(d.pastRetention).toEqual({ status: 400, code: 'InvalidArgument', message: 'The retain until date must be in the future!' });
    expect(d.modeOnly).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect(d.badMode).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect(d.badHold).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect(d.bareLocked).toMatchObject({ status: 400, code: 'InvalidRequest' });
    expect(d.md5Locked).toBe(true);
  });

  it('a version whose retention has passed can be deleted', () => {
    const e = steps.expiry!;
    expect(e.ok, JSON.stringify(e)).toBe(true);
    expect(e.before).toMatchObject(denied);
    expect(e.after).toMatchObject({ status: 404 });
  });

  it('legal hold: ON blocks deletion even with bypass, OFF lifts it; none set is NoSuchObjectLockConfiguration', () => {
    const h = steps.legalHold!;
    expect(h.ok, JSON.stringify(h)).toBe(true);
    expect(h.status).toBe('ON');
    expect(h.head).toEqual({ mode: null, until: null, hold: 'ON' });
    expect(h.delete).toMatchObject(denied);
    expect(h.noHold).toMatchObject({ status: 404, code: 'NoSuchObjectLockConfiguration' });
    expect(h.off).toBe('OFF');
    expect(h.gone).toMatchObject({ status: 404 });
  });

  it('retention and legal hold on a non-current version stay with that version, also once it is current again', () => {
    const n = steps.nonCurrent!;
    expect(n.ok, JSON.stringify(n)).toBe(true);
    expect(n.v1).toMatchObject({ mode: 'GOVERNANCE', hold: 'ON' });
    expect(n.v2).toEqual({ mode: null, until: null, hold: null });
    expect(n.v2Retention).toMatchObject({ status: 404, code: 'NoSuchObjectLockConfiguration' });
    expect(n.deleteV1).toMatchObject(denied);
    expect(n.currentBody).toBe('two');
    expect(n.v2After.mode).toBe('GOVERNANCE');
    expect(n.v1After).toEqual(n.v1);
    expect(n.v1OtherReplica).toEqual(n.v1);
    expect(n.v1Current).toEqual(n.v1);
  });

  it('a multipart upload gets the lock its CreateMultipartUpload asked for', () => {
    const m = steps.multipart!;
    expect(m.ok, JSON.stringify(m)).toBe(true);
    expect(m.lock.mode).toBe('GOVERNANCE');
    expect(m.lock.hold).toBe('ON');
    expect(Math.abs(ms(m.lock.until) - ms(m.until))).toBeLessThan(1000);
    expect(m.delete).toMatchObject(denied);
    expect(m.size).toBe(5 * 1024 * 1024 + 1);
  });

  it('a copy takes the lock of its request, never its source\'s', () => {
    const c = steps.copy!;
    expect(c.ok, JSON.stringify(c)).toBe(true);
    expect(c.plain).toEqual({ mode: null, until: null, hold: null });
    expect(c.locked.mode).toBe('GOVERNANCE');
  });

  it('DeleteObjects reports AccessDenied for a locked version and deletes the rest; with bypass it deletes the GOVERNANCE one', () => {
    const d = steps.deleteObjects!;
    expect(d.ok, JSON.stringify(d)).toBe(true);
    expect(d.errors).toEqual([['copy-locked', 'AccessDenied']]);
    expect(d.deleted).toEqual([['copy-plain', true, false], ['free', true, false], ['marker-me', false, true]]);
    expect(d.bypassed).toEqual(['copy-locked']);
    expect(d.bypassErrors).toEqual([]);
  });

  it('versions written by concurrent clients each keep their lock', () => {
    const c = steps.concurrent!;
    expect(c.ok, JSON.stringify(c)).toBe(true);
    // Swift quirk: a version id is the write's timestamp (10 µs steps); two of
    // the 8 writes that reach the proxy in the same step become one version
    // (Swift keeps one of them), as through Swift's own s3api. Every version a
    // writer was given is listed, and each keeps its lock.
    expect(c.versions).toBeGreaterThanOrEqual(6);
    expect(c.listed).toBe(true);
    expect(c.modes).toEqual(['GOVERNANCE']);
    expect(c.deletes).toEqual(['AccessDenied']);
  });

  it('DeleteBucket of a bucket with locked versions fails; the lock records container never shows in ListBuckets', () => {
    expect(steps.deleteBucket).toEqual({ ok: true, error: { status: 409, code: 'BucketNotEmpty', message: 'The bucket you tried to delete is not empty' } });
    expect(steps.listBuckets).toEqual({ ok: true, hidden: true, listed: true });
  });
});

describe('the aws CLI object lock commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3gw-olcli-'));
  const config = join(dir, 'aws-config');
  writeFileSync(config, '[default]\ns3 =\n    addressing_style = path\n');
  writeFileSync(join(dir, 'body'), 'backup block');

  async function aws(args: readonly string[], expectOk = true, url = gw.url): Promise<{ json: any; stderr: string; code: number | null }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await run('aws', ['--endpoint-url', url, '--output', 'json', ...args], {
      env: {
        AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: keys.access, AWS_SECRET_ACCESS_KEY: keys.secret,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '',
      },
      timeoutMs: 120_000,
    });
    if (expectOk) expect(r.code, describeRun(`aws ${args.join(' ')}`, r)).toBe(0);
    return { json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined, stderr: r.stderr, code: r.code };
  }

  it('creates a locked bucket, sets its default, locks, holds, refuses and bypasses as S3 does', async () => {
    const b = uniqueBucket('olcli');
    made.push(b);
    const s3api = (...args: string[]) => ['s3api', ...args, '--bucket', b];
    await aws(s3api('create-bucket', '--object-lock-enabled-for-bucket'));
    expect((await aws(s3api('get-bucket-versioning'))).json).toEqual({ Status: 'Enabled' });
    await aws(s3api('put-object-lock-configuration', '--object-lock-configuration', '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":2}}}'));
    expect((await aws(s3api('get-object-lock-configuration'))).json).toEqual({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2 } } } });

    // The default applies; the CLI's own checksum satisfies the Content-MD5 rule.
    const v1 = (await aws(s3api('put-object', '--key', 'block', '--body', join(dir, 'body')))).json.VersionId as string;
    const head = (await aws(s3api('head-object', '--key', 'block', '--version-id', v1))).json;
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    expect(new Date(head.ObjectLockRetainUntilDate).getTime() - Date.now()).toBeGreaterThan(86_400_000 * 1.9);

    const v2 = (await aws(s3api('put-object', '--key', 'block', '--body', join(dir, 'body'), '--object-lock-mode', 'COMPLIANCE', '--object-lock-retain-until-date', '2199-01-01T00:00:00Z', '--object-lock-legal-hold-status', 'ON'))).json.VersionId as string;
    const retention = (await aws(s3api('get-object-retention', '--key', 'block', '--version-id', v2))).json.Retention;
    expect(retention.Mode).toBe('COMPLIANCE');
    expect(new Date(retention.RetainUntilDate).toISOString()).toBe('2199-01-01T00:00:00.000Z');
    expect((await aws(s3api('get-object-legal-hold', '--key', 'block', '--version-id', v2))).json).toEqual({ LegalHold: { Status: 'ON' } });

    const refused = await aws(s3api('delete-object', '--key', 'block', '--version-id', v2, '--bypass-governance-retention'), false);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('AccessDenied');
    const shorten = await aws(s3api('put-object-retention', '--key', 'block', '--version-id', v2, '--retention', 'Mode=COMPLIANCE,RetainUntilDate=2100-01-01T00:00:00Z'), false);
    expect(shorten.stderr).toContain('AccessDenied');

    // GOVERNANCE: refused, refused to a key without the bypass role, allowed with it.
    expect((await aws(s3api('delete-object', '--key', 'block', '--version-id', v1), false)).stderr).toContain('AccessDenied');
    expect((await aws(s3api('delete-object', '--key', 'block', '--version-id', v1, '--bypass-governance-retention'), false, strict.url)).stderr).toContain('AccessDenied');
    expect((await aws(s3api('delete-object', '--key', 'block', '--version-id', v1, '--bypass-governance-retention'))).json).toEqual({ VersionId: v1 });

    // Legal hold off: the COMPLIANCE retention still holds the version.
    await aws(s3api('put-object-legal-hold', '--key', 'block', '--version-id', v2, '--legal-hold', 'Status=OFF'));
    expect((await aws(s3api('get-object-legal-hold', '--key', 'block', '--version-id', v2))).json).toEqual({ LegalHold: { Status: 'OFF' } });
    expect((await aws(s3api('delete-object', '--key', 'block', '--version-id', v2), false)).stderr).toContain('AccessDenied');
    // aws s3 cp of a large file: a multipart upload, which takes the bucket's default.
    writeFileSync(join(dir, 'large'), Buffer.alloc(9 * 1024 * 1024, 'L'));
    await aws(['s3', 'cp', '--quiet', join(dir, 'large'), `s3://${b}/large`]);
    const large = (await aws(s3api('head-object', '--key', 'large'))).json;
    expect(large.ContentLength).toBe(9 * 1024 * 1024);
    expect(large.ETag).toMatch(/-2"$/);
    expect(large.ObjectLockMode).toBe('GOVERNANCE');
    expect((await aws(s3api('delete-object', '--key', 'large', '--version-id', large.VersionId), false)).stderr).toContain('AccessDenied');
    const suspend = await aws(s3api('put-bucket-versioning', '--versioning-configuration', 'Status=Suspended'), false);
    expect(suspend.stderr).toContain('InvalidBucketState');
    expect((await aws(['s3api', 'delete-bucket', '--bucket', b], false)).stderr).toContain('BucketNotEmpty');
  }, 240_000);
});
