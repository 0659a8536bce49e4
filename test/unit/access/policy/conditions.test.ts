import { describe, expect, it } from 'vitest';
import { conditionHolds, type RequestContext } from '../../../../src/access/policy/condition-eval.js';
import { parseConditions, parseOperator, splitArn } from '../../../../src/access/policy/conditions.js';

type Values = string | number | boolean | readonly (string | number | boolean)[];

/** Whether `{operator: {key: values}}` holds for a request whose `key` has `request` (undefined: absent). */
function holds(operator: string, key: string, values: Values, request: string | readonly string[] | undefined, extra: RequestContext = {}): boolean | null {
  const [condition] = parseConditions({ [operator]: { [key]: values } }, true);
  const context: RequestContext = { ...extra, ...(request === undefined ? {} : { [condition!.key]: request }) };
  return conditionHolds(condition!, context, (name) => {
    const value = context[name];
    return typeof value === 'string' ? value : undefined;
  });
}

type Row = readonly [operator: string, values: Values, request: string | readonly string[] | undefined, expected: boolean];

describe('String operators', () => {
  it.each<Row>([
    ['StringEquals', 'abc', 'abc', true],
    ['StringEquals', 'abc', 'ABC', false],
    ['StringEquals', 'a*', 'abc', false],
    ['StringEquals', 'a*', 'a*', true],
    ['StringEquals', ['x', 'abc'], 'abc', true],
    ['StringEquals', ['x', 'y'], 'abc', false],
    ['StringEquals', 'abc', undefined, false],
    ['StringEquals', '', '', true],
    ['StringNotEquals', 'abc', 'abc', false],
    ['StringNotEquals', 'abc', 'abd', true],
    ['StringNotEquals', ['x', 'abc'], 'abc', false],
    ['StringNotEquals', ['x', 'y'], 'abc', true],
    ['StringNotEquals', 'abc', undefined, true],
    ['StringEqualsIgnoreCase', 'Public-Read', 'public-READ', true],
    ['StringEqualsIgnoreCase', 'public-read', 'private', false],
    ['StringEqualsIgnoreCase', 'x', undefined, false],
    ['StringNotEqualsIgnoreCase', 'PRIVATE', 'private', false],
    ['StringNotEqualsIgnoreCase', 'private', 'public-read', true],
    ['StringNotEqualsIgnoreCase', 'private', undefined, true],
    ['StringLike', 'http://www.example.com/*', 'http://www.example.com/page.html', true],
    ['StringLike', 'http://www.example.com/*', 'http://evil.example/www.example.com/', false],
    ['StringLike', 'home/?/x', 'home/a/x', true],
    ['StringLike', 'home/?/x', 'home/ab/x', false],
    ['StringLike', ['', 'home/', 'home/*'], '', true],
    ['StringLike', '*', '', true],
    ['StringLike', 'a*', 'A', false],
    ['StringLike', 'a*', undefined, false],
    ['StringNotLike', 'secret/*', 'secret/x', false],
    ['StringNotLike', 'secret/*', 'public/x', true],
    ['StringNotLike', ['a*', 'b*'], 'bz', false],
    ['StringNotLike', 'secret/*', undefined, true],
    ['StringEqualsIfExists', 'abc', undefined, true],
    ['StringEqualsIfExists', 'abc', 'abc', true],
    ['StringEqualsIfExists', 'abc', 'xyz', false],
    ['StringNotEqualsIfExists', 'abc', undefined, true],
    ['StringNotEqualsIfExists', 'abc', 'abc', false],
    ['StringLikeIfExists', 'a*', 'b', false],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 'aws:referer', values, request)).toBe(expected);
  });
});

describe('Numeric operators', () => {
  it.each<Row>([
    ['NumericEquals', '10', '10', true],
    ['NumericEquals', 10, '10.0', true],
    ['NumericEquals', '10', '11', false],
    ['NumericEquals', ['5', '10'], '5', true],
    ['NumericNotEquals', '10', '11', true],
    ['NumericNotEquals', '10', '10', false],
    ['NumericNotEquals', ['5', '10'], '7', true],
    ['NumericLessThan', '10', '9', true],
    ['NumericLessThan', '10', '10', false],
    ['NumericLessThanEquals', '10', '10', true],
    ['NumericLessThanEquals', '10', '11', false],
    ['NumericGreaterThan', '10', '11', true],
    ['NumericGreaterThan', '10', '10', false],
    ['NumericGreaterThanEquals', '10', '10', true],
    ['NumericGreaterThanEquals', '10', '9.5', false],
    ['NumericLessThan', '2.5', '2.25', true],
    ['NumericLessThan', '10', '-1', true],
    ['NumericLessThanEquals', '10', undefined, false],
    ['NumericNotEquals', '10', undefined, true],
    ['NumericLessThanEqualsIfExists', '10', undefined, true],
    // A request value that is not a number matches nothing, whichever the operator.
    ['NumericLessThan', '10', 'abc', false],
    ['NumericNotEquals', '10', 'abc', false],
    ['NumericEquals', '16', '0x10', false],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 's3:max-keys', values, request)).toBe(expected);
  });
});

describe('Date operators (ISO 8601 and epoch seconds, on either side)', () => {
  it.each<Row>([
    ['DateGreaterThan', '2020-01-01T00:00:00Z', '2020-01-01T00:00:01Z', true],
    ['DateGreaterThan', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', false],
    ['DateGreaterThanEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', true],
    ['DateLessThan', '2020-01-01T00:00:00Z', '2019-12-31T23:59:59Z', true],
    ['DateLessThan', '2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z', false],
    ['DateLessThanEquals', '2020-01-01', '2020-01-01T00:00:00Z', true],
    ['DateEquals', '2020-01-01T00:00:00Z', '1577836800', true],
    ['DateEquals', '1577836800', '2020-01-01T01:00:00+01:00', true],
    ['DateNotEquals', '2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z', true],
    ['DateNotEquals', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00.000Z', false],
    ['DateLessThan', '1893456000', '1700000000', true],
    ['DateGreaterThan', '2020-01-01T00:00:00Z', undefined, false],
    ['DateGreaterThanIfExists', '2020-01-01T00:00:00Z', undefined, true],
    ['DateGreaterThan', '2020-01-01T00:00:00Z', 'not a date', false],
    ['DateNotEquals', '2020-01-01T00:00:00Z', 'not a date', false],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 'aws:currenttime', values, request)).toBe(expected);
  });
});

describe('Bool and BinaryEquals', () => {
  it.each<Row>([
    ['Bool', 'false', 'false', true],
    ['Bool', 'false', 'true', false],
    ['Bool', false, 'false', true],
    ['Bool', true, 'true', true],
    ['Bool', 'TRUE', 'true', true],
    ['Bool', 'true', undefined, false],
    ['BoolIfExists', 'true', undefined, true],
    ['BoolIfExists', 'true', 'false', false],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 'aws:securetransport', values, request)).toBe(expected);
  });

  it('compares BinaryEquals byte for byte, both sides base64', () => {
    const encoded = Buffer.from('BinaryValueInBase64').toString('base64');
    expect(holds('BinaryEquals', 'aws:useragent', encoded, encoded)).toBe(true);
    expect(holds('BinaryEquals', 'aws:useragent', encoded, Buffer.from('other').toString('base64'))).toBe(false);
    expect(holds('BinaryEquals', 'aws:useragent', encoded, undefined)).toBe(false);
  });
});

describe('IpAddress and NotIpAddress', () => {
  it.each<Row>([
    ['IpAddress', '54.240.143.0/24', '54.240.143.7', true],
    ['IpAddress', '54.240.143.0/24', '54.240.144.7', false],
    ['IpAddress', ['54.240.143.0/24', '2001:DB8:1234:5678::/64'], '2001:db8:1234:5678::99', true],
    ['IpAddress', '192.0.2.0/24', '::ffff:192.0.2.10', true],
    ['IpAddress', '192.0.2.0/24', undefined, false],
    ['IpAddress', '192.0.2.0/24', 'garbage', false],
    ['NotIpAddress', '54.240.143.188/32', '54.240.143.188', false],
    ['NotIpAddress', '54.240.143.188/32', '54.240.143.189', true],
    ['NotIpAddress', ['10.0.0.0/8', '192.168.0.0/16'], '192.168.3.3', false],
    ['NotIpAddress', ['10.0.0.0/8', '192.168.0.0/16'], '8.8.8.8', true],
    ['NotIpAddress', '10.0.0.0/8', undefined, true],
    ['NotIpAddress', '10.0.0.0/8', 'garbage', false],
    ['IpAddressIfExists', '10.0.0.0/8', undefined, true],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 'aws:sourceip', values, request)).toBe(expected);
  });
});

describe('ARN operators (each of the six parts matched on its own)', () => {
  it.each<Row>([
    ['ArnEquals', 'arn:aws:sns:us-east-2:123456789012:topic', 'arn:aws:sns:us-east-2:123456789012:topic', true],
    ['ArnEquals', 'arn:aws:sns:us-east-2:123456789012:topic', 'arn:aws:sns:us-east-2:123456789012:other', false],
    ['ArnLike', 'arn:aws:someservice:*:111122223333:finance/*', 'arn:aws:someservice:us-east-2:111122223333:finance/doc.txt', true],
    // IAM's own example: StringLike would match, ArnLike does not (the * stays inside the region part).
    ['ArnLike', 'arn:aws:someservice:*:111122223333:finance/*', 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt', false],
    ['ArnLike', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a:b', true],
    ['ArnLike', 'arn:aws:s3:::bucket/*', 'not-an-arn', false],
    ['ArnNotEquals', 'arn:aws:sns:*:*:topic', 'arn:aws:sns:eu-west-1:1:topic', false],
    ['ArnNotLike', 'arn:aws:sns:*:*:topic', 'arn:aws:sns:eu-west-1:1:other', true],
    ['ArnNotLike', 'arn:aws:sns:*:*:topic', undefined, true],
    ['ArnLike', 'arn:aws:sns:*:*:topic', undefined, false],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 'aws:sourcearn', values, request)).toBe(expected);
  });

  it('splits an ARN into six parts, keeping colons of the resource and of ${...}', () => {
    expect(splitArn('arn:aws:s3:::bucket/a:b')).toEqual(['arn', 'aws', 's3', '', '', 'bucket/a:b']);
    expect(splitArn('arn:aws:iam::${aws:PrincipalAccount}:root', true)).toEqual(['arn', 'aws', 'iam', '', '${aws:PrincipalAccount}', 'root']);
    expect(splitArn('arn:aws:iam::${aws:PrincipalAccount}:root')).toEqual(['arn', 'aws', 'iam', '', '${aws', 'PrincipalAccount}:root']);
    expect(splitArn('a:b')).toEqual(['a', 'b']);
  });
});

describe('Null', () => {
  it.each<Row>([
    ['Null', 'true', undefined, true],
    ['Null', 'true', 'x', false],
    ['Null', 'false', 'x', true],
    ['Null', 'false', undefined, false],
    ['Null', true, [], true],
    ['Null', 'false', '', true],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, 'aws:userid', values, request)).toBe(expected);
  });
});

describe('ForAnyValue and ForAllValues over multi-valued keys', () => {
  const key = 's3:requestobjecttagkeys';
  it.each<Row>([
    ['ForAllValues:StringEquals', ['Project', 'Owner'], ['Project'], true],
    ['ForAllValues:StringEquals', ['Project', 'Owner'], ['Project', 'Owner'], true],
    ['ForAllValues:StringEquals', ['Project', 'Owner'], ['Project', 'Secret'], false],
    ['ForAllValues:StringEquals', ['Project'], undefined, true],
    ['ForAllValues:StringEquals', ['Project'], [], true],
    ['ForAnyValue:StringEquals', ['Project', 'Owner'], ['Secret', 'Owner'], true],
    ['ForAnyValue:StringEquals', ['Project', 'Owner'], ['Secret'], false],
    ['ForAnyValue:StringEquals', ['Project'], undefined, false],
    ['ForAnyValue:StringLike', ['Proj*'], ['x', 'Project'], true],
    ['ForAllValues:StringLike', ['Proj*', 'Own?r'], ['Project', 'Owner'], true],
    ['ForAllValues:StringNotEquals', ['Secret'], ['a', 'b'], true],
    ['ForAllValues:StringNotEquals', ['Secret'], ['a', 'Secret'], false],
    ['ForAnyValue:StringNotEquals', ['Secret'], ['a', 'Secret'], true],
    ['ForAnyValue:StringNotEquals', ['Secret'], ['Secret'], false],
    // Without a qualifier: one matching value is enough, and the negated operator is its opposite.
    ['StringEquals', ['Project'], ['x', 'Project'], true],
    ['StringEquals', ['Project'], ['x', 'y'], false],
    ['StringNotEquals', ['Project'], ['x', 'Project'], false],
    ['StringNotEquals', ['Project'], ['x', 'y'], true],
    ['StringNotLike', ['P*'], ['x', 'Project'], false],
    ['ForAllValues:StringEqualsIfExists', ['a'], ['b'], false],
  ])('%s %j against %j: %s', (operator, values, request, expected) => {
    expect(holds(operator, key, values, request)).toBe(expected);
  });
});

describe('policy variables in condition values', () => {
  it('compares s3:prefix with the requester\'s ${aws:username}', () => {
    const extra = { 'aws:username': 'alice' };
    expect(holds('StringLike', 's3:prefix', ['home/${aws:username}/*'], 'home/alice/photos/', extra)).toBe(true);
    expect(holds('StringLike', 's3:prefix', ['home/${aws:username}/*'], 'home/bob/', extra)).toBe(false);
    expect(holds('StringEquals', 's3:prefix', '${aws:username}', 'alice', extra)).toBe(true);
  });

  it('gives null (the statement does not apply) when the variable has no value', () => {
    expect(holds('StringLike', 's3:prefix', ['home/${aws:username}/*'], 'home/alice/')).toBeNull();
  });

  it('does not look at variables of a condition whose key is absent', () => {
    expect(holds('StringLikeIfExists', 's3:prefix', ['home/${aws:username}/*'], undefined)).toBe(true);
  });

  it('are literal text in a 2008-10-17 policy', () => {
    const [condition] = parseConditions({ StringEquals: { 's3:prefix': '${aws:username}' } }, false);
    expect(conditionHolds(condition!, { 's3:prefix': '${aws:username}', 'aws:username': 'alice' }, () => 'alice')).toBe(true);
  });
});

describe('condition keys', () => {
  it('are case-insensitive in the policy', () => {
    expect(holds('StringEquals', 'AWS:Referer', 'x', 'x')).toBe(true);
    expect(parseConditions({ StringEquals: { 'S3:ExistingObjectTag/Project': 'x' } }, true)[0]!.key).toBe('s3:existingobjecttag/Project');
  });

  it('are all required: every key under an operator, every operator', () => {
    const conditions = parseConditions({
      StringEquals: { 'aws:referer': 'r', 'aws:useragent': 'ua' },
      Bool: { 'aws:securetransport': 'true' },
    }, true);
    const check = (context: RequestContext) => conditions.every((c) => conditionHolds(c, context, () => undefined) === true);
    expect(check({ 'aws:referer': 'r', 'aws:useragent': 'ua', 'aws:securetransport': 'true' })).toBe(true);
    expect(check({ 'aws:referer': 'r', 'aws:useragent': 'other', 'aws:securetransport': 'true' })).toBe(false);
    expect(check({ 'aws:referer': 'r', 'aws:useragent': 'ua', 'aws:securetransport': 'false' })).toBe(false);
  });
});

describe('operator names', () => {
  it.each([
    ['StringEquals', 'StringEquals', undefined, false],
    ['StringLikeIfExists', 'StringLike', undefined, true],
    ['ForAnyValue:StringEquals', 'StringEquals', 'ForAnyValue', false],
    ['ForAllValues:NumericLessThanIfExists', 'NumericLessThan', 'ForAllValues', true],
    ['Null', 'Null', undefined, false],
  ])('%s is %s', (name, base, set, ifExists) => {
    const operator = parseOperator(name)!;
    expect(operator.base).toBe(base);
    expect(operator.set).toBe(set);
    expect(operator.ifExists).toBe(ifExists);
  });
  it.each(['stringEquals', 'StringEqual', 'NullIfExists', 'ForAllValues:ForAnyValue:StringEquals', 'ForAnyValue:ForAnyValue:StringEquals', 'ForAnyValue:Null', 'IfExists', 'ForAnyValue:', 'toString', 'constructor'])('%s is not an operator', (name) => {
    expect(parseOperator(name)).toBeUndefined();
  });
});

describe('ARN values with policy variables', () => {
  it('resolves ${aws:PrincipalAccount} inside the account part', () => {
    const extra = { 'aws:principalaccount': '111122223333' };
    expect(holds('ArnLike', 'aws:sourcearn', 'arn:aws:sns:*:${aws:PrincipalAccount}:*', 'arn:aws:sns:us-east-1:111122223333:t', extra)).toBe(true);
    expect(holds('ArnLike', 'aws:sourcearn', 'arn:aws:sns:*:${aws:PrincipalAccount}:*', 'arn:aws:sns:us-east-1:444455556666:t', extra)).toBe(false);
    expect(holds('ArnLike', 'aws:sourcearn', 'arn:aws:sns:*:${aws:PrincipalAccount}:*', 'arn:aws:sns:us-east-1:444455556666:t')).toBeNull();
  });
});
