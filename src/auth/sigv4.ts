// Verifies an AWS Signature Version 4 claim (header or presigned): clock,
// expiry, then the signature over the canonical request, compared in constant
// time. Returns what the body check needs: the signing key, the scope and the
// seed signature chunk signatures chain from.
import { withoutCustomerKeys } from '../s3/sse.js';
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
  /**
   * How the signed canonical query read a raw `+`: false when only the literal
   * reading matched, and the query must then be read that way (see withLiteralPlus).
   */
  readonly queryPlusIsSpace: boolean;
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

/** A canonical request a correct client may have signed, and how it read a raw `+` in the query. */
export interface CandidateCanonical {
  readonly canonical: string;
  readonly plusIsSpace: boolean;
}

/** The canonical requests a correct client may have signed, most likely first. */
export function candidateCanonicalRequests(req: S3Request, claim: V4Claim): CandidateCanonical[] {
  const exclude = claim.expiresSeconds !== undefined ? 'X-Amz-Signature' : undefined;
  const spaced = canonicalQuery(req.rawQuery, true, exclude);
  const literal = canonicalQuery(req.rawQuery, false, exclude);
  const queries = spaced === literal ? [{ query: spaced, plusIsSpace: true }] : [{ query: spaced, plusIsSpace: true }, { query: literal, plusIsSpace: false }];
  const headers = canonicalHeaders(req.headers, claim.signedHeaders);
  const out: CandidateCanonical[] = [];
  for (const uri of canonicalUris(req.rawPath)) {
    for (const { query, plusIsSpace } of queries) {
      out.push({
        canonical: canonicalRequest({ method: req.method, uri, query, headers, signedHeaders: claim.signedHeaders.join(';'), payloadHash: claim.payloadHash }),
        plusIsSpace,
      });
    }
  }
  return out;
}

export function verifyV4(req: S3Request, claim: V4Claim, secret: string, opts: V4Options): V4Context {
  checkTime(claim, opts);
  const scope = credentialScope(claim.scopeDate, claim.region, claim.service);
  const signingKey = opts.signingKeys.get(secret, claim.scopeDate, claim.region, claim.service);
  const candidates = candidateCanonicalRequests(req, claim);
  for (const { canonical, plusIsSpace } of candidates) {
    if (signaturesEqual(signHex(signingKey, stringToSign(claim.amzDate, scope, canonical)), claim.signature)) {
      return { signingKey, scope, amzDate: claim.amzDate, seedSignature: claim.signature, payload: claim.payload, queryPlusIsSpace: plusIsSpace };
    }
  }
  // As S3 does, show what we signed so the client can find its mistake; the
  // secret and the expected signature never leave the gateway.
  // (SSE-C key headers are shown without their values: the key is a secret.)
  const canonical = withoutCustomerKeys(candidates[0]!.canonical);
  const toSign = stringToSign(claim.amzDate, scope, candidates[0]!.canonical);
  throw s3Error('SignatureDoesNotMatch', {
    AWSAccessKeyId: claim.accessKeyId,
    StringToSign: toSign,
    SignatureProvided: claim.signature,
    StringToSignBytes: hexBytes(toSign),
    CanonicalRequest: canonical,
    CanonicalRequestBytes: hexBytes(canonical),
  });
}
