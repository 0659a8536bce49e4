// DeleteObjects' pure parts: the request document, the digest rule, the answer.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkContentMd5 } from '../../../../src/operations/common/body.js';
import { parseDeleteBody } from '../../../../src/operations/object/delete-objects.js';
import { deleteResult } from '../../../../src/s3/results.js';
import { s3Error } from '../../../../src/s3/errors.js';

const codeOf = async (fn: () => unknown): Promise<string | undefined> => {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('parseDeleteBody', () => {
  it('reads keys, version ids and Quiet, with entities and character references decoded', async () => {
    const parsed = await parseDeleteBody('<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>'
      + '<Object><Key> a&amp;b </Key></Object><Object><Key>caf&#233;</Key><VersionId>null</VersionId></Object></Delete>');
    expect(parsed).toEqual({ quiet: true, objects: [{ key: ' a&b ', versionId: undefined }, { key: 'café', versionId: 'null' }] });
  });

  it('treats one Object as a list and Quiet as false by default', async () => {
    expect(await parseDeleteBody('<Delete><Object><Key>k</Key></Object></Delete>')).toEqual({ quiet: false, objects: [{ key: 'k', versionId: undefined }] });
  });

  it('answers MalformedXML for no objects, over 1000, a missing key, a bad Quiet, another root, a DOCTYPE, or over 10,000 elements', async () => {
    const many = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`;
    for (const body of ['<Delete></Delete>', many, '<Delete><Object><VersionId>1</VersionId></Object></Delete>',
      '<Delete><Quiet>yes</Quiet><Object><Key>k</Key></Object></Delete>', '<Remove><Object><Key>k</Key></Object></Remove>',
      '<!DOCTYPE x [<!ENTITY e "k">]><Delete><Object><Key>&e;</Key></Object></Delete>',
      `<Delete><Object><Key>k</Key></Object>${'<a/>'.repeat(10_000)}</Delete>`]) {
      expect(await codeOf(() => parseDeleteBody(body)), body.slice(0, 60)).toBe('MalformedXML');
    }
  });
});

describe('checkContentMd5', () => {
  const bodyMd5 = createHash('md5').update('<Delete/>').digest('hex');
  const md5 = Buffer.from(bodyMd5, 'hex').toString('base64');
  it('requires Content-MD5 unless a flexible checksum (verified by the pipeline) came with the body', async () => {
    expect(await codeOf(() => checkContentMd5({}, bodyMd5, { required: true }))).toBe('InvalidRequest');
    expect(await codeOf(() => checkContentMd5({}, bodyMd5, { required: false }))).toBeUndefined();
    expect(await codeOf(() => checkContentMd5({ 'content-md5': md5 }, bodyMd5, { required: true }))).toBeUndefined();
    expect(await codeOf(() => checkContentMd5({ 'content-md5': createHash('md5').update('x').digest('base64') }, bodyMd5, { required: false }))).toBe('BadDigest');
  });
});

describe('deleteResult', () => {
  const err = s3Error('NoSuchVersion');
  const outcomes = [
    { key: 'a' },
    { key: 'b', versionId: 'v1', error: { code: err.code, message: err.message } },
  ];
  it('lists Deleted and Error entries, and only errors when quiet', () => {
    expect(deleteResult(outcomes, false).doc).toEqual({
      Deleted: [{ Key: 'a' }],
      Error: [{ Key: 'b', VersionId: 'v1', Code: 'NoSuchVersion', Message: 'The specified version does not exist.' }],
    });
    expect(deleteResult(outcomes, true).doc['Deleted']).toEqual([]);
  });
});
