// The Object Lock request documents: ObjectLockConfiguration, Retention and
// LegalHold, parsed as S3 does (MalformedXML for what its schema refuses,
// InvalidArgument for values it refuses).
import { describe, expect, it } from 'vitest';
import { isS3Error } from '../../../../src/s3/errors.js';
import { parseObjectLockConfiguration } from '../../../../src/operations/lock/configuration.js';
import { parseLegalHold } from '../../../../src/operations/lock/legal-hold.js';
import { parseRetention } from '../../../../src/operations/lock/retention.js';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (isS3Error(err) ? err.code : String(err)));
const config = (rule: string) => `<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled>${rule}</ObjectLockConfiguration>`;

describe('parseObjectLockConfiguration', () => {
  it('reads Enabled alone, or with a default of Days or Years', async () => {
    expect(await parseObjectLockConfiguration(config(''))).toBeUndefined();
    expect(await parseObjectLockConfiguration(config('<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>30</Days></DefaultRetention></Rule>'))).toEqual({ mode: 'GOVERNANCE', days: 30 });
    expect(await parseObjectLockConfiguration(config('<Rule><DefaultRetention><Years>7</Years><Mode>COMPLIANCE</Mode></DefaultRetention></Rule>'))).toEqual({ mode: 'COMPLIANCE', years: 7 });
  });

  it('refuses Days with Years, no period, a bad mode, a missing ObjectLockEnabled (MalformedXML) and periods out of range (InvalidArgument)', async () => {
    const rule = (r: string) => codeOf(parseObjectLockConfiguration(config(`<Rule><DefaultRetention>${r}</DefaultRetention></Rule>`)));
    expect(await rule('<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>')).toBe('MalformedXML');
    expect(await rule('<Mode>GOVERNANCE</Mode>')).toBe('MalformedXML');
    expect(await rule('<Mode>governance</Mode><Days>1</Days>')).toBe('MalformedXML');
    expect(await rule('<Days>1</Days>')).toBe('MalformedXML');
    expect(await rule('<Mode>GOVERNANCE</Mode><Days>0</Days>')).toBe('InvalidArgument');
    expect(await rule('<Mode>GOVERNANCE</Mode><Days>-3</Days>')).toBe('InvalidArgument');
    expect(await rule('<Mode>GOVERNANCE</Mode><Years>101</Years>')).toBe('InvalidArgument');
    expect(await rule('<Mode>GOVERNANCE</Mode><Days>1.5</Days>')).toBe('MalformedXML');
    expect(await codeOf(parseObjectLockConfiguration(`<ObjectLockConfiguration ${NS}/>`))).toBe('MalformedXML');
    expect(await codeOf(parseObjectLockConfiguration(`<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>`))).toBe('MalformedXML');
    expect(await codeOf(parseObjectLockConfiguration(''))).toBe('MalformedXML');
    expect(await codeOf(parseObjectLockConfiguration('<ObjectLockConfiguration>'))).toBe('MalformedXML');
  });
});

describe('parseRetention', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  it('reads a mode and date, or neither (the retention removed)', async () => {
    expect(await parseRetention(`<Retention ${NS}><Mode>COMPLIANCE</Mode><RetainUntilDate>2199-01-01T00:00:00.000Z</RetainUntilDate></Retention>`, now))
      .toEqual({ mode: 'COMPLIANCE', until: new Date('2199-01-01T00:00:00Z') });
    expect(await parseRetention(`<Retention ${NS}/>`, now)).toBeNull();
  });

  it('refuses half a retention or a bad mode (MalformedXML), and a past or malformed date (InvalidArgument)', async () => {
    expect(await codeOf(parseRetention('<Retention><Mode>GOVERNANCE</Mode></Retention>', now))).toBe('MalformedXML');
    expect(await codeOf(parseRetention('<Retention><Mode>NONE</Mode><RetainUntilDate>2199-01-01T00:00:00Z</RetainUntilDate></Retention>', now))).toBe('MalformedXML');
    expect(await codeOf(parseRetention('<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2020-01-01T00:00:00Z</RetainUntilDate></Retention>', now))).toBe('InvalidArgument');
    expect(await codeOf(parseRetention('<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>soon</RetainUntilDate></Retention>', now))).toBe('InvalidArgument');
  });
});

describe('parseLegalHold', () => {
  it('reads ON and OFF; anything else is MalformedXML', async () => {
    expect(await parseLegalHold(`<LegalHold ${NS}><Status>ON</Status></LegalHold>`)).toBe(true);
    expect(await parseLegalHold('<LegalHold><Status>OFF</Status></LegalHold>')).toBe(false);
    expect(await codeOf(parseLegalHold('<LegalHold><Status>on</Status></LegalHold>'))).toBe('MalformedXML');
    expect(await codeOf(parseLegalHold('<LegalHold/>'))).toBe('MalformedXML');
  });
});
