// The Kubernetes manifests under deploy/kubernetes/ validate against the
// Kubernetes JSON schemas (kubernetes-models, offline: types, required fields,
// enums, formats) and the prometheus-operator CRD schema for the ServiceMonitor,
// and hang together: probes on the admin port, selectors that match, a config
// the gateway loads, credentials it parses, a grace period that fits.
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseCredentials } from '../../src/credentials/credentials-file.js';
import { repoRoot } from '../helpers/process.js';

const dir = join(repoRoot, 'deploy', 'kubernetes');

type Doc = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } };

function yamlFiles(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const docs: { file: string; doc: Doc }[] = yamlFiles(dir).flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map(String).join('; ')}`);
    return { file: relative(repoRoot, file), doc: d.toJS() as Doc };
  }),
);

// Each kind's model validates against its JSON schema.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

const find = (kind: string, name: string) => {
  const found = docs.find(({ doc }) => doc.kind === kind && doc.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} under deploy/kubernetes`);
  return found.doc as never as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('deploy/kubernetes', () => {
  it('has every kind the service needs', () => {
    const kinds = docs.map(({ doc }) => `${doc.apiVersion}/${doc.kind}`);
    for (const k of Object.keys(MODELS)) expect(kinds).toContain(k);
  });

  it('validates every manifest against its schema', () => {
    for (const { file, doc } of docs) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: unexpected ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc as never).validate(), `${file} ${doc.kind} ${doc.metadata.name}`).not.toThrow();
    }
  });

  it('the validator does refuse a broken manifest (it is not a no-op)', () => {
    const broken = structuredClone(find('Deployment', 's3-swift-gateway'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'nine thousand';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
    const monitor = structuredClone(find('ServiceMonitor', 's3-swift-gateway'));
    monitor.spec.endpoints[0].interval = 'every minute';
    expect(() => new ServiceMonitor(monitor as never).validate()).toThrow(/interval/);
  });

  it('probes liveness and readiness on the admin port, and the gateway listens where the pod says', () => {
    const deployment = find('Deployment', 's3-swift-gateway');
    const pod = deployment.spec.template.spec;
    const gateway = pod.containers.find((c: { name: string }) => c.name === 'gateway');
    const ports = Object.fromEntries(gateway.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    expect(gateway.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(gateway.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });

    // The ConfigMap's config.yaml, loaded by the gateway's own loader.
    const configMap = find('ConfigMap', 's3-swift-gateway-config');
    const tmp = mkdtempSync(join(tmpdir(), 's3gw-k8s-'));
    writeFileSync(join(tmp, 'config.yaml'), configMap.data['config.yaml']);
    const config = loadConfig({ file: join(tmp, 'config.yaml'), env: {} });
    expect(config.listen).toMatchObject({ host: '0.0.0.0', port: ports.s3 });
    expect(config.admin).toEqual({ host: '0.0.0.0', port: ports.admin });

    // The credentials file path is inside the Secret's mount.
    const mount = gateway.volumeMounts.find((m: { name: string }) => m.name === 'credentials');
    const secretVolume = pod.volumes.find((v: { name: string }) => v.name === 'credentials');
    expect(config.credentials.file).toBe(`${mount.mountPath}/credentials.yaml`);
    const secret = find('Secret', secretVolume.secret.secretName);
    expect(parseCredentials(secret.stringData['credentials.yaml'], 'secret.yaml').length).toBeGreaterThan(0);

    // preStop + shutdownGraceSeconds fit in the termination grace period.
    const preStop = Number(gateway.lifecycle.preStop.exec.command[1]);
    expect(preStop + config.shutdownGraceSeconds).toBeLessThan(pod.terminationGracePeriodSeconds);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('points the Service, PDB, HPA and ServiceMonitor at the gateway pods', () => {
    const deployment = find('Deployment', 's3-swift-gateway');
    const labels = deployment.spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const service = find('Service', 's3-swift-gateway');
    expect(matches(service.spec.selector)).toBe(true);
    expect(service.spec.ports.map((p: { targetPort: string }) => p.targetPort).sort()).toEqual(['admin', 's3']);
    expect(matches(find('PodDisruptionBudget', 's3-swift-gateway').spec.selector.matchLabels)).toBe(true);
    const hpa = find('HorizontalPodAutoscaler', 's3-swift-gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 's3-swift-gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const monitor = find('ServiceMonitor', 's3-swift-gateway');
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels[k] === v)).toBe(true);
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'admin', path: '/metrics' });
  });

  it('runs `lifecycle run` daily with the gateway\'s image, config and credentials, and the service identity lifecycle needs', () => {
    const gateway = find('Deployment', 's3-swift-gateway').spec.template.spec;
    const cron = find('CronJob', 's3-swift-gateway-lifecycle');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const runner = pod.containers[0];
    expect(runner.image).toBe(gateway.containers[0].image);
    expect(runner.args.slice(0, 2)).toEqual(['lifecycle', 'run']);
    expect(runner.args).toContain('/etc/s3-swift-gateway/config.yaml');
    const volumes = (p: { volumes: { name: string; configMap?: unknown; secret?: unknown }[] }, name: string) => p.volumes.find((v) => v.name === name);
    for (const name of ['config', 'credentials']) expect(volumes(pod, name)).toEqual(volumes(gateway, name));
    // The ConfigMap's config plus the CronJob's service identity: the global namespace the runner needs.
    const configMap = find('ConfigMap', 's3-swift-gateway-config');
    const tmp = mkdtempSync(join(tmpdir(), 's3gw-k8s-'));
    writeFileSync(join(tmp, 'config.yaml'), configMap.data['config.yaml']);
    writeFileSync(join(tmp, 'password'), 'example');
    const env = Object.fromEntries((runner.env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? 'from-secret']));
    const config = loadConfig({ file: join(tmp, 'config.yaml'), env: { ...env, S3GW_KEYSTONE_SERVICE_PASSWORD_FILE: join(tmp, 'password') } });
    expect(config.namespace.mode).toBe('global');
    expect(runner.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain(env['S3GW_KEYSTONE_SERVICE_PASSWORD_FILE']!.replace(/\/password$/, ''));
    expect(() => new CronJob({ ...cron, spec: { ...cron.spec, jobTemplate: { spec: { template: { spec: { containers: 'none' } } } } } } as never).validate()).toThrow();
  });

  it('runs the sidecar example with S3 on the pod loopback and probes on the admin port', () => {
    const app = find('Deployment', 'example-app');
    const containers = app.spec.template.spec.containers as { name: string; env?: { name: string; value?: string }[]; readinessProbe?: { httpGet: { path: string } } }[];
    const sidecar = containers.find((c) => c.name === 's3-gateway')!;
    expect(sidecar.env).toContainEqual({ name: 'S3GW_LISTEN_HOST', value: '127.0.0.1' });
    // Its only client is the app beside it: no per-address connection limit.
    expect(sidecar.env).toContainEqual({ name: 'S3GW_LISTEN_MAX_CONNECTIONS_PER_CLIENT', value: '0' });
    expect(sidecar.readinessProbe!.httpGet.path).toBe('/readyz');
    const client = containers.find((c) => c.name === 'app')!;
    expect(JSON.stringify(client)).toContain('http://127.0.0.1:9000');
  });
});
