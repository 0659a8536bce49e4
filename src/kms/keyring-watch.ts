// Reloading the keyring when its files change, as the credentials file is
// reloaded (reload.watchSeconds): by polling, because a mounted Secret changes
// by a symlink swap that inotify on the files does not see, while stat through
// each path does. A new keyring that does not load (a bad file, the current
// key missing) is refused and the keys in use stay; `onError` says why.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { readKeyring, type KeyringProvider } from './keyring.js';

export interface KeyringWatchOptions {
  readonly dir: string;
  /** The current key id, asked at every check (a reloaded setting takes effect). */
  readonly current: () => string;
  readonly seconds: number;
  readonly onReload?: (keyIds: readonly string[], current: string) => void;
  readonly onError?: (err: ConfigError) => void;
}

/** What a change of the keyring changes: each entry's name, inode, size and mtime (through symlinks). */
export function keyringFingerprint(dir: string): string {
  try {
    return readdirSync(dir)
      .filter((name) => !name.startsWith('.'))
      .sort()
      .map((name) => {
        try {
          const s = statSync(join(dir, name));
          return `${name}:${s.ino}:${s.size}:${s.mtimeMs}`;
        } catch {
          return `${name}:gone`;
        }
      })
      .join('/');
  } catch {
    return 'unreadable';
  }
}

/** Checks now and then; returns `check` (run one check at once, e.g. on SIGHUP) and `stop`. */
export function watchKeyring(provider: KeyringProvider, opts: KeyringWatchOptions): { check(): void; stop(): void } {
  let seen = keyringFingerprint(opts.dir);
  let seenCurrent = opts.current();
  const check = () => {
    const now = keyringFingerprint(opts.dir);
    const current = opts.current();
    if (now === seen && current === seenCurrent) return;
    seen = now;
    seenCurrent = current;
    try {
      const keyring = readKeyring(opts.dir, current);
      provider.replace(keyring);
      opts.onReload?.([...keyring.keys.keys()], keyring.current);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      opts.onError?.(err);
    }
  };
  const timer = opts.seconds > 0 ? setInterval(check, opts.seconds * 1000) : undefined;
  timer?.unref();
  return { check, stop: () => clearInterval(timer) };
}
