// SSE-C request headers: parsing and S3's errors for them, and the headers an
// answer echoes. A client sends the three together on PutObject, GetObject and
// HeadObject (and, for a copy's source, with the x-amz-copy-source- prefix):
//   x-amz-server-side-encryption-customer-algorithm: AES256
//   x-amz-server-side-encryption-customer-key: base64 of a 256-bit key
//   x-amz-server-side-encryption-customer-key-MD5: base64 of the key's MD5
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
// The key is a secret: it never goes into an error's details, a log line or a
// header sent on; the answer echoes only the algorithm and the key's MD5,
// which the client sent (S3 does the same).
import { createHash } from 'node:crypto';
import { s3Error } from './errors.js';

export const SSE_C_PREFIX = 'x-amz-server-side-encryption-customer-';
export const COPY_SOURCE_SSE_C_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';
export const SSE_C_ALGORITHM_HEADER = SSE_C_PREFIX + 'algorithm';
export const SSE_C_KEY_MD5_HEADER = SSE_C_PREFIX + 'key-md5';

/** The only algorithm SSE-C has. */
export const SSE_C_ALGORITHM = 'AES256';

export interface CustomerKey {
  readonly algorithm: typeof SSE_C_ALGORITHM;
  /** The 32 key bytes: a secret, for the cipher only. */
  readonly key: Buffer;
  /** The key's MD5 as the client sent it (base64): echoed in answers. */
  readonly keyMd5: string;
}

const MESSAGES = {
  algorithm: 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
  key: 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.',
  keyMd5: 'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.',
  badKey: 'The secret key was invalid for the specified algorithm.',
  md5Mismatch: 'The calculated MD5 hash of the key did not match the hash that was provided.',
} as const;

/** S3's refusal of SSE-C over plain HTTP. */
export const INSECURE_SSE_C_MESSAGE = 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.';
/** S3's answer to a read of an encrypted object without (all) the key's headers. */
export const ENCRYPTED_OBJECT_MESSAGE = 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.';
/** S3's answer to SSE-C headers on a read of an object that is not encrypted with them. */
export const NOT_APPLICABLE_MESSAGE = 'The encryption parameters are not applicable to this object.';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether a request carries any SSE-C header with this prefix. */
export function hasCustomerKeyHeaders(headers: Readonly<Record<string, string>>, prefix = SSE_C_PREFIX): boolean {
  return Object.keys(headers).some((name) => name.startsWith(prefix));
}

/**
 * The customer key a request names, or undefined when it sends none of the
 * three headers. A partial set, another algorithm, a key that is not 256 bits
 * of base64, or an MD5 that does not match the key: 400 InvalidArgument with
 * S3's message. An unknown header with the prefix is InvalidArgument too.
 */
export function parseCustomerKey(headers: Readonly<Record<string, string>>, prefix = SSE_C_PREFIX): CustomerKey | undefined {
  if (!hasCustomerKeyHeaders(headers, prefix)) return undefined;
  const algorithmName = prefix + 'algorithm';
  const keyName = prefix + 'key';
  const md5Name = prefix + 'key-md5';
  for (const name of Object.keys(headers)) {
    if (name.startsWith(prefix) && name !== algorithmName && name !== keyName && name !== md5Name) {
      throw s3Error('InvalidArgument', { ArgumentName: name }, `Unknown server-side encryption header ${name}.`);
    }
  }
  const algorithm = headers[algorithmName]?.trim();
  if (algorithm === undefined || algorithm !== SSE_C_ALGORITHM) {
    // (The value is no secret: it may be shown.)
    throw s3Error('InvalidArgument', { ArgumentName: algorithmName, ArgumentValue: algorithm ?? 'null' }, MESSAGES.algorithm);
  }
  const keyText = headers[keyName]?.trim();
  if (keyText === undefined || keyText === '') throw s3Error('InvalidArgument', { ArgumentName: keyName, ArgumentValue: 'null' }, MESSAGES.key);
  const md5Text = headers[md5Name]?.trim();
  if (md5Text === undefined || md5Text === '') throw s3Error('InvalidArgument', { ArgumentName: md5Name, ArgumentValue: 'null' }, MESSAGES.keyMd5);
  // The key's value is never shown back, not even in an error.
  const key = BASE64.test(keyText) ? Buffer.from(keyText, 'base64') : Buffer.alloc(0);
  if (key.length !== 32 || key.toString('base64') !== keyText) throw s3Error('InvalidArgument', { ArgumentName: keyName }, MESSAGES.badKey);
  const md5 = createHash('md5').update(key).digest('base64');
  if (md5 !== md5Text) throw s3Error('InvalidArgument', { ArgumentName: md5Name }, MESSAGES.md5Mismatch);
  return { algorithm: SSE_C_ALGORITHM, key, keyMd5: md5 };
}

/** The headers an answer about an SSE-C object carries (PutObject, GetObject, HeadObject). */
export function customerKeyResponseHeaders(customer: CustomerKey): Record<string, string> {
  return { [SSE_C_ALGORITHM_HEADER]: customer.algorithm, [SSE_C_KEY_MD5_HEADER]: customer.keyMd5 };
}

/**
 * A canonical request or string to sign as an error may show it
 * (SignatureDoesNotMatch), with the values of the SSE-C key headers (and
 * their MD5) replaced: the key is a secret, and error bodies pass through
 * proxies and client logs.
 */
export function withoutCustomerKeys(text: string): string {
  if (!text.includes('server-side-encryption-customer-key')) return text;
  return text.replace(/^(x-amz-(?:copy-source-)?server-side-encryption-customer-key(?:-md5)?):.*$/gim, '$1:<redacted>');
}
