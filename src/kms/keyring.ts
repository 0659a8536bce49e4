// The keyring: KEKs in local files, one file per key, the file's name its key
// id; a directory of the operator's, or a mounted Kubernetes Secret (each data
// item a file, the items reached through symlinks into a `..data` directory
// that the kubelet swaps atomically on update). A setting names the current key:
// new objects are wrapped with it, objects wrapped with older keys keep
// unwrapping as long as their file stays. Rotation: add a file, point
// `encryption.keyring.current` at it; retire a key only when nothing uses it.
// https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { KEK_BYTES, additionalData, unwrapDataKey, wrapDataKey } from './envelope.js';
import { keyNotFound } from './errors.js';
import type { KeyProvider, WrapContext, WrappedKey } from './provider.js';

/** A key id: what may name a key file and go into object metadata. */
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

export interface Keyring {
  readonly dir: string;
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/**
 * A key file's 32 bytes: the file is exactly 32 raw bytes, or (surrounding
 * whitespace ignored) the base64 or base64url text of 32 bytes, as
 * `head -c32 /dev/urandom | base64` or `openssl rand -base64 32` writes it.
 */
export function parseKeyFile(content: Buffer, file: string): Buffer {
  const text = content.toString('latin1').trim();
  // 32 bytes that are all printable base64 are text (e.g. a 24-byte key in
  // base64), not a raw key: random raw bytes practically never are.
  if (content.length === KEK_BYTES && !/^[A-Za-z0-9+/=_\s-]*$/.test(content.toString('latin1'))) return Buffer.from(content);
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEK_BYTES) return key;
  }
  throw new ConfigError(
    `Key file ${file} is not a 256-bit key: it must hold exactly ${KEK_BYTES} raw bytes or their base64 text (e.g. from \`openssl rand -base64 32\`); it has ${content.length} bytes.`,
  );
}

/**
 * Reads every key of `dir`. Names starting with a dot (the Secret mount's
 * `..data` machinery, editor files) are skipped; any other entry must be a
 * key file with a valid name, so a misplaced file is found at start, not when
 * an object needs it. ConfigError names the file and what is wrong.
 */
export function readKeyring(dir: string, current: string): Keyring {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
  } catch (err) {
    throw new ConfigError(`Setting encryption.keyring.dir: cannot read the key directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  const keys = new Map<string, Buffer>();
  for (const name of names) {
    const file = join(dir, name);
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile(); // follows the Secret mount's symlinks
    } catch (err) {
      throw new ConfigError(`Key file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
    }
    if (!isFile) throw new ConfigError(`${file} in the key directory is not a file: the directory must hold only key files (one per key id).`);
    if (!KEY_ID.test(name)) {
      throw new ConfigError(`Key file ${file}: "${name}" is not a key id (letters, digits, '.', '_', '-', at most 64, starting with a letter or digit).`);
    }
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (err) {
      throw new ConfigError(`Key file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
    }
    keys.set(name, parseKeyFile(content, file));
  }
  if (keys.size === 0) throw new ConfigError(`Setting encryption.keyring.dir: the key directory ${dir} holds no key files.`);
  if (!keys.has(current)) {
    throw new ConfigError(`Setting encryption.keyring.current: "${current}" is not a key of ${dir} (it holds ${[...keys.keys()].join(', ')}).`);
  }
  return { dir, current, keys };
}

/** Wraps with the keyring's keys; `replace` swaps in a re-read keyring (requests in flight keep the one they started with). */
export class KeyringProvider implements KeyProvider {
  readonly name = 'keyring';
  #keyring: Keyring;

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  get currentKeyId(): string {
    return this.#keyring.current;
  }

  keyIds(): string[] {
    return [...this.#keyring.keys.keys()];
  }

  replace(keyring: Keyring): void {
    this.#keyring = keyring;
  }

  #kek(keyId: string): Buffer {
    const kek = this.#keyring.keys.get(keyId);
    if (!kek) throw keyNotFound(keyId, 'the keyring');
    return kek;
  }

  async wrap(dataKey: Buffer, context: WrapContext, keyId?: string): Promise<WrappedKey> {
    const id = keyId ?? this.#keyring.current;
    return { keyId: id, wrapped: wrapDataKey(this.#kek(id), dataKey, additionalData(this.name, id, context)) };
  }

  async unwrap(wrapped: string, context: WrapContext, keyId: string): Promise<Buffer> {
    return unwrapDataKey(this.#kek(keyId), wrapped, additionalData(this.name, keyId, context));
  }
}
