// Bucket CORS as S3 has it: the CORSConfiguration document (parsed and
// validated as S3 does), which rule a browser request matches (the first
// whose origin, method and, for a preflight, every requested header it
// allows), and the Access-Control-* headers S3 answers with.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
import { s3Error } from './errors.js';
import type { XmlBody } from './result.js';
import { parseXml } from './xml.js';

export interface CorsRule {
  readonly id?: string;
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

export const MAX_CORS_RULES = 100;
/** S3 limits the document to 64 KB. */
export const MAX_CORS_BYTES = 64 * 1024;
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

function strings(rule: Record<string, unknown>, name: string): string[] {
  return list(rule[name]).map((v) => {
    const s = text(v);
    if (s === undefined) throw s3Error('MalformedXML', {}, `${name} must be text.`);
    return s;
  });
}

/** At most one `*` in an origin or header pattern (S3: "can not have more than one wildcard"). */
function oneWildcard(values: readonly string[], name: string): void {
  for (const v of values) {
    if ((v.match(/\*/g) ?? []).length > 1) throw s3Error('InvalidRequest', {}, `${name} "${v}" can not have more than one wildcard.`);
  }
}

/** The rules of a PutBucketCors body; S3's errors for what it refuses. */
export async function parseCorsConfiguration(body: Buffer | string): Promise<CorsRule[]> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseXml(body, ['CORSConfiguration.CORSRule', 'CORSConfiguration.CORSRule.AllowedOrigin', 'CORSConfiguration.CORSRule.AllowedMethod',
      'CORSConfiguration.CORSRule.AllowedHeader', 'CORSConfiguration.CORSRule.ExposeHeader']);
  } catch {
    throw s3Error('MalformedXML');
  }
  const config = doc['CORSConfiguration'];
  if (typeof config !== 'object' || config === null) throw s3Error('MalformedXML');
  const rules = list((config as Record<string, unknown>)['CORSRule']);
  if (rules.length === 0 || rules.length > MAX_CORS_RULES) {
    throw s3Error('MalformedXML', {}, `A CORS configuration has 1 to ${MAX_CORS_RULES} CORSRule elements; this one has ${rules.length}.`);
  }
  return rules.map((raw) => {
    if (typeof raw !== 'object' || raw === null) throw s3Error('MalformedXML');
    const r = raw as Record<string, unknown>;
    for (const name of Object.keys(r)) {
      if (!['ID', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds'].includes(name)) throw s3Error('MalformedXML', {}, `Unknown element ${name} in CORSRule.`);
    }
    const allowedOrigins = strings(r, 'AllowedOrigin');
    const allowedMethods = strings(r, 'AllowedMethod');
    if (allowedOrigins.length === 0 || allowedMethods.length === 0) throw s3Error('MalformedXML', {}, 'Every CORSRule needs an AllowedOrigin and an AllowedMethod.');
    for (const m of allowedMethods) {
      if (!METHODS.has(m)) throw s3Error('InvalidRequest', {}, `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    const allowedHeaders = strings(r, 'AllowedHeader');
    oneWildcard(allowedOrigins, 'AllowedOrigin');
    oneWildcard(allowedHeaders, 'AllowedHeader');
    const id = text(r['ID']);
    if (id !== undefined && id.length > 255) throw s3Error('InvalidArgument', { ArgumentName: 'ID' }, 'The ID of a CORSRule is at most 255 characters.');
    const maxAge = r['MaxAgeSeconds'] === undefined ? undefined : Number(text(r['MaxAgeSeconds']));
    if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) throw s3Error('MalformedXML', {}, 'MaxAgeSeconds must be a whole number of seconds.');
    return { ...(id ? { id } : {}), allowedOrigins, allowedMethods, allowedHeaders, exposeHeaders: strings(r, 'ExposeHeader'), ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}) };
  });
}

/** The CORSConfiguration document GetBucketCors answers. */
export function corsDocument(rules: readonly CorsRule[]): XmlBody {
  return {
    root: 'CORSConfiguration',
    doc: {
      CORSRule: rules.map((r) => ({
        ...(r.id ? { ID: r.id } : {}),
        ...(r.allowedHeaders.length ? { AllowedHeader: r.allowedHeaders } : {}),
        AllowedMethod: r.allowedMethods,
        AllowedOrigin: r.allowedOrigins,
        ...(r.exposeHeaders.length ? { ExposeHeader: r.exposeHeaders } : {}),
        ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: String(r.maxAgeSeconds) } : {}),
      })),
    },
  };
}

/** `*` matches any run of characters (one wildcard per pattern); case-insensitive for headers, exact for origins. */
function wildcardMatch(pattern: string, value: string, caseless: boolean): boolean {
  const p = caseless ? pattern.toLowerCase() : pattern;
  const v = caseless ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export interface CorsRequest {
  readonly origin: string;
  /** The method asked about (a preflight's Access-Control-Request-Method, else the request's own). */
  readonly method: string;
  /** A preflight's Access-Control-Request-Headers, lower-cased; none for an actual request. */
  readonly headers: readonly string[];
}

/** The first rule that allows the request, as S3 evaluates them. */
export function matchCorsRule(rules: readonly CorsRule[], request: CorsRequest): CorsRule | undefined {
  return rules.find((r) =>
    r.allowedOrigins.some((o) => wildcardMatch(o, request.origin, false))
    && r.allowedMethods.includes(request.method)
    && request.headers.every((h) => r.allowedHeaders.some((a) => wildcardMatch(a, h, true))));
}

/** The Access-Control-* headers of an answer that a rule allows. */
export function corsHeaders(rule: CorsRule, request: CorsRequest, preflight: boolean): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const out: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : request.origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  // S3 quirk: credentials are allowed unless the rule is for any origin.
  if (!anyOrigin) out['access-control-allow-credentials'] = 'true';
  if (preflight && request.headers.length > 0) out['access-control-allow-headers'] = request.headers.join(', ');
  if (rule.exposeHeaders.length > 0) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.maxAgeSeconds);
  return out;
}

/** A preflight's request headers, as the rules compare them. */
export function requestedHeaders(value: string | undefined): string[] {
  return (value ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
}
