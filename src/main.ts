#!/usr/bin/env node
// Process entry: command line, settings, logging, signals. The wiring is in server.ts.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { runPrimary } from './cluster/primary.js';
import { linkWorker } from './cluster/worker.js';
import { ConfigError, SETTINGS, envName, loadConfig, type Config } from './config.js';
import { errorFields, jsonLogger, type LevelledLogger } from './observe/log.js';
import { DOCTOR_USAGE, doctorCommand } from './doctor-command.js';
import { NAMESPACE_USAGE, namespaceCommand } from './namespace-command.js';
import { LIFECYCLE_USAGE, lifecycleCommand } from './lifecycle-command.js';
import { createReloader, type Reloader } from './reload.js';
import { start, type Running } from './server.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const lines = SETTINGS.map((s) => `  ${s.path.padEnd(34)} ${envName(s.path).padEnd(40)} ${s.help}${s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : ''}`);
  return [
    'Usage: s3-swift-gateway [--config FILE] [--help] [--version]',
    '       s3-swift-gateway namespace list|register ... (see: s3-swift-gateway namespace --help)',
    '       s3-swift-gateway doctor [--config FILE] [--json]   check the settings against Keystone and Swift',
    '       s3-swift-gateway lifecycle run ...                  apply the buckets\' lifecycle rules (see: s3-swift-gateway lifecycle --help)',
    '',
    'An S3 API gateway for OpenStack Swift, authenticated by Keystone.',
    'Settings come from the config file (YAML or JSON) and, overriding it, the environment.',
    'Any variable below with _FILE appended names a file whose contents (trimmed) are the value,',
    'as a mounted Kubernetes Secret provides them (e.g. S3GW_KEYSTONE_AUTH_URL_FILE=/run/secrets/auth-url).',
    'The config file may also be named by S3GW_CONFIG.',
    '',
    `  ${'setting'.padEnd(34)} ${'environment variable'.padEnd(40)} meaning`,
    ...lines,
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const subcommand = argv[0] === 'namespace' || argv[0] === 'doctor' || argv[0] === 'lifecycle' ? argv[0] : undefined;
  if (subcommand === undefined && (argv.includes('--help') || argv.includes('-h'))) {
    process.stdout.write(usage());
    return;
  }
  if (argv[0] === 'namespace' && argv.includes('--help')) {
    process.stdout.write(NAMESPACE_USAGE);
    return;
  }
  if (argv[0] === 'lifecycle' && argv.includes('--help')) {
    process.stdout.write(LIFECYCLE_USAGE);
    return;
  }
  if (argv[0] === 'doctor' && argv.includes('--help')) {
    process.stdout.write(DOCTOR_USAGE);
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(version() + '\n');
    return;
  }
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : process.env.S3GW_CONFIG;
  if (argv[0] === 'doctor') {
    // The doctor reads the settings itself: a bad one is a finding, not a crash.
    process.exitCode = await doctorCommand(argv.slice(1), file, (line) => process.stdout.write(line + '\n'));
    return;
  }
  let config: Config;
  try {
    config = loadConfig({ file });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`s3-swift-gateway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (argv[0] === 'lifecycle') {
    const rest = argv.slice(1).filter((arg, i, all) => arg !== '--config' && all[i - 1] !== '--config');
    process.exitCode = await lifecycleCommand(rest, config, (line) => process.stdout.write(line + '\n'));
    return;
  }
  if (argv[0] === 'namespace') {
    const rest = argv.slice(1).filter((arg, i, all) => arg !== '--config' && all[i - 1] !== '--config');
    process.exitCode = await namespaceCommand(rest, config, (line) => process.stdout.write(line + '\n'));
    return;
  }
  const workers = config.workers === 0 ? availableParallelism() : config.workers;
  if (workers > 1 && cluster.isPrimary) {
    // The primary serves the admin port and keeps the workers (cluster/primary.ts).
    process.exit(await runPrimary({ config, log: jsonLogger(config.log.level), count: workers }));
  }
  const log = cluster.isWorker ? withWorker(jsonLogger(config.log.level), cluster.worker!.id) : jsonLogger(config.log.level);
  // SIGHUP's default action ends the process: take it over before anything
  // listens (a SIGHUP while starting reloads nothing: the settings are fresh).
  let reloader: Reloader | undefined = undefined;
  process.on('SIGHUP', () => (reloader ? reloader.reload('SIGHUP') : log.log('info', 'SIGHUP while starting: nothing to reload')));
  let running: Running;
  try {
    running = await start(config, log, { admin: !cluster.isWorker });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`s3-swift-gateway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.on('uncaughtException', (err) => log.log('error', 'uncaught exception', errorFields(err)));
  process.on('unhandledRejection', (err) => log.log('error', 'unhandled rejection', errorFields(err)));
  reloader = createReloader({ file, config, running, log });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    reloader?.stop();
    const graceMs = config.shutdownGraceSeconds * 1000;
    log.log('info', 'stopping: no new connections, waiting for requests in flight', { signal, graceMs });
    running.stop(graceMs).then(
      (clean) => {
        log.log('info', 'stopped', { clean });
        process.exit(0);
      },
      (err: unknown) => {
        log.log('error', 'stop failed', errorFields(err));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (cluster.isWorker) {
    linkWorker(running);
    // A primary that died (SIGKILL) leaves its workers holding the port: they go too.
    process.on('disconnect', () => shutdown('primary gone'));
  }
}

/** A worker's log lines name it (`worker`: its cluster id). */
function withWorker(log: LevelledLogger, id: number): LevelledLogger {
  return { setLevel: (level) => log.setLevel(level), log: (level, msg, fields) => log.log(level, msg, { worker: id, ...fields }) };
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`s3-swift-gateway: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
