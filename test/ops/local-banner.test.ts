// The first-run banner of `npm run local` (scripts/local-banner.mjs) tells the
// truth and keeps the secret out of every log: it names an owner-only env file
// instead of printing the secret, and that file, sourced, is all the aws CLI
// needs to reach the gateway with its default SigV4.
import { statSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { repoRoot } from '../helpers/process.js';
import { run } from '../clients/run.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});

describe('npm run local banner', () => {
  it('names the secret\'s owner-only file instead of printing it, says SigV4 works, and its Try lines work as printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3gw-banner-'));
    const printed = await run('node', [join(repoRoot, 'scripts', 'local-banner.mjs'), String(gw.port), dir], { timeoutMs: 20_000 });
    expect(printed.code, printed.stderr).toBe(0);
    const { access, secret } = gw.stack.users.demo.ec2;
    expect(printed.stdout).toContain(`Access key:   ${access}`);
    expect(printed.stdout).not.toContain(secret);
    expect(printed.stdout).toContain('Signature Version 4');
    expect(printed.stdout).not.toMatch(/speaks Signature Version 2|signature_version = s3/);
    const envFile = join(dir, 'demo-keys.env');
    expect(printed.stdout).toContain(`Secret key:   in ${envFile}`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toContain(`AWS_SECRET_ACCESS_KEY=${secret}`);
    // The two Try lines, as a newcomer types them (no profile, no --endpoint-url).
    const tried = await run('bash', ['-c', `. ${envFile} && aws s3 ls && aws s3api list-buckets --query Owner.ID --output text`], {
      env: { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CA_BUNDLE: '', AWS_PAGER: '' },
      timeoutMs: 60_000,
    });
    expect(tried.code, tried.stderr).toBe(0);
    expect(tried.stdout.trim().split('\n').pop()).toMatch(/\S/);
  });

  it('run-local.sh and the stack container print the banner, never the secret key itself', () => {
    const runLocal = readFileSync(join(repoRoot, 'scripts', 'run-local.sh'), 'utf8');
    expect(runLocal).toContain('node scripts/local-banner.mjs');
    expect(runLocal).not.toMatch(/\.secret\b/);
    const entrypoint = readFileSync(join(repoRoot, 'deploy', 'docker', 'stack-entrypoint.sh'), 'utf8');
    expect(entrypoint).not.toMatch(/\.secret\b|secret key \$/);
    expect(entrypoint).toContain('demo-keys.env');
  });
});
