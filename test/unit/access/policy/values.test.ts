import { describe, expect, it } from 'vitest';
import { parseDate, parseNumber } from '../../../../src/access/policy/values.js';

describe('numbers of the Numeric operators', () => {
  it.each([['10', 10], ['-2.5', -2.5], ['+3', 3], ['1e3', 1000], ['.5', 0.5], ['0', 0], ['007', 7]])('reads %j as %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });
  it.each(['', ' 1', '0x10', '1,000', 'ten', 'Infinity', 'NaN', '1e999', '1.2.3'])('refuses %j', (text) => {
    expect(parseNumber(text)).toBeUndefined();
  });
});

describe('dates of the Date operators', () => {
  it.each([
    ['2020-01-01T00:00:00Z', Date.UTC(2020, 0, 1)],
    ['2020-01-01T00:00:01Z', Date.UTC(2020, 0, 1, 0, 0, 1)],
    ['2013-06-30T00:00:00.123Z', Date.UTC(2013, 5, 30, 0, 0, 0, 123)],
    ['2013-06-30T02:00:00+02:00', Date.UTC(2013, 5, 30)],
    ['2013-06-29T19:00-05:00', Date.UTC(2013, 5, 30)],
    ['2013-06-30', Date.UTC(2013, 5, 30)],
    ['2013-06', Date.UTC(2013, 5, 1)],
    ['2013-06-30T12:34', Date.UTC(2013, 5, 30, 12, 34)],
    ['1672531200', Date.UTC(2023, 0, 1)],
    ['0', 0],
  ])('reads %j (ISO 8601 or epoch seconds)', (text, ms) => {
    expect(parseDate(text)).toBe(ms);
  });
  it.each(['', 'yesterday', '2020-13-01', '2021-02-30', '2020-01-01T25:00:00Z', '2020-01-01T00:00:00+24:00', '2020/01/01', '2020-1-1'])('refuses %j', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });
});
