// The S3 error document.
import { describe, expect, it } from 'vitest';
import { DIALECTS, errorStatus } from '../../../src/s3/dialect.js';
import { ERRORS, s3Error } from '../../../src/s3/errors.js';
import { errorDocument } from '../../../src/s3/render.js';
import { parseXml } from '../../../src/s3/xml.js';

async function parsedError(xml: string): Promise<Record<string, unknown>> {
  return ((await parseXml(xml)) as { Error: Record<string, unknown> }).Error;
}

describe('errorDocument', () => {
  it('has Code, Message, Resource and RequestId', async () => {
    const xml = errorDocument(s3Error('NoSuchKey', { Key: 'photos/puppy.jpg' }), '/johnsmith/photos/puppy.jpg', 'tx123');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(await parsedError(xml)).toEqual({
      Code: 'NoSuchKey',
      Message: ERRORS.NoSuchKey.message,
      Key: 'photos/puppy.jpg',
      Resource: '/johnsmith/photos/puppy.jpg',
      RequestId: 'tx123',
    });
  });

  it('puts Code first and Resource, RequestId last', () => {
    const xml = errorDocument(s3Error('NoSuchBucket', { BucketName: 'b' }), '/b', 'tx1');
    const at = (tag: string) => xml.indexOf(`<${tag}>`);
    expect(at('Code')).toBeLessThan(at('Message'));
    expect(at('Message')).toBeLessThan(at('BucketName'));
    expect(at('BucketName')).toBeLessThan(at('Resource'));
    expect(at('Resource')).toBeLessThan(at('RequestId'));
  });

  it('uses an overriding message and leaves out undefined details', async () => {
    const xml = errorDocument(s3Error('AccessDenied', { Extra: undefined }, 'Request has expired'), '/b/k', 'tx2');
    const err = await parsedError(xml);
    expect(err.Message).toBe('Request has expired');
    expect(err).not.toHaveProperty('Extra');
  });

  it('escapes a StringToSign with newlines and markup so the document stays well-formed', async () => {
    const toSign = 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/<a>&b';
    const xml = errorDocument(s3Error('SignatureDoesNotMatch', { StringToSign: toSign, AWSAccessKeyId: 'AK' }), '/b/<a>&b', 'tx3');
    const err = await parsedError(xml);
    expect(err.StringToSign).toBe(toSign);
    expect(err.Resource).toBe('/b/<a>&b');
    expect(err.Code).toBe('SignatureDoesNotMatch');
  });

  it('has no namespace on the Error root, as S3 sends it', () => {
    expect(errorDocument(s3Error('InternalError'), '/', 'tx')).toContain('<Error><Code>');
  });
});

describe('error status per dialect', () => {
  it('answers 403 errors as 401 in the ucloud dialect and 403 in the aws dialect', () => {
    expect(errorStatus(DIALECTS.ucloud, 403)).toBe(401);
    expect(errorStatus(DIALECTS.aws, 403)).toBe(403);
  });

  it('keeps every other status', () => {
    for (const status of [400, 404, 405, 409, 411, 412, 416, 500, 501, 503]) {
      expect(errorStatus(DIALECTS.ucloud, status)).toBe(status);
      expect(errorStatus(DIALECTS.aws, status)).toBe(status);
    }
  });

  it('gives each S3 error its status and standard message', () => {
    const err = s3Error('MissingContentLength');
    expect(err.status).toBe(411);
    expect(err.message).toBe(ERRORS.MissingContentLength.message);
    expect(s3Error('RequestTimeTooSkewed').status).toBe(403);
    expect(s3Error('MethodNotAllowed').status).toBe(405);
  });
});
