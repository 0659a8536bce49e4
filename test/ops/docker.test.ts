// Docker: the image is built from an LTS Node, multi-stage, production
// dependencies only, non-root; docker-compose.yml passes Debian's
// `docker-compose config` and wires stack, gateway, Prometheus and Grafana.
// (No Docker engine runs here; test/ops/image.test.ts builds and runs the image with podman.)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/process.js';
import { requireBinary } from '../helpers/prometheus.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);

  it('builds in one stage and runs from a second on an LTS (even-numbered) Node', () => {
    expect(froms.length).toBe(2);
    const version = /^ARG NODE_VERSION=(\d+)$/m.exec(text)?.[1];
    expect(Number(version) % 2).toBe(0);
    expect(Number(version)).toBeGreaterThanOrEqual(22);
    // The base is the official Node image unless BASE_IMAGE names another (scripts/container-base.sh's).
    expect(text).toMatch(/^ARG BASE_IMAGE=node:\$\{NODE_VERSION\}-bookworm-slim$/m);
    for (const from of froms) expect(from).toBe('${BASE_IMAGE}');
    expect(text).toContain('COPY --from=build /app/dist ./dist');
  });

  it('ships production dependencies only and runs as the non-root node user', () => {
    expect(text).toMatch(/npm prune --omit=dev/);
    const runStage = text.slice(text.lastIndexOf('FROM '));
    expect(runStage).toMatch(/^USER node$/m);
    expect(runStage).not.toMatch(/npm (ci|install)/);
  });
});

describe('docker-compose.yml', () => {
  it('passes docker-compose config and wires the stack, the gateway, Prometheus and Grafana', () => {
    requireBinary('docker-compose');
    const run = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const config = parseYaml(run.stdout) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };
    expect(Object.keys(config.services).sort()).toEqual(['gateway', 'grafana', 'prometheus', 'stack']);
    const { stack, gateway, prometheus, grafana } = config.services as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(stack!.build.dockerfile).toBe('deploy/docker/stack.Dockerfile');
    expect(gateway!.network_mode).toBe('service:stack');
    expect(gateway!.depends_on.stack.condition).toBe('service_healthy');
    expect(gateway!.environment.S3GW_ADMIN_HOST).toBe('0.0.0.0');
    expect(JSON.stringify(gateway!.healthcheck.test)).toContain('/readyz');
    expect(JSON.stringify(prometheus!.volumes)).toContain('deploy/prometheus/prometheus.yml');
    expect(JSON.stringify(grafana!.volumes)).toContain('deploy/grafana/dashboard.json');
    expect(JSON.stringify(grafana!.volumes)).toContain('deploy/grafana/provisioning');
  });

  it("has every file it mounts or builds from", () => {
    for (const path of ['deploy/docker/stack.Dockerfile', 'deploy/docker/stack-entrypoint.sh', 'deploy/prometheus/prometheus.yml',
      'deploy/grafana/dashboard.json', 'deploy/grafana/provisioning/datasources/prometheus.yaml',
      'deploy/grafana/provisioning/dashboards/s3-swift-gateway.yaml', 'scripts/local-config.mjs', 'scripts/local-banner.mjs', 'deploy/local/stack.sh',
      'deploy/prometheus/alerts.yml', 'scripts/container-base.sh', 'deploy/podman/containers.conf']) {
      expect(existsSync(join(repoRoot, path)), path).toBe(true);
    }
  });

  it("gives Prometheus a config promtool accepts, scraping the gateway's admin port", () => {
    requireBinary('promtool');
    const check = spawnSync('promtool', ['check', 'config', 'deploy/prometheus/prometheus.yml'], { cwd: repoRoot, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(read('deploy/prometheus/prometheus.yml')).toContain('stack:9001');
  });

  it('has a stack image on debian:bookworm running deploy/local/stack.sh up, with a shell-valid entrypoint', () => {
    const dockerfile = read('deploy/docker/stack.Dockerfile');
    expect(dockerfile).toMatch(/^FROM debian:bookworm$/m);
    expect(dockerfile).toContain('COPY deploy/local ./deploy/local');
    const entrypoint = read('deploy/docker/stack-entrypoint.sh');
    expect(entrypoint).toContain('bash deploy/local/stack.sh up');
    const syntax = spawnSync('bash', ['-n', join(repoRoot, 'deploy/docker/stack-entrypoint.sh')], { encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
  });
});
