// Applying a parsed Condition to a request's context.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
import { splitArn, type Condition, type Family, type Operator, type PolicyValue } from './conditions.js';
import { cidrContains, parseAddress, type Cidr } from './ip.js';
import { globMatch, resolve, type Glob, type VariableLookup } from './pattern.js';
import { parseDate, parseNumber } from './values.js';

/**
 * Whether the condition holds for the request. null: a policy variable in it
 * has no value for this request, so the statement does not apply.
 */
export function conditionHolds(condition: Condition, context: RequestContext, lookup: VariableLookup): boolean | null {
  const { operator } = condition;
  const raw = context[condition.key];
  const requestValues: readonly string[] = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const present = requestValues.length > 0;
  if (operator.family === 'null') return condition.values.some((value) => value.family === 'null' && value.absent === !present);
  if (!present) {
    // IAM: a key absent from the request context makes the condition false,
    // "If the policy condition requires that the key is not matched, such as
    // StringNotLike or ArnNotLike, and the right key is not present, the
    // condition is true" — except ...IfExists (true) and the set operators
    // (ForAllValues over no values is true, ForAnyValue false).
    if (operator.ifExists || operator.set === 'ForAllValues') return true;
    if (operator.set === 'ForAnyValue') return false;
    return operator.negated;
  }
  const values = resolveValues(condition.values, lookup);
  if (values === null) return null;
  const holdsFor = (requestValue: string): boolean => {
    const parsed = parseRequestValue(operator.family, requestValue);
    // A request value the operator cannot read (`abc` for NumericLessThan) matches nothing, negated or not.
    if (parsed === undefined) return false;
    const matchesAny = values.some((value) => compareOne(operator, parsed, value));
    return operator.negated ? !matchesAny : matchesAny;
  };
  if (operator.set === 'ForAllValues') return requestValues.every(holdsFor);
  if (operator.set === 'ForAnyValue') return requestValues.some(holdsFor);
  // Without a qualifier a key with several values holds when one of them
  // matches, and a negated operator is the plain one turned round
  // (StringNotEquals holds when StringEquals does not): none may match.
  return operator.negated ? requestValues.every(holdsFor) : requestValues.some(holdsFor);
}

/** Condition keys of a request, normalised with conditionKeyName; a key is absent (or []) when the request has none. */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A policy value made ready for this request (its variables replaced). */
type Resolved =
  | { readonly family: 'text'; readonly text: string; readonly like: Glob }
  | { readonly family: 'number'; readonly number: number }
  | { readonly family: 'bytes'; readonly bytes: Buffer }
  | { readonly family: 'cidr'; readonly cidr: Cidr }
  | { readonly family: 'arn'; readonly parts: readonly Glob[] };

function resolveValues(values: readonly PolicyValue[], lookup: VariableLookup): Resolved[] | null {
  const resolved: Resolved[] = [];
  for (const value of values) {
    switch (value.family) {
      case 'string':
      case 'bool': {
        const glob = resolve(value.pattern, lookup);
        if (glob === undefined) return null;
        resolved.push({ family: 'text', text: glob.join(''), like: glob });
        break;
      }
      case 'numeric':
      case 'date':
        resolved.push({ family: 'number', number: value.number });
        break;
      case 'binary':
        resolved.push({ family: 'bytes', bytes: value.bytes });
        break;
      case 'ip':
        resolved.push({ family: 'cidr', cidr: value.cidr });
        break;
      case 'arn': {
        const parts: Glob[] = [];
        for (const part of value.parts) {
          const glob = resolve(part, lookup);
          if (glob === undefined) return null;
          parts.push(glob);
        }
        resolved.push({ family: 'arn', parts });
        break;
      }
      case 'null':
        break;
    }
  }
  return resolved;
}

type RequestValue = string | number | Uint8Array | readonly string[];

function parseRequestValue(family: Family, text: string): RequestValue | undefined {
  switch (family) {
    case 'numeric': return parseNumber(text);
    case 'date': return parseDate(text);
    case 'ip': return parseAddress(text);
    case 'arn': {
      const parts = splitArn(text);
      return parts.length === 6 ? parts : undefined;
    }
    case 'binary': return /^[A-Za-z0-9+/]*={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
    default: return text;
  }
}

function compareOne(operator: Operator, request: RequestValue, value: Resolved): boolean {
  if (value.family === 'text' && typeof request === 'string') {
    if (operator.family === 'bool') return request.toLowerCase() === value.text.toLowerCase();
    if (operator.compare === 'like') return globMatch(value.like, request);
    if (operator.compare === 'eqIgnoreCase') return request.toLowerCase() === value.text.toLowerCase();
    return request === value.text;
  }
  if (value.family === 'number' && typeof request === 'number') {
    switch (operator.compare) {
      case 'lt': return request < value.number;
      case 'le': return request <= value.number;
      case 'gt': return request > value.number;
      case 'ge': return request >= value.number;
      default: return request === value.number;
    }
  }
  if (value.family === 'cidr' && request instanceof Uint8Array) return cidrContains(value.cidr, request);
  if (value.family === 'bytes' && request instanceof Uint8Array) return Buffer.from(request).equals(value.bytes);
  if (value.family === 'arn' && Array.isArray(request)) {
    // "Each of the six colon-delimited components of the ARN is checked separately".
    return value.parts.length === 6 && value.parts.every((part, i) => globMatch(part, (request as readonly string[])[i]!));
  }
  return false;
}
