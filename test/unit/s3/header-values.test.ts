import { describe, expect, it } from 'vitest';
import { responseOverrides } from '../../../src/operations/object/read.js';
import { metadataFromSwift } from '../../../src/operations/common/metadata.js';
import { headerValueFromBytes, headerValueFromText, isSendableHeaderName } from '../../../src/s3/header-values.js';
import { s3ErrorOf } from '../../helpers/s3-error.js';

describe('header values', () => {
  it('refuses control characters but tab, in text and in bytes', () => {
    for (const bad of ['a\nb', 'a\rb', '\x00', 'x\x7f', '\x1b[0m']) {
      expect(headerValueFromText(bad)).toBeUndefined();
      expect(headerValueFromBytes(bad)).toBeUndefined();
    }
    expect(headerValueFromText('a\tb')).toBe('a\tb');
  });

  it('sends non-ASCII text as its UTF-8 bytes, and Swift\'s bytes only when they are UTF-8', () => {
    expect(headerValueFromText('ü')).toBe('\xc3\xbc');
    expect(headerValueFromBytes('\xc3\xbc')).toBe('\xc3\xbc');
    expect(headerValueFromBytes('\xfc')).toBeUndefined();
  });

  it('knows a header name from what is not one', () => {
    expect(isSendableHeaderName('x-amz-meta-ok_1')).toBe(true);
    expect(isSendableHeaderName('x-amz-meta-a=b')).toBe(false);
    expect(isSendableHeaderName('x-amz-meta-a b')).toBe(false);
  });
});

describe('GetObject\'s response-* overrides', () => {
  it('are InvalidArgument when a value cannot be a header, naming the parameter', () => {
    const err = s3ErrorOf(() => responseOverrides(new Map([['response-expires', '\n']])));
    expect(err.code).toBe('InvalidArgument');
    expect(err.details['ArgumentName']).toBe('response-expires');
    expect(responseOverrides(new Map([['response-content-type', 'text/plain'], ['other', 'x']]))).toEqual({ 'content-type': 'text/plain' });
  });
});

describe('metadata that cannot be sent', () => {
  it('is left out, the rest kept', () => {
    expect(metadataFromSwift({ 'x-object-meta-a%3db': 'v', 'x-object-meta-fine': 'ok', 'x-object-meta-bad-value': '\xfc' })).toEqual({ 'x-amz-meta-fine': 'ok' });
  });
});
