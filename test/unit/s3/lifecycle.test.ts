// The LifecycleConfiguration document: what S3 accepts, what it refuses and with which code, and the round trip.
import { describe, expect, it } from 'vitest';
import { parseLifecycleConfiguration, parseTransitionMinimumSize, type LifecycleRule } from '../../../src/s3/lifecycle.js';
import { lifecycleDocument } from '../../../src/s3/lifecycle-document.js';
import { toXml } from '../../../src/s3/xml.js';

const doc = (...rules: string[]) => `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</LifecycleConfiguration>`;
const rule = (actions: string, filter = '<Filter><Prefix>logs/</Prefix></Filter>', id = '<ID>r</ID>', status = 'Enabled') => `<Rule>${id}${filter}<Status>${status}</Status>${actions}</Rule>`;
const days = (n: number | string) => `<Expiration><Days>${n}</Days></Expiration>`;
const parse = async (body: string, header?: string) => parseLifecycleConfiguration(body, header);
const code = async (body: string, header?: string) => parse(body, header).then(() => 'accepted', (err: { code?: string }) => err.code);

describe('parseLifecycleConfiguration', () => {
  it('reads every action and filter form', async () => {
    const config = await parse(doc(
      rule(days(30) + '<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>10</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>'),
      rule('<NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>'
        + '<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER_IR</StorageClass></NoncurrentVersionTransition>',
      '<Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan><ObjectSizeLessThan>50</ObjectSizeLessThan></And></Filter>', '<ID>and</ID>'),
      rule('<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>', '<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>', '<ID>date</ID>'),
      rule('<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>', '<Prefix>tmp/</Prefix>', '<ID>legacy</ID>', 'Disabled'),
      rule(days(1), '<Filter></Filter>', '<ID>all</ID>'),
    ));
    expect(config.transitionMinimumSize).toBe('all_storage_classes_128K');
    const [first, and, date, legacy, all] = config.rules as LifecycleRule[];
    expect(first).toEqual({ id: 'r', status: 'Enabled', filter: { prefix: 'logs/' }, expiration: { days: 30 }, transitions: [{ days: 0, storageClass: 'GLACIER' }, { days: 10, storageClass: 'DEEP_ARCHIVE' }], noncurrentTransitions: [] });
    expect(and!.filter).toEqual({ and: { prefix: 'p/', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], sizeGreaterThan: 5, sizeLessThan: 50 } });
    expect(and!.noncurrentExpiration).toEqual({ noncurrentDays: 5, newerNoncurrentVersions: 3 });
    expect(and!.noncurrentTransitions).toEqual([{ noncurrentDays: 1, storageClass: 'GLACIER_IR' }]);
    expect(date!.expiration).toEqual({ date: '2030-01-01T00:00:00.000Z' });
    expect(date!.filter).toEqual({ tag: { key: 'k', value: 'v' } });
    expect(legacy).toMatchObject({ prefix: 'tmp/', status: 'Disabled', abortIncomplete: { daysAfterInitiation: 7 }, expiration: { expiredObjectDeleteMarker: true } });
    expect(all!.filter).toEqual({});
  });

  it('names a rule sent without an ID, and keeps the transition minimum size header', async () => {
    const config = await parse(doc(rule(days(1), undefined, '')), 'varies_by_storage_class');
    expect(config.rules[0]!.id).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(config.transitionMinimumSize).toBe('varies_by_storage_class');
    expect(() => parseTransitionMinimumSize('tiny')).toThrow(/all_storage_classes_128K/);
  });

  const refusals: [string, string][] = [
    ['no rules', doc()],
    ['1001 rules', doc(...Array.from({ length: 1001 }, (_, i) => rule(days(1), undefined, `<ID>r${i}</ID>`)))],
    ['not XML', '<LifecycleConfiguration><Rule>'],
    ['another root', '<CORSConfiguration/>'],
    ['unknown element', doc(rule(days(1) + '<Colour>red</Colour>'))],
    ['bad status', doc(rule(days(1), undefined, undefined, 'On'))],
    ['Filter and Prefix', doc(rule(days(1), '<Prefix>a</Prefix><Filter><Prefix>a</Prefix></Filter>'))],
    ['neither Filter nor Prefix', doc(rule(days(1), ''))],
    ['two predicates without And', doc(rule(days(1), '<Filter><Prefix>a</Prefix><ObjectSizeLessThan>4</ObjectSizeLessThan></Filter>'))],
    ['two tags without And', doc(rule(days(1), '<Filter><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>1</Value></Tag></Filter>'))],
    ['Days and Date', doc(rule('<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>'))],
    ['ExpiredObjectDeleteMarker with Days', doc(rule('<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>'))],
    ['empty Expiration', doc(rule('<Expiration></Expiration>'))],
    ['Days not a number', doc(rule(days('soon')))],
    ['unknown storage class', doc(rule('<Transition><Days>1</Days><StorageClass>FAST</StorageClass></Transition>'))],
    ['Transition without Days or Date', doc(rule('<Transition><StorageClass>GLACIER</StorageClass></Transition>'))],
  ];
  it.each(refusals)('refuses %s as MalformedXML', async (_name, body) => {
    expect(await code(body)).toBe('MalformedXML');
  });

  const invalidArguments: [string, string][] = [
    ['Days 0', doc(rule(days(0)))],
    ['negative Days', doc(rule(days(-3)))],
    ['a Date not at midnight', doc(rule('<Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>'))],
    ['an ID over 255 characters', doc(rule(days(1), undefined, `<ID>${'x'.repeat(256)}</ID>`))],
    ['duplicate IDs', doc(rule(days(1)), rule(days(2)))],
    ['NoncurrentDays 0', doc(rule('<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>'))],
    ['NewerNoncurrentVersions 101', doc(rule('<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>'))],
    ['DaysAfterInitiation 0', doc(rule('<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>'))],
    ['STANDARD_IA before 30 days', doc(rule('<Transition><Days>29</Days><StorageClass>STANDARD_IA</StorageClass></Transition>'))],
    ['the same class twice', doc(rule('<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>2</Days><StorageClass>GLACIER</StorageClass></Transition>'))],
    ['Days and Date transitions mixed', doc(rule('<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>'))],
    ['expiry before the transition', doc(rule(days(10) + '<Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>'))],
    ['size bounds the wrong way', doc(rule(days(1), '<Filter><And><ObjectSizeGreaterThan>50</ObjectSizeGreaterThan><ObjectSizeLessThan>50</ObjectSizeLessThan></And></Filter>'))],
  ];
  it.each(invalidArguments)('refuses %s as InvalidArgument', async (_name, body) => {
    expect(await code(body)).toBe('InvalidArgument');
  });

  const invalidRequests: [string, string][] = [
    ['a rule without actions', doc(rule(''))],
    ['ExpiredObjectDeleteMarker with a Tag filter', doc(rule('<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>', '<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>'))],
    ['AbortIncompleteMultipartUpload with tags', doc(rule('<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>', '<Filter><And><Prefix>a</Prefix><Tag><Key>a</Key><Value>b</Value></Tag></And></Filter>'))],
    ['duplicate tag keys', doc(rule(days(1), '<Filter><And><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></And></Filter>'))],
  ];
  it.each(invalidRequests)('refuses %s as InvalidRequest', async (_name, body) => {
    expect(await code(body)).toBe('InvalidRequest');
  });

  it('renders what it parsed, and that parses back to the same rules', async () => {
    const body = doc(
      rule(days(30) + '<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition>'),
      rule('<NoncurrentVersionExpiration><NoncurrentDays>5</NoncurrentDays></NoncurrentVersionExpiration>', '<Filter><And><Prefix>p/</Prefix><Tag><Key>a</Key><Value>1</Value></Tag></And></Filter>', '<ID>and</ID>'),
      rule('<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>', '<Prefix>tmp/</Prefix>', '<ID>legacy</ID>'),
    );
    const config = await parse(body);
    const rendered = lifecycleDocument(config);
    const text = toXml(rendered.root, rendered.doc, 'http://s3.amazonaws.com/doc/2006-03-01/');
    expect(text).toContain('<Rule><ID>legacy</ID><Prefix>tmp/</Prefix><Status>Enabled</Status>');
    expect((await parse(text)).rules).toEqual(config.rules);
  });
});
