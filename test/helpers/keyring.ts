// A keyring directory for tests of SSE-S3/SSE-KMS on the keyring provider:
// one base64 key file per id (encryption.keyring.dir), the bytes returned so a
// test can check what was wrapped with them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes (or adds) key files `ids` under `dir`; returns each id's 32 bytes. */
export function writeKeyring(dir: string, ids: readonly string[]): Record<string, Buffer> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: Record<string, Buffer> = {};
  for (const id of ids) {
    keys[id] = randomBytes(32);
    writeFileSync(join(dir, id), `${keys[id].toString('base64')}\n`, { mode: 0o600 });
  }
  return keys;
}
