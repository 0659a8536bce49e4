// S3's tag-set rules, the x-amz-tagging header form and the Tagging document.
import { describe, expect, it } from 'vitest';
import { isS3Error } from '../../../src/s3/errors.js';
import {
  checkTagSet, decodeTagQuery, encodeTagQuery, parseTaggingDocument, parseTaggingHeader, taggingDocument,
} from '../../../src/s3/tagging.js';
import { toXml } from '../../../src/s3/xml.js';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isS3Error(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an S3 error');
}

async function asyncErrorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isS3Error(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an S3 error');
}

const doc = (tags: string) => `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${tags}</TagSet></Tagging>`;
const tag = (k: string, v: string) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`;

describe('checkTagSet', () => {
  it('counts Unicode characters, not bytes or UTF-16 units: 128 and 256 pass, one more is InvalidTag', () => {
    const key = '𝒜'.repeat(0) + '키'.repeat(128);
    expect(checkTagSet([[key, '값'.repeat(256)]], 'object').get(key)).toBe('값'.repeat(256));
    // A letter outside the BMP is two UTF-16 units but one character.
    expect(checkTagSet([['𝒜'.repeat(128), '']], 'object').size).toBe(1);
    expect(errorOf(() => checkTagSet([['k'.repeat(129), '']], 'object'))).toEqual({ code: 'InvalidTag', message: 'The TagKey you have provided is too long, max 128' });
    expect(errorOf(() => checkTagSet([['k', 'v'.repeat(257)]], 'object'))).toEqual({ code: 'InvalidTag', message: 'The TagValue you have provided is too long, max 256' });
  });

  it('allows letters, numbers, spaces and + - = . _ : / @; refuses other characters and an empty key', () => {
    expect(checkTagSet([['a b+c-d=e.f_g:h/i@j', 'Ünïcödé 123 ٣']], 'object').size).toBe(1);
    for (const bad of ['a*b', 'a;b', 'a\nb', 'a#b', '😀']) {
      expect(errorOf(() => checkTagSet([[bad, 'v']], 'object')).message).toBe('The TagKey you have provided is invalid');
      expect(errorOf(() => checkTagSet([['k', bad]], 'object')).message).toBe('The TagValue you have provided is invalid');
    }
    expect(errorOf(() => checkTagSet([['', 'v']], 'object')).message).toBe('The TagKey you have provided is invalid');
  });

  it('refuses aws: keys (any case) and duplicate keys', () => {
    expect(errorOf(() => checkTagSet([['AWS:x', 'v']], 'object'))).toEqual({ code: 'InvalidTag', message: 'Your TagKey cannot be prefixed with aws:' });
    expect(checkTagSet([['k', 'aws:fine-in-a-value']], 'object').size).toBe(1);
    expect(errorOf(() => checkTagSet([['k', '1'], ['k', '2']], 'object'))).toEqual({ code: 'InvalidTag', message: 'Cannot provide multiple Tags with the same key' });
  });

  it('10 tags per object and 50 per bucket; more is BadRequest with S3\'s message', () => {
    const n = (count: number) => Array.from({ length: count }, (_, i): [string, string] => [`k${i}`, 'v']);
    expect(checkTagSet(n(10), 'object').size).toBe(10);
    expect(errorOf(() => checkTagSet(n(11), 'object'))).toEqual({ code: 'BadRequest', message: 'Object tags cannot be greater than 10' });
    expect(checkTagSet(n(50), 'bucket').size).toBe(50);
    expect(errorOf(() => checkTagSet(n(51), 'bucket'))).toEqual({ code: 'BadRequest', message: 'Bucket tag count cannot be greater than 50' });
  });
});

describe('x-amz-tagging', () => {
  it('parses URL-query encoding: percent escapes as UTF-8, + as a space, a key without = has an empty value', () => {
    expect([...parseTaggingHeader('a=1&b=x%20y&c=%ED%82%A4+z&d&e=')]).toEqual([['a', '1'], ['b', 'x y'], ['c', '키 z'], ['d', ''], ['e', '']]);
    expect(parseTaggingHeader('').size).toBe(0);
  });

  it('a duplicate key or a broken escape is InvalidArgument with S3\'s message', () => {
    const message = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";
    expect(errorOf(() => parseTaggingHeader('a=1&a=2'))).toEqual({ code: 'InvalidArgument', message });
    expect(errorOf(() => parseTaggingHeader('a=%E0%A4'))).toEqual({ code: 'InvalidArgument', message });
  });

  it('the stored form round-trips every legal tag, in ASCII', () => {
    const tags = new Map([['키 +=/', '값 @:.'], ['k', '']]);
    const text = encodeTagQuery(tags);
    expect(/^[\x21-\x7e]*$/.test(text)).toBe(true);
    expect(decodeTagQuery(text)).toEqual(tags);
    expect(parseTaggingHeader(text)).toEqual(tags);
  });
});

describe('the Tagging document', () => {
  it('parses tags in order, values kept exactly (spaces too), an empty TagSet as none', async () => {
    expect([...(await parseTaggingDocument(doc(tag('a', ' x ') + tag('b', '') + '<Tag><Key>c</Key><Value/></Tag>'), 'object'))]).toEqual([['a', ' x '], ['b', ''], ['c', '']]);
    expect((await parseTaggingDocument(doc(''), 'object')).size).toBe(0);
    expect((await parseTaggingDocument('<Tagging><TagSet/></Tagging>', 'bucket')).size).toBe(0);
  });

  it('MalformedXML for what is not a Tagging document: no TagSet, a Tag without Key or Value, not XML', async () => {
    for (const body of ['<Tagging/>', '<Other><TagSet/></Other>', doc('<Tag><Key>k</Key></Tag>'), doc('<Tag><Value>v</Value></Tag>'), '<Tagging><TagSet>', 'not xml', '']) {
      expect((await asyncErrorOf(parseTaggingDocument(body, 'object'))).code, body).toBe('MalformedXML');
    }
  });

  it('applies the tag rules after parsing', async () => {
    expect((await asyncErrorOf(parseTaggingDocument(doc(tag('a', '1') + tag('a', '2')), 'object'))).code).toBe('InvalidTag');
    expect((await asyncErrorOf(parseTaggingDocument(doc(tag('aws:k', '1')), 'bucket'))).code).toBe('InvalidTag');
  });

  it('renders the GetObjectTagging answer, escaping text', () => {
    const xml = taggingDocument(new Map([['a&b', '<v>'], ['c', '']]));
    expect(toXml(xml.root, xml.doc)).toContain('<Tagging><TagSet><Tag><Key>a&amp;b</Key><Value>&lt;v&gt;</Value></Tag><Tag><Key>c</Key><Value></Value></Tag></TagSet></Tagging>');
    const empty = taggingDocument(new Map());
    expect(toXml(empty.root, empty.doc)).toContain('<TagSet></TagSet>');
  });
});
