// The policy document of a browser upload (POST object): base64 JSON with an
// expiration and conditions every form field must meet. Pure: parsing and
// checking; the signature over it is auth/'s business.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html (SigV2)
import { s3Error } from './errors.js';

export type PolicyCondition =
  | { readonly kind: 'eq' | 'starts-with'; readonly field: string; readonly value: string; readonly text: string }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number; readonly text: string };

export interface PostPolicy {
  readonly expiration: Date;
  readonly conditions: readonly PolicyCondition[];
}

const invalid = (why: string) => s3Error('InvalidPolicyDocument', {}, `Invalid Policy: ${why}`);
const denied = (why: string) => s3Error('AccessDenied', {}, `Invalid according to Policy: ${why}`);

/** Fields the policy need not name (S3: the signature, the file, the policy itself, `x-ignore-*`). */
export function isExemptField(name: string): boolean {
  return ['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file'].includes(name) || name.startsWith('x-ignore-');
}

function fieldName(raw: unknown, text: string): string {
  if (typeof raw !== 'string' || !raw.startsWith('$')) throw invalid(`Condition field name must start with a $: ${text}`);
  return raw.slice(1).toLowerCase();
}

function parseCondition(c: unknown): PolicyCondition {
  const text = JSON.stringify(c);
  if (Array.isArray(c)) {
    const op = typeof c[0] === 'string' ? c[0].toLowerCase() : undefined;
    if (c.length !== 3) throw invalid(`Invalid Condition: wrong number of arguments: ${text}`);
    if (op === 'eq' || op === 'starts-with') {
      if (typeof c[2] !== 'string') throw invalid(`Invalid Condition: its value must be a string: ${text}`);
      return { kind: op, field: fieldName(c[1], text), value: c[2], text };
    }
    if (op === 'content-length-range') {
      const [min, max] = [Number(c[1]), Number(c[2])];
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) throw invalid(`Invalid content-length-range: ${text}`);
      return { kind: 'content-length-range', min, max, text };
    }
    throw invalid(`Invalid Condition: unknown operation ${JSON.stringify(c[0])}`);
  }
  if (c !== null && typeof c === 'object' && Object.keys(c).length === 1) {
    const [name, value] = Object.entries(c)[0]!;
    if (typeof value !== 'string') throw invalid(`Invalid Condition: its value must be a string: ${text}`);
    return { kind: 'eq', field: name.replace(/^\$/, '').toLowerCase(), value, text: JSON.stringify(['eq', `$${name}`, value]) };
  }
  throw invalid(`Invalid Condition: ${text}`);
}

/** The policy field's document: base64 of JSON with `expiration` (ISO 8601) and `conditions`. */
export function parsePostPolicy(base64: string): PostPolicy {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/=\s]*$/.test(trimmed)) throw invalid('Invalid base64 encoding.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(trimmed, 'base64').toString('utf8'));
  } catch {
    throw invalid('Invalid JSON.');
  }
  const d = doc as { expiration?: unknown; conditions?: unknown };
  if (typeof d !== 'object' || d === null) throw invalid('Invalid JSON.');
  if (typeof d.expiration !== 'string' || Number.isNaN(Date.parse(d.expiration))) throw invalid('Policy missing expiration or it is not a date.');
  if (!Array.isArray(d.conditions)) throw invalid('Policy missing conditions.');
  return { expiration: new Date(d.expiration), conditions: d.conditions.map(parseCondition) };
}

function meets(c: PolicyCondition & { kind: 'eq' | 'starts-with' }, value: string | undefined): boolean {
  const v = value ?? '';
  if (c.kind === 'eq') return v === c.value;
  // S3 quirk: for Content-Type a starts-with applies to each of a comma list.
  if (c.field === 'content-type') return v.split(',').every((t) => t.trim().startsWith(c.value));
  return v.startsWith(c.value);
}

/**
 * Checks the form against the policy: not expired, every condition met (the
 * bucket and the key as the request will use them), every field but the
 * exempt ones named by a condition. Answers the content-length-range, if any.
 */
export function checkPostPolicy(policy: PostPolicy, values: ReadonlyMap<string, string>, now: number): { min: number; max: number } | undefined {
  if (policy.expiration.getTime() <= now) throw denied('Policy expired.');
  let range: { min: number; max: number } | undefined;
  const named = new Set<string>();
  for (const c of policy.conditions) {
    if (c.kind === 'content-length-range') {
      range = { min: c.min, max: c.max };
      continue;
    }
    named.add(c.field);
    if (!meets(c, values.get(c.field))) throw denied(`Policy Condition failed: ${c.text}`);
  }
  for (const name of values.keys()) {
    if (name !== 'bucket' && !isExemptField(name) && !named.has(name)) throw denied(`Extra input fields: ${name}`);
  }
  return range;
}
