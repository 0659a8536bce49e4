// The signature check of POST /v3/ec2tokens, written from keystoneclient's
// Ec2Signer (keystoneclient/contrib/ec2/utils.py) and Keystone's
// EC2TokensResource._check_signature (keystone/api/ec2tokens.py), not from the
// gateway's own signer, so a test through the fake proves the gateway signs
// the way Keystone checks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pyQuote } from './python.js';

export interface Ec2Credentials {
  readonly access?: unknown;
  readonly signature?: unknown;
  readonly host?: unknown;
  readonly verb?: unknown;
  readonly path?: unknown;
  readonly params?: unknown;
}

/** Ec2Signer._canonical_qs: names sorted (code point order), values quoted with safe='-_~', names with safe=''. */
function canonicalQs(params: Record<string, string>): string {
  return Object.keys(params)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${pyQuote(k, '')}=${pyQuote(params[k]!, '-_~')}`)
    .join('&');
}

/**
 * Ec2Signer._calc_signature_2. Keystone quirk: it always signs with HMAC-SHA256 and
 * overwrites params.SignatureMethod with 'HmacSHA256' before building the string to sign, whatever the client said.
 */
export function signatureV2(secret: string, verb: string, host: string, path: string, params: Record<string, string>): string {
  const p = { ...params, SignatureMethod: 'HmacSHA256' };
  const toSign = `${verb}\n${host}\n${path}\n${canonicalQs(p)}`;
  return createHmac('sha256', secret).update(toSign, 'utf8').digest('base64');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The words of Keystone's refusal when the signature does not check out, or undefined when it does. */
export function checkSignature(secret: string, c: Ec2Credentials): string | undefined {
  const params: Record<string, string> = {};
  if (c.params && typeof c.params === 'object') {
    for (const [k, v] of Object.entries(c.params as Record<string, unknown>)) params[k] = typeof v === 'string' ? v : String(v);
  }
  // Only signature version 2 is modelled; Keystone would also take 0, 1 and 4.
  if (params['SignatureVersion'] !== '2') return 'Invalid EC2 signature.';
  if (typeof c.signature !== 'string' || !c.signature) return 'EC2 signature not supplied.';
  const verb = String(c.verb ?? '');
  const path = String(c.path ?? '');
  let host = String(c.host ?? '');
  if (equal(c.signature, signatureV2(secret, verb, host, path, params))) return undefined;
  // "Some client libraries don't use the port when signing requests, so try again without the port."
  if (host.includes(':')) {
    host = new URL(`http://${host}`).hostname;
    if (equal(c.signature, signatureV2(secret, verb, host, path, params))) return undefined;
  }
  return 'Invalid EC2 signature.';
}

/**
 * EC2_S3_Resource._check_timestamp: a Timestamp older than [credential]
 * auth_ttl (15 minutes by default) is refused. Keystone parses it with oslo's
 * parse_isotime; a bad one is refused too.
 */
export function checkTimestamp(params: unknown, nowMs: number, ttlMs = 15 * 60_000): string | undefined {
  const ts = params && typeof params === 'object' ? (params as Record<string, unknown>)['Timestamp'] : undefined;
  if (ts === undefined || ts === null || ts === '') return undefined;
  const ms = Date.parse(String(ts));
  if (!Number.isFinite(ms)) return `Credential timestamp is invalid: ${String(ts)}`;
  if (nowMs > ms + ttlMs) return 'Credential is expired';
  return undefined;
}
