import { describe, expect, it } from 'vitest';
import { compilePattern, globCanMatchPrefix, globMatch, resolve, toGlob, variableKey } from '../../../../src/access/policy/pattern.js';

const like = (source: string, variables = true) => compilePattern(source, { wildcards: true, variables });
const lookup = (values: Record<string, string>) => (key: string) => values[key];

describe('wildcard patterns', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/at:all', true],
    ['s3:get*', 's3:getobject', true],
    ['s3:get*', 's3:putobject', false],
    ['s3:*object', 's3:getobject', true],
    ['s3:*object', 's3:getobjectacl', false],
    ['s3:getobject?', 's3:getobject', false],
    ['s3:getobject???', 's3:getobjectacl', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['a**b', 'ab', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:s3:::bucket/home/*', 'arn:aws:s3:::bucket/Home/x', false],
    ['arn:aws:s3:::bucket/?.txt', 'arn:aws:s3:::bucket/é.txt', true],
    ['arn:aws:s3:::bucket/*.jpg', 'arn:aws:s3:::bucket/a.jpg.png', false],
    ['arn:aws:s3:::bucket/?.txt', 'arn:aws:s3:::bucket/\u{1F600}.txt', true],
    ['arn:aws:s3:::bucket/??.txt', 'arn:aws:s3:::bucket/\u{1F600}.txt', false],
    ['arn:aws:s3:::bucket/\u{1F600}*', 'arn:aws:s3:::bucket/\u{1F600}x', true],
    ['a*', 'a*?', true],
    ['a?', 'a*', true],
  ])('%s against %s: %s', (source, input, expected) => {
    expect(globMatch(resolve(like(source), () => undefined)!, input)).toBe(expected);
  });

  it('treats * and ? as plain characters when wildcards are off (StringEquals)', () => {
    const literal = compilePattern('a*b?', { wildcards: false, variables: true });
    expect(literal.hasWildcards).toBe(false);
    expect(globMatch(literal.fixed!, 'a*b?')).toBe(true);
    expect(globMatch(literal.fixed!, 'axxbc')).toBe(false);
  });
});

describe('policy variables', () => {
  it('replaces ${aws:username} with the request value, case-insensitively by key', () => {
    const pattern = like('arn:aws:s3:::bucket/home/${aws:UserName}/*');
    expect(pattern.hasVariables).toBe(true);
    const glob = resolve(pattern, lookup({ 'aws:username': 'alice' }))!;
    expect(globMatch(glob, 'arn:aws:s3:::bucket/home/alice/notes.txt')).toBe(true);
    expect(globMatch(glob, 'arn:aws:s3:::bucket/home/bob/notes.txt')).toBe(false);
  });

  it('takes a substituted value literally: a user named * does not become a wildcard', () => {
    const glob = resolve(like('home/${aws:username}/x'), lookup({ 'aws:username': '*' }))!;
    expect(globMatch(glob, 'home/*/x')).toBe(true);
    expect(globMatch(glob, 'home/bob/x')).toBe(false);
  });

  it('has no glob when a variable has no value and no default (the statement then does not apply)', () => {
    expect(resolve(like('home/${aws:username}/*'), lookup({}))).toBeUndefined();
  });

  it("uses the default of ${aws:userid, 'anonymous'} for a request without the key", () => {
    const glob = resolve(like("home/${aws:userid, 'anonymous'}/*"), lookup({}))!;
    expect(globMatch(glob, 'home/anonymous/x')).toBe(true);
    expect(globMatch(resolve(like("home/${aws:userid, 'anonymous'}/*"), lookup({ 'aws:userid': 'u1' }))!, 'home/u1/x')).toBe(true);
  });

  it('reads ${*}, ${?} and ${$} as the literal characters', () => {
    const glob = resolve(like('a${*}b${?}c${$}d'), lookup({}))!;
    expect(globMatch(glob, 'a*b?c$d')).toBe(true);
    expect(globMatch(glob, 'aXbYc$d')).toBe(false);
  });

  it('leaves ${...} as text in a 2008-10-17 policy, where variables do not exist', () => {
    const pattern = like('home/${aws:username}', false);
    expect(pattern.hasVariables).toBe(false);
    expect(globMatch(pattern.fixed!, 'home/${aws:username}')).toBe(true);
  });

  it('leaves an unterminated or malformed ${ as text', () => {
    expect(globMatch(resolve(like('a${b'), lookup({}))!, 'a${b')).toBe(true);
    expect(globMatch(resolve(like('a${}b'), lookup({}))!, 'a${}b')).toBe(true);
  });

  it('keeps the case of a tag key after the slash', () => {
    expect(variableKey('S3:ExistingObjectTag/Project')).toBe('s3:existingobjecttag/Project');
    expect(variableKey('AWS:SourceIp')).toBe('aws:sourceip');
  });
});

describe('prefix reachability (can this Resource name objects of the bucket?)', () => {
  const glob = (source: string) => toGlob(like(source).pieces, () => undefined, true)!;
  it.each([
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/', true],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/', false],
    ['arn:aws:s3:::buck*', 'arn:aws:s3:::bucket/', true],
    ['arn:aws:s3:::other/*', 'arn:aws:s3:::bucket/', false],
    ['arn:aws:s3:::bucket/${aws:username}/*', 'arn:aws:s3:::bucket/', true],
    ['arn:aws:s3:::${aws:username}', 'arn:aws:s3:::bucket/', true],
    ['arn:aws:s3:::b?cket/x', 'arn:aws:s3:::bucket/', true],
  ])('%s reaches past %s: %s', (source, prefix, expected) => {
    expect(globCanMatchPrefix(glob(source), prefix)).toBe(expected);
  });
});

describe('the matcher against a regular-expression oracle', () => {
  // A small deterministic generator, so a failure names its case and repeats.
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const word = (alphabet: string, max: number) => Array.from({ length: next(max + 1) }, () => alphabet[next(alphabet.length)]).join('');
  const oracle = (pattern: string) => new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c)).join('')}$`, 's');

  // Every string over {a, b} of up to 7 characters: enough to complete any pattern of up to 7 characters.
  const tails = [''];
  for (let length = 1; length <= 7; length++) {
    for (let bits = 0; bits < 2 ** length; bits++) tails.push([...Array(length).keys()].map((j) => ((bits >> j) & 1 ? 'b' : 'a')).join(''));
  }

  it('agrees on 2000 random patterns and inputs, for whole matches and for prefixes', () => {
    for (let i = 0; i < 2000; i++) {
      const source = word('ab*?', 7);
      const input = word('ab', 8);
      const glob = like(source, false).fixed!;
      const regex = oracle(source);
      expect(globMatch(glob, input), `${source} ~ ${input}`).toBe(regex.test(input));
      expect(globCanMatchPrefix(glob, input), `${source} reaches past ${input}`).toBe(tails.some((tail) => regex.test(input + tail)));
    }
  });
});
