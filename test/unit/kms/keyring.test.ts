// The keyring provider: key files, rotation, unknown ids, bad files, context binding, reload.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { KeyringProvider, parseKeyFile, readKeyring } from '../../../src/kms/keyring.js';
import { watchKeyring } from '../../../src/kms/keyring-watch.js';
import type { WrapContext } from '../../../src/kms/provider.js';
import { S3Error } from '../../../src/s3/errors.js';

const root = mkdtempSync(join(tmpdir(), 's3gw-keyring-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh key directory with the given files (name → content). */
function keyDir(files: Record<string, string | Buffer>): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const b64 = () => randomBytes(32).toString('base64') + '\n';
const ctx: WrapContext = { bucket: 'photos', key: 'cat.jpg' };

async function rejection(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected an S3Error');
}
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('key files', () => {
  it('reads 32 raw bytes, base64 and base64url text, ignoring surrounding whitespace', () => {
    const key = randomBytes(32);
    expect(parseKeyFile(key, 'k')).toEqual(key);
    expect(parseKeyFile(Buffer.from(`  ${key.toString('base64')}\n`), 'k')).toEqual(key);
    expect(parseKeyFile(Buffer.from(key.toString('base64url')), 'k')).toEqual(key);
  });

  it('refuses a key of another length with a ConfigError naming the file', () => {
    expect(configError(() => parseKeyFile(Buffer.from(randomBytes(16).toString('base64')), '/keys/short')).message).toMatch(/not a 256-bit key/);
    // 24 bytes in base64 are 32 characters: text, not a raw 32-byte key.
    const err = configError(() => parseKeyFile(Buffer.from(randomBytes(24).toString('base64')), '/keys/short'));
    expect(err.message).toContain('/keys/short');
    expect(configError(() => parseKeyFile(Buffer.from('not a key at all'), '/keys/text')).message).toContain('/keys/text');
  });

  it('refuses an empty directory, a current key it lacks, a badly named file and a subdirectory', () => {
    expect(configError(() => readKeyring(keyDir({}), 'k1')).message).toMatch(/holds no key files/);
    expect(configError(() => readKeyring(keyDir({ k1: b64() }), 'k2')).message).toMatch(/"k2" is not a key of .* \(it holds k1\)/);
    expect(configError(() => readKeyring(keyDir({ k1: b64(), 'bad name': b64() }), 'k1')).message).toMatch(/"bad name" is not a key id/);
    const withSub = keyDir({ k1: b64() });
    mkdirSync(join(withSub, 'sub'));
    expect(configError(() => readKeyring(withSub, 'k1')).message).toMatch(/is not a file/);
    expect(configError(() => readKeyring(join(root, 'missing'), 'k1')).message).toMatch(/cannot read the key directory .*ENOENT/);
  });

  it('reads a mounted Kubernetes Secret: key files are symlinks into ..data, dot entries are skipped', () => {
    const dir = keyDir({});
    mkdirSync(join(dir, '..2026_12_01'));
    writeFileSync(join(dir, '..2026_12_01', 'k1'), b64());
    symlinkSync('..2026_12_01', join(dir, '..data'));
    symlinkSync('..data/k1', join(dir, 'k1'));
    expect([...readKeyring(dir, 'k1').keys.keys()]).toEqual(['k1']);
  });
});

describe('KeyringProvider', () => {
  it('wraps with the current key and unwraps to the same data key', async () => {
    const provider = new KeyringProvider(readKeyring(keyDir({ k1: b64(), k2: b64() }), 'k2'));
    const dataKey = randomBytes(32);
    const { keyId, wrapped } = await provider.wrap(dataKey, ctx);
    expect(keyId).toBe('k2');
    expect(wrapped).toMatch(/^g1\.[A-Za-z0-9_-]+$/);
    expect(wrapped.length).toBeLessThan(100);
    expect(wrapped).not.toContain(dataKey.toString('base64url'));
    expect(await provider.unwrap(wrapped, ctx, keyId)).toEqual(dataKey);
  });

  it('wraps the same key differently each time (a fresh IV)', async () => {
    const provider = new KeyringProvider(readKeyring(keyDir({ k1: b64() }), 'k1'));
    const dataKey = randomBytes(32);
    expect((await provider.wrap(dataKey, ctx)).wrapped).not.toBe((await provider.wrap(dataKey, ctx)).wrapped);
  });

  it('rotation: after the current key changes new writes use it and old objects still unwrap', async () => {
    const k1 = b64();
    const provider = new KeyringProvider(readKeyring(keyDir({ k1 }), 'k1'));
    const dataKey = randomBytes(32);
    const old = await provider.wrap(dataKey, ctx);
    provider.replace(readKeyring(keyDir({ k1, k2: b64() }), 'k2'));
    expect((await provider.wrap(randomBytes(32), ctx)).keyId).toBe('k2');
    expect(await provider.unwrap(old.wrapped, ctx, 'k1')).toEqual(dataKey);
  });

  it('answers a key id it does not hold with KMS.NotFoundException (400), on wrap and unwrap', async () => {
    const provider = new KeyringProvider(readKeyring(keyDir({ k1: b64() }), 'k1'));
    const wrapErr = await rejection(provider.wrap(randomBytes(32), ctx, 'nope'));
    expect([wrapErr.code, wrapErr.status]).toEqual(['KMS.NotFoundException', 400]);
    expect(wrapErr.message).toContain("'nope'");
    const { wrapped } = await provider.wrap(randomBytes(32), ctx);
    expect((await rejection(provider.unwrap(wrapped, ctx, 'gone'))).code).toBe('KMS.NotFoundException');
  });

  it('does not unwrap a wrapped key under another object, encryption context or key id', async () => {
    const key = b64();
    const provider = new KeyringProvider(readKeyring(keyDir({ k1: key, k2: key }), 'k1'));
    const withContext: WrapContext = { ...ctx, encryptionContext: { project: 'x', team: 'y' } };
    const { wrapped } = await provider.wrap(randomBytes(32), withContext);
    for (const other of <WrapContext[]>[
      { bucket: 'photos', key: 'dog.jpg' },
      { bucket: 'photo', key: 'scat.jpg' },
      { ...ctx, encryptionContext: { project: 'x' } },
      { ...ctx, encryptionContext: { project: 'x', team: 'z' } },
    ]) {
      const err = await rejection(provider.unwrap(wrapped, other, 'k1'));
      expect([err.code, err.status]).toEqual(['AccessDenied', 403]);
    }
    // The same bytes under another id: the id is bound too.
    expect((await rejection(provider.unwrap(wrapped, withContext, 'k2'))).code).toBe('AccessDenied');
    // The context's pairs in another order are the same context.
    const reordered = await provider.unwrap(wrapped, { ...ctx, encryptionContext: { team: 'y', project: 'x' } }, 'k1');
    expect(reordered.length).toBe(32);
  });

  it('refuses an altered or malformed wrapped key with AccessDenied', async () => {
    const provider = new KeyringProvider(readKeyring(keyDir({ k1: b64() }), 'k1'));
    const { wrapped } = await provider.wrap(randomBytes(32), ctx);
    const flipped = wrapped.slice(0, 10) + (wrapped[10] === 'A' ? 'B' : 'A') + wrapped.slice(11);
    for (const bad of [flipped, wrapped.slice(0, -2), 'g2' + wrapped.slice(2), `${wrapped}.x`, `${wrapped}=`, `${wrapped}A`, '', 'g1.', 'g1.!!!!']) {
      expect((await rejection(provider.unwrap(bad, ctx, 'k1'))).code).toBe('AccessDenied');
    }
  });
});

describe('watchKeyring', () => {
  it('sees a Secret update: the kubelet swaps the ..data symlink to a new directory, the key paths stay', async () => {
    const dir = keyDir({});
    const version = (name: string, files: Record<string, string>) => {
      mkdirSync(join(dir, name));
      for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, name, k), v);
    };
    version('..v1', { k1: b64() });
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync('..data/k1', join(dir, 'k1'));
    const provider = new KeyringProvider(readKeyring(dir, 'k1'));
    const before = await provider.wrap(randomBytes(32), ctx);
    const watch = watchKeyring(provider, { dir, current: () => 'k1', seconds: 0 });
    version('..v2', { k1: b64() }); // k1 replaced by a new key of the same id
    symlinkSync('..v2', join(dir, '..data.tmp'));
    renameSync(join(dir, '..data.tmp'), join(dir, '..data'));
    watch.check();
    expect((await rejection(provider.unwrap(before.wrapped, ctx, 'k1'))).code).toBe('AccessDenied');
    watch.stop();
  });

  it('takes a changed directory (a new current key), and keeps the old keys when the new files do not load', async () => {
    const dir = keyDir({ k1: b64() });
    const provider = new KeyringProvider(readKeyring(dir, 'k1'));
    let current = 'k1';
    const reloads: string[] = [];
    const errors: string[] = [];
    const watch = watchKeyring(provider, { dir, current: () => current, seconds: 0, onReload: (_ids, c) => reloads.push(c), onError: (e) => errors.push(e.message) });
    watch.check();
    expect(reloads).toEqual([]); // nothing changed
    writeFileSync(join(dir, 'k2'), b64());
    current = 'k2';
    watch.check();
    expect(reloads).toEqual(['k2']);
    expect(provider.currentKeyId).toBe('k2');
    writeFileSync(join(dir, 'k3'), 'too short');
    watch.check();
    expect(errors[0]).toMatch(/k3 is not a 256-bit key/);
    expect(provider.keyIds()).toEqual(['k1', 'k2']);
    watch.stop();
  });
});
