// Real OpenStack services a test owns and may stop: a private Swift proxy,
// object server, memcached and (optionally) Keystone, on free ports next to
// the shared stack (deploy/local/stack.sh) and sharing its data. The shared
// stack's processes serve every other test running in parallel, so a fault
// test never stops them; it stops these instead (issue 19, faults).
//
// - object server: the stack's object-server.conf with its own bind_port, on
//   the same `devices` (the same disks);
// - rings: a private copy of the stack's; the object rings' devices point at
//   the private object server (`swift-ring-builder set_info --change-port`
//   changes a device's address without moving a partition), so an object
//   written through the private proxy is the shared stack's object, at the
//   same place. Account and container rings still point at the shared servers;
// - memcached: Swift's token and info cache, for the private proxy only;
// - Keystone: a second uwsgi on the stack's keystone.conf, database and fernet
//   keys, so its tokens are valid everywhere and the shared one's here;
// - proxy: the stack's proxy-server.conf, one process, on the private rings,
//   memcached and Keystone.
// Every service runs in its own process group (Swift servers and uwsgi fork
// workers), so stop() signals the whole group and waits until no member is
// left: a SIGKILLed master's worker would otherwise keep the port.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStack, type Stack } from './stack.js';

export type PrivateService = 'object' | 'proxy' | 'memcached' | 'keystone';

export interface PrivateSwiftOptions {
  /** Also a private Keystone (the proxy validates tokens there); else the proxy uses the shared one. */
  readonly keystone?: boolean;
}

export interface PrivateSwift {
  /** The private proxy, e.g. http://127.0.0.1:40123 (no path). */
  readonly proxyUrl: string;
  /** A gateway's keystone.storageUrl template for the private proxy. */
  readonly storageUrl: string;
  /** The private Keystone (or the shared one without `keystone: true`), no path. */
  readonly keystoneUrl: string;
  /** keystoneUrl + /v3: a gateway's keystone.authUrl. */
  readonly authUrl: string;
  readonly ports: Readonly<Record<PrivateService, number>>;
  /** Signals the service's process group (SIGKILL by default) and resolves once every member is gone. */
  stop(name: PrivateService, signal?: NodeJS.Signals): Promise<void>;
  /** Starts the service again on its port and resolves once it answers. */
  start(name: PrivateService): Promise<void>;
  running(name: PrivateService): boolean;
  /** The service's log so far (for failure messages). */
  log(name: PrivateService): string;
  /** Kills every service and removes the temp dir. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Replaces `key = value` lines (in every section) of an ini file's text. */
function setIni(text: string, values: Record<string, string>): string {
  let out = text;
  for (const [key, value] of Object.entries(values)) out = out.replace(new RegExp(`^${key}\\s*=.*$`, 'gm'), `${key} = ${value}`);
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 50));

async function answers(name: PrivateService, port: number): Promise<boolean> {
  if (name === 'memcached') {
    return new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write('version\r\n'));
      s.once('data', (d: Buffer) => { s.destroy(); resolve(d.toString().startsWith('VERSION')); });
      s.once('error', () => resolve(false));
    });
  }
  // node:http without an agent: the probe's connection closes after it, so a
  // test counting connections to a server sees only real requests.
  const path = name === 'keystone' ? '/v3' : '/healthcheck';
  return new Promise((resolve) => {
    const req = httpGet({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Private copies of the object rings pointed at `objectPort`; the others as they are. */
function writeRings(stack: Stack, swiftDir: string, objectPort: number): void {
  const shared = join(stack.dataDir, 'swift');
  for (const f of readdirSync(shared)) {
    if (f.endsWith('.builder') || f.endsWith('.ring.gz') || f === 'swift.conf') copyFileSync(join(shared, f), join(swiftDir, f));
  }
  for (const f of readdirSync(swiftDir).filter((n) => /^object(-\d+)?\.builder$/.test(n))) {
    const builder = join(swiftDir, f);
    // Exit 1 is "done with warnings" (swift-ring-builder --help).
    const run = (args: string[]) => {
      try {
        execFileSync('swift-ring-builder', [builder, ...args], { stdio: 'pipe' });
      } catch (err) {
        if ((err as { status?: number }).status !== 1) throw err;
      }
    };
    run(['set_info', '--port', '6200', '--change-port', String(objectPort), '--yes']);
    run(['write_ring']);
  }
}

export async function privateSwift(opts: PrivateSwiftOptions = {}): Promise<PrivateSwift> {
  const stack = loadStack();
  const dir = mkdtempSync(join(tmpdir(), 's3gw-private-swift-'));
  const swiftDir = join(dir, 'swift');
  execFileSync('mkdir', ['-p', swiftDir]);
  const ports: Record<PrivateService, number> = {
    object: await freePort(),
    proxy: await freePort(),
    memcached: await freePort(),
    keystone: opts.keystone ? await freePort() : Number(new URL(stack.keystone.url).port),
  };
  const keystoneUrl = opts.keystone ? `http://127.0.0.1:${ports.keystone}` : stack.keystone.url;
  writeRings(stack, swiftDir, ports.object);

  const sharedSwift = join(stack.dataDir, 'swift');
  const objectConf = join(dir, 'object-server.conf');
  writeFileSync(objectConf, setIni(readFileSync(join(sharedSwift, 'object-server.conf'), 'utf8'), {
    bind_port: String(ports.object),
    swift_dir: swiftDir,
    log_name: 'private-object-server',
    // One process: no forked worker outliving a killed master mid-request.
    workers: '0',
  }), { mode: 0o600 });
  const proxyConf = join(dir, 'proxy-server.conf');
  writeFileSync(proxyConf, setIni(readFileSync(join(sharedSwift, 'proxy-server.conf'), 'utf8'), {
    bind_port: String(ports.proxy),
    swift_dir: swiftDir,
    log_name: 'private-proxy-server',
    workers: '0',
    memcache_servers: `127.0.0.1:${ports.memcached}`,
    memcached_servers: `127.0.0.1:${ports.memcached}`,
    auth_url: keystoneUrl,
    www_authenticate_uri: keystoneUrl,
  }), { mode: 0o600 });
  const ksDir = join(stack.dataDir, 'keystone');
  const uwsgiIni = join(dir, 'keystone-uwsgi.ini');
  if (opts.keystone) {
    // The stack's conf logs to the stack's keystone.log: a second file on top
    // (oslo.config: later files win) gives this one its own.
    const override = join(dir, 'keystone-private.conf');
    writeFileSync(override, `[DEFAULT]\nlog_dir = ${dir}\nlog_file = keystone-private.log\n`);
    writeFileSync(uwsgiIni, setIni(readFileSync(join(ksDir, 'uwsgi.ini'), 'utf8'), {
      http: `127.0.0.1:${ports.keystone}`,
      pidfile: join(dir, 'keystone.pid'),
      env: `OS_KEYSTONE_CONFIG_DIR=${ksDir}`,
    }) + `env = OS_KEYSTONE_CONFIG_FILES=${join(ksDir, 'keystone.conf')};${override}\n`, { mode: 0o600 });
  }

  const commands: Record<PrivateService, [string, string[]]> = {
    object: ['swift-object-server', [objectConf, '-v']],
    proxy: ['swift-proxy-server', [proxyConf, '-v']],
    memcached: ['memcached', ['-l', '127.0.0.1', '-p', String(ports.memcached), '-U', '0', '-u', 'root', '-m', '16']],
    keystone: ['uwsgi', ['--ini', uwsgiIni]],
  };
  const owned: PrivateService[] = opts.keystone ? ['memcached', 'keystone', 'object', 'proxy'] : ['memcached', 'object', 'proxy'];
  const children = new Map<PrivateService, ChildProcess>();
  const logFile = (name: PrivateService) => join(dir, `${name}.log`);

  const start = async (name: PrivateService) => {
    if (!owned.includes(name)) throw new Error(`privateSwift: ${name} is the shared stack's, not this test's`);
    if (children.has(name)) throw new Error(`privateSwift: ${name} is running`);
    const fd = openSync(logFile(name), 'a');
    const [cmd, args] = commands[name];
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    children.set(name, child);
    let exited = false;
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 60_000;
    while (!(await answers(name, ports[name]))) {
      if (exited) throw new Error(`privateSwift: ${name} exited during startup: ${readLog(name).slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`privateSwift: ${name} not answering on ${ports[name]}: ${readLog(name).slice(-2000)}`);
      await tick();
    }
  };
  const readLog = (name: PrivateService) => {
    try {
      return readFileSync(logFile(name), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async (name: PrivateService, signal: NodeJS.Signals = 'SIGKILL') => {
    const child = children.get(name);
    if (!child?.pid) return;
    const pid = child.pid;
    const gone = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
    await gone;
    // Workers of the group may outlive the master for a moment (SIGTERM lets them finish).
    const deadline = Date.now() + 15_000;
    while (groupAlive(pid)) {
      if (Date.now() > deadline) process.kill(-pid, 'SIGKILL');
      await tick();
    }
    children.delete(name);
  };

  // Detached groups outlive this process: if the test process ends without
  // close() (a crash, a worker torn down), kill them on the way out.
  const onExit = () => {
    for (const child of children.values()) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };
  process.once('exit', onExit);
  const close = async () => {
    process.off('exit', onExit);
    for (const name of [...children.keys()].reverse()) await stop(name, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of owned) await start(name);
  } catch (err) {
    await close();
    throw err;
  }
  const proxyUrl = `http://127.0.0.1:${ports.proxy}`;
  return {
    proxyUrl,
    storageUrl: `${proxyUrl}/v1/AUTH_{project_id}`,
    keystoneUrl,
    authUrl: `${keystoneUrl}/v3`,
    ports,
    stop,
    start,
    running: (name) => children.has(name),
    log: readLog,
    close,
  };
}
