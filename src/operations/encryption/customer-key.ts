// The customer key of a request (SSE-C), checked before any Swift call: the
// connection must be secure (or encryption.customerKeysOverHttp), the three
// headers complete and consistent (s3/sse.ts).
import { s3Error } from '../../s3/errors.js';
import { INSECURE_SSE_C_MESSAGE, hasCustomerKeyHeaders, parseCustomerKey, type CustomerKey } from '../../s3/sse.js';
import type { OperationContext } from '../context.js';

/** The request's SSE-C key, or undefined when it sends no SSE-C header. */
export function requestedCustomerKey(ctx: Pick<OperationContext, 'req' | 'sse'>): CustomerKey | undefined {
  if (!hasCustomerKeyHeaders(ctx.req.headers)) return undefined;
  if (!ctx.sse) throw s3Error('NotImplemented', {}, 'Server-side encryption with customer keys is not set up on this gateway; the request was not carried out.');
  // S3 refuses the key over plain HTTP whatever else is wrong: it has been exposed already.
  if (!ctx.sse.customerKeysAllowed) throw s3Error('InvalidRequest', {}, INSECURE_SSE_C_MESSAGE);
  return parseCustomerKey(ctx.req.headers);
}
