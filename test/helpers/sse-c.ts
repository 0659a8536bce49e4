// SSE-C request headers for a customer key (a random 256-bit one by default):
// what the SSE-C tests send on every write and read.
import { createHash, randomBytes } from 'node:crypto';

export function customerKey(key: Buffer = randomBytes(32)): Record<string, string> {
  return {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': key.toString('base64'),
    'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64'),
  };
}
