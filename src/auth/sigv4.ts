// Verifies an AWS Signature Version 4 claim (header or presigned): clock,
// expiry, then the signature over the canonical request, compared in constant
// time. Returns what the body check needs: the signing key, the scope and the
// seed signature chunk signatures chain from.
import { s3Error } from '../s3/errors.js';
import type { S3Request } from '../s3/request.js';
import { parseClientDate } from '../s3/time.js';
import { signaturesEqual } from './compare.js';
import type { PayloadMode, V4Claim } from './sigv4-claim.js';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUris,
  credentialScope,
  stringToSign,
} from './sigv4-canonical.js';
import { signHex, type SigningKeyCache } from './signing-keys.js';

export interface V4Options {
  readonly maxSkewMs: number;
  readonly now: () => number;
  readonly signingKeys: SigningKeyCache;
}

/** What the payload verification of a SigV4 request needs. */
export interface V4Context {
  readonly signingKey: Buffer;
  readonly scope: string;
  readonly amzDate: string;
  /** The request's own signature: the first "previous signature" of a signed chunk stream. */
  readonly seedSignature: string;
  readonly payload: PayloadMode;
}

function hexBytes(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function checkTime(claim: V4Claim, opts: V4Options): void {
  const signedAt = parseClientDate(claim.amzDate)!.getTime();
  const now = opts.now();
  if (claim.expiresSeconds !== undefined) {
    if (signedAt - now > opts.maxSkewMs) throw s3Error('AccessDenied', {}, 'Request is not valid yet');
    const expiresAt = signedAt + claim.expiresSeconds * 1000;
    if (expiresAt < now) {
      throw s3Error('AccessDenied', {
        'X-Amz-Expires': claim.expiresSeconds,
        Expires: new Date(expiresAt).toISOString(),
        ServerTime: new Date(now).toISOString(),
      }, 'Request has expired');
    }
    return;
  }
  if (Math.abs(signedAt - now) > opts.maxSkewMs) {
    throw s3Error('RequestTimeTooSkewed', {
      RequestTime: claim.amzDate,
      ServerTime: new Date(now).toISOString(),
      MaxAllowedSkewMilliseconds: opts.maxSkewMs,
    });
  }
}

/** The canonical requests a correct client may have signed, most likely first. */
export function candidateCanonicalRequests(req: S3Request, claim: V4Claim): string[] {
  const exclude = claim.expiresSeconds !== undefined ? 'X-Amz-Signature' : undefined;
  const queries = [...new Set([canonicalQuery(req.rawQuery, true, exclude), canonicalQuery(req.rawQuery, false, exclude)])];
  const headers = canonicalHeaders(req.headers, claim.signedHeaders);
  const out: string[] = [];
  for (const uri of canonicalUris(req.rawPath)) {
    for (const query of queries) {
      out.push(canonicalRequest({
        method: req.method, uri, query, headers, signedHeaders: claim.signedHeaders.join(';'), payloadHash: claim.payloadHash,
      }));
    }
  }
  return out;
}

export function verifyV4(req: S3Request, claim: V4Claim, secret: string, opts: V4Options): V4Context {
  checkTime(claim, opts);
  const scope = credentialScope(claim.scopeDate, claim.region, claim.service);
  const signingKey = opts.signingKeys.get(secret, claim.scopeDate, claim.region, claim.service);
  const candidates = candidateCanonicalRequests(req, claim);
  for (const canonical of candidates) {
    if (signaturesEqual(signHex(signingKey, stringToSign(claim.amzDate, scope, canonical)), claim.signature)) {
      return { signingKey, scope, amzDate: claim.amzDate, seedSignature: claim.signature, payload: claim.payload };
    }
  }
  // As S3 does, show what we signed so the client can find its mistake; the
  // secret and the expected signature never leave the gateway.
  const canonical = candidates[0]!;
  const toSign = stringToSign(claim.amzDate, scope, canonical);
  throw s3Error('SignatureDoesNotMatch', {
    AWSAccessKeyId: claim.accessKeyId,
    StringToSign: toSign,
    SignatureProvided: claim.signature,
    StringToSignBytes: hexBytes(toSign),
    CanonicalRequest: canonical,
    CanonicalRequestBytes: hexBytes(canonical),
  });
}
