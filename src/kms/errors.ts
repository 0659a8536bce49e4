// The S3 errors of key providers. A key id is shown to the client (it named
// it); a key, a token or Barbican's answer body never is.
import { s3Error, type S3Error } from '../s3/errors.js';

/** An unknown or malformed key id: S3 answers SSE-KMS with such a key 400 KMS.NotFoundException. */
export function keyNotFound(keyId: string, where: string): S3Error {
  return s3Error('KMS.NotFoundException', {}, `Invalid keyId '${keyId.slice(0, 200)}': ${where} holds no such key.`);
}

/**
 * The key manager cannot be reached (or answers 5xx) and the key is not
 * cached: 503 ServiceUnavailable, which SDKs retry. S3 itself answers a KMS
 * outage with a 5xx (KMS's KMSInternalException / DependencyTimeoutException
 * are server faults); KMS.KMSInvalidStateException (400) is about a key's state
 * (disabled, pending deletion), not reachability, so it is not used here.
 */
export function keyManagerUnavailable(what: string, cause?: unknown): S3Error {
  return s3Error('ServiceUnavailable', {}, `The key manager is unavailable (${what}); please retry.`, cause);
}

/** The key manager refuses the gateway this key: 403, as S3 answers a KMS permission failure. */
export function keyAccessDenied(keyId: string, hint: string): S3Error {
  return s3Error('AccessDenied', {}, `Access to KMS key '${keyId.slice(0, 200)}' is denied: ${hint}.`);
}

/** The key exists but is not a 256-bit symmetric key. */
export function keyUnusable(keyId: string, why: string): S3Error {
  return s3Error('InvalidArgument', {}, `KMS key '${keyId.slice(0, 200)}' cannot wrap data keys: ${why}.`);
}
