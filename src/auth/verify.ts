// Authenticates an S3 request: finds which signing form it uses, looks up the
// secret, checks the clock and compares signatures in constant time.
import { timingSafeEqual } from 'node:crypto';
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import { parseClientDate } from '../s3/time.js';
import type { Credential, CredentialStore } from './credentials.js';
import { canonicalResources, signV2, stringToSign, stringToSignBase } from './sigv2.js';

export interface AuthOptions {
  /** Largest accepted difference between the request's date and ours (S3: 15 minutes). */
  readonly maxSkewMs: number;
  readonly now: () => number;
}

export interface Authenticated<I> {
  readonly credential: Credential<I>;
  readonly scheme: 'sigv2' | 'sigv2-presigned';
}

export type AuthFailureReason =
  | 'anonymous'
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'skew'
  | 'expired'
  | 'unsupported';

/** Constant-time comparison of two signature strings, whatever their lengths. */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // same work either way
    return false;
  }
  return timingSafeEqual(a, b);
}

interface V2Claim {
  readonly accessKeyId: string;
  readonly signature: string;
  readonly presignedExpires?: string;
}

function v2Claim(req: S3Request): V2Claim | undefined {
  const auth = req.headers['authorization'];
  if (auth !== undefined) {
    const m = /^AWS ([^:\s]+):(\S+)$/.exec(auth.trim());
    if (!m) {
      if (auth.startsWith('AWS4-HMAC-SHA256')) {
        throw s3Error('NotImplemented', {}, 'AWS Signature Version 4 is not supported yet by this gateway; sign with Signature Version 2.');
      }
      throw s3Error('AccessDenied', {}, 'Unsupported or malformed Authorization header; expected "AWS AccessKeyId:Signature".');
    }
    return { accessKeyId: m[1]!, signature: m[2]! };
  }
  const q = req.query;
  if (q.has('AWSAccessKeyId') || q.has('Signature') || q.has('Expires')) {
    const accessKeyId = q.get('AWSAccessKeyId');
    const signature = q.get('Signature');
    const expires = q.get('Expires');
    if (!accessKeyId || !signature || !expires) {
      throw s3Error('AccessDenied', {}, 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
    }
    return { accessKeyId, signature, presignedExpires: expires };
  }
  if (q.has('X-Amz-Algorithm') || q.has('X-Amz-Signature')) {
    throw s3Error('NotImplemented', {}, 'AWS Signature Version 4 presigned URLs are not supported yet by this gateway.');
  }
  return undefined;
}

function checkTime(req: S3Request, claim: V2Claim, opts: AuthOptions): void {
  const now = opts.now();
  if (claim.presignedExpires !== undefined) {
    const expires = Number(claim.presignedExpires);
    if (!/^\d+$/.test(claim.presignedExpires)) {
      throw s3Error('AccessDenied', {}, 'Invalid date (should be seconds since epoch): ' + claim.presignedExpires);
    }
    if (expires * 1000 < now) {
      throw s3Error('AccessDenied', { Expires: new Date(expires * 1000).toISOString(), ServerTime: new Date(now).toISOString() }, 'Request has expired');
    }
    return;
  }
  const raw = req.headers['x-amz-date'] ?? req.headers['date'];
  const date = parseClientDate(raw);
  if (!date) {
    throw s3Error('AccessDenied', {}, 'AWS authentication requires a valid Date or x-amz-date header');
  }
  if (Math.abs(date.getTime() - now) > opts.maxSkewMs) {
    throw s3Error('RequestTimeTooSkewed', {
      RequestTime: raw,
      ServerTime: new Date(now).toISOString(),
      MaxAllowedSkewMilliseconds: opts.maxSkewMs,
    });
  }
}

/**
 * Returns the caller's credential, or throws the S3 error a client should see.
 * A request without any signature is anonymous; the gateway serves no anonymous
 * requests, so that is AccessDenied.
 */
export async function authenticate<I>(req: S3Request, store: CredentialStore<I>, opts: AuthOptions): Promise<Authenticated<I>> {
  const claim = v2Claim(req);
  if (!claim) throw s3Error('AccessDenied', {}, 'Anonymous access is not allowed; sign the request.');
  const credential = await store.lookup(claim.accessKeyId);
  if (!credential) throw s3Error('InvalidAccessKeyId', { AWSAccessKeyId: claim.accessKeyId });
  checkTime(req, claim, opts);

  const base = stringToSignBase(req, claim.presignedExpires);
  const candidates = canonicalResources(req).map((resource) => stringToSign({ ...base, resource }));
  for (const candidate of candidates) {
    if (signaturesEqual(signV2(credential.secretKey, candidate), claim.signature)) {
      return { credential, scheme: claim.presignedExpires === undefined ? 'sigv2' : 'sigv2-presigned' };
    }
  }
  const shown = candidates[0]!;
  // As S3 does, show the string we signed so the client can find its mistake;
  // the secret and the expected signature never leave the gateway.
  throw s3Error('SignatureDoesNotMatch', {
    AWSAccessKeyId: claim.accessKeyId,
    StringToSign: shown,
    SignatureProvided: claim.signature,
    StringToSignBytes: [...Buffer.from(shown, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  });
}
