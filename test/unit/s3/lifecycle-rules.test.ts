// Which objects a rule matches, when they expire (S3 rounds up to midnight UTC), and x-amz-expiration.
import { describe, expect, it } from 'vitest';
import type { LifecycleRule } from '../../../src/s3/lifecycle.js';
import { currentExpiry, expirationHeader, expiryAfterDays, mayExpire, ruleMatches } from '../../../src/s3/lifecycle-rules.js';

const base = { status: 'Enabled' as const, transitions: [], noncurrentTransitions: [] };
const r = (over: Partial<LifecycleRule>): LifecycleRule => ({ id: 'r', ...base, filter: {}, ...over });

describe('expiryAfterDays', () => {
  it('adds the days and rounds up to the next midnight UTC, as S3 documents', () => {
    expect(expiryAfterDays(Date.parse('2014-01-15T10:30:00Z'), 3).toISOString()).toBe('2014-01-19T00:00:00.000Z');
    expect(expiryAfterDays(Date.parse('2014-01-15T23:59:59Z'), 1).toISOString()).toBe('2014-01-17T00:00:00.000Z');
    expect(expiryAfterDays(Date.parse('2014-01-15T00:00:00Z'), 1).toISOString()).toBe('2014-01-16T00:00:00.000Z');
  });
});

describe('ruleMatches', () => {
  it('matches prefixes, strict sizes and every tag of an And; never a disabled rule', () => {
    const rule = r({ filter: { and: { prefix: 'logs/', tags: [{ key: 'a', value: '1' }], sizeGreaterThan: 10, sizeLessThan: 100 } } });
    const tags = new Map([['a', '1'], ['b', '2']]);
    expect(ruleMatches(rule, { key: 'logs/x', size: 50, tags })).toBe(true);
    expect(ruleMatches(rule, { key: 'other/x', size: 50, tags })).toBe(false);
    expect(ruleMatches(rule, { key: 'logs/x', size: 10, tags })).toBe(false);
    expect(ruleMatches(rule, { key: 'logs/x', size: 100, tags })).toBe(false);
    expect(ruleMatches(rule, { key: 'logs/x', size: 50, tags: new Map([['a', '2']]) })).toBe(false);
    // Unknown size or tags: a filter on them does not match.
    expect(ruleMatches(rule, { key: 'logs/x', tags })).toBe(false);
    expect(ruleMatches(rule, { key: 'logs/x', size: 50 })).toBe(false);
    expect(ruleMatches(r({ prefix: 'tmp/' }), { key: 'tmp/a' })).toBe(true);
    expect(ruleMatches(r({ status: 'Disabled' }), { key: 'a' })).toBe(false);
  });
});

describe('currentExpiry and x-amz-expiration', () => {
  it('takes the earliest of the matching rules, Days or Date', () => {
    const created = Date.parse('2026-03-10T08:00:00Z');
    const rules = [
      r({ id: 'long', expiration: { days: 30 } }),
      r({ id: 'date', filter: { prefix: 'a/' }, expiration: { date: '2026-03-20T00:00:00.000Z' } }),
      r({ id: 'marker', expiration: { expiredObjectDeleteMarker: true } }),
    ];
    expect(currentExpiry(rules, { key: 'a/x' }, created)).toEqual({ date: new Date('2026-03-20T00:00:00Z'), ruleId: 'date' });
    expect(currentExpiry(rules, { key: 'b/x' }, created)).toEqual({ date: new Date('2026-04-10T00:00:00Z'), ruleId: 'long' });
    expect(currentExpiry([rules[2]!], { key: 'b/x' }, created)).toBeUndefined();
    expect(mayExpire([rules[1]!], 'b/x')).toBe(false);
    expect(mayExpire(rules, 'b/x')).toBe(true);
  });

  it('formats the header as S3 does', () => {
    expect(expirationHeader({ date: new Date('2012-12-23T00:00:00Z'), ruleId: 'picture-deletion-rule' })).toBe('expiry-date="Sun, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"');
    expect(expirationHeader({ date: new Date('2012-12-23T00:00:00Z'), ruleId: 'say "hi"\n' })).toBe('expiry-date="Sun, 23 Dec 2012 00:00:00 GMT", rule-id="say \\"hi\\"?"');
  });
});
