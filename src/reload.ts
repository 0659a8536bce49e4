// Reload without a restart: on SIGHUP, and when the config file or the
// credentials file changes on disk (a Kubernetes Secret or ConfigMap updated
// in place swaps the file behind its path), the settings are read again; the
// log level and the credentials file take effect at once, requests in flight
// finish with what they started with, and a new file that does not load
// keeps the old one and the log says why. Other settings take a restart: the
// log names those that changed.
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { ConfigError, SETTINGS, loadConfig, type Config } from './config.js';
import type { LevelledLogger } from './observe/log.js';
import type { Running } from './server.js';

/** Settings a reload applies; any other that changed is reported as needing a restart. */
const LIVE = new Set(['log.level', 'credentials.file', 'reload.watchSeconds']);

function valueAt(config: Config, path: string): string {
  let node: unknown = config;
  for (const part of path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return JSON.stringify(node);
}

/** Settings whose values differ between two configs, by path (secrets are named, never shown). */
export function changedSettings(before: Config, after: Config): string[] {
  return SETTINGS.map((s) => s.path).filter((path) => valueAt(before, path) !== valueAt(after, path));
}

export interface ReloadOptions {
  readonly file: string | undefined;
  readonly config: Config;
  readonly running: Pick<Running, 'reloadCredentials'>;
  readonly log: LevelledLogger;
  readonly env?: NodeJS.ProcessEnv;
}

export interface Reloader {
  /** Reads everything again now; `trigger` goes into the log line. */
  reload(trigger: string): void;
  stop(): void;
}

export function createReloader(opts: ReloadOptions): Reloader {
  let current = opts.config;
  const { log } = opts;
  const watched = new Set<string>();

  const reload = (trigger: string) => {
    let next: Config;
    try {
      next = loadConfig({ file: opts.file, env: opts.env });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      log.log('error', 'reload refused: the new settings do not load; the gateway keeps running with the old ones', { trigger, reason: err.message });
      return;
    }
    let credentials: number | undefined;
    if (next.credentials.file !== undefined) {
      try {
        credentials = opts.running.reloadCredentials(next.credentials.file);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        log.log('error', 'reload refused: the new credentials file does not load; the credentials in use stay', { trigger, reason: err.message });
        return;
      }
    }
    const changed = changedSettings(current, next);
    log.setLevel(next.log.level);
    current = next;
    watch();
    // Logged at info, or at the new lowest level if that is higher: a reload is always seen.
    log.log(next.log.level === 'debug' ? 'info' : next.log.level, 'reloaded', {
      trigger,
      logLevel: next.log.level,
      ...(credentials !== undefined ? { credentials } : {}),
      ...(changed.some((p) => !LIVE.has(p)) ? { needRestart: changed.filter((p) => !LIVE.has(p)) } : {}),
    });
  };

  // Polling, not fs.watch: a mounted Secret changes by a symlink swap that
  // inotify on the file itself does not see; stat through the path does.
  const onChange = (path: string) => (now: Stats, before: Stats) => {
    if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
    reload(`change of ${path}`);
  };
  const listeners = new Map<string, (now: Stats, before: Stats) => void>();
  const watch = () => {
    const seconds = current.reload.watchSeconds;
    const paths = seconds > 0 ? [opts.file, current.credentials.file].filter((p): p is string => p !== undefined) : [];
    for (const path of [...watched]) {
      if (!paths.includes(path)) {
        unwatchFile(path, listeners.get(path));
        watched.delete(path);
      }
    }
    for (const path of paths) {
      if (watched.has(path)) continue;
      const listener = onChange(path);
      listeners.set(path, listener);
      watchFile(path, { interval: seconds * 1000, persistent: false }, listener);
      watched.add(path);
    }
  };
  watch();
  return {
    reload,
    stop() {
      for (const path of watched) unwatchFile(path, listeners.get(path));
      watched.clear();
    },
  };
}
