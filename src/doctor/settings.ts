// The settings half of the doctor: a config file whose keys the gateway does
// not know (a typo such as `keystone.authURL` is silently ignored by the
// loader, and the default or a missing-setting error follows), and the
// loader's own verdict in plain words.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, SETTINGS, loadConfig, type Config } from '../config.js';
import type { Report } from './report.js';

/** Every leaf path in a parsed YAML document (`a.b.c`); lists are leaves. */
export function leafPaths(doc: unknown, prefix = ''): string[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return prefix ? [prefix] : [];
  return Object.entries(doc as Record<string, unknown>).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

/** Levenshtein distance, case-insensitive: how far a typo is from a real setting. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** The known setting nearest to an unknown path, when it is near enough to be a typo. */
export function suggestSetting(path: string): string | undefined {
  let best: { path: string; d: number } | undefined;
  for (const s of SETTINGS) {
    const d = distance(path, s.path);
    if (!best || d < best.d) best = { path: s.path, d };
  }
  // Same last word in another section (`service.username` for `keystone.service.username`) counts too.
  const tail = path.split('.').pop()!.toLowerCase();
  const sameTail = SETTINGS.filter((s) => s.path.toLowerCase().endsWith(`.${tail}`) || s.path.toLowerCase() === tail);
  if (best && best.d <= Math.max(2, Math.floor(path.length / 5))) return best.path;
  return sameTail.length === 1 ? sameTail[0]!.path : undefined;
}

/** Reports unknown keys; returns the loaded Config, or undefined when the settings cannot be used. */
export function checkSettings(report: Report, file: string | undefined, env: NodeJS.ProcessEnv): Config | undefined {
  if (file) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch {
      doc = undefined; // loadConfig below says what is wrong with the file
    }
    const known = new Set(SETTINGS.map((s) => s.path));
    const unknown = leafPaths(doc).filter((p) => !known.has(p));
    for (const path of unknown) {
      const near = suggestSetting(path);
      report.fail('config', `${file} sets "${path}", which is not a setting of the gateway: it is ignored.`,
        near ? `did you mean "${near}"? (s3-swift-gateway --help lists every setting)` : 'remove it, or see s3-swift-gateway --help for the settings there are');
    }
  }
  try {
    const config = loadConfig({ file, env });
    report.ok('config', `${file ?? 'the environment'} gives every required setting a valid value`);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    report.fail('config', err.message, 'correct that setting (s3-swift-gateway --help lists every setting with its environment variable)');
    return undefined;
  }
}
