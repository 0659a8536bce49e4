// The signature of a browser upload form (POST object): over the base64
// policy field itself. SigV4: x-amz-algorithm, x-amz-credential, x-amz-date,
// x-amz-signature = hex HMAC-SHA256 with the scope's signing key; SigV2:
// AWSAccessKeyId and signature = base64 HMAC-SHA1 with the secret.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html#HTTPPOSTConstructingPolicySignature
import { s3Error } from '../s3/errors.js';
import { signaturesEqual } from './compare.js';
import type { Credential, CredentialStore } from './credentials.js';
import { signV2 } from './sigv2.js';
import { parseCredential } from './sigv4-claim.js';
import { ALGORITHM } from './sigv4-canonical.js';
import { SigningKeyCache, signHex } from './signing-keys.js';

export interface PostAuthOptions {
  readonly acceptedRegions: readonly string[];
  readonly signingKeys?: SigningKeyCache;
}

const DEFAULT_SIGNING_KEYS = new SigningKeyCache();

/** Whether the form claims a signature (else it is an anonymous upload). */
export function formIsSigned(fields: ReadonlyMap<string, string>): boolean {
  return ['x-amz-signature', 'x-amz-credential', 'x-amz-algorithm', 'awsaccesskeyid', 'signature'].some((f) => fields.has(f));
}

const missing = (field: string) => s3Error('InvalidArgument', { ArgumentName: field, ArgumentValue: '' }, `Bucket POST must contain a field named '${field}'.  If it is specified, please check the order of the fields.`);

/**
 * The credential whose key signed the form's policy; throws S3's error for a
 * form signed wrongly. (The policy's expiration, checked with its
 * conditions, bounds how long a signed form stays good; S3 does not apply
 * the 15-minute clock skew here.)
 */
export async function authenticatePostForm<I>(fields: ReadonlyMap<string, string>, store: CredentialStore<I>, opts: PostAuthOptions): Promise<Credential<I>> {
  const policy = fields.get('policy');
  if (fields.has('x-amz-signature') || fields.has('x-amz-credential') || fields.has('x-amz-algorithm')) {
    for (const f of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature', 'policy']) if (!fields.has(f)) throw missing(f);
    if (fields.get('x-amz-algorithm') !== ALGORITHM) {
      throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-algorithm', ArgumentValue: fields.get('x-amz-algorithm') ?? '' }, `Only ${ALGORITHM} is supported.`);
    }
    const amzDate = fields.get('x-amz-date')!;
    if (!/^\d{8}T\d{6}Z$/.test(amzDate)) throw s3Error('InvalidArgument', { ArgumentName: 'x-amz-date', ArgumentValue: amzDate }, 'x-amz-date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
    const scope = parseCredential(fields.get('x-amz-credential')!, amzDate, opts.acceptedRegions, false);
    const credential = await store.lookup(scope.accessKeyId);
    if (!credential) throw s3Error('InvalidAccessKeyId', { AWSAccessKeyId: scope.accessKeyId });
    const key = (opts.signingKeys ?? DEFAULT_SIGNING_KEYS).get(credential.secretKey, scope.scopeDate, scope.region, scope.service);
    if (!signaturesEqual(signHex(key, policy!), fields.get('x-amz-signature')!.trim().toLowerCase())) {
      throw s3Error('SignatureDoesNotMatch', { AWSAccessKeyId: scope.accessKeyId, StringToSign: policy! });
    }
    return credential;
  }
  for (const f of ['awsaccesskeyid', 'signature', 'policy']) if (!fields.has(f)) throw missing(f === 'awsaccesskeyid' ? 'AWSAccessKeyId' : f);
  const accessKeyId = fields.get('awsaccesskeyid')!.trim();
  const credential = await store.lookup(accessKeyId);
  if (!credential) throw s3Error('InvalidAccessKeyId', { AWSAccessKeyId: accessKeyId });
  if (!signaturesEqual(signV2(credential.secretKey, policy!), fields.get('signature')!.trim())) {
    throw s3Error('SignatureDoesNotMatch', { AWSAccessKeyId: accessKeyId, StringToSign: policy! });
  }
  return credential;
}
