// Which server-side encryption a write gets, checked before any Swift call:
// the request's SSE-C key, or its SSE-S3/SSE-KMS headers, or (neither sent)
// the bucket's default encryption (bucket-default.ts). S3: a request's own
// header wins over the bucket default; SSE-C and x-amz-server-side-encryption
// together are InvalidArgument. The key provider a managed mode needs must be
// configured (encryption.providers.*, encryption.keyring.* or .barbican.*):
// otherwise NotImplemented, never a plaintext object the client believes encrypted.
import { s3Error } from '../../s3/errors.js';
import { SSE_C_CONFLICT_MESSAGE, SSE_HEADER, SSE_S3_ALGORITHM, hasManagedEncryptionHeaders, parseManagedEncryption, type ManagedEncryption } from '../../s3/sse-managed.js';
import type { CustomerKey } from '../../s3/sse.js';
import type { KeyProvider } from '../../kms/provider.js';
import type { OperationContext } from '../context.js';
import { requestedCustomerKey } from './customer-key.js';

/** How a write's data key is wrapped: under the customer's key, or by a key provider. */
export type KeyWrapping =
  | { readonly kind: 'customer'; readonly customer: CustomerKey }
  | { readonly kind: 'managed'; readonly encryption: ManagedEncryption; readonly provider: KeyProvider };

/** The SSE-S3/SSE-KMS a request's headers ask for (undefined: none), SSE-C's conflict refused. */
export function requestedManagedEncryption(ctx: Pick<OperationContext, 'req' | 'sse'>): ManagedEncryption | undefined {
  if (!hasManagedEncryptionHeaders(ctx.req.headers)) return undefined;
  const managed = parseManagedEncryption(ctx.req.headers);
  if (managed && requestedCustomerKey(ctx)) {
    throw s3Error('InvalidArgument', { ArgumentName: SSE_HEADER, ArgumentValue: managed.algorithm }, SSE_C_CONFLICT_MESSAGE);
  }
  return managed;
}

/** The provider that wraps data keys for this mode; NotImplemented when the gateway has none configured. */
export function providerFor(ctx: Pick<OperationContext, 'sse'>, encryption: ManagedEncryption): KeyProvider {
  const s3 = encryption.algorithm === SSE_S3_ALGORITHM;
  const provider = s3 ? ctx.sse?.providers?.sseS3 : ctx.sse?.providers?.kms;
  if (!provider) {
    const what = s3 ? 'SSE-S3 (x-amz-server-side-encryption: AES256)' : 'SSE-KMS (x-amz-server-side-encryption: aws:kms)';
    throw s3Error('NotImplemented', { Header: SSE_HEADER },
      `Server-side encryption ${what} is not set up on this gateway (no key provider: encryption.keyring.* or encryption.barbican.*); the request was not carried out.`);
  }
  return provider;
}

/** The wrapping of a write that asks for `managed` (its own headers or the bucket's default). */
export const managedWrapping = (ctx: Pick<OperationContext, 'sse'>, encryption: ManagedEncryption): KeyWrapping =>
  ({ kind: 'managed', encryption, provider: providerFor(ctx, encryption) });
