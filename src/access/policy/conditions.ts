// The Condition element: its operators, and the parsing and validation of its
// keys and values (condition-eval.ts applies them to a request).
//
// "Condition": { "<Operator>": { "<key>": <value or values> }, ... }. All
// operators must hold (AND), every key under an operator must hold (AND), and a
// key holds when the request value matches any of the listed values (OR).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
import { conditionKeyName, isKnownConditionKey } from './condition-keys.js';
import { parseCidr, type Cidr } from './ip.js';
import { malformed, REASONS } from './malformed.js';
import { compilePattern, type Pattern } from './pattern.js';
import { parseDate, parseNumber } from './values.js';

export type Family = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

interface BaseOperator {
  readonly family: Family;
  /** StringNotEquals & co: true when the request value matches none of the values (and when the key is absent). */
  readonly negated: boolean;
  /** One request value against one policy value, for the non-negated sense. */
  readonly compare?: 'eq' | 'eqIgnoreCase' | 'like' | 'lt' | 'le' | 'gt' | 'ge';
}

const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: { family: 'string', negated: false, compare: 'eq' },
  StringNotEquals: { family: 'string', negated: true, compare: 'eq' },
  StringEqualsIgnoreCase: { family: 'string', negated: false, compare: 'eqIgnoreCase' },
  StringNotEqualsIgnoreCase: { family: 'string', negated: true, compare: 'eqIgnoreCase' },
  StringLike: { family: 'string', negated: false, compare: 'like' },
  StringNotLike: { family: 'string', negated: true, compare: 'like' },
  NumericEquals: { family: 'numeric', negated: false, compare: 'eq' },
  NumericNotEquals: { family: 'numeric', negated: true, compare: 'eq' },
  NumericLessThan: { family: 'numeric', negated: false, compare: 'lt' },
  NumericLessThanEquals: { family: 'numeric', negated: false, compare: 'le' },
  NumericGreaterThan: { family: 'numeric', negated: false, compare: 'gt' },
  NumericGreaterThanEquals: { family: 'numeric', negated: false, compare: 'ge' },
  DateEquals: { family: 'date', negated: false, compare: 'eq' },
  DateNotEquals: { family: 'date', negated: true, compare: 'eq' },
  DateLessThan: { family: 'date', negated: false, compare: 'lt' },
  DateLessThanEquals: { family: 'date', negated: false, compare: 'le' },
  DateGreaterThan: { family: 'date', negated: false, compare: 'gt' },
  DateGreaterThanEquals: { family: 'date', negated: false, compare: 'ge' },
  Bool: { family: 'bool', negated: false },
  BinaryEquals: { family: 'binary', negated: false },
  IpAddress: { family: 'ip', negated: false },
  NotIpAddress: { family: 'ip', negated: true },
  ArnEquals: { family: 'arn', negated: false },
  ArnLike: { family: 'arn', negated: false },
  ArnNotEquals: { family: 'arn', negated: true },
  ArnNotLike: { family: 'arn', negated: true },
  Null: { family: 'null', negated: false },
};

export interface Operator extends BaseOperator {
  /** As written: `ForAnyValue:StringLikeIfExists`. */
  readonly name: string;
  readonly base: string;
  /** ForAllValues / ForAnyValue: how a multi-valued request key is read. */
  readonly set?: 'ForAllValues' | 'ForAnyValue';
  /** ...IfExists: an absent key satisfies the condition. */
  readonly ifExists: boolean;
}

export type PolicyValue =
  | { readonly family: 'string' | 'bool'; readonly pattern: Pattern }
  | { readonly family: 'numeric' | 'date'; readonly number: number }
  | { readonly family: 'binary'; readonly bytes: Buffer }
  | { readonly family: 'ip'; readonly cidr: Cidr }
  | { readonly family: 'arn'; readonly parts: readonly Pattern[] }
  | { readonly family: 'null'; readonly absent: boolean };

export interface Condition {
  readonly operator: Operator;
  /** Normalised key (conditionKeyName). */
  readonly key: string;
  readonly values: readonly PolicyValue[];
}

/** Operator names are case-sensitive (`stringequals` is refused), as S3 does. undefined when not an operator. */
export function parseOperator(name: string): Operator | undefined {
  let rest = name;
  let set: Operator['set'];
  const qualifier = (['ForAllValues', 'ForAnyValue'] as const).find((q) => rest.startsWith(`${q}:`));
  if (qualifier) {
    set = qualifier;
    rest = rest.slice(qualifier.length + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'Null') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = Object.hasOwn(BASE_OPERATORS, rest) ? BASE_OPERATORS[rest] : undefined;
  // "You can add IfExists to the end of any condition operator name except the Null condition".
  if (base === undefined || (base.family === 'null' && (ifExists || set !== undefined))) return undefined;
  return { ...base, name, base: rest, ifExists, ...(set ? { set } : {}) };
}

/**
 * The Condition element of one statement. `variables`: whether `${...}` are
 * policy variables (Version 2012-10-17); IAM allows them only in string, ARN
 * and Bool values.
 */
export function parseConditions(element: unknown, variables: boolean): Condition[] {
  if (!isObject(element)) throw malformed(REASONS.syntax);
  const conditions: Condition[] = [];
  for (const [operatorName, block] of Object.entries(element)) {
    const operator = parseOperator(operatorName);
    if (operator === undefined) throw malformed(`Invalid Condition type : ${operatorName}`);
    if (!isObject(block)) throw malformed(REASONS.syntax);
    for (const [keyName, raw] of Object.entries(block)) {
      const key = conditionKeyName(keyName);
      if (!isKnownConditionKey(key)) throw malformed(REASONS.conditionKey);
      const texts = (Array.isArray(raw) ? raw : [raw]).map((value) => scalarText(value));
      conditions.push({ operator, key, values: texts.map((text) => parseValue(operator, key, text, variables)) });
    }
  }
  return conditions;
}

/** IAM takes JSON strings, numbers and booleans as condition values; anything else is not valid. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw malformed(REASONS.syntax);
}

function parseValue(operator: Operator, key: string, text: string, variables: boolean): PolicyValue {
  const invalid = (): never => {
    throw malformed(`Invalid value for ${operator.name} on ${key}: ${text}`);
  };
  // S3 checks addresses of aws:SourceIp whatever the operator wraps them.
  if (key === 'aws:sourceip' && operator.family !== 'null' && parseCidr(text) === undefined) throw malformed(REASONS.ip);
  switch (operator.family) {
    case 'string':
      return { family: 'string', pattern: compilePattern(text, { wildcards: operator.compare === 'like', variables }) };
    case 'bool':
      return { family: 'bool', pattern: compilePattern(text, { wildcards: false, variables }) };
    case 'numeric': {
      const number = parseNumber(text);
      return number === undefined ? invalid() : { family: 'numeric', number };
    }
    case 'date': {
      const number = parseDate(text);
      return number === undefined ? invalid() : { family: 'date', number };
    }
    case 'binary':
      return /^[A-Za-z0-9+/]*={0,2}$/.test(text) ? { family: 'binary', bytes: Buffer.from(text, 'base64') } : invalid();
    case 'ip': {
      const cidr = parseCidr(text);
      return cidr === undefined ? throwIp() : { family: 'ip', cidr };
    }
    case 'arn':
      return { family: 'arn', parts: splitArn(text, variables).map((part) => compilePattern(part, { wildcards: true, variables })) };
    case 'null': {
      const lower = text.toLowerCase();
      return lower === 'true' || lower === 'false' ? { family: 'null', absent: lower === 'true' } : invalid();
    }
  }
}

function throwIp(): never {
  throw malformed(REASONS.ip);
}

/**
 * The six parts of an ARN (`arn:partition:service:region:account:resource`);
 * the resource may itself hold colons, and in a policy value (`variables`) the
 * colon of a `${aws:...}` variable splits nothing. Fewer than six parts: not an ARN.
 */
export function splitArn(text: string, variables = false): string[] {
  const parts: string[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < text.length && parts.length < 5; i++) {
    if (variables && text[i] === '$' && text[i + 1] === '{') depth++;
    else if (text[i] === '}' && depth > 0) depth--;
    else if (text[i] === ':' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** For tests and public.ts: the source text of string-like values. */
export function valueSource(value: PolicyValue): string | undefined {
  if (value.family === 'string' || value.family === 'bool') return value.pattern.source;
  if (value.family === 'arn') return value.parts.map((part) => part.source).join(':');
  return undefined;
}
