// Authenticates an S3 request: finds which signing form it uses (SigV2 or
// SigV4, header or presigned), looks up the secret, checks the clock and
// compares signatures in constant time.
import { withoutCustomerKeys } from '../s3/sse.js';
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import { parseClientDate } from '../s3/time.js';
import { signaturesEqual } from './compare.js';
import type { Credential, CredentialStore } from './credentials.js';
import { canonicalResources, signV2, stringToSign, stringToSignBase } from './sigv2.js';
import { verifyV4, type V4Context } from './sigv4.js';
import { headerClaim, queryClaim, type V4Claim } from './sigv4-claim.js';
import { ALGORITHM } from './sigv4-canonical.js';
import { SigningKeyCache } from './signing-keys.js';

export { signaturesEqual } from './compare.js';

export interface AuthOptions {
  /** Largest accepted difference between the request's date and ours (S3: 15 minutes). */
  readonly maxSkewMs: number;
  readonly now: () => number;
  /** Regions a SigV4 credential scope may name; the first is the one error messages expect. Default us-east-1. */
  readonly acceptedRegions?: readonly string[];
  /** Derived SigV4 signing keys; a process-wide cache when not given. */
  readonly signingKeys?: SigningKeyCache;
}

export interface Authenticated<I> {
  readonly credential: Credential<I>;
  readonly scheme: 'sigv2' | 'sigv2-presigned' | 'sigv4' | 'sigv4-presigned';
  /** For SigV4: what the payload verification needs (signing key, scope, payload mode). */
  readonly v4?: V4Context;
}

const DEFAULT_SIGNING_KEYS = new SigningKeyCache();

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
      if (auth.startsWith('AWS4-ECDSA-P256-SHA256')) {
        throw s3Error('NotImplemented', {}, 'AWS Signature Version 4A is not supported by this gateway; sign with Signature Version 4.');
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

const ONE_MECHANISM = 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';

/**
 * S3 refuses a request that carries its signature in more than one place
 * (InvalidArgument, ArgumentName Authorization, with the message above, as S3
 * answers it), rather than pick one: a front proxy and the gateway must never
 * read the same request as signed by two different keys. Two Authorization
 * headers are refused the same way (node's raw headers keep both; joined
 * with ',' they would parse as one odd signature). Swift's s3api picks the
 * query and ignores the header instead. AWS echoes the header in
 * ArgumentValue; the gateway does not repeat a signature.
 */
export function checkOneAuthMechanism(req: S3Request): void {
  if (req.repeatedHeaders.has('authorization')) {
    throw s3Error('InvalidArgument', { ArgumentName: 'Authorization' }, 'Only one auth mechanism allowed; only one Authorization header should be specified');
  }
  const q = req.query;
  const mechanisms = [
    req.headers['authorization'] !== undefined,
    q.has('X-Amz-Algorithm') || q.has('X-Amz-Signature') || q.has('X-Amz-Credential'),
    q.has('Signature') || q.has('AWSAccessKeyId'),
  ].filter(Boolean).length;
  if (mechanisms > 1) {
    throw s3Error('InvalidArgument', { ArgumentName: req.headers['authorization'] !== undefined ? 'Authorization' : 'X-Amz-Algorithm' }, ONE_MECHANISM);
  }
}

/** A request with no signature in any form (no Authorization header, no signing query parameters). */
export function isAnonymous(req: S3Request): boolean {
  if (req.headers['authorization'] !== undefined) return false;
  const q = req.query;
  return !['X-Amz-Algorithm', 'X-Amz-Signature', 'X-Amz-Credential', 'AWSAccessKeyId', 'Signature', 'Expires'].some((name) => q.has(name));
}

/**
 * Returns the caller's credential, or throws the S3 error a client should see.
 * A request without any signature is anonymous; the gateway serves no anonymous
 * requests, so that is AccessDenied.
 */
export async function authenticate<I>(req: S3Request, store: CredentialStore<I>, opts: AuthOptions): Promise<Authenticated<I>> {
  checkOneAuthMechanism(req);
  const v4 = v4Claim(req, opts.acceptedRegions ?? ['us-east-1']);
  if (v4) return authenticateV4(v4, req, store, opts);
  const claim = v2Claim(req);
  if (!claim) throw s3Error('AccessDenied', {}, 'Anonymous access is not allowed; sign the request.');
  checkTime(req, claim, opts);
  const base = stringToSignBase(req, claim.presignedExpires);
  const candidates = canonicalResources(req).map((resource) => stringToSign({ ...base, resource }));
  const credential = await store.lookup(claim.accessKeyId);
  if (!credential) throw s3Error('InvalidAccessKeyId', { AWSAccessKeyId: claim.accessKeyId });
  for (const candidate of candidates) {
    if (signaturesEqual(signV2(credential.secretKey, candidate), claim.signature)) {
      return { credential, scheme: claim.presignedExpires === undefined ? 'sigv2' : 'sigv2-presigned' };
    }
  }
  // (SSE-C key headers are shown without their values: the key is a secret.)
  const shown = withoutCustomerKeys(candidates[0]!);
  // As S3 does, show the string we signed so the client can find its mistake;
  // the secret and the expected signature never leave the gateway.
  throw s3Error('SignatureDoesNotMatch', {
    AWSAccessKeyId: claim.accessKeyId,
    StringToSign: shown,
    SignatureProvided: claim.signature,
    StringToSignBytes: [...Buffer.from(shown, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' '),
  });
}

/** The SigV4 claim of a request, if it is signed with SigV4 (header or query). */
function v4Claim(req: S3Request, acceptedRegions: readonly string[]): V4Claim | undefined {
  const auth = req.headers['authorization'];
  if (auth !== undefined) return auth.trim().startsWith(ALGORITHM) ? headerClaim(req, auth, acceptedRegions) : undefined;
  if (req.query.has('X-Amz-Algorithm') || req.query.has('X-Amz-Signature') || req.query.has('X-Amz-Credential')) {
    return queryClaim(req, acceptedRegions);
  }
  return undefined;
}

async function authenticateV4<I>(claim: V4Claim, req: S3Request, store: CredentialStore<I>, opts: AuthOptions): Promise<Authenticated<I>> {
  const credential = await store.lookup(claim.accessKeyId);
  if (!credential) throw s3Error('InvalidAccessKeyId', { AWSAccessKeyId: claim.accessKeyId });
  const v4 = verifyV4(req, claim, credential.secretKey, {
    maxSkewMs: opts.maxSkewMs,
    now: opts.now,
    signingKeys: opts.signingKeys ?? DEFAULT_SIGNING_KEYS,
  });
  return { credential, scheme: claim.expiresSeconds === undefined ? 'sigv4' : 'sigv4-presigned', v4 };
}
